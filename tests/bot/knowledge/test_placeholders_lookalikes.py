"""The loader's checks of contact placeholders in step texts and of the legitimate look-alikes (each problem with
file and line), and the look-alike and red-flag lookups."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, LookAlike, Problem, load_knowledge
from bot.knowledge.placeholders import NAMES, placeholders, text_problems
from bot.shared.labels import ScamType

INV = "scams/investment.yml"
LOOK = "lookalikes.yml"
STOP = '{zh: "investment 马上挂断。", en: "investment: hang up now."}'


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    return caught.value.problems


def line_of(path: Path, needle: str) -> int:
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, lines
    return lines[0]


def test_known_placeholders_load(kb_dir: Path) -> None:
    step = "{police_here} {police_there} {non_emergency_here} {report_here} {bank_here} {consular} {hotline:cn_96110}"
    edit(kb_dir, INV, STOP, f'{{zh: "打 {step}。", en: "call {step}."}}')
    kb = load_knowledge(kb_dir)
    texts = kb.scam(ScamType.INVESTMENT).if_happening_now[0]
    assert len(placeholders(texts.en)) == len(NAMES) + 1


@pytest.mark.parametrize(
    ("zh", "en", "message"),
    [
        ("打{police_now}", "call {police_now}", r"unknown placeholder \{police_now\}"),
        ("打{hotline:gb_999}", "call {hotline:gb_999}", r"unknown hotline id 'gb_999'"),
        ("打{hotline}", "call {hotline}", r"\{hotline\} needs a contact id"),
        ("打{police_here", "call {police_here", r"brace that is not part of a placeholder"),
        ("打{police_here}", "call {report_here}", r"zh and en use different placeholders"),
        ("打{police_here}", "call nobody", r"zh and en use different placeholders"),
    ],
)
def test_placeholder_problems_are_reported_with_line(kb_dir: Path, zh: str, en: str, message: str) -> None:
    edit(kb_dir, INV, STOP, f'{{zh: "{zh}", en: "{en}"}}')
    problems = problems_of(kb_dir)
    matching = [p for p in problems if re.search(message, p.message)]
    assert matching, [str(p) for p in problems]
    assert {(Path(p.file).name, p.line) for p in matching} == {("investment.yml", line_of(kb_dir / INV, en))}
    assert "if_happening_now[0]" in matching[0].message


def test_placeholder_outside_the_steps_is_a_problem(kb_dir: Path) -> None:
    edit(kb_dir, INV, '"Summary of investment."', '"Summary of investment: call {police_here}."')
    problems = problems_of(kb_dir)
    assert [p.line for p in problems] == [line_of(kb_dir / INV, "Summary of investment")]
    assert "only allowed in prevention, if_happening_now and after_loss" in problems[0].message


def test_text_problems_accepts_plain_text_and_regex_braces() -> None:
    assert text_problems("call {police_here} now", ()) == []
    assert text_problems("no placeholder here", ()) == []
    assert text_problems("{hotline:cn_96110}", {"cn_96110"}) == []
    assert text_problems("{Police_here}", ()) != []


# --------------------------------------------------------------------------------------------------------------
# look-alikes


def test_lookalikes_load_in_file_order(kb_dir: Path) -> None:
    kb = load_knowledge(kb_dir)
    assert [entry.id for entry in kb.lookalikes] == ["pickup_code", "general"]
    assert kb.lookalike("general").urgent_note is None
    assert kb.find_lookalike("您的取件码是 1234") is kb.lookalike("pickup_code")
    assert kb.find_lookalike("Your PICKUP CODE is 1234") is kb.lookalike("pickup_code")
    assert kb.find_lookalike("hello") is None
    with pytest.raises(KeyError):
        kb.lookalike("nope")
    assert kb.lookalike("pickup_code").find("your pickup code: 5") == "pickup code"


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("  - id: general\n", "  - id: ordinary\n", "lookalikes:", r"no entry 'general'"),
        ('      en: ["pickup code"]\n', "", '["取件码"]', r"missing en cues"),
        ('["pickup code"]', '["pickup (code"]', "pickup (code", r"invalid regex"),
        ('check: {zh: "在快递App里查。"', 'check: {zh: "打{police_here}"', "打{police_here}", r"not rendered here"),
        ("    urgent_note: null\n", "    urgent_note: {zh: x}\n", "urgent_note", r"missing en translation"),
        (
            '    genuine_signs:\n      - {zh: "没有要钱。"',
            '    signs:\n      - {zh: "没有要钱。"',
            "    signs:",
            r"unknown key",
        ),
    ],
)
def test_lookalike_problems_are_reported_with_line(kb_dir: Path, old: str, new: str, needle: str, message: str) -> None:
    edit(kb_dir, LOOK, old, new)
    problems = problems_of(kb_dir)
    matching = [p for p in problems if re.search(message, p.message)]
    assert matching, [str(p) for p in problems]
    assert any(p.line == line_of(kb_dir / LOOK, needle) for p in matching), [str(p) for p in problems]


def test_duplicate_lookalike_id(kb_dir: Path) -> None:
    text = (kb_dir / LOOK).read_text(encoding="utf-8")
    first = text[len("lookalikes:\n") : text.index("  - id: general")]
    (kb_dir / LOOK).write_text(text + first, encoding="utf-8")
    problems = problems_of(kb_dir)
    assert [(p.line, p.message) for p in problems] == [(text.count("\n") + 1, "duplicate look-alike id 'pickup_code'")]


def test_cues_are_needed_except_for_general(kb_dir: Path) -> None:
    edit(kb_dir, LOOK, '    cues:\n      zh: ["取件码"]\n      en: ["pickup code"]\n', "")
    problems = problems_of(kb_dir)
    assert [p.message for p in problems] == [
        "look-alike 'pickup_code': missing required key 'cues' (only 'general' may have none)"
    ]


def test_missing_lookalikes_file(kb_dir: Path) -> None:
    (kb_dir / LOOK).unlink()
    problems = problems_of(kb_dir)
    assert [(Path(p.file).name, p.line, p.message) for p in problems] == [
        ("lookalikes.yml", 0, "missing file: the legitimate look-alikes")
    ]


def test_lookalike_record_checks_itself() -> None:
    kb = load_knowledge()
    general = kb.lookalike("general")
    with pytest.raises(ValueError, match="missing zh cues"):
        LookAlike(**{**general.__dict__, "id": "school_notice", "cues": {"en": (re.compile("x"),)}})


def test_red_flag_find_quotes_the_words(kb_dir: Path) -> None:
    kb = load_knowledge(kb_dir)
    flag = kb.red_flag("investment_flag_1")
    assert flag.find("前面 investment线索1 后面") == "investment线索1"
    assert flag.find("an INVESTMENT CUE 1!") == "INVESTMENT CUE 1"
    assert flag.find("nothing") is None

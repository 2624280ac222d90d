"""Tests for bot.knowledge: the typed records, the loader's validation (every problem, with file and line), the
lookups, the command line, and the real knowledge base."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.knowledge import (
    Contact,
    ContactKind,
    Country,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    RedFlag,
    Source,
    Terms,
    Text,
    load_knowledge,
)
from bot.knowledge.__main__ import main
from bot.records import RecordError
from bot.settings import ROOT
from bot.shared.labels import SCAM_TYPES, ScamType
from bot.shared.lang import Lang
from bot.shared.privacy import mask

REPO = ROOT


# --------------------------------------------------------------------------------------------------------------
# helpers


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the only line containing ``needle``."""
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} found on lines {lines} of {path}"
    return lines[0]


def replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return mutate


def delete(file: str) -> Callable[[Path], None]:
    return lambda root: (root / file).unlink()


def copy(src: str, dst: str, old: str, new: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        shutil.copy(root / src, root / dst)
        replace(dst, old, new)(root)

    return mutate


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    return caught.value.problems


def same_file(reported: str, expected: Path) -> bool:
    return Path(reported).resolve() == expected.resolve()


# --------------------------------------------------------------------------------------------------------------
# broken fixtures: one problem kind each


@dataclass(frozen=True)
class Broken:
    id: str
    mutate: Callable[[Path], None]
    file: str  # where the problem is reported
    needle: str | int | None  # the reported line: the line containing this text, or this number; None: 0 (no line)
    message: str  # a regex the message must match
    count: int = 1  # how many problems in all (no cascade of follow-up errors)


INV = "scams/investment.yml"
LOAN = "scams/fake_loan.yml"
POLICE = "scams/police_impersonation.yml"
HOT = "hotlines.yml"

FLAG_3 = """  - id: investment_flag_3
    zh: "investment 危险信号3"
    en: "investment red flag 3"
    truth:
      zh: "investment 事实3。"
      en: "investment fact 3."
    cues:
      zh: ["investment线索3"]
      en: ["investment cue 3"]
"""
STEPS = """how_it_unfolds:
  - zh: "investment 第一步。"
    en: "investment: first step."
  - {zh: "investment 第二步。", en: "investment: second step."}
"""
SOURCES = """sources:
  - publisher: "investment publisher"
    title: "investment title"
    url: "https://example.org/investment"
    note: "investment note"
"""

BROKEN = [
    Broken(
        "yaml-syntax",
        replace(INV, "summary:\n", "summary: a: b\n"),
        INV,
        "summary: a: b",
        r"YAML syntax error: .*mapping values are not allowed",
    ),
    Broken(
        "yaml-tab",
        replace(LOAN, "prevention:\n  - ", "prevention:\n\t- "),
        LOAN,
        "\t- ",
        r"YAML syntax error: .*'\\t'",
    ),
    Broken("empty-file", lambda root: (root / INV).write_text("", encoding="utf-8"), INV, 1, r"^the file is empty$"),
    Broken(
        "missing-field",
        replace(INV, 'summary:\n  zh: "investment 的摘要。"\n  en: "Summary of investment."\n', ""),
        INV,
        1,
        r"^missing required key 'summary'$",
    ),
    Broken(
        "null-field",
        replace(INV, 'summary:\n  zh: "investment 的摘要。"\n  en: "Summary of investment."\n', "summary:\n"),
        INV,
        "summary:",
        r"^summary: is empty$",
    ),
    Broken(
        "empty-list",
        replace(INV, STEPS, "how_it_unfolds: []\n"),
        INV,
        "how_it_unfolds: []",
        r"^how_it_unfolds: is empty$",
    ),
    Broken(
        "not-a-list",
        replace(
            INV,
            'prevention:\n  - {zh: "investment 预防。", en: "investment: prevention."}\n',
            'prevention: "be careful"\n',
        ),
        INV,
        "prevention:",
        r"^prevention: expected a list",
    ),
    Broken(
        "empty-translation",
        replace(INV, 'en: "Summary of investment."', 'en: ""'),
        INV,
        'en: ""',
        r"^summary\.en: missing en translation$",
    ),
    Broken(
        "missing-zh",
        replace(INV, '{zh: "investment 第二步。", en: "investment: second step."}', '{en: "investment: second step."}'),
        INV,
        "second step",
        r"^how_it_unfolds\[1\]: missing zh translation$",
    ),
    Broken(
        "missing-en-red-flag",
        replace(INV, '    en: "investment red flag 2"\n', ""),
        INV,
        "- id: investment_flag_2",
        r"^red flag 'investment_flag_2': missing en translation$",
    ),
    Broken(
        "missing-en-truth",
        replace(INV, '      en: "investment fact 3."\n', ""),
        INV,
        'zh: "investment 事实3。"',
        r"^red flag 'investment_flag_3'\.truth: missing en translation$",
    ),
    Broken(
        "missing-zh-cues",
        replace(INV, '      zh: ["investment线索1"]\n', ""),
        INV,
        'en: ["investment cue 1"]',
        r"cues: missing zh cues$",
    ),
    Broken(
        "unknown-key",
        replace(
            INV,
            '    truth:\n      zh: "investment 事实1。"',
            '    cue: [x]\n    truth:\n      zh: "investment 事实1。"',
        ),
        INV,
        "cue: [x]",
        r"unknown key 'cue' \(did you mean 'cues'\?\)",
    ),
    Broken(
        "typo-top-level-key",
        replace(INV, "summary:\n", "sumary:\n"),
        INV,
        "sumary:",
        r"^unknown key 'sumary' \(did you mean 'summary'\?\)$",
        count=2,
    ),
    Broken(
        "duplicate-key",
        replace(INV, "sources:\n", 'name: {zh: "又一个", en: "again"}\nsources:\n'),
        INV,
        '"again"',
        r"^duplicate key 'name'$",
    ),
    Broken(
        "id-not-file-name",
        replace(INV, "id: investment\n", "id: fake_loan\n"),
        INV,
        "id: fake_loan",
        r"^id 'fake_loan' does not match the file name 'investment.yml'$",
    ),
    Broken(
        "unknown-scam-id",
        copy(INV, "scams/fake_police.yml", "id: investment\n", "id: fake_police\n"),
        "scams/fake_police.yml",
        "id: fake_police",
        r"^unknown scam id 'fake_police'",
    ),
    Broken("missing-scam-file", delete("scams/fake_shopping.yml"), "scams/fake_shopping.yml", None, r"^missing file"),
    Broken("missing-hotlines", delete(HOT), HOT, None, r"^missing file"),
    Broken(
        "duplicate-red-flag",
        replace(LOAN, "- id: fake_loan_flag_2", "- id: investment_flag_2"),
        LOAN,
        "- id: investment_flag_2",
        r"^duplicate red-flag id 'investment_flag_2' \(first defined at .*investment\.yml:\d+\)$",
    ),
    Broken(
        "bad-red-flag-id",
        replace(INV, "- id: investment_flag_1", "- id: Investment-Flag-1"),
        INV,
        "Investment-Flag-1",
        r"not snake_case",
    ),
    Broken(
        "unknown-also-red-flag",
        replace(
            POLICE,
            "also_red_flags: [none_flag_1, verification_code_flag_2]",
            "also_red_flags: [none_flag_1, no_such_flag]",
        ),
        POLICE,
        "no_such_flag",
        r"^also_red_flags: unknown red-flag id 'no_such_flag'",
    ),
    Broken(
        "also-red-flag-twice",
        replace(
            POLICE,
            "also_red_flags: [none_flag_1, verification_code_flag_2]",
            "also_red_flags: [none_flag_1, none_flag_1]",
        ),
        POLICE,
        "also_red_flags:",
        r"'none_flag_1' is listed twice",
    ),
    Broken(
        "invalid-regex",
        replace(INV, 'en: ["investment cue 2"]', 'en: ["investment (cue 2"]'),
        INV,
        "investment (cue 2",
        r"invalid regex 'investment \(cue 2': missing \), unterminated subpattern",
    ),
    Broken(
        "malformed-url",
        replace(INV, 'url: "https://example.org/investment"', 'url: "htp://example.org/investment"'),
        INV,
        "htp://",
        r"^sources\[0\]\.url: malformed URL",
    ),
    Broken(
        "url-without-scheme",
        replace(HOT, 'url: "https://www.scamwatch.gov.au"', 'url: "www.scamwatch.gov.au"'),
        HOT,
        "www.scamwatch.gov.au",
        r"malformed URL 'www\.scamwatch\.gov\.au'",
    ),
    Broken(
        "url-without-host",
        replace(HOT, 'url: "https://www.reportfraud.police.uk"', 'url: "https:///reportfraud"'),
        HOT,
        "https:///reportfraud",
        r"malformed URL",
    ),
    Broken(
        "contact-without-number-or-url",
        replace(HOT, 'url: "https://www.scamwatch.gov.au"', "url: null"),
        HOT,
        "- id: au_scamwatch",
        r"^contact 'au_scamwatch': has neither a number nor a url$",
    ),
    Broken(
        "bad-phone-characters",
        replace(HOT, 'number: "999"', 'number: "999 (ext. 5)"'),
        HOT,
        "ext. 5",
        r"phone number '999 \(ext\. 5\)' may only contain digits",
    ),
    Broken(
        "unquoted-number",
        replace(HOT, 'number: "000"', "number: 000"),
        HOT,
        "number: 000",
        r"write the number in quotes",
    ),
    Broken(
        "unknown-contact-kind",
        replace(HOT, "kind: antifraud", "kind: anti-fraud"),
        HOT,
        "kind: anti-fraud",
        r"unknown kind 'anti-fraud'",
    ),
    Broken(
        "duplicate-contact-id",
        replace(HOT, "- id: cn_96110", "- id: cn_police  # again"),
        HOT,
        "# again",
        r"^contact 'cn_police': duplicate contact id \(first at line 8\)$",
    ),
    Broken(
        "country-code-lower-case",
        replace(HOT, "- code: GB", "- code: gb"),
        HOT,
        "code: gb",
        r"country code 'gb' is not two capital letters",
    ),
    Broken(
        "country-code-three-letters",
        replace(HOT, "- code: AU", "- code: AUS"),
        HOT,
        "code: AUS",
        r"country code 'AUS' is not two capital letters",
    ),
    Broken(
        "no-recovery-warning",
        replace(INV, "anyone offering to recover your money", "anyone offering help"),
        INV,
        "after_loss:",
        r"^after_loss has no warning about recovery scams",
    ),
    Broken(
        "no-recovery-warning-zh",
        replace(INV, "声称能帮你追回钱款", "声称能帮你"),
        INV,
        "after_loss:",
        r"^after_loss has no warning about recovery scams",
    ),
    Broken("too-few-red-flags", replace(INV, FLAG_3, ""), INV, "red_flags:", r"^2 red flags .* at least 3$"),
    Broken("empty-sources", replace(INV, SOURCES, "sources: []\n"), INV, "sources: []", r"^sources: is empty$"),
    Broken(
        "ambiguous-alias",
        replace(LOAN, 'en: ["fake loan scam"]', 'en: ["fake loan scam", "Investment Scam"]'),
        LOAN,
        "Investment Scam",
        r"alias 'Investment Scam' also names scam 'investment'",
    ),
]


@pytest.mark.parametrize("case", BROKEN, ids=[c.id for c in BROKEN])
def test_broken_fixture_reports_file_and_line(kb_dir: Path, case: Broken) -> None:
    case.mutate(kb_dir)
    problems = problems_of(kb_dir)
    expected_file = kb_dir / case.file
    if case.needle is None:
        expected_line = 0
    elif isinstance(case.needle, int):
        expected_line = case.needle
    else:
        expected_line = line_of(expected_file, case.needle)
    matching = [p for p in problems if re.search(case.message, p.message)]
    assert matching, f"no problem matches {case.message!r}: {[str(p) for p in problems]}"
    where = [(p.file, p.line) for p in matching]
    assert any(same_file(file, expected_file) and line == expected_line for file, line in where), where
    assert len(problems) == case.count, [str(p) for p in problems]


def test_three_problems_are_reported_at_once(kb_dir: Path) -> None:
    replace(INV, 'en: ["investment cue 2"]', 'en: ["investment [cue"]')(kb_dir)
    replace(POLICE, "verification_code_flag_2]", "verification_code_flag_9]")(kb_dir)
    replace(HOT, "- code: GB", "- code: UK1")(kb_dir)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kb_dir)
    problems = caught.value.problems
    found = {(Path(p.file).name, p.line) for p in problems}
    assert found == {
        ("investment.yml", line_of(kb_dir / INV, "investment [cue")),
        ("police_impersonation.yml", line_of(kb_dir / POLICE, "verification_code_flag_9")),
        ("hotlines.yml", line_of(kb_dir / HOT, "code: UK1")),
    }
    regex_problem = next(p for p in problems if Path(p.file).name == "investment.yml")
    assert regex_problem.message.startswith("red flag 'investment_flag_2'.cues.en[0]: invalid regex")
    # str(): one problem per line, file:line: message
    lines = str(caught.value).splitlines()
    assert lines == [f"{p.file}:{p.line}: {p.message}" for p in problems]
    assert len(lines) == 3


def test_problems_keep_file_order(kb_dir: Path) -> None:
    replace(INV, 'en: "Summary of investment."', 'en: ""')(kb_dir)
    replace(INV, 'url: "https://example.org/investment"', 'url: "ftp://example.org"')(kb_dir)
    problems = problems_of(kb_dir)
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert len(problems) == 2


def test_not_a_directory(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nowhere")
    assert len(problems) == 1 and problems[0].message == "not a directory"


# --------------------------------------------------------------------------------------------------------------
# the valid fixture


@pytest.fixture
def kb(kb_dir: Path) -> KnowledgeBase:
    return load_knowledge(kb_dir)


def test_valid_fixture_loads(kb: KnowledgeBase) -> None:
    assert list(kb.scams) == list(ScamType)
    assert len(kb.red_flags) == 45
    assert list(kb.countries) == ["CN", "GB", "AU"]
    assert [c.id for c in kb.consular] == ["cn_consular_12308"]


def test_load_knowledge_accepts_a_string_path(kb_dir: Path) -> None:
    assert len(load_knowledge(str(kb_dir)).scams) == 15


def test_red_flags_own_then_also_in_order(kb: KnowledgeBase) -> None:
    scam = kb.scam(ScamType.POLICE_IMPERSONATION)
    assert [f.id for f in scam.red_flags] == [
        "police_impersonation_flag_1",
        "police_impersonation_flag_2",
        "police_impersonation_flag_3",
        "none_flag_1",
        "verification_code_flag_2",
    ]
    assert [f.owner for f in scam.red_flags[3:]] == [ScamType.NONE, ScamType.VERIFICATION_CODE]
    assert scam.red_flags[3] is kb.red_flag("none_flag_1")
    assert kb.scam("none").red_flags[-1] is kb.red_flag("police_impersonation_flag_3")


def test_scam_record(kb: KnowledgeBase) -> None:
    scam = kb.scam(ScamType.INVESTMENT)
    assert scam.id is ScamType.INVESTMENT
    assert scam.name.get(Lang.EN) == "investment name"
    assert scam.aliases.get("zh") == ("investment诈骗",)
    assert [s.get(Lang.ZH) for s in scam.steps] == ["investment 第一步。", "investment 第二步。"]
    assert len(scam.prevention) == len(scam.if_happening_now) == 1 and len(scam.after_loss) == 2
    source = Source("investment publisher", "investment title", "https://example.org/investment", "investment note")
    assert scam.sources == (source,)


def test_red_flag_matches_cues_case_insensitively(kb: KnowledgeBase) -> None:
    flag = kb.red_flag("fake_loan_flag_2")
    assert flag.text == Text(zh="fake_loan 危险信号2", en="fake_loan red flag 2")
    assert flag.truth.get("en") == "fake_loan fact 2."
    assert set(flag.cues) == {"zh", "en"} and all(isinstance(p, re.Pattern) for p in flag.cues["en"])
    assert flag.matches("They said: FAKE LOAN CUE 2!")
    assert flag.matches("他说fake_loan线索2")
    assert not flag.matches("fake loan cue 3")
    assert not flag.matches("")


def test_red_flags_are_hashable_and_comparable(kb: KnowledgeBase) -> None:
    flags = set(kb.red_flags.values())
    assert len(flags) == 45
    assert kb.red_flag("none_flag_1") in kb.scam(ScamType.POLICE_IMPERSONATION).red_flags


def test_text_get() -> None:
    text = Text(zh="中文", en="English")
    assert [text.get(Lang.ZH), text.get(Lang.EN), text.get("zh"), text.get("en"), text.get("zh-CN")] == [
        "中文",
        "English",
        "中文",
        "English",
        "中文",
    ]


def test_contacts_and_countries(kb: KnowledgeBase) -> None:
    gb = kb.country("gb")
    assert isinstance(gb, Country) and gb.code == "GB" and gb.name.get(Lang.ZH) == "英国"
    report = gb.contacts[1]
    assert report.kind is ContactKind.REPORT and report.kind == "report"
    assert (report.number, report.url) == ("0300 123 2040", "https://www.reportfraud.police.uk")
    assert kb.country("AU").contacts[1].number is None
    assert kb.country("XX") is None and kb.country(None) is None
    assert len(kb.all_contacts()) == 7


def test_hotline_numbers_feed_privacy_keep(kb: KnowledgeBase) -> None:
    numbers = kb.hotline_numbers()
    assert numbers == {"110", "96110", "999", "0300 123 2040", "000", "+86-10-12308"}
    for number in numbers:
        text = f"Is {number} real? 这个号码{number}是真的吗"
        assert mask(text, keep=numbers) == text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("我儿子在英国留学", "GB"),
        ("My son studies in London.", "GB"),
        ("LONDON", "GB"),
        ("我在london读书", "GB"),
        ("we moved to the UK last year", "GB"),
        ("I study in Tsukuba", None),  # "uk" inside a word
        ("my daughter is in Sydney, New South Wales", "AU"),  # longer alias beats "wales"
        ("她在新南威尔士读书", "AU"),  # longer alias beats "威尔士"
        ("in mainland   China", "CN"),
        ("Mainland China or London?", "CN"),  # longest alias wins
        ("no place here", None),
        ("", None),
    ],
    ids=[
        "zh",
        "en-city",
        "upper-case",
        "latin-next-to-chinese",
        "uk",
        "word-boundary",
        "longest-en",
        "longest-zh",
        "spaces",
        "longest-in-text",
        "none",
        "empty",
    ],
)
def test_find_country(kb: KnowledgeBase, text: str, code: str | None) -> None:
    assert kb.find_country(text) == code


def test_find_scam_by_alias(kb_dir: Path) -> None:
    replace(LOAN, 'en: ["fake loan scam"]', 'en: ["fake loan scam", "loan scam"]')(kb_dir)
    replace(INV, 'en: ["investment scam"]', 'en: ["investment scam", "investment loan scam"]')(kb_dir)
    kb = load_knowledge(kb_dir)
    assert kb.find_scam_by_alias("what are the red flags of an investment scam?") is ScamType.INVESTMENT
    assert kb.find_scam_by_alias("Order  Brushing SCAM") is ScamType.ORDER_BRUSHING
    assert kb.find_scam_by_alias("刷单？order_brushing诈骗有什么特征") is ScamType.ORDER_BRUSHING
    assert kb.find_scam_by_alias("is this a loan scam?") is ScamType.FAKE_LOAN
    assert kb.find_scam_by_alias("is this an investment loan scam?") is ScamType.INVESTMENT  # longest wins
    assert kb.find_scam_by_alias("hello") is None


# --------------------------------------------------------------------------------------------------------------
# records validate themselves

SOURCE = Source("Publisher", "Title", "https://example.org")
TEXT = Text("中文", "English")
TERMS = Terms(("中文",), ("english",))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Text("", "English"),
        lambda: Text("中文", "   "),
        lambda: Source("Publisher", "Title", "example.org"),
        lambda: Source("", "Title", "https://example.org"),
        lambda: Contact("x", ContactKind.REPORT, None, None, TEXT, TEXT, SOURCE),
        lambda: Contact("x", ContactKind.REPORT, "110 or 120", None, TEXT, TEXT, SOURCE),
        lambda: Contact("x", ContactKind.REPORT, None, "https://", TEXT, TEXT, SOURCE),
        lambda: Contact("Bad Id", ContactKind.REPORT, "110", None, TEXT, TEXT, SOURCE),
        lambda: Country("gb", TEXT, TERMS, (Contact("x", ContactKind.REPORT, "110", None, TEXT, TEXT, SOURCE),)),
        lambda: RedFlag("flag", TEXT, TEXT, {"zh": (re.compile("x"),)}, ScamType.NONE),
    ],
    ids=[
        "text-no-zh",
        "text-blank-en",
        "source-bad-url",
        "source-no-publisher",
        "contact-neither",
        "contact-bad-number",
        "contact-bad-url",
        "contact-bad-id",
        "country-code",
        "red-flag-no-en-cues",
    ],
)
def test_records_validate_on_construction(make: Callable[[], object]) -> None:
    with pytest.raises(RecordError):
        make()


def test_records_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TEXT.zh = "改"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------------------------
# command line


def test_main_ok(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(kb_dir)]) == 0
    assert capsys.readouterr().out == "ok: 15 scam types, 45 red flags, 3 countries\n"


def test_main_reports_problems(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace(HOT, "- code: GB", "- code: gb")(kb_dir)
    replace(INV, "summary:\n", "sumary:\n")(kb_dir)
    assert main([str(kb_dir)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and err[-1] == "3 problems found"
    assert all(re.match(r".+\.yml:\d+: .+", line) for line in err[:3])


def test_python_dash_m(kb_dir: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bot.knowledge", str(kb_dir)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert (run.returncode, run.stdout) == (0, "ok: 15 scam types, 45 red flags, 3 countries\n")
    (kb_dir / "scams" / "none.yml").unlink()
    run = subprocess.run(
        [sys.executable, "-m", "bot.knowledge", str(kb_dir)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1 and "none.yml:0: missing file" in run.stderr


# --------------------------------------------------------------------------------------------------------------
# the real knowledge base


def test_real_knowledge_base_is_valid() -> None:
    try:
        kb = load_knowledge()
    except KnowledgeError as error:
        pytest.fail(f"bot/knowledge is invalid:\n{error}")
    assert load_knowledge() is kb  # loaded once
    assert set(kb.scams) == set(ScamType)
    assert all(len(kb.scam(t).red_flags) >= 3 for t in SCAM_TYPES)
    assert kb.country("CN") is not None and kb.consular
    numbers = kb.hotline_numbers()
    for number in numbers:
        assert mask(f"call {number} now", keep=numbers) == f"call {number} now"

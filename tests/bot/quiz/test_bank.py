"""The bank loader: a valid bank loads; every kind of problem is reported with its file and line, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.quiz.bank import BankError, bank_files, load_banks
from bot.quiz.model import QuestionType

GOOD = """\
bank: t
title: {zh: 测试, en: Test}
questions:
  - id: t_001
    type: single
    scam_type: police_impersonation
    audiences: [general, elderly]
    red_flags: [safe_account]
    zh:
      question: 自称警察的人要你把钱转到“安全账户”。你该怎么做？
      options: [照做, 挂断并拨打110核实, 先转一半]
      explanation: 公检法没有“安全账户”，要你转账的“警察”就是骗子。
    en:
      question: A caller who says he is police tells you to move money to a "safe account". What do you do?
      options: [Do it, Hang up and call 110 yourself, Move half first]
      explanation: There is no "safe account"; a "police officer" who asks you to move money is a scammer.
    answer: B
    source: {publisher: MPS, title: Warning, url: "https://www.mps.gov.cn/"}
  - id: t_002
    type: true_false
    scam_type: verification_code
    audiences: [general]
    red_flags: [share_verification_code]
    zh: {question: 银行客服可以向你要短信验证码。, explanation: 验证码只给自己用，任何人要都是骗子。}
    en: {question: Bank staff may ask you for an SMS code., explanation: A code is for you alone; anyone asking is a scammer.}
    answer: false
    source: {publisher: MPS, title: Warning, url: "https://www.mps.gov.cn/"}
  - id: t_003
    type: spot
    scam_type: order_brushing
    audiences: [job_seeker]
    red_flags: [pay_first_task, small_rebate_hook]
    zh:
      scenario: 点赞一次3元，先垫付100元做任务，完成返120。
      question: 哪些是诈骗信号？
      options: [先垫付, 小额返利, 点赞]
      explanation: 要你先垫钱的“兼职”都是刷单诈骗，小额返利只是诱饵。
    en:
      scenario: ¥3 per like; advance ¥100 for a task and get ¥120 back.
      question: Which are red flags?
      options: [Paying first, Small rebates, Liking posts]
      explanation: A job that makes you pay first is order-brushing fraud; small rebates are bait.
    answer: [A, B]
    source: {publisher: MPS, title: Warning, url: "https://www.mps.gov.cn/"}
"""


def write(tmp_path: Path, text: str, name: str = "t.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_banks(path)
    return [str(p) for p in caught.value.problems]


def test_a_valid_bank_loads(tmp_path: Path) -> None:
    banks = load_banks(write(tmp_path, GOOD))
    single, tf, spot = banks.questions
    assert single.answer == (1,) and single.type is QuestionType.SINGLE
    assert tf.answer == (1,) and tf.zh.options == ("对", "错") and tf.en.options == ("True", "False")
    assert spot.answer == (0, 1) and spot.en.prompt.startswith("¥3 per like")
    assert banks.stats()["by_scam_type"]["order_brushing"] == 1


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("    answer: B\n", "    answer: E\n", 17, "answer E is out of range (options A-C)"),
        ("    answer: B\n", "    answer: [B]\n", 17, "a single answer is one letter"),
        ("    answer: [A, B]\n", "    answer: [A, B, C]\n", 43, "every option is right"),
        ("    answer: false\n", "    answer: maybe\n", 26, "a true_false answer is true or false"),
        ("    scam_type: police_impersonation\n", "    scam_type: police\n", 6, "unknown value 'police'"),
        ("    scam_type: police_impersonation\n", "    scam_type: none\n", 6, "'none' is not a scam type"),
        ("    red_flags: [safe_account]\n", "    red_flags: [safe_acount]\n", 8, "unknown red flag 'safe_acount'"),
        ("    audiences: [general, elderly]\n", "    audiences: [general, kids]\n", 7, "unknown value 'kids'"),
        (
            "      options: [Do it, Hang up and call 110 yourself, Move half first]\n",
            "      options: [Do it, Hang up and call 110 yourself]\n",
            10,
            "zh has 3 options, en has 2",
        ),
        (
            "      explanation: 公检法没有“安全账户”，要你转账的“警察”就是骗子。\n",
            "      explanation: 答案是B\n",
            12,
            "zh.explanation only names the answer",
        ),
        (
            "      explanation: 公检法没有“安全账户”，要你转账的“警察”就是骗子。\n",
            "      explanation: " + "长" * 201 + "\n",
            12,
            "zh.explanation is 201 characters, at most 200",
        ),
        (
            "      question: 自称警察的人要你把钱转到“安全账户”。你该怎么做？\n",
            "      question: " + "长" * 301 + "\n",
            10,
            "zh: question is 301 characters, at most 300",
        ),
        (
            "      options: [照做, 挂断并拨打110核实, 先转一半]\n",
            "      options: [照做, " + "长" * 101 + ", 先转一半]\n",
            11,
            "zh.options[1] is 101 characters, at most 100",
        ),
        (
            "      options: [照做, 挂断并拨打110核实, 先转一半]\n",
            "      options: [照做]\n",
            10,
            "zh: 1 options, 2-10 needed",
        ),
        ("  - id: t_002\n", "  - id: x_002\n", 19, "must start with the bank id 't_'"),
        ("  - id: t_002\n", "  - id: t_001\n", 19, "duplicate question id 't_001' (first at"),
    ],
    ids=[
        "answer-out-of-range",
        "single-with-list",
        "all-options-right",
        "true-false-not-bool",
        "unknown-scam-type",
        "none-scam-type",
        "unknown-red-flag",
        "unknown-audience",
        "option-count-differs",
        "letter-only-explanation",
        "explanation-too-long",
        "question-too-long",
        "option-too-long",
        "too-few-options",
        "id-prefix",
        "duplicate-id",
    ],
)
def test_each_problem_is_reported_with_its_line(tmp_path: Path, old: str, new: str, line: int, message: str) -> None:
    assert old in GOOD
    found = problems(write(tmp_path, GOOD.replace(old, new, 1)))
    assert any(f"t.yml:{line}:" in p and message in p for p in found), found


def test_missing_translation(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    en: {question: Bank staff may ask you for an SMS code., explanation: A code is for you alone; "
        "anyone asking is a scammer.}\n",
        "",
    )
    found = problems(write(tmp_path, text))
    assert any("t.yml:19:" in p and "missing required key 'en'" in p for p in found), found


def test_every_problem_at_once(tmp_path: Path) -> None:
    text = (
        GOOD.replace("answer: B", "answer: E")
        .replace("[safe_account]", "[nope]")
        .replace("scam_type: order_brushing", "scam_type: brushing")
    )
    found = problems(write(tmp_path, text))
    assert len(found) == 3, found


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yml")
    write(tmp_path, GOOD, "b.yml")
    found = problems(tmp_path)
    assert sum("duplicate question id" in p for p in found) == 3
    assert any("duplicate bank id 't'" in p for p in found)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("bank: t\nquestions: [\n", "YAML syntax error"),
        ("", "the file is empty"),
        ("- just\n- a list\n", "expected a mapping"),
        ("bank: t\ntitle: {zh: 测, en: T}\nquestions: []\n", "questions: is empty"),
        ("bank: t\ntitle: {zh: 测}\nquestions:\n  - {}\n", "missing en translation"),
        ("bank: t\ntitel: {zh: 测, en: T}\nquestions: []\n", "unknown key 'titel' (did you mean 'title'?)"),
    ],
    ids=["malformed-yaml", "empty-file", "not-a-mapping", "no-questions", "missing-title-translation", "typo-key"],
)
def test_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    found = problems(write(tmp_path, content))
    assert any(message in p for p in found), found


def test_binary_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bin.yml"
    path.write_bytes(b"\xff\xfe\x00\x81binary")
    assert any("not UTF-8" in p for p in problems(path))


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    assert any("no such file" in p for p in problems(tmp_path / "nope.yml"))
    (tmp_path / "empty").mkdir()
    assert any("no bank files" in p for p in problems(tmp_path / "empty"))


def test_bank_files_of_a_directory_are_sorted(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "b.yml")
    write(tmp_path, GOOD, "a.yaml")
    assert [p.name for p in bank_files(tmp_path)] == ["a.yaml", "b.yml"]

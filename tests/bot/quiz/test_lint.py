"""The quality checks (bot.quiz.lint): each kind of gameable bank is warned about, with file and line."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from bot.quiz.bank import load_banks
from bot.quiz.lint import lint
from bot.shared.labels import SCAM_TYPES

SOURCE = {"publisher": "MPS", "title": "Warning", "url": "https://www.mps.gov.cn/"}
SCAMS = [t.value for t in SCAM_TYPES]
WORDS = "caller bank police parcel refund loan job card code video friend boss son app fee account".split()


def words(n: int) -> str:
    """A prompt unlike any other (no near-duplicates among the test questions)."""
    return " ".join(random.Random(n).choices(WORDS, k=14)) + "?"


def single(n: int, options: list[str], answer: str = "A") -> dict:
    return {
        "id": f"t_{n:03d}",
        "type": "single",
        "scam_type": SCAMS[n % len(SCAMS)],
        "audiences": ["general"],
        "red_flags": ["safe_account"],
        "zh": {"question": f"第{n}题：问题？", "options": options, "explanation": "安全账户是骗局。"},
        "en": {"question": words(n), "options": options, "explanation": "A safe account is a scam."},
        "answer": answer,
        "source": SOURCE,
    }


def spot(n: int, options: int, flags: int) -> dict:
    letters = "ABCDEFGHIJ"
    texts = [f"Detail {k} of scene {n}" for k in range(options)]
    return {
        "id": f"t_{n:03d}",
        "type": "spot",
        "scam_type": SCAMS[n % len(SCAMS)],
        "audiences": ["general"],
        "red_flags": ["pay_first_task"],
        "zh": {"scenario": f"场景{n}", "question": "哪些是诈骗信号？", "options": texts, "explanation": "先垫钱。"},
        "en": {"scenario": words(n), "question": "Which?", "options": texts, "explanation": "Pay."},
        "answer": list(letters[:flags]),
        "source": SOURCE,
    }


def write(tmp_path: Path, questions: list[dict]) -> Path:
    path = tmp_path / "t.yml"
    bank = {"bank": "t", "title": {"zh": "测试", "en": "Test"}, "questions": questions}
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def warnings(path: Path) -> list[str]:
    return [str(p) for p in lint(load_banks(path))]


def balanced_singles(start: int = 1) -> list[dict]:
    """12 single questions, the right option the longest in 3 (25%)."""
    out = []
    for n in range(start, start + 12):
        if n - start < 3:
            out.append(single(n, [f"Hang up and call {n}", "Pay", "Wait"], "A"))
        else:
            out.append(single(n, [f"Hang up {n}", "Pay", "Wait a little first"], "A"))
    return out


def test_a_balanced_bank_has_no_warning(tmp_path: Path) -> None:
    questions = balanced_singles() + [spot(20 + n, 4, 3 if n % 2 else 2) for n in range(6)]
    assert warnings(write(tmp_path, questions)) == []


def test_right_option_longest_too_often(tmp_path: Path) -> None:
    questions = [single(n, ["Hang up and call the bank yourself", "Pay", "Wait"]) for n in range(1, 11)]
    found = warnings(write(tmp_path, questions))
    assert any("zh: the right option is the longest in 10 of 10" in w for w in found), found
    assert any("en: the right option is the longest in 10 of 10" in w and "t 10/10" in w for w in found), found


def test_right_option_shortest_too_often(tmp_path: Path) -> None:
    questions = [single(n, ["Hang up", "Pay them what they ask", "Wait for the next call"]) for n in range(1, 11)]
    found = warnings(write(tmp_path, questions))
    assert any("en: the right option is the shortest in 10 of 10" in w for w in found), found
    assert not any("longest" in w for w in found), found


def test_few_single_questions_are_no_sample(tmp_path: Path) -> None:
    questions = [single(n, ["Hang up and call the bank yourself", "Pay", "Wait"]) for n in range(1, 4)]
    assert warnings(write(tmp_path, questions)) == []


def test_right_option_with_its_own_reason(tmp_path: Path) -> None:
    questions = balanced_singles()
    questions[5]["en"]["options"] = ["Hang up, because it's odd", "Transfer all the money right now", "Wait a bit"]
    questions[6]["zh"]["options"] = ["挂断，以免被骗", "马上转账", "等一等"]
    questions[7]["en"]["options"] = ["Hang up since it's odd", "Pay since they asked", "Wait a little first"]
    found = warnings(write(tmp_path, questions))
    assert len(found) == 2, found
    assert "t.yml:" in found[0] and "t_006: en: right option A gives its own reason ('because'" in found[0]
    assert "t_007: zh: right option A gives its own reason ('以免'" in found[1]
    line = int(found[0].split(":")[1])
    assert (tmp_path / "t.yml").read_text(encoding="utf-8").splitlines()[line - 1].endswith("id: t_006")


def test_spot_questions_with_always_the_same_number_of_non_flags(tmp_path: Path) -> None:
    questions = [spot(n, 4, 3) for n in range(1, 7)]
    found = warnings(write(tmp_path, questions))
    assert len(found) == 1 and "6 of 6 spot-the-red-flags questions (100%, at most 60%) have 1 option" in found[0]
    questions[0], questions[1], questions[2] = spot(1, 4, 2), spot(2, 5, 2), spot(3, 4, 1)
    assert warnings(write(tmp_path, questions)) == []


def test_near_duplicates(tmp_path: Path) -> None:
    questions = balanced_singles()
    story = "The kidnappers demand 1 million yuan. When you say you can't raise it, they drop to {} at once. Why?"
    questions[3]["en"]["question"] = story.format("200,000")
    questions[4]["en"]["question"] = story.format("100,000 in USDT")
    questions[8]["scam_type"] = questions[9]["scam_type"] = questions[3]["scam_type"] = questions[4]["scam_type"]
    questions[9]["en"]["options"] = questions[8]["en"]["options"] = ["Hang up", "Pay the fee now", "Wait a bit more"]
    found = warnings(write(tmp_path, questions))
    assert len(found) == 2, found
    assert "t_005: near-duplicate of t_004 (en prompts" in found[0]
    assert "t_010: near-duplicate of t_009 (same right answer, same scam type)" in found[1]
    questions[4]["scam_type"] = "fake_shopping"  # the same words about another scam are another question
    assert len(warnings(write(tmp_path, questions))) == 1

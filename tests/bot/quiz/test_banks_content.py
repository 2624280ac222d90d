"""The shipped question banks (quizzes/*.yml): valid, big enough, bilingual, balanced and traceable."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.knowledge import load_knowledge
from bot.quiz.bank import (
    MIN_PER_AUDIENCE,
    MIN_PER_SCAM_TYPE,
    MIN_QUESTIONS,
    coverage_problems,
    load_banks,
)
from bot.quiz.model import Question, QuestionType

BANKS = load_banks()
QUESTIONS = BANKS.questions
CJK = re.compile(r"[\u4e00-\u9fff]")

# Numbers a question may tell people to call: the knowledge base's hotlines and local emergency numbers abroad.
CALL = re.compile(r"(?:拨打|致电|打|热线|call|dial|ring|hotline)[\s:：]{0,2}(\+?\d[\d\- ]{1,16}\d)", re.I)
IN_PARENTHESES = re.compile(r"[（(][^)）]*[)）]")


def allowed_numbers() -> set[str]:
    kb = load_knowledge()
    numbers = {re.sub(r"\D", "", n) for n in kb.hotline_numbers()}
    return numbers | {"110", "999", "911", "000", "112", "119", "120", "12308", "861012308", "861065612308"}


def texts(q: Question, lang: str) -> list[str]:
    c = q.content(lang)
    return [c.question, c.explanation, *c.options, *(x for x in (c.more, c.scenario) if x)]


def test_minimums() -> None:
    assert coverage_problems(BANKS) == []
    stats = BANKS.stats()
    assert stats["questions"] >= MIN_QUESTIONS
    assert min(stats["by_scam_type"].values()) >= MIN_PER_SCAM_TYPE
    assert min(stats["by_audience"].values()) >= MIN_PER_AUDIENCE


def test_every_question_type_is_used() -> None:
    counts = Counter(q.type for q in QUESTIONS)
    for qtype in QuestionType:
        assert counts[qtype] >= 0.1 * len(QUESTIONS), counts


def test_right_answers_are_spread_over_the_letters() -> None:
    singles = Counter(q.answer[0] for q in QUESTIONS if q.type is QuestionType.SINGLE)
    assert max(singles.values()) <= 0.4 * sum(singles.values()), singles
    true_false = Counter(q.answer[0] for q in QUESTIONS if q.type is QuestionType.TRUE_FALSE)
    assert min(true_false.values()) >= 0.35 * sum(true_false.values()), true_false


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_question_is_bilingual_and_traceable(question: Question) -> None:
    for text in texts(question, "zh")[:2]:
        assert CJK.search(text), f"zh text without Chinese: {text!r}"
    for text in texts(question, "en"):  # a Chinese term in parentheses, e.g. (帮信罪), is fine
        assert not CJK.search(IN_PARENTHESES.sub("", text)), f"en text with Chinese: {text!r}"
    sources = {s.url for scam in load_knowledge().scams.values() for s in scam.sources}
    assert question.source.url in sources, "the source must be one of the knowledge base's sources"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_numbers_to_call_are_real_hotlines(question: Question) -> None:
    allowed = allowed_numbers()
    for lang in ("zh", "en"):
        for text in texts(question, lang):
            for number in CALL.findall(text):
                digits = re.sub(r"\D", "", number)
                assert digits in allowed, f"{lang}: {number!r} in {text!r}"


def test_red_flags_taught_cover_the_knowledge_base() -> None:
    taught = {f for q in QUESTIONS for f in q.red_flags}
    kb = load_knowledge()
    scam_flags = {f.id for scam in kb.scams.values() if scam.id.value != "none" for f in scam.red_flags}
    assert len(taught & scam_flags) >= 0.8 * len(scam_flags), sorted(scam_flags - taught)


def test_the_banks_are_not_gameable() -> None:
    """`antifraud quiz validate --strict` (scripts/check.sh) has nothing to warn about: docs/QUIZ_BANKS.md."""
    from bot.quiz.lint import lint

    assert [str(p) for p in lint(BANKS)] == []

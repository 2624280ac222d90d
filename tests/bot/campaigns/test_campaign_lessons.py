"""A week's lesson for one role and language: the content of the definition, the red flags from the knowledge base,
and its plain text with the catalog's texts around it, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.campaigns.definition import load_definitions
from bot.campaigns.lessons import lesson_text, lesson_view
from bot.campaigns.records import ActivityKind, Definition, Role
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.shared.lang import Lang

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="module")
def drill(kb: KnowledgeBase) -> Definition:
    return load_definitions(DATA, kb)["family_drill"]


@pytest.mark.parametrize(
    ("week", "role", "lang"),
    [(1, Role.STUDENT, "zh"), (1, Role.PARENT, "en"), (2, Role.PARENT, "zh"), (4, Role.STUDENT, "en")],
    ids=["w1_student_zh", "w1_parent_en", "w2_parent_zh", "w4_student_en"],
)
def test_view_of_a_week(kb: KnowledgeBase, drill: Definition, week: int, role: Role, lang: str) -> None:
    view = lesson_view(drill, week, role, lang, kb, campaign_id=7)
    lesson = drill.week(week).lessons[role]
    assert (view.campaign_id, view.week, view.weeks, view.role, view.lang) == (7, week, 4, role, lang)
    assert view.title == drill.title.get(lang)
    assert view.theme == drill.week(week).theme.get(lang)
    assert view.case == lesson.case.get(lang)
    assert view.red_flags == tuple(
        (kb.red_flag(f).text.get(lang), kb.red_flag(f).truth.get(lang)) for f in lesson.red_flags
    )
    assert view.what_to_do == tuple(step.get(lang) for step in lesson.what_to_do)
    assert lesson.source.publisher in view.source and lesson.source.url in view.source
    assert view.quiz == drill.week(week).quiz[role]
    assert view.activity == drill.week(week).activity


@pytest.mark.parametrize(
    ("lang", "expected"), [(Lang.EN, "en"), (Lang.ZH, "zh"), ("fr", "zh")], ids=["lang_en", "lang_zh", "fallback"]
)
def test_language_rule(kb: KnowledgeBase, drill: Definition, lang: object, expected: str) -> None:
    assert lesson_view(drill, 1, Role.STUDENT, lang, kb, campaign_id=1).lang == expected


def test_english_text_in_order(kb: KnowledgeBase, drill: Definition) -> None:
    view = lesson_view(drill, 1, Role.STUDENT, "en", kb, campaign_id=1)
    text = lesson_text(view)
    flag = kb.red_flag("online_warrant")
    pieces = [
        "📚 Week 1 of 4 · Fake police",
        'A real case: A "police officer" calls',
        "Red flags:",
        f"• {flag.text.en} — {flag.truth.en}",
        "What to do:",
        "1. Hang up.",
        "2. Call 110 or +86-10-12308 to check.",
        "Source: 公安部 (https://www.mps.gov.cn)",
    ]
    positions = [text.index(p) for p in pieces]
    assert positions == sorted(positions)
    assert "family activity" not in text  # week 1 has none
    assert "<" not in text and "&" not in text  # plain text, no markup
    assert not any(zh in text for zh in ("危险信号", "怎么做", "真实案例", "来源"))


def test_chinese_text(kb: KnowledgeBase, drill: Definition) -> None:
    text = lesson_text(lesson_view(drill, 2, Role.PARENT, "zh", kb, campaign_id=1))
    assert text.startswith("📚 第 2 周（共 4 周）· 虚拟绑架")
    assert "真实案例：你收到孩子被绑的视频。" in text
    assert "1. 不要转账。\n2. 拨打110报警。" in text
    assert "家庭安全计划" in text  # week 2's activity: the safety plan
    assert "Red flags" not in text


def test_talk_activity(kb: KnowledgeBase, drill: Definition) -> None:
    week = drill.week(3)
    assert week.activity is not None and week.activity.kind == ActivityKind.TALK
    text = lesson_text(lesson_view(drill, 3, Role.PARENT, "en", kb, campaign_id=1))
    assert "This week's family activity: Talk about this scam with your family." in text


def test_no_such_week(kb: KnowledgeBase, drill: Definition) -> None:
    with pytest.raises(KeyError):
        lesson_view(drill, 5, Role.STUDENT, "en", kb, campaign_id=1)

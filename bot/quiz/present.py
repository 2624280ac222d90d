"""Quiz text for chat and terminal: questions with lettered options, parsing typed answers, feedback and reports.

Pure functions in both languages; no database, Telegram or Rasa imports. The fixed texts are the catalog's
``quiz.*`` entries (``bot/i18n/quiz.yml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from bot.i18n import t
from bot.knowledge import load_knowledge
from bot.quiz.model import LETTERS, Audience, Question, QuestionType, letter
from bot.settings import settings

if TYPE_CHECKING:
    from bot.quiz.engine import Report


def scam_name(scam_type: str, lang: str) -> str:
    scam = load_knowledge().scam(scam_type)
    return scam.name.en if lang == "en" else scam.name.zh


#: Catalog key prefix of the audience names: ``quiz.audience_<audience value>``.
AUDIENCE_KEY = "quiz.audience_"


def audience_name(audience: Audience | str, lang: str) -> str:
    return t(AUDIENCE_KEY + str(audience), lang)


def option_lines(question: Question, lang: str) -> list[str]:
    return [f"{letter(i)}. {option}" for i, option in enumerate(question.content(lang).options)]


def format_question(question: Question, lang: str, position: int, total: int | None = None) -> str:
    """The question as chat/terminal text: heading, scenario, question, lettered options, how to answer."""
    content = question.content(lang)
    of = f"/{total}" if total else ""
    lines = [t("quiz.question", lang, n=position, of=of, scam=scam_name(question.scam_type.value, lang)), ""]
    if content.scenario:
        lines += [f"“{content.scenario}”", ""]
    lines.append(content.question)
    lines += option_lines(question, lang)
    if question.type is QuestionType.SPOT:
        lines.append(t("quiz.spot", lang))
    elif question.type is QuestionType.MULTI:
        lines.append(t("quiz.many", lang))
    return "\n".join(lines)


@dataclass(frozen=True)
class Choice:
    """A parsed typed answer: the chosen indices, or a message saying what is wrong."""

    indices: tuple[int, ...] = ()
    problem: str | None = None


_PREFIX = re.compile(r"^\s*(?:我选|我选择|选择?|答案(?:是|为)?|answer(?:\s+is)?|my answer(?:\s+is)?)[\s:：]*", re.I)
_SEPARATORS = re.compile(r"(?:\s+|[,，、;；/&+和]|\band\b)+", re.I)


def parse_choice(raw: str, question: Question, lang: str) -> Choice:
    """Letters typed by the learner ("b", "A C", "a,c", "AC", "选B") → option indices."""
    n = len(question.zh.options)
    body = _PREFIX.sub("", raw.strip()).strip().rstrip("。.!！")
    compact = _SEPARATORS.sub("", body)
    letters = compact.upper()
    valid = LETTERS[:n]
    example = "AC" if question.type.many_answers else "B"
    if not letters or any(ch not in valid for ch in letters):
        return Choice(problem=t("quiz.bad_letter", lang, range=f"A–{valid[-1]}", example=example))
    indices = tuple(sorted({valid.index(ch) for ch in letters}))
    if not question.type.many_answers and len(indices) > 1:
        return Choice(problem=t("quiz.one_only", lang))
    return Choice(indices)


def format_feedback(question: Question, correct: bool, lang: str, *, more: bool = True) -> str:
    content = question.content(lang)
    if correct:
        head = t("quiz.right", lang)
    else:
        answer = "; ".join(f"{letter(i)}. {content.options[i]}" for i in question.answer)
        head = t("quiz.wrong", lang, answer=answer)
    parts = [head, content.explanation]
    if more and content.more:
        parts.append(content.more)
    return "\n".join(parts)


def bar(value: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, value)) * width)
    return "█" * filled + "░" * (width - filled)


def local_time(when: datetime, tz: tzinfo) -> str:
    """``when`` in the zone ``tz``, with the zone's abbreviation (its UTC offset if it has none):
    "2026-11-22 16:00 CST". A naive ``when`` is UTC (how the database stores times)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or local.strftime('UTC%z')}"


def format_report(r: Report, lang: str, *, types: int | None = None, tz: tzinfo | None = None) -> str:
    """A learner's report as text. Times are shown in ``tz``, the learner's zone (default: the settings' ``timezone``).

    ``Report`` is imported for the type checker only: this module stays free of the database at run time."""
    if not r.attempts:
        return t("quiz.report_empty", lang)
    kb = load_knowledge()
    lines = [t("quiz.report_title", lang), ""]
    lines.append(
        t(
            "quiz.report_stats",
            lang,
            accuracy=r.accuracy,
            streak=r.streak,
            best=r.best_streak,
            answers=t("quiz.answers", lang, count=r.attempts),
            days=t("quiz.days_in_row", lang, count=r.practice_days),
        )
    )
    due = t("quiz.report_due", lang, n=r.due_now)
    if r.next_due is not None and not r.due_now:
        zone = tz if tz is not None else settings().zone
        due = t("quiz.report_next_due", lang, when=local_time(r.next_due, zone))
    lines += [due, "", t("quiz.report_mastery", lang)]
    items = list(r.mastery.items())
    if types is not None:
        items = items[:types]
    width = max((len(scam_name(scam_type, lang)) for scam_type, _ in items), default=0)
    for scam_type, value in items:
        name = scam_name(scam_type, lang)
        lines.append(f"{bar(value)} {value:>4.0%}  {name.ljust(width) if lang == 'en' else name}")
    if r.weakest_red_flags:
        lines += ["", t("quiz.report_flags", lang)]
        for flag in r.weakest_red_flags:
            red_flag = kb.red_flags.get(flag.red_flag)
            if red_flag is None:
                continue
            truth = red_flag.truth.en if lang == "en" else red_flag.truth.zh
            lines.append(f"• {truth}")
    return "\n".join(lines)

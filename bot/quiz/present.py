"""Quiz text for chat and terminal: questions with lettered options, parsing typed answers, feedback and reports.

Pure functions in both languages; no database, Telegram or Rasa imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge import load_knowledge
from bot.quiz.model import LETTERS, Audience, Question, QuestionType, letter

AUDIENCE_NAMES: dict[str, dict[str, str]] = {
    "overseas_student": {"zh": "留学生", "en": "Student abroad"},
    "parent": {"zh": "家长", "en": "Parent"},
    "elderly": {"zh": "老年人", "en": "Older person"},
    "online_shopper": {"zh": "网购族", "en": "Online shopper"},
    "job_seeker": {"zh": "求职者", "en": "Job seeker"},
    "general": {"zh": "所有人", "en": "Everyone"},
}

_TEXT = {
    "question": {"zh": "第 {n}{of} 题 · {scam}", "en": "Question {n}{of} · {scam}"},
    "many": {"zh": "（多选：可输入多个字母，如 AC）", "en": "(Choose all that apply: type several letters, e.g. AC)"},
    "spot": {
        "zh": "（找出所有诈骗信号：可输入多个字母，如 AC）",
        "en": "(Pick every red flag: type several letters, e.g. AC)",
    },
    "one": {"zh": "（输入一个字母作答）", "en": "(Type one letter to answer)"},
    "right": {"zh": "✅ 答对了！", "en": "✅ Right!"},
    "wrong": {"zh": "❌ 不对。正确答案：{answer}", "en": "❌ Not quite. The answer: {answer}"},
    "bad_letter": {
        "zh": "请用选项字母作答（{range}），例如 {example}。",
        "en": "Please answer with the option letters ({range}), e.g. {example}.",
    },
    "one_only": {"zh": "这道题只有一个正确答案，请只输入一个字母。", "en": "This question has one answer: type one letter."},
    "report_title": {"zh": "📊 你的学习情况", "en": "📊 How you are doing"},
    "report_empty": {
        "zh": "你还没有答过题。说“考考我”开始吧！",
        "en": "You haven't answered any questions yet. Say “quiz me” to start!",
    },
    "report_stats": {
        "zh": "答题 {attempts} 次，正确率 {accuracy:.0%}，连续答对 {streak} 题（最佳 {best}），连续学习 {days} 天。",
        "en": "{attempts} answers, {accuracy:.0%} right, {streak} right in a row (best {best}), {days} day(s) in a row.",
    },
    "report_due": {"zh": "待复习：{n} 题。", "en": "Due for review: {n}."},
    "report_next_due": {"zh": "下次复习：{when}。", "en": "Next review: {when}."},
    "report_mastery": {"zh": "各类诈骗掌握程度（0–100%）：", "en": "Mastery per scam type (0–100%):"},
    "report_flags": {"zh": "最需要记住的诈骗信号：", "en": "Red flags to remember:"},
    "choose_audience": {
        "zh": "先选一下你的身份，题目会更贴近你的情况（之后也可以改）：",
        "en": "First, who are you? The questions will fit your situation (you can change it later):",
    },
    "no_pending": {
        "zh": "现在没有等你回答的题目。说“考考我”开始一轮小测验吧！",
        "en": "There's no question waiting for an answer. Say “quiz me” to start a round!",
    },
    "already_answered": {"zh": "这道题你已经答过了。", "en": "You've already answered that one."},
    "stopped": {
        "zh": "好的，小测验先停在这里。想继续随时说“考考我”。",
        "en": "OK, the quiz stops here. Say “quiz me” whenever you want to go on.",
    },
    "no_round": {"zh": "现在没有进行中的小测验。", "en": "There's no quiz going on."},
    "no_questions": {
        "zh": "题库里暂时没有适合你的题目。",
        "en": "There are no questions for you in the banks yet.",
    },
    "unavailable": {
        "zh": "小测验暂时用不了（题库或数据库出了问题），请稍后再试。防骗问题可以照常问我。",
        "en": "The quiz is unavailable right now (a problem with the question bank or database). Please try again "
        "later; you can still ask me anything about scams.",
    },
    "btn_again": {"zh": "再来一轮", "en": "Another round"},
    "btn_progress": {"zh": "我的进度", "en": "How am I doing"},
    "btn_stop": {"zh": "不考了", "en": "Stop the quiz"},
    "summary": {
        "zh": "本轮结束：{right}/{total} 题答对。",
        "en": "Round over: {right} of {total} right.",
    },
}


def text(key: str, lang: str, **kwargs: object) -> str:
    template = _TEXT[key]["en" if lang == "en" else "zh"]
    return template.format(**kwargs) if kwargs else template


def scam_name(scam_type: str, lang: str) -> str:
    scam = load_knowledge().scam(scam_type)
    return scam.name.en if lang == "en" else scam.name.zh


def audience_name(audience: Audience | str, lang: str) -> str:
    return AUDIENCE_NAMES[str(audience)]["en" if lang == "en" else "zh"]


def option_lines(question: Question, lang: str) -> list[str]:
    return [f"{letter(i)}. {option}" for i, option in enumerate(question.content(lang).options)]


def format_question(question: Question, lang: str, position: int, total: int | None = None) -> str:
    """The question as chat/terminal text: heading, scenario, question, lettered options, how to answer."""
    content = question.content(lang)
    of = f"/{total}" if total else ""
    lines = [text("question", lang, n=position, of=of, scam=scam_name(question.scam_type.value, lang)), ""]
    if content.scenario:
        lines += [f"“{content.scenario}”", ""]
    lines.append(content.question)
    lines += option_lines(question, lang)
    if question.type is QuestionType.SPOT:
        lines.append(text("spot", lang))
    elif question.type is QuestionType.MULTI:
        lines.append(text("many", lang))
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
        return Choice(problem=text("bad_letter", lang, range=f"A–{valid[-1]}", example=example))
    indices = tuple(sorted({valid.index(ch) for ch in letters}))
    if not question.type.many_answers and len(indices) > 1:
        return Choice(problem=text("one_only", lang))
    return Choice(indices)


def format_feedback(question: Question, correct: bool, lang: str, *, more: bool = True) -> str:
    content = question.content(lang)
    if correct:
        head = text("right", lang)
    else:
        answer = "; ".join(f"{letter(i)}. {content.options[i]}" for i in question.answer)
        head = text("wrong", lang, answer=answer)
    parts = [head, content.explanation]
    if more and content.more:
        parts.append(content.more)
    return "\n".join(parts)


def bar(value: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, value)) * width)
    return "█" * filled + "░" * (width - filled)


def format_report(report: object, lang: str, *, types: int | None = None) -> str:
    """A :class:`bot.quiz.engine.Report` as text (imported lazily: keeps this module free of the database)."""
    r = report  # duck-typed Report
    if not r.attempts:  # type: ignore[attr-defined]
        return text("report_empty", lang)
    kb = load_knowledge()
    lines = [text("report_title", lang), ""]
    lines.append(text("report_stats", lang, attempts=r.attempts, accuracy=r.accuracy, streak=r.streak,  # type: ignore[attr-defined]
                      best=r.best_streak, days=r.practice_days))  # type: ignore[attr-defined]
    due = text("report_due", lang, n=r.due_now)  # type: ignore[attr-defined]
    if r.next_due is not None and not r.due_now:  # type: ignore[attr-defined]
        due = text("report_next_due", lang, when=r.next_due.strftime("%Y-%m-%d %H:%M UTC"))  # type: ignore[attr-defined]
    lines += [due, "", text("report_mastery", lang)]
    items = list(r.mastery.items())  # type: ignore[attr-defined]
    if types is not None:
        items = items[:types]
    width = max((len(scam_name(t, lang)) for t, _ in items), default=0)
    for scam_type, value in items:
        lines.append(f"{bar(value)} {value:>4.0%}  {scam_name(scam_type, lang).ljust(width) if lang == 'en' else scam_name(scam_type, lang)}")
    if r.weakest_red_flags:  # type: ignore[attr-defined]
        lines += ["", text("report_flags", lang)]
        for flag in r.weakest_red_flags:  # type: ignore[attr-defined]
            red_flag = kb.red_flags.get(flag.red_flag)
            if red_flag is None:
                continue
            truth = red_flag.truth.en if lang == "en" else red_flag.truth.zh
            lines.append(f"• {truth}")
    return "\n".join(lines)

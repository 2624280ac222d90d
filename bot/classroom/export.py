"""The teacher's report as files: CSV (the four tables one after the other, a blank line between them, UTF-8 with a
byte-order mark so that Excel reads the Chinese) and XLSX (one sheet per table, numbers as numbers). Titles and
column names come from ``bot/i18n/classroom.yml`` in the report's language; scam types and red flags by their
names in the knowledge base.

Tables: students (rank, name, points, right, answered, mean response time, each question, mastery per scam type),
questions (% right, answers, the misconception and the red flags it is about, mean time, skipped), red flags over
every session (answers, % right, weakest first), progress (each session's date and % right).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs in the venv (types-openpyxl: ask the lead)

from bot.classroom.records import AnswerCell, ClassReport
from bot.i18n import t
from bot.knowledge import load_knowledge
from bot.quiz.model import letter

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]]


def _seconds(ms: int | None) -> float | None:
    return round(ms / 1000, 1) if ms is not None else None


def _percent(share: float) -> float:
    return round(100 * share, 1)


def scam_label(scam: str, lang: str) -> str:
    name = load_knowledge().scam(scam).name
    return name.en if lang == "en" else name.zh


def flag_label(flag_id: str, lang: str) -> str:
    try:
        text = load_knowledge().red_flag(flag_id).text
    except KeyError:  # a flag the knowledge base no longer has: its id
        return flag_id
    return text.en if lang == "en" else text.zh


def _cell(answer: AnswerCell | None, lang: str) -> str:
    if answer is None:
        return t("classroom.report_no_answer", lang)
    seconds = _seconds(answer.response_ms)
    if answer.correct:
        return t("classroom.report_right", lang, points=answer.points, seconds=seconds)
    return t("classroom.report_wrong", lang, points=answer.points, seconds=seconds)


def tables(report: ClassReport, lang: str) -> list[Table]:
    """The report's four tables in ``lang``."""
    scams = sorted({q.question.scam_type.value for q in report.questions})
    students = Table(
        t("classroom.report_students", lang),
        [
            t("classroom.col_rank", lang),
            t("classroom.col_name", lang),
            t("classroom.col_points", lang),
            t("classroom.col_right", lang),
            t("classroom.col_answered", lang),
            t("classroom.col_mean_seconds", lang),
            *(t("classroom.col_question", lang, n=q.position + 1) for q in report.questions),
            *(t("classroom.col_mastery", lang, scam=scam_label(scam, lang)) for scam in scams),
        ],
        [
            [
                s.rank,
                s.display_name,
                s.points,
                s.right,
                s.answered,
                _seconds(s.mean_ms),
                *(_cell(a, lang) for a in s.answers),
                *(_percent(s.mastery.get(scam, 0.0)) for scam in scams),
            ]
            for s in report.students
        ],
    )
    questions = Table(
        t("classroom.report_questions", lang),
        [
            t("classroom.col_number", lang),
            t("classroom.col_prompt", lang),
            t("classroom.col_scam", lang),
            t("classroom.col_share_right", lang),
            t("classroom.col_answered", lang),
            t("classroom.col_misconception", lang),
            t("classroom.col_red_flags", lang),
            t("classroom.col_mean_seconds", lang),
            t("classroom.col_skipped", lang),
        ],
        [
            [
                q.position + 1,
                q.question.content(lang).prompt,
                scam_label(q.question.scam_type.value, lang),
                _percent(q.share_right),
                q.answered,
                (
                    f"{letter(q.misconception)}. {q.question.content(lang).options[q.misconception]}"
                    if q.misconception is not None
                    else None
                ),
                "; ".join(flag_label(f, lang) for f in q.red_flags),
                _seconds(q.mean_ms),
                t("classroom.report_yes", lang) if q.skipped else None,
            ]
            for q in report.questions
        ],
    )
    flags = Table(
        t("classroom.report_red_flags", lang),
        [t("classroom.col_red_flag", lang), t("classroom.col_answered", lang), t("classroom.col_share_right", lang)],
        [[flag_label(f.red_flag, lang), f.answered, _percent(f.share_right)] for f in report.red_flags],
    )
    progress = Table(
        t("classroom.report_progress", lang),
        [t("classroom.col_date", lang), t("classroom.col_answered", lang), t("classroom.col_share_right", lang)],
        [[p.started_at.strftime("%Y-%m-%d %H:%M"), p.answered, _percent(p.share_right)] for p in report.progress],
    )
    return [students, questions, flags, progress]


def title(report: ClassReport, lang: str) -> str:
    when = report.started_at.strftime("%Y-%m-%d %H:%M") if report.started_at else "-"
    return t("classroom.report_title", lang, name=report.classroom.name, date=when)


def report_csv(report: ClassReport, lang: str) -> str:
    """The report as CSV text (write it with ``encoding="utf-8-sig"`` for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([title(report, lang)])
    for table in tables(report, lang):
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    return out.getvalue()


def report_xlsx(report: ClassReport, lang: str) -> bytes:
    """The report as an XLSX workbook: one sheet per table, the report's title above each."""
    book = Workbook()
    book.remove(book.active)
    for table in tables(report, lang):
        sheet = book.create_sheet(_sheet_name(table.title))
        sheet.append([title(report, lang)])
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(row)
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return "".join(c for c in name if c not in "[]:*?/\\")[:31]

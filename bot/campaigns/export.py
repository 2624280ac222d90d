"""The organiser's report as tables (for CSV files and spreadsheets): ``export_rows(report, lang)`` gives, per sheet,
its rows, the column names first. Sheets (stable ids; :func:`sheet_title` names them in a language):

- ``funnel``: each measure of the funnel, for the whole campaign and each week;
- ``classes``: each class's funnel;
- ``students``: each student of the organiser's own classes, week by week (delivered, opened, quiz right of total)
  and whether the family plan was made;
- ``questions``: each week's questions per role: answers, share right, the most chosen wrong options.
Texts come from ``bot/i18n/campaign.yml`` (the ``# --- reports (campaign-db)`` section) in ``lang``.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.campaigns.records import CampaignReport, Funnel, Role, WeekProgress
from bot.i18n import t

Cell = str | int | float | None
SHEETS = ("funnel", "classes", "students", "questions")


def sheet_title(sheet: str, lang: str) -> str:
    titles: dict[str, Callable[[], str]] = {
        "funnel": lambda: t("campaign.sheet_funnel", lang),
        "classes": lambda: t("campaign.sheet_classes", lang),
        "students": lambda: t("campaign.sheet_students", lang),
        "questions": lambda: t("campaign.sheet_questions", lang),
    }
    return titles[sheet]()


def _percent(share: float) -> float:
    return round(100 * share, 1)


def _measures(lang: str) -> list[tuple[str, Callable[[Funnel], Cell]]]:
    """The funnel's measures: their names in ``lang`` and how to read them."""
    return [
        (t("campaign.funnel_students", lang), lambda f: f.enrolled_students),
        (t("campaign.funnel_parents", lang), lambda f: f.enrolled_parents),
        (t("campaign.funnel_students_with_parent", lang), lambda f: f.students_with_parent),
        (t("campaign.funnel_parent_share", lang), lambda f: _percent(f.parent_share)),
        (t("campaign.funnel_delivered", lang), lambda f: f.lessons_delivered),
        (t("campaign.funnel_opened", lang), lambda f: f.lessons_opened),
        (t("campaign.funnel_quizzes", lang), lambda f: f.quizzes_answered),
        (t("campaign.funnel_plans", lang), lambda f: f.plans_made),
        (t("campaign.funnel_opted_out", lang), lambda f: f.opted_out),
    ]


def role_name(role: Role, lang: str) -> str:
    return t("campaign.report_student", lang) if role == Role.STUDENT else t("campaign.report_parent", lang)


def _week_cell(week: WeekProgress, lang: str) -> str:
    if not week.delivered and not week.opened:
        return t("campaign.cell_not_sent", lang)
    seen = t("campaign.cell_opened", lang) if week.opened else t("campaign.cell_sent", lang)
    if week.quiz_answered:
        return t("campaign.cell_quiz", lang, state=seen, right=week.quiz_right, total=week.quiz_total)
    return seen


def export_rows(report: CampaignReport, lang: str) -> dict[str, list[list[Cell]]]:
    """The report's sheets (see the module docstring), each a list of rows, its column names first."""
    measures = _measures(lang)
    weeks = [w for w, _ in report.weeks]
    week_names: list[Cell] = [t("campaign.col_week", lang, week=w) for w in weeks]
    funnel: list[list[Cell]] = [[t("campaign.col_measure", lang), t("campaign.col_total", lang), *week_names]]
    for name, value in measures:
        funnel.append([name, value(report.funnel), *(value(f) for _, f in report.weeks)])
    classes: list[list[Cell]] = [[t("campaign.col_class", lang), *(name for name, _ in measures)]]
    for c in report.classes:
        classes.append([c.class_name, *(value(c.funnel) for _, value in measures)])
    students: list[list[Cell]] = [
        [t("campaign.col_class", lang), t("campaign.col_name", lang), *week_names, t("campaign.col_plan", lang)]
    ]
    for c in report.classes:
        for p in c.students:
            plan = t("campaign.report_yes", lang) if p.plan_made else t("campaign.report_no", lang)
            students.append([c.class_name, p.name, *(_week_cell(w, lang) for w in p.weeks), plan])
    questions: list[list[Cell]] = [
        [
            t("campaign.col_week_number", lang),
            t("campaign.col_role", lang),
            t("campaign.col_question", lang),
            t("campaign.col_prompt", lang),
            t("campaign.col_answered", lang),
            t("campaign.col_share_right", lang),
            t("campaign.col_top_wrong", lang),
        ]
    ]
    for q in report.questions:
        questions.append(
            [
                q.week,
                role_name(q.role, lang),
                q.question_id,
                q.prompt,
                q.answered,
                _percent(q.right / q.answered) if q.answered else None,
                "; ".join(t("campaign.wrong_option", lang, option=text, count=n) for text, n in q.top_wrong) or None,
            ]
        )
    return {"funnel": funnel, "classes": classes, "students": students, "questions": questions}


def report_csv(report: CampaignReport, lang: str) -> str:
    """The report as CSV text: each sheet under its title, a blank line between them (write it with a byte-order
    mark, ``encoding="utf-8-sig"``, so that Excel reads the Chinese). The web download and ``antifraud campaign
    report --csv`` both use it."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, (sheet, rows) in enumerate(export_rows(report, lang).items()):
        if number:
            writer.writerow([])
        writer.writerow([sheet_title(sheet, lang)])
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()

"""The organiser's pages (issue 11): their campaigns, each campaign's report (the funnel as a table with bars, week
by week, per class with each student's completion, each week's quiz results with the most chosen wrong answers) and
the same report as a CSV download.

Behind the teacher's login (the session cookie; a teacher is an organiser). What the page shows is what
``CampaignService.report`` returns for the logged-in organiser: their own campaigns only (403 otherwise), and per
student only in their own classes. Not logged in 401, no such campaign 404. The service is ``app.state.campaigns``
(None: the app runs without campaigns and these pages are not found).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.campaigns.export import report_csv
from bot.campaigns.records import CampaignError, CampaignInfo, CampaignReport, Funnel, Progress, Role
from bot.i18n import LANGS, t
from bot.web.pages import LANG_COOKIE, chosen_lang, message, message_text, render
from bot.web.teacher import current_teacher, remember_lang


def texts(lang: str) -> dict[str, str]:
    """The organiser pages' own texts in ``lang`` (the templates read them as ``ox.<name>``)."""
    return {
        "my_campaigns": t("web.my_campaigns", lang),
        "no_campaigns": t("web.no_campaigns", lang),
        "campaign_open": t("web.campaign_open", lang),
        "campaign_running": t("web.campaign_running", lang),
        "campaign_ended": t("web.campaign_ended", lang),
        "col_campaign": t("web.col_campaign", lang),
        "col_classes": t("web.col_classes", lang),
        "col_start": t("web.col_start", lang),
        "col_weeks": t("web.col_weeks", lang),
        "col_enrolled": t("web.col_enrolled", lang),
        "col_parent_share": t("web.col_parent_share", lang),
        "col_status": t("web.col_status", lang),
        "funnel": t("web.funnel", lang),
        "col_step": t("web.col_step", lang),
        "col_count": t("web.col_count", lang),
        "col_share": t("web.col_share", lang),
        "by_week": t("web.by_week", lang),
        "col_week": t("web.col_week", lang),
        "col_theme": t("web.col_theme", lang),
        "step_delivered": t("web.step_delivered", lang),
        "step_opened": t("web.step_opened", lang),
        "step_quizzes": t("web.step_quizzes", lang),
        "step_opted_out": t("web.step_opted_out", lang),
        "by_class": t("web.by_class", lang),
        "col_student": t("web.col_student", lang),
        "col_plan": t("web.col_plan", lang),
        "legend": t("web.legend", lang),
        "no_class_students": t("web.no_class_students", lang),
        "questions_title": t("web.questions_title", lang),
        "col_role": t("web.col_role", lang),
        "col_question": t("web.col_question", lang),
        "col_answered": t("web.col_answered", lang),
        "col_right": t("web.col_right", lang),
        "col_top_wrong": t("web.col_top_wrong", lang),
        "no_answers_yet": t("web.no_answers_yet", lang),
        "yes": t("web.yes", lang),
    }


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Step:
    """One row of the funnel: what, how many, its share of ``base`` (a percentage, None: no base) and the bar's
    width (a percentage, 0-100)."""

    label: str
    count: int
    share: int | None
    base: str
    bar: int


def funnel_steps(funnel: Funnel, lang: str) -> list[Step]:
    """The funnel's rows: people enrolled, then what happened to the lessons, then plans and opt-outs; each share
    is of what it naturally belongs to (students, lessons delivered, everyone enrolled)."""
    students, delivered = funnel.enrolled_students, funnel.lessons_delivered
    everyone = funnel.enrolled_students + funnel.enrolled_parents
    of_students, of_delivered = t("web.share_of_students", lang), t("web.share_of_delivered", lang)
    of_enrolled = t("web.share_of_enrolled", lang)
    rows = [
        (t("web.step_students", lang), students, None, "", 100 if students else 0),
        (t("web.step_parents", lang), funnel.enrolled_parents, None, "", _percent(funnel.enrolled_parents, students)),
        (t("web.step_with_parent", lang), funnel.students_with_parent, students, of_students, None),
        (t("web.step_delivered", lang), delivered, None, "", 100 if delivered else 0),
        (t("web.step_opened", lang), funnel.lessons_opened, delivered, of_delivered, None),
        (t("web.step_quizzes", lang), funnel.quizzes_answered, delivered, of_delivered, None),
        (t("web.step_plans", lang), funnel.plans_made, everyone, of_enrolled, None),
        (t("web.step_opted_out", lang), funnel.opted_out, everyone, of_enrolled, None),
    ]
    steps = []
    for label, count, whole, base, bar in rows:
        share = _percent(count, whole) if whole is not None else None
        width = share if share is not None else bar
        steps.append(Step(label, count, share, base if share is not None else "", min(100, width or 0)))
    return steps


@dataclass(frozen=True)
class Cell:
    """One student's week: a mark, a class for its colour and the words a screen reader (and a hover) says."""

    mark: str
    css: str
    title: str


def week_cells(progress: Progress, weeks: int, lang: str) -> list[Cell]:
    by_week = {w.week: w for w in progress.weeks}
    cells = []
    for number in range(1, weeks + 1):
        week = by_week.get(number)
        if week is not None and week.opened:
            quiz = t("web.cell_quiz", lang, right=week.quiz_right, total=week.quiz_total) if week.quiz_answered else ""
            mark = f"✓ {week.quiz_right}/{week.quiz_total}" if week.quiz_answered else "✓"
            cells.append(Cell(mark, "opened", ", ".join(x for x in (t("web.cell_opened", lang), quiz) if x)))
        elif week is not None and week.delivered:
            cells.append(Cell("✉", "delivered", t("web.cell_delivered", lang)))
        else:
            cells.append(Cell("–", "not-yet", t("web.cell_not_yet", lang)))
    return cells


def role_name(role: Role, lang: str) -> str:
    return t("web.role_parent", lang) if role == Role.PARENT else t("web.role_student", lang)


@dataclass(frozen=True)
class QuestionRow:
    role: str
    prompt: str
    answered: int
    right: int | None  # percent
    wrong: list[tuple[str, str]]  # (option, "n times"), most chosen first


def question_rows(report: CampaignReport, lang: str) -> list[tuple[str, list[QuestionRow]]]:
    """The questions grouped by week (in order), each week titled; only the weeks that went out (or have answers)."""
    sent = {number for number, f in report.weeks if f.lessons_delivered}
    sent |= {q.week for q in report.questions if q.answered}
    weeks: dict[int, list[QuestionRow]] = {}
    shown = [q for q in report.questions if q.week in sent]
    for q in sorted(shown, key=lambda q: (q.week, q.role != Role.STUDENT)):
        wrong = [(text, t("web.times_chosen", lang, count=n)) for text, n in q.top_wrong]
        row = QuestionRow(role_name(q.role, lang), q.prompt, q.answered, _percent(q.right, q.answered), wrong)
        weeks.setdefault(q.week, []).append(row)
    return [(t("web.week_n", lang, n=week), rows) for week, rows in sorted(weeks.items())]


def _status(info: CampaignInfo, lang: str) -> str:
    return t("web.campaign_ended", lang) if info.ended_at is not None else t("web.campaign_running", lang)


def _classes(report: CampaignReport, lang: str) -> str:
    names = [c.class_name for c in report.classes]
    if report.campaign.open:
        names.append(t("web.campaign_open", lang))
    return ", ".join(names) or "–"


# --------------------------------------------------------------------------------------------------------------
# Routes


async def _organiser(request: Request) -> int | Response:
    """The logged-in organiser's learner id, or the page that says why not (no campaigns here: 404; no login: 401)."""
    if getattr(request.app.state, "campaigns", None) is None:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("not_found", lang), lang, 404)
    organiser = await current_teacher(request)
    if organiser is None:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("login_needed", lang), lang, 401)
    return organiser


async def _report(request: Request) -> CampaignReport | Response:
    """The report the organiser asked for (in the page's language), or the page that says why not."""
    organiser = await _organiser(request)
    if isinstance(organiser, Response):
        return organiser
    svc = request.app.state.campaigns
    try:
        campaign_id = int(request.path_params["campaign_id"])
    except ValueError:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("not_found", lang), lang, 404)

    def work() -> CampaignReport:
        info: CampaignInfo = svc.campaign(campaign_id)
        found: CampaignReport = svc.report(organiser, campaign_id, chosen_lang(request, info.lang))
        return found

    try:
        return await run_in_threadpool(work)
    except CampaignError as error:
        lang = chosen_lang(request, "zh")
        if error.key == "campaign.unknown_campaign":
            return message(request, message_text("not_found", lang), lang, 404)
        return message(request, t("web.campaign_forbidden", lang), lang, 403)


def _overview(svc: Any, organiser: int, lang: str | None) -> list[CampaignReport]:
    found: list[CampaignInfo] = svc.organiser_campaigns(organiser)
    return [svc.report(organiser, c.id, lang or c.lang) for c in found]


async def campaigns(request: Request) -> Response:
    organiser = await _organiser(request)
    if isinstance(organiser, Response):
        return organiser
    asked = next((v for v in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)) if v in LANGS), None)
    reports = await run_in_threadpool(_overview, request.app.state.campaigns, organiser, asked)
    lang = chosen_lang(request, reports[0].campaign.lang if reports else "zh")
    rows = [
        {
            "id": r.campaign.id,
            "title": r.campaign.title.get(lang),
            "classes": _classes(r, lang),
            "start": r.campaign.start.isoformat(),
            "weeks": r.campaign.weeks,
            "enrolled": r.funnel.enrolled_students + r.funnel.enrolled_parents,
            "parent_share": round(100 * r.funnel.parent_share),
            "status": _status(r.campaign, lang),
            "ended": r.campaign.ended_at is not None,
        }
        for r in reports
    ]
    page = render(request, "organiser_campaigns.html", lang, ox=texts(lang), campaigns=rows)
    return remember_lang(request, page, lang)


def _themes(request: Request, report: CampaignReport, lang: str) -> dict[int, str]:
    """Week number -> its theme, from the campaign's definition (none if the definition is gone)."""
    for definition in request.app.state.campaigns.definitions():
        if definition.id == report.campaign.definition_id:
            return {w.number: w.theme.get(lang) for w in definition.weeks}
    return {}


async def page(request: Request) -> Response:
    report = await _report(request)
    if isinstance(report, Response):
        return report
    lang = chosen_lang(request, report.campaign.lang)
    themes = _themes(request, report, lang)
    weeks = [
        {
            "name": t("web.week_n", lang, n=number),
            "theme": themes.get(number, ""),
            "delivered": f.lessons_delivered,
            "opened": f.lessons_opened,
            "opened_share": _percent(f.lessons_opened, f.lessons_delivered),
            "quizzes": f.quizzes_answered,  # (plans and opt-outs are not per week: the funnel has them)
        }
        for number, f in report.weeks
    ]
    classes = [
        {
            "name": c.class_name,
            "summary": t(
                "web.class_summary",
                lang,
                students=c.funnel.enrolled_students,
                with_parent=c.funnel.students_with_parent,
                opened=c.funnel.lessons_opened,
                delivered=c.funnel.lessons_delivered,
            ),
            "steps": funnel_steps(c.funnel, lang),
            "students": [
                {"name": p.name, "cells": week_cells(p, report.campaign.weeks, lang), "plan": p.plan_made}
                for p in c.students
            ],
        }
        for c in report.classes
    ]
    page = render(
        request,
        "organiser_report.html",
        lang,
        ox=texts(lang),
        info=report.campaign,
        title=report.campaign.title.get(lang),
        classes_line=_classes(report, lang),
        status=_status(report.campaign, lang),
        steps=funnel_steps(report.funnel, lang),
        weeks=weeks,
        week_names=[t("web.week_n", lang, n=n) for n in range(1, report.campaign.weeks + 1)],
        classes=classes,
        questions=question_rows(report, lang),
        csv_link=f"/organiser/campaigns/{report.campaign.id}/report.csv?lang={lang}",
    )
    return remember_lang(request, page, lang)


async def csv_file(request: Request) -> Response:
    report = await _report(request)
    if isinstance(report, Response):
        return report
    lang = chosen_lang(request, report.campaign.lang)
    body = ("\ufeff" + report_csv(report, lang)).encode()  # the byte-order mark: Excel reads the Chinese
    name = f"campaign-{report.campaign.id}-{report.campaign.definition_id}.csv"
    return Response(
        body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


ROUTES = [
    Route("/organiser/campaigns", campaigns, name="organiser_campaigns"),
    Route("/organiser/campaigns/{campaign_id}", page, name="organiser_report"),
    Route("/organiser/campaigns/{campaign_id}/report.csv", csv_file, name="organiser_report_csv"),
]

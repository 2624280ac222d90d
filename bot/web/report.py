"""The class report for its teacher: the page (the four tables of ``bot.classroom.export`` in the class's language,
the misconception of each question marked, the class's progress drawn as bars) and the same report as CSV and XLSX
downloads. Only the class's own teacher gets it: not logged in 401, another teacher's class 403, no such class 404.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.classroom import export
from bot.classroom.records import ClassReport, ClassroomError
from bot.i18n import t
from bot.web.pages import chosen_lang, message, message_text, render
from bot.web.teacher import current_teacher

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _report(request: Request) -> ClassReport | Response:
    """The report the logged-in teacher asked for, or the page that says why not."""
    teacher = await current_teacher(request)
    if teacher is None:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("login_needed", lang), lang, 401)
    try:
        class_id = int(request.path_params["class_id"])
        raw = request.query_params.get("session")
        session_id = int(raw) if raw else None
    except ValueError:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("not_found", lang), lang, 404)
    svc = request.app.state.classroom
    try:
        found: ClassReport = await run_in_threadpool(lambda: svc.class_report(class_id, teacher, session_id=session_id))
    except ClassroomError as error:
        lang = chosen_lang(request, "zh")
        if error.key == "not_teacher":
            return message(request, message_text("forbidden", lang), lang, 403)
        return message(request, message_text("not_found", lang), lang, 404)
    return found


async def page(request: Request) -> Response:
    report = await _report(request)
    if isinstance(report, Response):
        return report
    lang = chosen_lang(request, report.classroom.lang)
    tables = export.tables(report, lang)
    query = f"?session={report.session.id}&lang={lang}" if report.session else f"?lang={lang}"
    return render(
        request,
        "teacher_report.html",
        lang,
        report=report,
        title=export.title(report, lang),
        tables=tables,
        misconception_column=tables[1].columns.index(t("classroom.col_misconception", lang)),
        download=f"/teacher/classes/{report.classroom.id}/report",
        query=query,
        progress=[(p.started_at.strftime("%m-%d %H:%M"), round(100 * p.share_right)) for p in report.progress],
    )


def _filename(report: ClassReport, suffix: str) -> str:
    when = report.started_at.strftime("%Y%m%d") if report.started_at else "class"
    return f"class-{report.classroom.id}-{when}.{suffix}"


async def csv_file(request: Request) -> Response:
    report = await _report(request)
    if isinstance(report, Response):
        return report
    lang = chosen_lang(request, report.classroom.lang)
    body = ("\ufeff" + export.report_csv(report, lang)).encode()  # the byte-order mark: Excel reads the Chinese
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'},
    )


async def xlsx_file(request: Request) -> Response:
    report = await _report(request)
    if isinstance(report, Response):
        return report
    lang = chosen_lang(request, report.classroom.lang)
    body = await run_in_threadpool(export.report_xlsx, report, lang)
    return Response(
        body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{_filename(report, "xlsx")}"'}
    )


ROUTES = [
    Route("/teacher/classes/{class_id}", page, name="report"),
    Route("/teacher/classes/{class_id}/report.csv", csv_file, name="report_csv"),
    Route("/teacher/classes/{class_id}/report.xlsx", xlsx_file, name="report_xlsx"),
]

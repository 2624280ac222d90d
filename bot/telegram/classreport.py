"""A teacher's way to the web: /report (a chart of the class's latest session, % right per question, and the link
to the full report) and /login (a one-time login link for the teacher pages, made by ``bot.classroom.access``).
Both only in the private chat: the links are the teacher's own."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.classroom.access import issue_login_link
from bot.classroom.records import ClassReport, ClassroomError
from bot.i18n import t
from bot.settings import settings
from bot.telegram.chart import label_font, percent_bars
from bot.telegram.replies import send
from bot.telegram.roles import learner_id, refuse, teacher_chat, teacher_class, words
from bot.telegram.services import Services, db, services


async def login_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/login: a one-time link to the teacher pages (expires, single use)."""
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, user, lang = found
    minutes = settings().login_link_minutes
    token = await db(_issue, services(context), await learner_id(context, user), minutes)
    link = f"{settings().public_url}/login/{token}"
    await send(chat_id, context, t("telegram.class_login_link", lang, minutes=minutes, link=link))


def _issue(svc: Services, learner: int, minutes: int) -> str:
    return svc.quiz.db.write_retrying(lambda s: issue_login_link(s, learner, now=svc.now(), minutes=minutes))


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [CODE]: the chart of the latest session, then the link to the full report."""
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, user, lang = found
    teacher = await learner_id(context, user)
    info, _ = await teacher_class(update, context, lang, teacher, words(context), "/report K7M2QP")
    if info is None:
        return
    try:
        report: ClassReport = await db(services(context).classroom.class_report, info.id, teacher)
    except ClassroomError as error:
        await refuse(chat_id, context, lang, error)
        return
    if report.session is None or not report.questions:
        await send(chat_id, context, t("telegram.class_report_empty", lang))
        return
    png = await db(class_chart, report, lang)
    await context.bot.send_photo(chat_id, png, caption=t("telegram.class_report_caption", lang, name=info.name))
    link = f"{settings().public_url}/teacher/classes/{info.id}"
    await send(chat_id, context, t("telegram.class_report_link", lang, link=link))


def class_chart(report: ClassReport, lang: str) -> bytes:
    """% right per question of the session, first question at the top (a figure of its own: thread-safe, as
    ``chart.mastery_chart``). Chinese labels when a CJK font is installed, else English."""
    label_lang, family = label_font(lang)
    asked = [q for q in report.questions if not q.skipped][::-1]
    labels = [t("telegram.class_chart_question", label_lang, number=q.position + 1) for q in asked]
    values = [round(q.share_right * 100) for q in asked]
    return percent_bars(
        labels,
        values,
        family,
        t("telegram.class_chart_axis", label_lang),
        t("telegram.class_report_caption", label_lang, name=report.classroom.name),
    )

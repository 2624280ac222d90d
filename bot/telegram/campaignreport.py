"""An organiser's campaign report on Telegram (issue 11): ``/campaignreport [NUMBER]``: a chart (% right per question
of each week's quiz, by role), then the funnel (enrolled, parents linked, lessons delivered and opened, quiz answers,
safety plans, opted out), each class's, and each question's result with its most chosen wrong answer. Only the
campaign's organiser gets it (the engine checks), in the private chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.campaigns.records import CampaignError, CampaignReport, Funnel, Role
from bot.i18n import t
from bot.telegram.chart import label_font, percent_bars
from bot.telegram.enrolment import refuse
from bot.telegram.replies import send
from bot.telegram.roles import learner_id, teacher_chat, words
from bot.telegram.services import db, services

#: Longest question prompt shown in the report's text.
PROMPT_CHARS = 60


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/campaignreport [NUMBER]: the campaign's chart, then its figures as text."""
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, user, lang = found
    svc = services(context)
    organiser = await learner_id(context, user)
    args = words(context)
    if args and args[0].lstrip("#").isdigit():
        campaign_id = int(args[0].lstrip("#"))
    else:
        mine = await db(svc.campaigns.organiser_campaigns, organiser)
        if not mine:
            await send(chat_id, context, t("telegram.campaign_none", lang))
            return
        if len(mine) > 1:
            numbers = ", ".join(f"{c.id} {c.title.get(lang)}" for c in mine)
            await send(chat_id, context, t("telegram.campaign_which", lang, numbers=numbers))
            return
        campaign_id = mine[0].id
    try:
        report = await db(svc.campaigns.report, organiser, campaign_id, lang)
    except CampaignError as error:
        await refuse(chat_id, context, lang, error)
        return
    if any(q.answered for q in report.questions):
        png = await db(report_chart, report, lang)
        caption = t("telegram.campaign_chart_title", lang, title=report.campaign.title.get(lang))
        await context.bot.send_photo(chat_id, png, caption=caption[:1024])
    await send(chat_id, context, report_text(report, lang))


def funnel_text(funnel: Funnel, lang: str) -> str:
    return t(
        "telegram.campaign_funnel",
        lang,
        students=funnel.enrolled_students,
        parents=funnel.enrolled_parents,
        with_parent=funnel.students_with_parent,
        share=round(funnel.parent_share * 100),
        delivered=funnel.lessons_delivered,
        opened=funnel.lessons_opened,
        answered=funnel.quizzes_answered,
        plans=funnel.plans_made,
        opted_out=funnel.opted_out,
    )


def role_name(role: Role, lang: str) -> str:
    return (
        t("telegram.campaign_role_parent", lang) if role == Role.PARENT else t("telegram.campaign_role_student", lang)
    )


def report_text(report: CampaignReport, lang: str) -> str:
    """The funnel, each class's, and the result of each question answered so far with its most chosen wrong
    answer."""
    info = report.campaign
    lines = [
        t("telegram.campaign_report_title", lang, title=info.title.get(lang), number=info.id),
        funnel_text(report.funnel, lang),
    ]
    for group in report.classes:
        f = group.funnel
        lines.append(
            t(
                "telegram.campaign_report_class",
                lang,
                name=group.class_name,
                students=f.enrolled_students,
                with_parent=f.students_with_parent,
                opened=f.lessons_opened,
                plans=f.plans_made,
            )
        )
    answered = [q for q in report.questions if q.answered]
    if report.questions:
        lines.append(t("telegram.campaign_report_questions", lang))
        if not answered:
            lines.append(t("telegram.campaign_report_no_answers", lang))
    for q in answered:
        prompt = q.prompt if len(q.prompt) <= PROMPT_CHARS else q.prompt[: PROMPT_CHARS - 1] + "…"
        line = t(
            "telegram.campaign_report_question",
            lang,
            week=q.week,
            role=role_name(q.role, lang),
            prompt=prompt,
            right=q.right,
            answered=q.answered,
        )
        if q.top_wrong:
            option, times = q.top_wrong[0]
            line += "\n" + t("telegram.campaign_report_wrong", lang, option=option, times=times)
        lines.append(line)
    return "\n".join(lines)


def report_chart(report: CampaignReport, lang: str) -> bytes:
    """% right per question answered (numbered within its week and role), the first at the top."""
    label_lang, family = label_font(lang)
    numbers: dict[tuple[int, Role], int] = {}
    labels, values = [], []
    for q in report.questions:
        numbers[(q.week, q.role)] = numbers.get((q.week, q.role), 0) + 1
        if not q.answered:
            continue
        role = role_name(q.role, label_lang)
        labels.append(
            t("telegram.campaign_chart_label", label_lang, week=q.week, role=role, number=numbers[(q.week, q.role)])
        )
        values.append(round(100 * q.right / q.answered))
    title = t("telegram.campaign_chart_title", label_lang, title=report.campaign.title.get(label_lang))
    return percent_bars(labels[::-1], values[::-1], family, t("telegram.class_chart_axis", label_lang), title)

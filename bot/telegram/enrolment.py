"""Taking part in a campaign (issue 11): joining by the campaign link (``/start k_<token>``, dispatched here by
onboarding) or with a class (``students`` after a class join), and the time zone (``/zone`` and its buttons); and
what the campaign callbacks share (a refusal in one line, a stale button, the names, the zone buttons, one's
running enrolments, a progress line). The family (invites, /family, /stop) is in ``family``.

Stateless: the zone buttons carry the zone (``cz:<zone>``), and the engine checks that the presser is enrolled."""

from __future__ import annotations

import re
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import ContextTypes

from bot.campaigns.errors import describe
from bot.campaigns.records import CampaignError, CampaignInfo, Enrolment, Progress, Role
from bot.campaigns.zones import DEFAULT_ZONE, ZONES, zone
from bot.i18n import t
from bot.shared.privacy import mask
from bot.telegram.learners import is_private, language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import learner_id
from bot.telegram.services import db, services

#: The campaign link's payload: ``k_<join token>``.
CAMPAIGN_PAYLOAD = "k_"
#: ``cz:<zone id>``
ZONE_BUTTON = re.compile(r"^cz:(?P<zone>[a-z_]+)\Z")
#: The display name column's width.
MAX_DISPLAY = 40
ZONES_PER_ROW = 3


# --- shared by the campaign callbacks


async def refuse(chat_id: int, context: ContextTypes.DEFAULT_TYPE, lang: str, error: CampaignError) -> None:
    """The campaign engine refused: one line per problem, in the user's language."""
    await send(chat_id, context, describe(error, lang))


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    """A button that is no longer valid, or not the presser's: one line."""
    chat = update.effective_chat
    assert chat is not None
    await send(chat.id, context, t("telegram.campaign_stale", lang))


def display_name(user: User) -> str:
    """The name a family sees: the Telegram first name, personal numbers masked."""
    first = " ".join((user.first_name or "").split())
    return mask(first)[:MAX_DISPLAY] or "?"


def title(info: CampaignInfo, lang: str) -> str:
    return info.title.get(lang)


def zone_keyboard(lang: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(z.name.get(lang), callback_data=f"cz:{z.id}") for z in ZONES]
    return InlineKeyboardMarkup([buttons[i : i + ZONES_PER_ROW] for i in range(0, len(buttons), ZONES_PER_ROW)])


def invite_button(info: CampaignInfo, lang: str, *, named: bool = False) -> InlineKeyboardButton:
    label = t("telegram.campaign_invite_button", lang)
    if named:
        label = f"{label} · {title(info, lang)}"
    return InlineKeyboardButton(label[:64], callback_data=f"cf:i:{info.id}")


async def active_enrolments(context: ContextTypes.DEFAULT_TYPE, learner: int) -> list[tuple[CampaignInfo, Enrolment]]:
    """The learner's campaigns that are running and that they have not stopped."""
    found = await db(services(context).campaigns.learner_enrolments, learner)
    return [(c, e) for c, e in found if e.opted_out_at is None and c.ended_at is None]


async def known_zone(context: ContextTypes.DEFAULT_TYPE, learner: int) -> str | None:
    """The zone the learner picked for another campaign (None: they never picked one)."""
    found = await db(services(context).campaigns.learner_enrolments, learner)
    return next((e.zone for _, e in found), None)


def progress_text(progress: Progress, lang: str) -> str:
    """One line: lessons opened of those delivered, quiz answers right, the safety plan."""
    weeks = progress.weeks
    line = t(
        "telegram.campaign_progress",
        lang,
        opened=sum(w.opened for w in weeks),
        delivered=sum(w.delivered for w in weeks),
        right=sum(w.quiz_right for w in weeks),
        answered=sum(w.quiz_answered for w in weeks),
    )
    return line + (t("telegram.campaign_progress_plan", lang) if progress.plan_made else "")


# --- joining


async def join_by_link(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    """/start k_<token>: the campaign of an organiser's link, as a student. A campaign for classes takes the
    students of those classes (who joined by the class link first: the engine says so); an open one anyone."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    svc = services(context)
    try:
        info = await db(svc.campaigns.campaign_by_token, token)
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)
        return
    learner = await learner_id(context, user)
    picked = await known_zone(context, learner)
    try:  # a student of one of the campaign's classes is enrolled with that class and their name in it
        enrolment = await db(
            svc.campaigns.enrol,
            info.id,
            learner,
            role=Role.STUDENT,
            lang=lang,
            zone=picked or DEFAULT_ZONE,
            display_name=display_name(user),
        )
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)
        return
    await welcome(context, chat.id, lang, info, enrolment, ask_zone=picked is None)


async def welcome(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    lang: str,
    info: CampaignInfo,
    enrolment: Enrolment,
    *,
    ask_zone: bool,
) -> None:
    """Joined: what comes, then the zone buttons (first campaign) or, for a student, the invite button."""
    if enrolment.role == Role.PARENT:
        text = t("telegram.campaign_joined_parent", lang, title=title(info, lang), weeks=info.weeks)
    else:
        text = t("telegram.campaign_joined", lang, title=title(info, lang), weeks=info.weeks)
    if ask_zone:
        await send(chat_id, context, text + "\n\n" + t("telegram.campaign_zone_prompt", lang), zone_keyboard(lang))
        return
    text += "\n" + t("telegram.campaign_zone_current", lang, zone=zone(enrolment.zone).name.get(lang))
    if enrolment.role == Role.STUDENT:
        text += "\n\n" + t("telegram.campaign_invite_nudge", lang)
        await send(chat_id, context, text, InlineKeyboardMarkup([[invite_button(info, lang)]]))
        return
    await send(chat_id, context, text)


async def enrol_class_member(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, lang: str, class_id: int, learner: int, name: str
) -> None:
    """After a class join: the class's running campaigns take the student in (said in one message each)."""
    svc = services(context)
    picked = await known_zone(context, learner)
    enrolled = await db(svc.campaigns.enrol_class_member, class_id, learner, name)
    if picked is not None and any(e.zone != picked for e in enrolled):
        await db(svc.campaigns.set_zone, learner, picked)  # the zone they chose before holds here too
        enrolled = [replace(e, zone=picked) for e in enrolled]
    for enrolment in enrolled:
        info = await db(svc.campaigns.campaign, enrolment.campaign_id)
        await welcome(context, chat_id, lang, info, enrolment, ask_zone=picked is None)
        picked = picked or enrolment.zone  # the zone buttons once


# --- time zone


async def zone_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zone: the zone buttons."""
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    if not is_private(chat):
        await send(chat.id, context, t("telegram.class_teacher_private", lang))
        return
    await send(chat.id, context, t("telegram.campaign_zone_prompt", lang), zone_keyboard(lang))


async def zone_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A zone button: every enrolment of the presser moves to it (their next lessons are rescheduled)."""
    if not await pressed(update) or context.match is None:
        return
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    lang = await language(update, context)
    learner = await learner_id(context, user)
    try:
        changed = await db(services(context).campaigns.set_zone, learner, context.match["zone"])
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)
        return
    if not changed:
        await send(chat.id, context, t("telegram.campaign_not_enrolled", lang))
        return
    await query.edit_message_reply_markup(None)
    text = t("telegram.campaign_zone_set", lang, zone=zone(context.match["zone"]).name.get(lang))
    students = [c for c, e in await active_enrolments(context, learner) if e.role == Role.STUDENT]
    if not students:
        await send(chat.id, context, text)
        return
    text += "\n\n" + t("telegram.campaign_invite_nudge", lang)
    rows = [[invite_button(c, lang, named=len(students) > 1)] for c in students]
    await send(chat.id, context, text, InlineKeyboardMarkup(rows))

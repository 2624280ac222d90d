"""A campaign family (issue 11): the family invite with the student's consent, the parent's consent screen
(``/start f_<token>``, dispatched here by onboarding), ``/family`` (each link with the other side's progress, an
Unlink button per link, "Invite a parent" for students) and ``/stop``.

Stateless: every button carries what it acts on (``cf:<action>:<id>``, ``cs:<campaign>``), and the engine checks
that the presser may act on it (a link that is not theirs, an invite that expired); a stale button gets one line."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.campaigns.records import CampaignError, CampaignInfo, Role
from bot.campaigns.zones import DEFAULT_ZONE
from bot.i18n import t
from bot.telegram.enrolment import (
    active_enrolments,
    display_name,
    invite_button,
    known_zone,
    progress_text,
    refuse,
    stale,
    title,
    zone_keyboard,
)
from bot.telegram.learners import is_private, language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import chat_ids, learner_id
from bot.telegram.services import db, services

#: A family invite's payload: ``f_<invite token>``.
INVITE_PAYLOAD = "f_"
#: ``cf:i:<campaign>`` (the student's consent screen), ``cf:c:<campaign>`` (consent given: the invite link),
#: ``cf:a:<invite token>`` (the parent accepts), ``cf:u:<link id>`` (unlink).
FAMILY_BUTTON = re.compile(r"^cf:(?P<action>[icau]):(?P<arg>[A-Za-z0-9_-]{1,60})\Z")
#: ``cs:<campaign>`` or ``cs:all``
STOP_BUTTON = re.compile(r"^cs:(?P<campaign>\d+|all)\Z")


# --- the family: invites with both consents, /family, unlinking


async def invite_screen(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    """/start f_<token>: the parent's consent screen (who invites, to what, what they will see)."""
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    try:
        info = await db(services(context).campaigns.invite_info, token)
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)
        return
    text = t(
        "telegram.campaign_parent_consent",
        lang,
        student=info.student_name,
        title=title(info.campaign, lang),
        weeks=info.campaign.weeks,
    )
    button = InlineKeyboardButton(t("telegram.campaign_accept_button", lang), callback_data=f"cf:a:{token}")
    await send(chat.id, context, text, InlineKeyboardMarkup([[button]]))


async def family_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``cf:`` buttons: the student's consent screen, the invite link, the parent's consent, unlinking."""
    if not await pressed(update) or context.match is None:
        return
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    lang = await language(update, context)
    action, arg = context.match["action"], context.match["arg"]
    if action in "icu" and not arg.isdigit():
        await stale(update, context, lang)
        return
    learner = await learner_id(context, user)
    svc = services(context)
    try:
        if action == "i":
            await _student_consent(update, context, lang, learner, int(arg))
        elif action == "c":
            await query.edit_message_reply_markup(None)
            invite = await db(svc.campaigns.create_invite, learner, int(arg))
            link = f"https://t.me/{context.bot.username}?start={INVITE_PAYLOAD}{invite.token}"
            expires = f"{invite.expires_at:%Y-%m-%d}"
            await send(chat.id, context, t("telegram.campaign_invite_link", lang, link=link, expires=expires))
        elif action == "a":
            await query.edit_message_reply_markup(None)
            await _accept(update, context, lang, learner, arg)
        else:
            gone = await db(svc.campaigns.unlink, learner, int(arg))
            other = gone.parent_name if gone.student.learner_id == learner else gone.student_name
            await query.edit_message_reply_markup(None)
            await send(chat.id, context, t("telegram.campaign_unlinked", lang, name=other))
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)


async def _student_consent(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, learner: int, campaign_id: int
) -> None:
    chat = update.effective_chat
    assert chat is not None
    mine = {c.id: (c, e) for c, e in await active_enrolments(context, learner)}
    if campaign_id not in mine or mine[campaign_id][1].role != Role.STUDENT:
        await refuse(chat.id, context, lang, CampaignError.one("campaign.not_student"))
        return
    info = mine[campaign_id][0]
    button = InlineKeyboardButton(t("telegram.campaign_consent_button", lang), callback_data=f"cf:c:{campaign_id}")
    text = t("telegram.campaign_student_consent", lang, title=title(info, lang))
    await send(chat.id, context, text, InlineKeyboardMarkup([[button]]))


async def _accept(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, learner: int, token: str) -> None:
    """The parent agreed: linked (enrolled as a parent if needed); the student hears of it."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = services(context)
    picked = await known_zone(context, learner)
    link = await db(
        svc.campaigns.accept_invite,
        token,
        learner,
        lang=lang,
        zone=picked or DEFAULT_ZONE,
        display_name=display_name(user),
    )
    info = await db(svc.campaigns.campaign, link.campaign_id)
    text = t("telegram.campaign_linked", lang, student=link.student_name, title=title(info, lang))
    if picked is None:
        await send(chat.id, context, text + "\n\n" + t("telegram.campaign_zone_prompt", lang), zone_keyboard(lang))
    else:
        await send(chat.id, context, text)
    student = link.student
    chats = await chat_ids(svc, [student.learner_id])
    if student.learner_id in chats:
        said = t(
            "telegram.campaign_parent_joined", student.lang, parent=link.parent_name, title=title(info, student.lang)
        )
        await send(chats[student.learner_id], context, said)


async def family_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/family: per campaign, one's own progress, each linked family member's, an Unlink button per link, and
    "Invite a parent" for a student."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    if not is_private(chat):
        await send(chat.id, context, t("telegram.class_teacher_private", lang))
        return
    svc = services(context)
    learner = await learner_id(context, user)
    mine = await active_enrolments(context, learner)
    if not mine:
        await send(chat.id, context, t("telegram.campaign_not_enrolled", lang))
        return
    links = await db(svc.campaigns.family, learner)
    others = {p.enrolment.id: p for p in await db(svc.campaigns.family_progress, learner)}
    lines, rows = [], []
    for info, enrolment in mine:
        own = await db(svc.campaigns.progress, learner, info.id)
        lines += ["", t("telegram.campaign_family_title", lang, title=title(info, lang))]
        lines.append(t("telegram.campaign_family_me", lang, progress=progress_text(own, lang)))
        here = [link for link in links if link.campaign_id == info.id]
        for link in here:
            student_side = link.student.learner_id == learner
            other = link.parent if student_side else link.student
            name = link.parent_name if student_side else link.student_name
            found = others.get(other.id)
            shown = progress_text(found, lang) if found is not None else "–"
            if student_side:
                lines.append(t("telegram.campaign_family_parent", lang, name=name, progress=shown))
            else:
                lines.append(t("telegram.campaign_family_child", lang, name=name, progress=shown))
            label = t("telegram.campaign_unlink_button", lang, name=name)[:64]
            rows.append([InlineKeyboardButton(label, callback_data=f"cf:u:{link.id}")])
        if enrolment.role == Role.STUDENT:
            if not here:
                lines.append(t("telegram.campaign_family_none", lang))
            rows.append([invite_button(info, lang, named=len(mine) > 1)])
    await send(chat.id, context, "\n".join(lines).strip(), InlineKeyboardMarkup(rows) if rows else None)


# --- /stop


async def stop_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: out of the one campaign at once; with several, which (or all)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    learner = await learner_id(context, user)
    mine = await active_enrolments(context, learner)
    if not mine:
        await send(chat.id, context, t("telegram.campaign_not_enrolled", lang))
        return
    if len(mine) == 1:
        await _stop(context, chat.id, lang, learner, mine[0][0])
        return
    rows = [[InlineKeyboardButton(title(c, lang)[:64], callback_data=f"cs:{c.id}")] for c, _ in mine]
    rows.append([InlineKeyboardButton(t("telegram.campaign_stop_all", lang), callback_data="cs:all")])
    await send(chat.id, context, t("telegram.campaign_stop_which", lang), InlineKeyboardMarkup(rows))


async def stop_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await pressed(update) or context.match is None:
        return
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    lang = await language(update, context)
    learner = await learner_id(context, user)
    await query.edit_message_reply_markup(None)
    if context.match["campaign"] == "all":
        await db(services(context).campaigns.opt_out, learner, None)
        await send(chat.id, context, t("telegram.campaign_stopped_all", lang))
        return
    mine = {c.id: c for c, _ in await active_enrolments(context, learner)}
    info = mine.get(int(context.match["campaign"]))
    if info is None:
        await stale(update, context, lang)
        return
    await _stop(context, chat.id, lang, learner, info)


async def _stop(context: ContextTypes.DEFAULT_TYPE, chat_id: int, lang: str, learner: int, info: CampaignInfo) -> None:
    await db(services(context).campaigns.opt_out, learner, info.id)
    await send(chat_id, context, t("telegram.campaign_stopped", lang, title=title(info, lang)))

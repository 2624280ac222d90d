"""The family safety plan (issue 11), a guided flow of three steps, each a message edit:

1. a code word or question the family agrees on offline (why: voices and faces can be cloned) — the bot never asks
   for it and never stores it;
2. how to check on each other when a call claims an arrest, kidnapping or accident: hang up, call back on the saved
   number, and whom else to call (the checks, ticked with toggle buttons);
3. "we never move money during a call, whoever asks".

The state is in the buttons' data, ``cp:<campaign>:<step>:<checks bitmask>`` (bit i = ``card.PLAN_CHECKS[i]``), so
any worker takes the next click. The last click records the plan made (the engine stores only that) and sends the
plan card to the learner and to each linked family member, each in their own language."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.campaigns.card import PLAN_CHECKS, check_label, plan_card
from bot.campaigns.records import CampaignError
from bot.i18n import t
from bot.telegram.enrolment import active_enrolments, refuse, stale, title
from bot.telegram.learners import language
from bot.telegram.replies import pressed
from bot.telegram.roles import chat_ids, learner_id
from bot.telegram.services import db, services

logger = logging.getLogger(__name__)

#: ``cp:<campaign>:start`` (from the lesson), then ``cp:<campaign>:<step 2|3|done>:<checks bitmask>``.
PLAN_BUTTON = re.compile(r"^cp:(?P<campaign>\d+):(?P<step>start|2|3|done)(?::(?P<mask>\d{1,3}))?\Z")
#: Every check ticked.
ALL_CHECKS = (1 << len(PLAN_CHECKS)) - 1


def checks_of(mask: int) -> tuple[str, ...]:
    """The checks ticked in ``mask``, in :data:`PLAN_CHECKS` order."""
    return tuple(check for i, check in enumerate(PLAN_CHECKS) if mask & (1 << i))


def step(campaign_id: int, name: str, mask: int, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of a step (``start``, ``2`` or ``3``) with the checks ticked so far."""
    base = f"cp:{campaign_id}"
    if name == "start":
        button = InlineKeyboardButton(t("telegram.campaign_plan_agreed", lang), callback_data=f"{base}:2:{mask}")
        return t("telegram.campaign_plan_step1", lang), InlineKeyboardMarkup([[button]])
    if name == "2":
        rows = []
        for i, check in enumerate(PLAN_CHECKS):
            ticked = mask & (1 << i)
            label = ("☑ " if ticked else "☐ ") + check_label(check, lang)
            rows.append([InlineKeyboardButton(label, callback_data=f"{base}:2:{mask ^ (1 << i)}")])
        rows.append([InlineKeyboardButton(t("telegram.campaign_plan_next", lang), callback_data=f"{base}:3:{mask}")])
        return t("telegram.campaign_plan_step2", lang), InlineKeyboardMarkup(rows)
    button = InlineKeyboardButton(t("telegram.campaign_plan_promise", lang), callback_data=f"{base}:done:{mask}")
    return t("telegram.campaign_plan_step3", lang), InlineKeyboardMarkup([[button]])


async def plan_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A step of the flow (the message is edited), or the last click: the plan is made and the cards go out."""
    if not await pressed(update) or context.match is None:
        return
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    lang = await language(update, context)
    campaign_id, name = int(context.match["campaign"]), context.match["step"]
    mask = int(context.match["mask"] or 0)
    learner = await learner_id(context, user)
    mine = {c.id: c for c, _ in await active_enrolments(context, learner)}
    info = mine.get(campaign_id)
    if info is None or mask > ALL_CHECKS:
        await stale(update, context, lang)
        return
    if name != "done":
        text, markup = step(campaign_id, name, mask, lang)
        if name == "start":  # from the lesson: the flow gets a message of its own
            await context.bot.send_message(chat.id, text, reply_markup=markup)
        else:
            await query.edit_message_text(text, reply_markup=markup)
        return
    await query.edit_message_reply_markup(None)  # done once: no second round of cards from a double tap
    svc = services(context)
    try:
        family = await db(svc.campaigns.plan_made, learner, campaign_id)
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)
        return
    checks = checks_of(mask)
    cards: dict[str, bytes] = {}

    async def card(card_lang: str) -> bytes:
        if card_lang not in cards:
            cards[card_lang] = await db(plan_card, card_lang, checks)
        return cards[card_lang]

    await context.bot.send_photo(chat.id, await card(lang), caption=t("telegram.campaign_plan_done", lang))
    chats = await chat_ids(svc, [e.learner_id for e in family])
    for member in family:
        if member.learner_id not in chats or member.opted_out_at is not None:
            continue
        caption = t("telegram.campaign_plan_family", member.lang, title=title(info, member.lang))
        try:
            await context.bot.send_photo(chats[member.learner_id], await card(member.lang), caption=caption)
        except TelegramError as error:  # a member who blocked the bot: the others still get theirs
            logger.warning("plan card not delivered to learner %s: %s", member.learner_id, error)

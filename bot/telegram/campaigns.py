"""An organiser's campaigns on Telegram (issue 11): the ``/campaign`` wizard (which campaign, which of their classes
or open to anyone with the link, the start date, confirm) and ``/campaigns`` (their campaigns with the links); the
report is ``campaignreport``. In the private chat only: the links are the organiser's own.

The wizard keeps its state in the buttons' data, ``cn:<definition>:<audience>:<start>:y`` (each step adds a field:
the definition by its index in id order, the audience as ``s<mask>`` while ticking classes, then ``c<mask>`` for the
chosen classes (bit i = the organiser's i-th class in id order) or ``o`` for open, the start as YYYYMMDD), so any
worker can take the next click. A date of one's own is typed as a reply to a prompt that carries the state."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, timedelta

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from bot.campaigns.records import CampaignError, CampaignInfo, Definition
from bot.classroom.records import ClassInfo
from bot.i18n import t
from bot.telegram.enrolment import CAMPAIGN_PAYLOAD, refuse, stale, zone_keyboard
from bot.telegram.learners import language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import chat_ids, learner_id, teacher_chat
from bot.telegram.services import Services, db, services

logger = logging.getLogger(__name__)

WIZARD_BUTTON = re.compile(
    r"^cn:(?P<definition>\d{1,3})(?::(?P<audience>[sc][0-9a-f]{1,16}|o))?"
    r"(?::(?P<start>\d{8}|t))?(?::(?P<confirm>y))?\Z"
)
#: The state in a date prompt's text: ``[cn:<definition>:<audience>]``.
DATE_STATE = re.compile(r"\[cn:(?P<definition>\d{1,3}):(?P<audience>c[0-9a-f]{1,16}|o)\]")
#: Classes an organiser can tick (16 hex digits of mask).
MAX_CLASSES = 64
#: How far ahead a campaign may start.
MAX_AHEAD = timedelta(days=366)


class DatePromptReply(filters.MessageFilter):
    """A reply to the wizard's date prompt (the bot's message carrying the wizard's state)."""

    def filter(self, message: Message) -> bool:
        prompt = message.reply_to_message
        return (
            prompt is not None
            and prompt.from_user is not None
            and prompt.from_user.is_bot
            and DATE_STATE.search(prompt.text or "") is not None
        )


DATE_REPLY = DatePromptReply()


def definitions(svc: Services) -> list[Definition]:
    """The campaign definitions in id order: the wizard names one by its index here."""
    return sorted(svc.campaigns.definitions(), key=lambda d: d.id)


def campaign_link(context: ContextTypes.DEFAULT_TYPE, info: CampaignInfo) -> str:
    return f"https://t.me/{context.bot.username}?start={CAMPAIGN_PAYLOAD}{info.join_token}"


# --- the wizard


async def campaign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/campaign: the first step (which campaign)."""
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, _, lang = found
    defs = definitions(services(context))
    if not defs:
        await send(chat_id, context, t("telegram.campaign_no_definitions", lang))
        return
    rows = [
        [InlineKeyboardButton(f"{d.title.get(lang)} ({len(d.weeks)})"[:64], callback_data=f"cn:{i}")]
        for i, d in enumerate(defs)
    ]
    await send(chat_id, context, t("telegram.campaign_wizard_definition", lang), InlineKeyboardMarkup(rows))


async def wizard_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A wizard button: the next step replaces this one; the last starts the campaign."""
    if not await pressed(update) or context.match is None:
        return
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    lang = await language(update, context)
    svc = services(context)
    defs = definitions(svc)
    index = int(context.match["definition"])
    if index >= len(defs):
        await stale(update, context, lang)
        return
    definition = defs[index]
    organiser = await learner_id(context, user)
    classes = sorted(await db(svc.classroom.teacher_classes, organiser), key=lambda c: c.id)[:MAX_CLASSES]
    audience, start, confirm = context.match["audience"], context.match["start"], context.match["confirm"]
    base = f"cn:{index}"
    if audience is None or audience.startswith("s"):
        mask = int(audience[1:], 16) if audience else 0
        text, markup = audience_step(base, definition, classes, mask, lang)
        await query.edit_message_text(text, reply_markup=markup)
        return
    if start is None:
        text, markup = start_step(f"{base}:{audience}", definition, svc.now().date(), lang)
        await query.edit_message_text(text, reply_markup=markup)
        return
    if start == "t":
        await query.edit_message_reply_markup(None)
        prompt = t("telegram.campaign_date_prompt", lang, example=f"{svc.now().date() + timedelta(days=7):%Y-%m-%d}")
        field = ForceReply(input_field_placeholder="YYYY-MM-DD")
        await context.bot.send_message(chat.id, f"{prompt} [{base}:{audience}]", reply_markup=field)
        return
    chosen = chosen_classes(audience, classes)
    when = parse_date(f"{start[:4]}-{start[4:6]}-{start[6:]}", svc.now().date())
    if when is None:  # a date that has passed since the button was drawn, or forged data
        await send(chat.id, context, t("telegram.campaign_date_bad", lang))
        return
    if confirm is None:
        text, markup = confirm_step(f"{base}:{audience}:{start}", definition, chosen, when, lang)
        await query.edit_message_text(text, reply_markup=markup)
        return
    await query.edit_message_reply_markup(None)  # one campaign from a double tap
    await _start(context, chat.id, lang, organiser, definition, chosen, audience == "o", when)


async def date_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The organiser's own start date, typed as a reply to the date prompt: then the confirm step."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    lang = await language(update, context)
    prompt = message.reply_to_message
    state = DATE_STATE.search(prompt.text or "") if prompt is not None else None
    user = update.effective_user
    if state is None or user is None:
        return
    svc = services(context)
    defs = definitions(svc)
    when = parse_date(message.text or "", svc.now().date())
    if when is None or int(state["definition"]) >= len(defs):
        await send(chat.id, context, t("telegram.campaign_date_bad", lang))
        return
    organiser = await learner_id(context, user)
    classes = sorted(await db(svc.classroom.teacher_classes, organiser), key=lambda c: c.id)[:MAX_CLASSES]
    audience = state["audience"]
    base = f"cn:{state['definition']}:{audience}:{when:%Y%m%d}"
    definition = defs[int(state["definition"])]
    text, markup = confirm_step(base, definition, chosen_classes(audience, classes), when, lang)
    await send(chat.id, context, text, markup)


def parse_date(text: str, today: date) -> date | None:
    """A typed start date (YYYY-MM-DD, or with / or .), from today to a year ahead; None otherwise."""
    found = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", text)
    if found is None:
        return None
    try:
        when = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None
    return when if today <= when <= today + MAX_AHEAD else None


def audience_step(
    base: str, definition: Definition, classes: list[ClassInfo], mask: int, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Tick classes (each tick re-draws the step), or open to anyone with the link."""
    rows = []
    for i, info in enumerate(classes):
        ticked = mask & (1 << i)
        label = ("☑ " if ticked else "☐ ") + info.name
        rows.append([InlineKeyboardButton(label[:64], callback_data=f"{base}:s{mask ^ (1 << i):x}")])
    if mask:
        rows.append(
            [InlineKeyboardButton(t("telegram.campaign_audience_next", lang), callback_data=f"{base}:c{mask:x}")]
        )
    rows.append([InlineKeyboardButton(t("telegram.campaign_audience_open", lang), callback_data=f"{base}:o")])
    text = t("telegram.campaign_wizard_audience", lang, title=definition.title.get(lang))
    return text, InlineKeyboardMarkup(rows)


def start_step(base: str, definition: Definition, today: date, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The definition's date (if still ahead), next Monday, or a date of one's own."""
    rows = []
    if definition.start >= today:
        label = t("telegram.campaign_start_default", lang, date=f"{definition.start:%Y-%m-%d}")
        rows.append([InlineKeyboardButton(label, callback_data=f"{base}:{definition.start:%Y%m%d}")])
    monday = next_monday(today)
    if monday != definition.start:
        label = t("telegram.campaign_start_monday", lang, date=f"{monday:%Y-%m-%d}")
        rows.append([InlineKeyboardButton(label, callback_data=f"{base}:{monday:%Y%m%d}")])
    rows.append([InlineKeyboardButton(t("telegram.campaign_start_typed", lang), callback_data=f"{base}:t")])
    schedule = definition.schedule
    text = t(
        "telegram.campaign_wizard_start",
        lang,
        weekday=weekday_name(schedule.weekday, lang),
        time=f"{schedule.send_time:%H:%M}",
    )
    return text, InlineKeyboardMarkup(rows)


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def weekday_name(weekday: int, lang: str) -> str:
    names = t("telegram.campaign_weekdays", lang).split(",")
    return names[weekday].strip()


def chosen_classes(audience: str, classes: list[ClassInfo]) -> list[ClassInfo]:
    if audience == "o":
        return []
    mask = int(audience[1:], 16)
    return [info for i, info in enumerate(classes) if mask & (1 << i)]


def confirm_step(
    base: str, definition: Definition, chosen: list[ClassInfo], when: date, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    who = ", ".join(c.name for c in chosen) if chosen else t("telegram.campaign_audience_anyone", lang)
    text = t(
        "telegram.campaign_wizard_confirm",
        lang,
        title=definition.title.get(lang),
        who=who,
        date=f"{when:%Y-%m-%d}",
        weeks=len(definition.weeks),
    )
    button = InlineKeyboardButton(t("telegram.campaign_confirm_button", lang), callback_data=f"{base}:y")
    return text, InlineKeyboardMarkup([[button]])


async def _start(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    lang: str,
    organiser: int,
    definition: Definition,
    chosen: list[ClassInfo],
    is_open: bool,
    when: date,
) -> None:
    svc = services(context)
    try:
        info = await db(
            svc.campaigns.start_campaign,
            organiser,
            definition.id,
            class_ids=[c.id for c in chosen],
            open=is_open,
            start=when,
            lang=lang,
        )
    except CampaignError as error:
        await refuse(chat_id, context, lang, error)
        return
    text = t(
        "telegram.campaign_started",
        lang,
        title=info.title.get(lang),
        number=info.id,
        date=f"{info.start:%Y-%m-%d}",
        link=campaign_link(context, info),
    )
    await send(chat_id, context, text)
    await announce(context, info, chosen)


async def announce(context: ContextTypes.DEFAULT_TYPE, info: CampaignInfo, classes: list[ClassInfo]) -> None:
    """The students of the campaign's classes (enrolled by the engine) hear of it, each once, in their class's
    language, with the zone buttons (lessons come in their own evening)."""
    svc = services(context)
    told: set[int] = set()
    for group in classes:
        members = [m.learner_id for m in await db(svc.classroom.members, group.id) if m.learner_id not in told]
        told.update(members)
        chats = await chat_ids(svc, members)
        text = t(
            "telegram.campaign_class_started",
            group.lang,
            title=info.title.get(group.lang),
            name=group.name,
            weeks=info.weeks,
        )
        text += "\n\n" + t("telegram.campaign_zone_prompt", group.lang)
        markup = zone_keyboard(group.lang)
        await asyncio.gather(*(_tell(context, chat, text, markup) for chat in chats.values()))


async def _tell(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, markup: InlineKeyboardMarkup) -> None:
    try:
        await context.bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as error:  # a student who blocked the bot: the others still hear of it
        logger.warning("campaign start not announced to chat %s: %s", chat_id, error)


# --- /campaigns and /campaignreport


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/campaigns: the organiser's campaigns, newest first, each with its link."""
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, user, lang = found
    mine = await db(services(context).campaigns.organiser_campaigns, await learner_id(context, user))
    if not mine:
        await send(chat_id, context, t("telegram.campaign_none", lang))
        return
    lines = [t("telegram.campaign_list_title", lang)]
    for info in sorted(mine, key=lambda c: c.id, reverse=True):
        name, start = info.title.get(lang), f"{info.start:%Y-%m-%d}"
        if info.ended_at is not None:
            line = t("telegram.campaign_list_ended", lang, number=info.id, title=name, date=start, weeks=info.weeks)
        else:
            link = campaign_link(context, info)
            line = t(
                "telegram.campaign_list_line", lang, number=info.id, title=name, date=start, weeks=info.weeks, link=link
            )
        lines.append(line)
    await send(chat_id, context, "\n".join(lines))

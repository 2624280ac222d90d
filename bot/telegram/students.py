"""Students joining a class: the teacher's deep link (``/start c_<token>``, dispatched here by onboarding) or
``/join CODE [NAME]``, then a display name. Stateless: the bot asks for the name in a message that names the class
by its code (``#K7M2QP``) and opens the reply field (ForceReply); a reply to that message is the name, whichever
worker gets it. The Telegram first name is offered as a one-tap button when it is a valid name. ``/name NAME``
changes one's name later. Joining by answering in the class group is in ``lesson``."""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import ContextTypes

from bot.classroom.classes import check_name
from bot.classroom.records import ClassInfo, ClassroomError, Joined
from bot.i18n import t
from bot.telegram import conversation, enrolment
from bot.telegram.learners import is_private, language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import learner_id, refuse, words
from bot.telegram.services import db, services

#: The one-tap name button: ``nm:<class id>`` (the name is the presser's Telegram first name).
NAME_BUTTON = re.compile(r"^nm:(?P<class_id>\d+)\Z")
#: How the name prompt names its class: ``#`` and the join code.
PROMPT_CODE = re.compile(r"#([A-Z0-9]{4,12})\b")
#: The deep link's payload: ``c_<join token>``.
LINK_PAYLOAD = "c_"


async def join_by_link(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    """/start c_<token>: the class of the teacher's link."""
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    try:
        info = await db(services(context).classroom.class_by_token, token)
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    await _join(update, context, lang, info, None)


async def join_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/join CODE [NAME]."""
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    args = words(context)
    if not is_private(chat) or not args:
        await send(chat.id, context, t("telegram.class_join_usage", lang))
        return
    try:
        info = await db(services(context).classroom.class_by_code, args[0])
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    await _join(update, context, lang, info, " ".join(args[1:]) or None)


async def _join(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, info: ClassInfo, name: str | None
) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    learner = await learner_id(context, user)
    try:
        joined: Joined = await db(services(context).classroom.join, info.id, learner, name)
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    if joined.name_needed:
        await ask_name(context, chat.id, lang, info, user)
    elif joined.member is not None:
        display = joined.member.display_name
        text = t(
            "telegram.class_already" if joined.already else "telegram.class_joined",
            lang,
            name=info.name,
            display=display,
        )
        await send(chat.id, context, text)
        if not joined.already:  # the class's running campaigns take the new student in (issue 11)
            await enrolment.enrol_class_member(context, chat.id, lang, info.id, joined.member.learner_id, display)


async def ask_name(context: ContextTypes.DEFAULT_TYPE, chat_id: int, lang: str, info: ClassInfo, user: User) -> None:
    """The name prompt (the reply field opens), then the first name as a button when it would do."""
    prompt = t("telegram.class_name_prompt", lang, name=info.name, code=info.join_code)
    field = ForceReply(input_field_placeholder=t("telegram.class_name_placeholder", lang))
    await context.bot.send_message(chat_id, prompt, reply_markup=field)
    first = user.first_name or ""
    try:
        check_name(first)
    except ClassroomError:
        return  # not a valid name: no button
    button = InlineKeyboardButton(first, callback_data=f"nm:{info.id}")
    await send(chat_id, context, t("telegram.class_name_quick", lang), InlineKeyboardMarkup([[button]]))


async def name_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one-tap name: the presser's Telegram first name."""
    if not await pressed(update) or context.match is None:
        return
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    await query.edit_message_reply_markup(None)
    lang = await language(update, context)
    try:
        info = await db(services(context).classroom.class_by_id, int(context.match["class_id"]))
    except ClassroomError as error:
        chat = update.effective_chat
        assert chat is not None
        await refuse(chat.id, context, lang, error)
        return
    await _join(update, context, lang, info, user.first_name or "")


async def reply_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply in a private chat: to the name prompt it is the name; any other goes to the assistant."""
    message = update.effective_message
    prompt = message.reply_to_message if message is not None else None
    code = _prompt_code(prompt, context.bot.id)
    if message is None or code is None:
        await conversation.text_message(update, context)
        return
    lang = await language(update, context)
    chat = update.effective_chat
    assert chat is not None
    try:
        info = await db(services(context).classroom.class_by_code, code)
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    await _join(update, context, lang, info, message.text or "")


def _prompt_code(prompt: Message | None, bot_id: int) -> str | None:
    if prompt is None or prompt.from_user is None or prompt.from_user.id != bot_id:
        return None
    found = PROMPT_CODE.search(prompt.text or "")
    return found.group(1) if found else None


async def name_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/name [CODE] NAME: one's display name in a class (the code when in several)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    args = words(context)
    if not args:
        await send(chat.id, context, t("telegram.class_name_usage", lang))
        return
    classroom = services(context).classroom
    learner = await learner_id(context, user)
    classes = await db(classroom.memberships, learner)
    chosen = next((c for c in classes if len(args) > 1 and c.join_code == args[0].upper()), None)
    if chosen is not None:
        args = args[1:]
    elif len(classes) == 1:
        chosen = classes[0]
    elif not classes:
        await send(chat.id, context, t("telegram.class_not_joined", lang))
        return
    else:
        codes = ", ".join(f"{c.name} {c.join_code}" for c in classes)
        await send(chat.id, context, t("telegram.class_which", lang, example="/name K7M2QP Ann", codes=codes))
        return
    try:
        member = await db(classroom.set_name, chosen.id, learner, " ".join(args))
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    await send(chat.id, context, t("telegram.class_name_set", lang, name=chosen.name, display=member.display_name))

"""A teacher's commands, in the private chat (``/bindgroup`` in the class's group): /newclass with its language and
audience buttons, /classes, /bindgroup, /projector, /rename, /remove. The session wizard (/session) is in
``wizard``, the running session's buttons in ``lesson``.

Stateless, so that any worker can take the next click: /newclass's buttons are sent as a reply to the teacher's
/newclass message, and Telegram sends that message back with each click (``reply_to_message``): the class's name is
read from there, the language and audience from the buttons' data."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.ext import ContextTypes

from bot.classroom.records import ClassroomError, SessionInfo
from bot.i18n import LANGS, t
from bot.quiz.model import Audience
from bot.quiz.present import audience_name
from bot.settings import settings
from bot.telegram.learners import is_private, language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import join_link, learner_id, refuse, teacher_chat, teacher_class, words
from bot.telegram.services import db, services

#: ``ncl:<lang>`` then ``ncl:<lang>:<audience>`` (the class is created with the second).
NEWCLASS_BUTTON = re.compile(rf"^ncl:(?P<lang>{'|'.join(LANGS)})(?::(?P<audience>[a-z_]+))?\Z")
#: Longest class name (the column's width).
MAX_CLASS_NAME = 64
_COMMAND = re.compile(r"^/\w+(@\w+)?\s*")


async def new_class(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/newclass NAME: the language buttons, as a reply to this message (the name travels with it)."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None
    lang = await language(update, context)
    if not is_private(chat) or message is None:
        await send(chat.id, context, t("telegram.class_teacher_private", lang))
        return
    name = " ".join(words(context)).strip()
    if not name:
        await send(chat.id, context, t("telegram.class_newclass_usage", lang))
        return
    if len(name) > MAX_CLASS_NAME:
        await refuse(chat.id, context, lang, ClassroomError.one("class_name_length", high=MAX_CLASS_NAME))
        return
    buttons = [[InlineKeyboardButton(t("telegram.language_name", code), callback_data=f"ncl:{code}")] for code in LANGS]
    await _reply(context, message, t("telegram.class_choose_lang", lang, name=name), InlineKeyboardMarkup(buttons))


async def new_class_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language, then an audience button of /newclass; the second creates the class and sends the join link."""
    if not await pressed(update) or context.match is None:
        return
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    lang = await language(update, context)
    prompt = query.message if isinstance(query.message, Message) else None
    original = prompt.reply_to_message if prompt is not None else None
    name = _COMMAND.sub("", original.text or "").strip()[:MAX_CLASS_NAME] if original is not None else ""
    if prompt is None or original is None or not name:
        await send(chat.id, context, t("telegram.class_newclass_usage", lang))
        return
    await query.edit_message_reply_markup(None)  # one click per step: no second class from a double tap
    class_lang, audience = context.match["lang"], context.match["audience"]
    if audience is None:
        buttons = [
            [InlineKeyboardButton(audience_name(a, lang), callback_data=f"ncl:{class_lang}:{a.value}")]
            for a in Audience
        ]
        text = t("telegram.class_choose_audience", lang, name=name)
        await _reply(context, original, text, InlineKeyboardMarkup(buttons))
        return
    teacher = await learner_id(context, user)
    try:
        info = await db(services(context).classroom.create_class, teacher, name, class_lang, audience)
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    link = join_link(context, info)
    await send(chat.id, context, t("telegram.class_created", lang, name=info.name, link=link, code=info.join_code))


async def _reply(context: ContextTypes.DEFAULT_TYPE, to: Message, text: str, markup: InlineKeyboardMarkup) -> None:
    await context.bot.send_message(
        to.chat.id, text, reply_markup=markup, reply_parameters=ReplyParameters(to.message_id)
    )


async def list_classes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/classes: each class with its code, its number of students and whether a group is bound."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    classes = await db(services(context).classroom.teacher_classes, await learner_id(context, user))
    if not classes:
        await send(chat.id, context, t("telegram.class_none", lang))
        return
    lines = [t("telegram.class_list_title", lang)]
    for c in classes:
        grouped = c.group_chat_id is not None
        line = t(
            "telegram.class_list_line_group" if grouped else "telegram.class_list_line",
            lang,
            name=c.name,
            code=c.join_code,
            members=c.members,
        )
        lines.append(line)
    await send(chat.id, context, "\n".join(lines))


async def bind_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/bindgroup [CODE] in a group: the class's teacher binds it (group mode); anyone else gets one line."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    if is_private(chat):
        await send(chat.id, context, t("telegram.class_bind_in_group", lang))
        return
    teacher = await learner_id(context, user)
    info, _ = await teacher_class(update, context, lang, teacher, words(context), "/bindgroup K7M2QP")
    if info is None:
        return
    try:
        bound = await db(services(context).classroom.bind_group, info.id, teacher, chat.id)
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    await send(chat.id, context, t("telegram.class_bound", lang, name=bound.name))


async def projector(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/projector [CODE]: the running session's projector link again (to the teacher only)."""
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, user, lang = found
    teacher = await learner_id(context, user)
    info, _ = await teacher_class(update, context, lang, teacher, words(context), "/projector K7M2QP")
    if info is None:
        return
    running = await db(services(context).classroom.running_session, info.id)
    if running is None:
        await send(chat_id, context, t("telegram.class_no_session", lang))
        return
    await send(chat_id, context, t("telegram.class_projector", lang, name=info.name, link=projector_link(running)))


def projector_link(session: SessionInfo) -> str:
    """The projector page of a session (a read-only capability: sent to the teacher only)."""
    return f"{settings().public_url}/p/{session.projector_token}"


async def rename(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rename [CODE] OLD NEW (names without spaces; a name with spaces: the web page)."""
    await _member_change(update, context, "rename")


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove [CODE] NAME."""
    await _member_change(update, context, "remove")


async def _member_change(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> None:
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, user, lang = found
    teacher = await learner_id(context, user)
    example = "/rename K7M2QP Ann Anna" if action == "rename" else "/remove K7M2QP Ann"
    info, rest = await teacher_class(update, context, lang, teacher, words(context), example)
    if info is None:
        return
    classroom = services(context).classroom
    try:
        if action == "rename":
            if len(rest) != 2:
                await send(chat_id, context, t("telegram.class_rename_usage", lang))
                return
            member = await db(classroom.rename, info.id, teacher, rest[0], rest[1])
            text = t("telegram.class_renamed", lang, old=rest[0], new=member.display_name)
        else:
            if len(rest) != 1:
                await send(chat_id, context, t("telegram.class_remove_usage", lang))
                return
            member = await db(classroom.remove, info.id, teacher, rest[0])
            text = t("telegram.class_removed", lang, name=member.display_name)
    except ClassroomError as error:
        await refuse(chat_id, context, lang, error)
        return
    await send(chat_id, context, text)

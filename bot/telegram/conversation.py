"""Talking with the assistant: a text message (in a group only when addressed) goes to Rasa once, through its REST
channel, with the metadata that this front end runs the quiz itself and whether the chat is a group
(``bot.channels.handback``). The assistant hands back the quiz intents (the quiz here: polls, /progress, stop) and,
in a group, a recounted experience (only an invitation to a private chat; the story is never answered there);
everything else comes back as replies and buttons, sent on. A pressed assistant button is relayed the same way."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import MessageEntityType
from telegram.ext import ContextTypes

from bot.channels import handback
from bot.channels.assistant import AssistantError
from bot.channels.replies import choices_of, items
from bot.i18n import t
from bot.shared.lang import Script, reply_language
from bot.shared.privacy import MaskingFilter
from bot.telegram import quiz
from bot.telegram.learners import is_private, language
from bot.telegram.replies import keyboard, pressed, send
from bot.telegram.services import services

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

#: Any other button of the assistant's: its payload (``/intent{entities}``) goes back to Rasa.
ASSISTANT_BUTTON = r"^/"


def rasa_sender(update: Update) -> str:
    """The Rasa conversation: the user's own in private, one per member and group in a group."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if is_private(chat):
        return f"telegram-{user.id}" if user else f"telegram-chat-{chat.id}"
    return f"telegram-{chat.id}-{user.id if user else 0}"


def addressed(message: Message, bot_username: str | None) -> tuple[bool, str]:
    """In a group: is the message addressed to the bot (a mention or a reply to it)? And the text without the
    mention."""
    body = message.text or ""
    if bot_username:
        mention = f"@{bot_username}"
        for entity in message.entities or ():
            if (
                entity.type == MessageEntityType.MENTION
                and body[entity.offset : entity.offset + entity.length].lower() == mention.lower()
            ):
                return True, (body[: entity.offset] + body[entity.offset + entity.length :]).strip()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.username == bot_username:
        return True, body.strip()
    return False, body


async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str) -> None:
    """Send ``message`` to the assistant, once: a turn handed back (a quiz intent, a story told in a group) becomes
    the front end's own command; else the replies go to the chat, in order (urgent steps come first), the buttons
    of the last reply as an inline keyboard."""
    chat = update.effective_chat
    assert chat is not None
    meta = handback.metadata(own_quiz=True, group=not is_private(chat))
    try:
        replies = await services(context).assistant.send(rasa_sender(update), message, meta)
    except (AssistantError, OSError) as error:
        logger.error("assistant unavailable: %s", error)
        await send(chat.id, context, t("telegram.assistant_down", await language(update, context)))
        return
    command = handback.command_of(replies)
    if command is not None:
        await _command(command, message, update, context)
        return
    shown = items(replies)
    if not shown:
        return
    buttons = [{"title": c.title, "payload": c.payload} for c in choices_of(shown)]
    await send(chat.id, context, "\n\n".join(item.text for item in shown), keyboard(buttons))


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    body = message.text
    if not is_private(chat):
        to_me, body = addressed(message, context.bot.username)
        if not to_me:
            return  # the bot speaks in a group only when addressed
    if not body.strip():
        return
    await relay(update, context, body)


def _message_lang(body: str, fallback: str) -> str:
    lang, script = reply_language(body, fallback)
    return lang.value if script in (Script.ZH, Script.EN) else fallback


async def _command(command: handback.Command, message: str, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    if command is handback.Command.PRIVATE_CHAT:
        # Never answer (and so repeat) a member's story in the group: invite them to a private chat.
        lang = _message_lang(message, await language(update, context))
        link = f"https://t.me/{context.bot.username}" if context.bot.username else "@bot"
        await send(chat.id, context, t("telegram.private_please", lang, link=link))
    elif command is handback.Command.START_QUIZ:
        await quiz.quiz_command(update, context)
    elif command is handback.Command.PROGRESS:
        await quiz.progress(update, context)
    elif command is handback.Command.STOP_QUIZ:
        await quiz.stop_quiz(update, context)
    else:
        await send(chat.id, context, t("telegram.answer_on_poll", await language(update, context)))


async def assistant_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One of the assistant's buttons: its payload is sent to the assistant as the user's message."""
    query = update.callback_query
    if await pressed(update) and query is not None:
        await relay(update, context, query.data or "")

"""The Telegram callbacks: thin, typed, one per command or update kind. The work is done by the assistant (Rasa,
over HTTP) and the quiz service; the database calls run in a worker thread so the event loop stays free."""

from __future__ import annotations

import asyncio
import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, MessageEntityType, PollType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.assistant import teach
from bot.db.models import Channel, TelegramPoll
from bot.knowledge import KnowledgeBase
from bot.shared.lang import Lang, Script, reply_language
from bot.shared.privacy import MaskingFilter, mask
from bot.quiz.engine import Served
from bot.quiz.model import Audience
from bot.quiz.present import audience_name, format_report, text
from bot.quiz.service import QuizService
from bot.settings import settings
from bot.telegram import store
from bot.telegram.answers import PollVote, VoteBatcher
from bot.telegram.assistant import Assistant, AssistantError
from bot.telegram.chart import mastery_chart
from bot.telegram.texts import tr

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

CHANNEL = Channel.TELEGRAM
MAX_MESSAGE = 4096
MAX_CALLBACK = 64
QUIZ_INTENTS = {"start_quiz", "ask_progress", "stop_quiz", "quiz_answer"}


@dataclass
class Services:
    """What the callbacks need; stored in ``application.bot_data["services"]`` by the wiring module."""

    quiz: QuizService
    assistant: Assistant
    kb: KnowledgeBase
    round_size: int = field(default_factory=lambda: settings().round_size)
    votes: VoteBatcher = field(init=False)

    def __post_init__(self) -> None:
        self.votes = VoteBatcher(self.quiz)

    def now(self) -> datetime:
        return self.quiz.clock()


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]


async def db(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a (blocking) database call in a worker thread."""
    return await asyncio.to_thread(function, *args, **kwargs)


# --------------------------------------------------------------------------------------------------------------
# Helpers


def is_private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == ChatType.PRIVATE


def learner_key(user_id: int) -> str:
    return str(user_id)


def group_key(chat_id: int) -> str:
    return f"chat:{chat_id}"


def rasa_sender(update: Update) -> str:
    chat, user = update.effective_chat, update.effective_user
    if is_private(chat):
        return f"telegram-{user.id}" if user else f"telegram-chat-{chat.id}"
    return f"telegram-{chat.id}-{user.id if user else 0}"


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The learner's language: chosen with /start or /lang, else guessed from their Telegram settings."""
    user = update.effective_user
    if user is None:
        return "zh"
    guess = "zh" if (user.language_code or "").lower().startswith("zh") else "en"
    profile = await db(services(context).quiz.profile, CHANNEL, learner_key(user.id))
    return profile.lang if not profile.is_new else guess


def keyboard(buttons: list[dict[str, str]]) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(b["title"][:64], callback_data=b["payload"])]
            for b in buttons if len(b["payload"].encode()) <= MAX_CALLBACK]
    return InlineKeyboardMarkup(rows) if rows else None


def split(text_: str) -> list[str]:
    """Telegram's 4,096-character limit: long replies go in several messages, cut at line ends."""
    parts, current = [], ""
    for line in text_.split("\n"):
        while len(line) > MAX_MESSAGE:
            parts.append(line[:MAX_MESSAGE])
            line = line[MAX_MESSAGE:]
        if len(current) + len(line) + 1 > MAX_MESSAGE:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts or ["…"]


async def send(chat_id: int, context: ContextTypes.DEFAULT_TYPE, text_: str,
               markup: InlineKeyboardMarkup | None = None) -> None:
    parts = split(text_)
    for i, part in enumerate(parts):
        await context.bot.send_message(chat_id, part, reply_markup=markup if i == len(parts) - 1 else None)


async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str) -> None:
    """Send ``message`` to the assistant and its replies to the chat, in order (urgent steps come first), the
    buttons of the last reply as an inline keyboard."""
    chat = update.effective_chat
    assert chat is not None
    try:
        replies = await services(context).assistant.send(rasa_sender(update), message)
    except (AssistantError, OSError) as error:
        logger.error("assistant unavailable: %s", error)
        await send(chat.id, context, tr("assistant_down", await language(update, context)))
        return
    texts = [str(r.get("text") or "") for r in replies if r.get("text")]
    buttons = [b for r in replies for b in (r.get("buttons") or [])]
    if not texts:
        return
    await send(chat.id, context, "\n\n".join(texts), keyboard(buttons))


# --------------------------------------------------------------------------------------------------------------
# Replays: one guard in front of every handler


async def drop_replays(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A replayed update (an id handled before) stops here and changes nothing. Poll answers are not checked here:
    each is recorded under its own idempotency key (the round and position, or the poll and member) and a private
    poll closes with its first answer, so a replay of one changes nothing either, without a write per update."""
    if update.poll_answer is not None:
        return
    first = await db(_first_time, services(context), update.update_id)
    if not first:
        logger.info("update %s replayed: ignored", update.update_id)
        raise ApplicationHandlerStop


def _first_time(svc: Services, update_id: int) -> bool:
    return svc.quiz.db.write_retrying(lambda s: store.first_time(s, update_id, svc.now()))


# --------------------------------------------------------------------------------------------------------------
# Commands


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not is_private(chat):
        await send(chat.id, context, tr("group_intro", await language(update, context)))
        return
    await send(chat.id, context, tr("choose_lang", await language(update, context)), lang_keyboard("start"))


def lang_keyboard(then: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("中文", callback_data=f"lang:zh:{then}"),
                                  InlineKeyboardButton("English", callback_data=f"lang:en:{then}")]])


def audience_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(audience_name(a, lang), callback_data=f"aud:{a.value}")]
                                 for a in Audience])


async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send(chat.id, context, tr("choose_lang", await language(update, context)), lang_keyboard("done"))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    await send(chat.id, context, tr("help" if is_private(chat) else "group_intro", lang))


async def hotline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    reply = teach.hotline_reply(services(context).kb, "", teach.Context(lang=Lang(lang)))
    await send(chat.id, context, "\n\n".join(reply.messages))


async def quiz_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    svc = services(context)
    lang = await language(update, context)
    if is_private(chat):
        if user is None:
            return
        served = await db(svc.quiz.start, CHANNEL, learner_key(user.id), lang=lang, size=svc.round_size)
    else:
        served = await db(svc.quiz.start, CHANNEL, group_key(chat.id), lang=lang, size=None, resume=False)
    if served is None:
        await send(chat.id, context, tr("no_quiz_questions", lang))
        return
    await send_poll(context, chat.id, served, lang, is_group=not is_private(chat))


async def send_poll(context: ContextTypes.DEFAULT_TYPE, chat_id: int, served: Served, lang: str, *,
                    is_group: bool) -> None:
    """The question as a native quiz poll (not anonymous, so each answer reaches us), mapped in the database."""
    q = served.question
    content = q.content(lang)
    many = q.type.many_answers
    message: Message = await context.bot.send_poll(
        chat_id,
        content.prompt,
        list(content.options),
        is_anonymous=False,
        type=PollType.QUIZ,
        allows_multiple_answers=many,
        correct_option_ids=list(q.answer),
        explanation=content.explanation,
    )
    if message.poll is None:
        return
    svc = services(context)
    poll = TelegramPoll(
        poll_id=message.poll.id, chat_id=chat_id, message_id=message.message_id, question_id=q.id,
        run_id=served.run_id, position=served.position, lang=lang, is_group=is_group, sent_at=svc.now(),
        closed=False,
    )
    await db(svc.quiz.db.write_retrying, lambda s: store.save_poll(s, poll))


async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    report = await db(services(context).quiz.report, CHANNEL, learner_key(user.id))
    if report is None or not report.attempts:
        await send(chat.id, context, tr("progress_empty", lang))
        return
    png = await db(mastery_chart, report.mastery, lang)
    await context.bot.send_photo(chat.id, png, caption=text("report_title", lang))
    await send(chat.id, context, format_report(report, lang))


async def stop_quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    stopped = await db(services(context).quiz.stop, CHANNEL, learner_key(user.id))
    await send(chat.id, context, tr("quiz_stopped" if stopped else "no_round", lang))


# --------------------------------------------------------------------------------------------------------------
# Poll answers


async def poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record an answer to one of our quiz polls; then the longer explanation and the next question."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return  # an anonymous voter chat, or a retracted vote
    svc = services(context)
    recorded = await svc.votes.submit(PollVote(answer.poll_id, answer.user.id, tuple(answer.option_ids)))
    if recorded is None:
        return  # not our poll, or closed: ignored quietly
    poll, result = recorded.poll, recorded.answered
    if poll.is_group or result.result.duplicate:
        return  # in a group the poll itself shows each member the explanation; nothing is posted
    lang = poll.lang
    more = result.result.question.content(lang).more
    if more:
        await send(poll.chat_id, context, more)
    if result.next is not None:
        await send_poll(context, poll.chat_id, result.next, lang, is_group=False)
        return
    await send(poll.chat_id, context, tr("round_over", lang, right=result.right, total=result.total))


# --------------------------------------------------------------------------------------------------------------
# Text and buttons


def addressed(message: Message, bot_username: str | None) -> tuple[bool, str]:
    """In a group: is the message addressed to the bot (a mention or a reply to it)? And the text without the
    mention."""
    body = message.text or ""
    if bot_username:
        mention = f"@{bot_username}"
        for entity in message.entities or ():
            if entity.type == MessageEntityType.MENTION:
                if body[entity.offset: entity.offset + entity.length].lower() == mention.lower():
                    return True, (body[: entity.offset] + body[entity.offset + entity.length:]).strip()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.username == bot_username:
        return True, body.strip()
    return False, body


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
    svc = services(context)
    try:
        parse = await svc.assistant.parse(mask(body))
    except (AssistantError, OSError) as error:
        logger.error("assistant unavailable: %s", error)
        await send(chat.id, context, tr("assistant_down", await language(update, context)))
        return
    intent = str((parse.get("intent") or {}).get("name") or "")
    if not is_private(chat) and intent.startswith("experience_"):
        # Never answer (and so repeat) a member's story in the group: invite them to a private chat.
        lang = _message_lang(body, await language(update, context))
        link = f"https://t.me/{context.bot.username}" if context.bot.username else "@bot"
        await send(chat.id, context, tr("private_please", lang, link=link))
        return
    if intent in QUIZ_INTENTS:
        await _quiz_intent(intent, update, context)
        return
    await relay(update, context, body)


def _message_lang(body: str, fallback: str) -> str:
    lang, script = reply_language(body, fallback)
    return lang.value if script in (Script.ZH, Script.EN) else fallback


async def _quiz_intent(intent: str, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if intent == "start_quiz":
        await quiz_command(update, context)
    elif intent == "ask_progress":
        await progress(update, context)
    elif intent == "stop_quiz":
        await stop_quiz(update, context)
    else:
        chat = update.effective_chat
        assert chat is not None
        await send(chat.id, context, tr("answer_on_poll", await language(update, context)))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat, user = update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    await query.answer()
    data = query.data or ""
    svc = services(context)
    if data.startswith("lang:"):
        _, lang, then = (data.split(":") + ["", ""])[:3]
        lang = lang if lang in ("zh", "en") else "zh"
        profile = await db(svc.quiz.profile, CHANNEL, learner_key(user.id), lang=lang)
        if then == "start" or not profile.audiences:
            await send(chat.id, context, tr("choose_audience", lang), audience_keyboard(lang))
        else:
            await send(chat.id, context, tr("lang_set", lang))
        return
    if data.startswith("aud:"):
        value = data[4:]
        if value in Audience._value2member_map_:
            profile = await db(svc.quiz.profile, CHANNEL, learner_key(user.id), audiences=[value])
            await send(chat.id, context, tr("welcome", profile.lang))
        return
    if data.startswith("/start_quiz"):
        await quiz_command(update, context)
    elif data.startswith("/ask_progress"):
        await progress(update, context)
    elif data.startswith("/stop_quiz"):
        await stop_quiz(update, context)
    elif data.startswith("/"):
        await relay(update, context, data)


# --------------------------------------------------------------------------------------------------------------
# Errors


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: details (personal numbers masked) to the log, a friendly message to the user."""
    error = context.error
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__)) if error else ""
    logger.error("error while handling an update: %s", mask(details))  # the traceback, personal numbers masked
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            lang = "en" if update.effective_user and not (update.effective_user.language_code or "").startswith(
                "zh") else "zh"
            await context.bot.send_message(update.effective_chat.id, tr("error", lang))
        except TelegramError:
            pass

"""Who a callback serves and in which language: the learner keys in the quiz database, and the learner's language
read without writing (the learner's row is written only where it really changes: onboarding, /lang, a quiz)."""

from __future__ import annotations

from telegram import Chat, Update, User
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.db.models import Channel
from bot.telegram import store
from bot.telegram.services import Services, db, services

CHANNEL = Channel.TELEGRAM


def is_private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == ChatType.PRIVATE


def learner_key(user_id: int) -> str:
    return str(user_id)


def group_key(chat_id: int) -> str:
    """A group's own rounds (which question it was asked) are kept under this key."""
    return f"chat:{chat_id}"


def guess_language(user: User | None) -> str:
    """The language of the user's Telegram settings: Chinese for zh-*, else English; Chinese when unknown."""
    if user is None:
        return "zh"
    return "zh" if (user.language_code or "").lower().startswith("zh") else "en"


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The learner's language: chosen with /start or /lang, else guessed from their Telegram settings. Reads only."""
    user = update.effective_user
    if user is None:
        return "zh"
    stored = await db(_stored_language, services(context), learner_key(user.id))
    return stored if stored is not None else guess_language(user)


def _stored_language(svc: Services, key: str) -> str | None:
    with svc.quiz.db.read() as session:
        return store.learner_lang(session, CHANNEL, key)

"""Sending to Telegram: long texts cut to its 4,096-character limit, inline keyboards from the assistant's buttons,
and the answer to a pressed button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.channels.replies import split as split_text

MAX_MESSAGE = 4096
MAX_CALLBACK = 64  # bytes of callback data
MAX_BUTTON = 64  # characters of a button title shown


def keyboard(buttons: list[dict[str, str]]) -> InlineKeyboardMarkup | None:
    """The assistant's buttons (title, payload) as an inline keyboard, one a row; payloads too long are left out."""
    rows = [
        [InlineKeyboardButton(b["title"][:MAX_BUTTON], callback_data=b["payload"])]
        for b in buttons
        if len(b["payload"].encode()) <= MAX_CALLBACK
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def split(text: str) -> list[str]:
    """Telegram's 4,096-character limit: long replies go in several messages, cut at paragraph or line ends
    (:func:`bot.channels.replies.split`)."""
    return split_text(text, MAX_MESSAGE) or ["…"]


async def send(
    chat_id: int, context: ContextTypes.DEFAULT_TYPE, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """``text`` in as many messages as it needs; the keyboard goes with the last."""
    parts = split(text)
    for i, part in enumerate(parts):
        await context.bot.send_message(chat_id, part, reply_markup=markup if i == len(parts) - 1 else None)


async def pressed(update: Update) -> bool:
    """Answer a pressed button (the client stops its spinner); False if it came with no chat or user to serve."""
    query = update.callback_query
    if query is None or update.effective_chat is None or update.effective_user is None:
        return False
    await query.answer()
    return True


async def other_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no other callback takes (from an old message, say): answered, nothing else."""
    await pressed(update)

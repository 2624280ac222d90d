"""What runs around every callback: the replay guard in front of them all, and the one error handler."""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.i18n import t
from bot.shared.privacy import MaskingFilter, mask
from bot.telegram import store
from bot.telegram.learners import guess_language
from bot.telegram.services import Services, db, services

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())


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


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: details (personal numbers masked) to the log, a friendly message to the user (in
    the language of their Telegram settings: the database may be what failed)."""
    error = context.error
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__)) if error else ""
    logger.error("error while handling an update: %s", mask(details))  # the traceback, personal numbers masked
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):  # the apology is best effort: Telegram may be what failed
            await context.bot.send_message(
                update.effective_chat.id, t("telegram.error", guess_language(update.effective_user))
            )

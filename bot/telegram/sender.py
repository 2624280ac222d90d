"""The campaign delivery pump: sends the campaigns' weekly lesson notices and reminders that are due.

Everything lives in the database (bot.campaigns.service): the schedule (each enrolment's next due week), and every
delivery, which a worker claims with a token before sending it and marks sent with the message id after. A
restart, or several workers, therefore send each delivery once: a claim is taken by one worker only, and only the
claim's holder can mark it. Nothing another worker needs is kept in memory here.

How it runs: a repeating JobQueue job (:func:`start`, every :data:`INTERVAL` s, one instance at a time) that
gives back claims of a killed worker now and then (``recover``), turns what is due into deliveries
(``plan_due``), and starts the *drain* when it is not running yet. The drain claims deliveries in batches and
keeps up to :data:`WINDOW` of them in flight, sending them through ``application.bot``: the Application's
AIORateLimiter spaces them to Telegram's 30 messages a second and retries a 429 after the time Telegram asks for
(app.rate_limiter); the drain adds Telegram's other rule, one message a second per chat. Its window is what keeps
it from monopolising the limiter: an answer to a person waits behind at most a window of campaign messages.

What Telegram answers decides what happens to the delivery:

- a Message: ``mark_sent`` (a lesson's reminders are scheduled from its sent time);
- ``RetryAfter`` (still throttled after the rate limiter's own retries): back to pending, due when Telegram said
  (``mark_retry``), never lost and never sent twice;
- ``Forbidden`` (the person blocked the bot) or ``BadRequest: chat not found``: ``mark_blocked``: the person is
  opted out of every campaign and nothing more is sent to them;
- anything else (the network, a time-out, a bad request): ``mark_retry`` a minute later (the service gives up
  after 5 attempts).

A graceful stop (Application.stop: its ``running`` turns false) stops claiming; the sends in flight finish and are
marked before the Application's HTTP client closes (Application.stop awaits the drain: it is one of its tasks).
Only a killed worker leaves claims behind: ``recover`` returns them to pending after :data:`LEASE` seconds, and a
message Telegram had accepted just before the kill is then sent a second time -- the Bot API has no idempotency key.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import warnings
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes
from telegram.warnings import PTBDeprecationWarning

from bot.campaigns.records import DeliveryKind, Outgoing
from bot.i18n import t
from bot.telegram.services import Services, db

logger = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between two ticks of the job
WINDOW = 40  # deliveries in flight at once (about 1.3 s of Telegram's 30 a second)
CLAIM_AT_LEAST = 10  # the drain claims when this many places in the window are free: one claim per ~10 sends
CHAT_GAP = 1.0  # seconds between two messages to one chat (Telegram's limit)
RECOVER_EVERY = 60.0  # seconds between two looks for the claims of a killed worker
LEASE = 300  # seconds after which a claim that was never marked goes back to pending
NETWORK_RETRY = timedelta(minutes=1)  # a send that failed otherwise is tried again this much later
BLOCKED_HOLD = timedelta(days=1)
OPEN_BUTTON_DATA = "cw:{delivery_id}"  # handled by bot.telegram.weekly (its OPEN_BUTTON pattern)
JOB, PUMP = "campaign_sender", "campaign_sender_pump"


def start(application: Application, *, interval: float = INTERVAL, window: int = WINDOW) -> Pump:
    """Schedule the pump on the Application's JobQueue (idempotent: post_init may run once per process)."""
    pump: Pump | None = application.bot_data.get(PUMP)
    if pump is not None and not pump.stopped:
        return pump
    if application.job_queue is None:
        raise RuntimeError("the campaign sender needs python-telegram-bot's JobQueue (the job-queue extra)")
    pump = Pump(application, window=window)
    application.bot_data[PUMP] = pump
    application.job_queue.run_repeating(
        _tick, interval=interval, first=0, name=JOB, job_kwargs={"max_instances": 1, "coalesce": True}
    )
    return pump


async def stop(application: Application) -> None:
    """Claim nothing more; wait for the sends in flight to be marked. Application.stop has done it already when it
    ran; this is for a host that stops otherwise (and is idempotent)."""
    pump: Pump | None = application.bot_data.get(PUMP)
    if pump is None:
        return
    if application.job_queue is not None:
        for job in application.job_queue.get_jobs_by_name(JOB):
            job.schedule_removal()
    await pump.close()


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    pump: Pump | None = context.bot_data.get(PUMP)
    if pump is not None:
        await pump.tick()


class Pump:
    """The sender of one worker: the tick's work and the drain. See the module's documentation."""

    def __init__(self, application: Application, *, window: int = WINDOW) -> None:
        self.application = application
        self.window = window
        self.stopped = False
        self.draining: asyncio.Task[None] | None = None
        self.next_recover = 0.0
        self.ticks = 0
        #: chat -> when (monotonic) its last message may go at the earliest: one a second per chat.
        self.chat_slots: dict[int, float] = {}
        self.counts: dict[str, int] = {"sent": 0, "retry": 0, "blocked": 0, "lost_claim": 0}

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def accepting(self) -> bool:
        return self.application.running and not self.stopped

    async def tick(self) -> None:
        campaigns = self.services.campaigns
        try:
            if time.monotonic() >= self.next_recover:
                self.next_recover = time.monotonic() + RECOVER_EVERY
                recovered = await db(campaigns.recover, LEASE)
                if recovered:
                    logger.warning("campaign sender: %d deliveries of a stopped worker back to pending", recovered)
            await db(campaigns.plan_due)
        except Exception:  # the database failed this time: the next tick tries again
            logger.exception("campaign sender: planning")
        if self.accepting and (self.draining is None or self.draining.done()):
            self.draining = self.application.create_task(self.drain(), name="campaign_sender_drain")
        self.ticks += 1

    async def drain(self) -> None:
        """Claim and send until nothing is due (or the Application stops), with up to ``window`` in flight."""
        flying: set[asyncio.Task[None]] = set()
        try:
            while True:
                free = self.window - len(flying)
                claimed: list[Outgoing] = []
                if self.accepting and free >= min(CLAIM_AT_LEAST, self.window):
                    try:
                        claimed = await db(self.services.campaigns.claim, free)
                    except Exception:
                        logger.exception("campaign sender: claiming")
                for outgoing in claimed:
                    flying.add(asyncio.create_task(self.deliver(outgoing)))
                if not flying:
                    return
                if not claimed and free >= min(CLAIM_AT_LEAST, self.window):  # nothing due: finish, the tick restarts
                    await asyncio.gather(*flying)
                    return
                _, flying = await asyncio.wait(flying, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if flying:
                await asyncio.gather(*flying, return_exceptions=True)

    async def close(self) -> None:
        self.stopped = True
        if self.draining is not None:
            await asyncio.gather(self.draining, return_exceptions=True)

    async def deliver(self, outgoing: Outgoing) -> None:
        """Send one claimed delivery and mark what came of it; never raises."""
        campaigns = self.services.campaigns
        chat_id = int(outgoing.external_id)
        await self._chat_turn(chat_id)
        text, buttons = message(outgoing)
        try:
            try:
                sent = await self.application.bot.send_message(chat_id=chat_id, text=text, reply_markup=buttons)
            except RetryAfter as error:  # still throttled after the rate limiter's own retries: not the message's fault
                wait = _retry_after(error)
                await self._retry(outgoing, wait, f"retry after {wait.total_seconds():g} s", attempt=False)
            except Forbidden as error:
                await self._blocked(outgoing, error)
            except BadRequest as error:
                if "chat not found" in error.message.lower():
                    await self._blocked(outgoing, error)
                else:
                    await self._retry(outgoing, NETWORK_RETRY, _error(error))
            except TelegramError as error:  # the network, a time-out, a server error
                await self._retry(outgoing, NETWORK_RETRY, _error(error))
            else:
                if await db(campaigns.mark_sent, outgoing.delivery_id, outgoing.claim, sent.message_id):
                    self.counts["sent"] += 1
                else:  # recovered after the lease and sent by another worker meanwhile: nothing to do
                    self.counts["lost_claim"] += 1
                    logger.warning("campaign sender: delivery %d was no longer ours when sent", outgoing.delivery_id)
        except Exception:  # the database (marking) or a bug: the claim comes back after the lease
            logger.exception("campaign sender: delivery %d", outgoing.delivery_id)

    async def _chat_turn(self, chat_id: int) -> None:
        """Wait for this chat's turn: one message a second per chat (a reminder may follow its lesson closely)."""
        now = time.monotonic()
        if len(self.chat_slots) > 4 * self.window:  # forget the chats whose turn is long past
            self.chat_slots = {chat: at for chat, at in self.chat_slots.items() if at > now - CHAT_GAP}
        turn = max(now, self.chat_slots.get(chat_id, -math.inf) + CHAT_GAP)
        self.chat_slots[chat_id] = turn
        if turn > now:
            await asyncio.sleep(turn - now)

    async def _retry(self, outgoing: Outgoing, after: timedelta, error: str, *, attempt: bool = True) -> None:
        self.counts["retry"] += 1
        retry_at = self.services.now() + after
        campaigns = self.services.campaigns
        await db(campaigns.mark_retry, outgoing.delivery_id, outgoing.claim, retry_at, error, attempt=attempt)

    async def _blocked(self, outgoing: Outgoing, error: TelegramError) -> None:
        """The person blocked the bot (or the chat is gone): they are opted out of everything, and this delivery is
        given up with the rest (mark_blocked skips what is pending: mark_retry first returns this one to pending,
        due far enough ahead that no worker claims it in between)."""
        self.counts["blocked"] += 1
        campaigns = self.services.campaigns
        later = self.services.now() + BLOCKED_HOLD
        await db(campaigns.mark_retry, outgoing.delivery_id, outgoing.claim, later, _error(error))
        await db(campaigns.mark_blocked, outgoing.channel, outgoing.external_id)


def message(outgoing: Outgoing) -> tuple[str, InlineKeyboardMarkup]:
    """The text and the Open button of a lesson notice or a reminder, in the recipient's language."""
    lang = outgoing.lang
    if outgoing.kind is DeliveryKind.LESSON:
        text = t(
            "telegram.campaign_lesson_ready",
            lang,
            week=outgoing.week,
            weeks=outgoing.weeks,
            theme=outgoing.theme.get(lang),
            title=outgoing.title.get(lang),
        )
    else:
        text = t("telegram.campaign_reminder", lang, week=outgoing.week, theme=outgoing.theme.get(lang))
    data = OPEN_BUTTON_DATA.format(delivery_id=outgoing.lesson_delivery_id)
    button = InlineKeyboardButton(t("telegram.campaign_open_button", lang), callback_data=data)
    return text, InlineKeyboardMarkup([[button]])


def _retry_after(error: RetryAfter) -> timedelta:
    """The wait Telegram asked for (an int of seconds until PTB_TIMEDELTA becomes its default, then a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def counts(application: Application) -> dict[str, Any]:
    """What this worker's pump has done (for the benchmarks and the logs)."""
    pump: Pump | None = application.bot_data.get(PUMP)
    return dict(pump.counts, ticks=pump.ticks) if pump is not None else {}

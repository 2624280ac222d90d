"""A running class quiz on Telegram: the teacher's control buttons (start, next, skip, pause, resume, end), each
question sent as native quiz polls (one in the class group, or one in each student's private chat at the same
moment), and the answers to them.

Polls are not anonymous (each answer names the student), carry ``open_period`` (the seconds left) and hide their
results until they close, so nobody copies. An answer's time is when its update reached us (the Bot API gives
none). A retracted vote changes nothing; the engine keeps the first answer (a changed vote or a replayed update is
a duplicate). A group member who answers but is not in the class joins it with their first name. Polls of the
one-learner quiz keep their own handler (``quiz.poll_answer``)."""

from __future__ import annotations

import asyncio
import logging
import math
import re

from telegram import Bot, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.classroom.records import ClassroomError, Delivery, OpenQuestion, Outcome
from bot.i18n import t
from bot.telegram import board, quiz, ticker, weekly
from bot.telegram.board import controls
from bot.telegram.classvotes import ClassVote
from bot.telegram.learners import guess_language, language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import chat_ids, learner_id, refuse, session_info
from bot.telegram.services import Services, db, services

logger = logging.getLogger(__name__)

#: ``run:<action>:<session id>[:<position the teacher saw, -1 in the lobby>]``
CONTROL_BUTTON = re.compile(
    r"^run:(?P<action>start|next|skip|pause|resume|end):(?P<session>\d+)(?::(?P<seen>-?\d+))?\Z"
)
#: Telegram's bounds for ``open_period``.
MIN_OPEN, MAX_OPEN = 5, 600
#: Attempts at a unique name for a group member who joins by answering ("Ann", "Ann 2", ...).
NAME_TRIES = 50


async def control_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A control button of the teacher's: the engine checks that it is the class's teacher."""
    if not await pressed(update) or context.match is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    lang = await language(update, context)
    svc = services(context)
    action, session_id = context.match["action"], int(context.match["session"])
    seen = int(context.match["seen"]) if context.match["seen"] is not None else None
    teacher = await learner_id(context, user)
    svc.chats[teacher] = user.id  # where the reveals with the buttons go
    classroom = svc.classroom
    try:
        if action in ("start", "next"):
            opened = await db(classroom.open_next, session_id, teacher, after=seen)
            await _opened(context.bot, svc, session_id, opened, chat.id, lang)
        elif action == "skip":
            current = await db(classroom.current_question, session_id)
            opened = await db(classroom.skip, session_id, teacher, position=seen)
            if current is not None:
                await board.stop_polls(context.bot, svc, session_id, current.position)
            await _opened(context.bot, svc, session_id, opened, chat.id, lang)
        elif action == "pause":
            paused = await db(classroom.pause, session_id, teacher)
            await send(chat.id, context, t("telegram.class_paused", lang), controls(paused, lang))
        elif action == "resume":
            resumed = await db(classroom.resume, session_id, teacher)
            current = await db(classroom.current_question, session_id)
            if current is not None:  # the polls' own clocks did not stop: the question goes out again
                await send_question(context.bot, svc, current)
            await send(chat.id, context, t("telegram.class_resumed", lang), controls(resumed, lang))
        else:
            current = await db(classroom.current_question, session_id)
            standings = await db(classroom.end, session_id, teacher)
            if current is not None:
                await board.stop_polls(context.bot, svc, session_id, current.position)
            await board.announce_end(context.bot, svc, session_id, standings)
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)


async def _opened(
    bot: Bot, svc: Services, session_id: int, opened: OpenQuestion | None, teacher_chat: int, lang: str
) -> None:
    """The next question went out (polls, then a line and the controls to the teacher), or there was none: the
    session has ended and the podium is posted."""
    if opened is None:
        standings = await db(svc.classroom.leaderboard, session_id)
        await board.announce_end(bot, svc, session_id, standings)
        return
    await send_question(bot, svc, opened)
    s = opened.session
    text = t("telegram.class_question_open", lang, number=opened.position + 1, size=s.size, seconds=s.seconds)
    await board.post(bot, teacher_chat, text, controls(s, lang, position=opened.position))


async def send_question(bot: Bot, svc: Services, opened: OpenQuestion) -> None:
    """The open question as quiz polls: one in the class group, or one in each member's private chat, all at
    once (the rate limiter spreads them); each mapped to the session with ``save_poll``."""
    session = opened.session
    svc.sessions.setdefault(session.id, session)  # its reveal, later, needs no read
    if session.delivery == Delivery.GROUP and session.group_chat_id is not None:
        targets: list[tuple[int, int | None]] = [(session.group_chat_id, None)]
    else:
        members = await db(svc.classroom.members, session.class_id)
        chats = await chat_ids(svc, [m.learner_id for m in members])
        targets = [(chats[m.learner_id], m.learner_id) for m in members if m.learner_id in chats]
    left = (opened.closes_at - svc.now()).total_seconds()
    period = min(MAX_OPEN, max(MIN_OPEN, math.ceil(left)))
    await asyncio.gather(*(_send_poll(bot, svc, opened, chat, owner, period) for chat, owner in targets))


async def _send_poll(
    bot: Bot, svc: Services, opened: OpenQuestion, chat_id: int, owner: int | None, period: int
) -> None:
    try:
        message = await quiz.post_quiz_poll(
            bot, chat_id, opened.question, opened.session.lang, open_period=period, hide_results_until_closes=True
        )
    except TelegramError as error:  # a student who blocked the bot: the others still get theirs
        logger.warning("class poll not delivered to %s: %s", chat_id, error)
        return
    if message.poll is None:
        return
    session = opened.session
    await db(svc.classroom.save_poll, message.poll.id, session.id, opened.position, chat_id, message.message_id, owner)


async def poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An answer to a class poll goes to the classroom engine (in arrival order, with its arrival time: see
    ``classvotes``); any other poll's answer to the one-learner quiz, and if it is not a round's, to the campaign
    week's quiz (``weekly``)."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return
    svc = services(context)
    vote = ClassVote(answer.poll_id, answer.user.id, tuple(answer.option_ids), svc.now(), guess_language(answer.user))
    result = await svc.class_votes.submit(vote)  # nothing awaited before: the queue keeps the arrival order
    if result is None:
        if not await quiz.poll_answer(update, context):
            await weekly.poll_answer(update, context)  # a campaign week's quiz (issue 11)
        return
    recorded = result.recorded
    if isinstance(recorded, ClassroomError):
        logger.info("class answer refused: %s", recorded)
        return
    newcomer = recorded is not None and recorded.outcome == Outcome.NOT_MEMBER and result.in_group
    if newcomer and await _join_from_group(svc, result.session_id, result.learner_id, answer.user):
        recorded = await db(
            svc.classroom.record_answer,
            result.session_id,
            result.position,
            result.learner_id,
            vote.chosen,
            at=vote.arrived,
        )
    if recorded is not None and recorded.everyone_answered:
        ticker.poke(context.application)


async def _join_from_group(svc: Services, session_id: int, learner: int, user: User) -> bool:
    """A group member answering a class poll joins the class with their first name, made unique ("Ann 2"); a name
    that cannot be used (too short, a link ...) gives way to "Student N"."""
    session = await session_info(svc, session_id)
    first = " ".join((user.first_name or "").split())[:20]
    for attempt in range(1, NAME_TRIES + 1):
        if len(first) >= 2:
            name = first if attempt == 1 else f"{first[:16]} {attempt}"
        else:
            name = t("telegram.class_guest_name", session.lang, number=attempt)
        try:
            joined = await db(svc.classroom.join, session.class_id, learner, name)
        except ClassroomError as error:
            if error.key == "removed":
                return False
            if error.key != "name_taken":
                first = ""  # not a usable name: numbered guest names
            continue
        return joined.member is not None
    return False

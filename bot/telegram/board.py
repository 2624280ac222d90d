"""What a running class quiz posts: the teacher's control buttons for the session's phase, the reveal of a closed
question (the right answer, the one-line teaching, the most chosen wrong option, the top 5), the podium at the end,
and closing a question's polls on Telegram. Used by the control buttons (``lesson``) and the ``ticker``, with the
bot alone (the ticker has no update to answer)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.classroom.records import Delivery, Phase, Reveal, SessionInfo, Standing
from bot.i18n import t
from bot.quiz.model import letter
from bot.telegram.replies import split
from bot.telegram.roles import chat_ids, session_info
from bot.telegram.services import Services, db

logger = logging.getLogger(__name__)

#: The leaderboard after each question, and the podium.
TOP, PODIUM = 5, 3
ACTIONS = {
    Phase.LOBBY: ("start", "end"),
    Phase.QUESTION: ("skip", "pause", "end"),
    Phase.REVEAL: ("next", "end"),
    Phase.PAUSED: ("resume", "end"),
}


def controls(
    session: SessionInfo, lang: str, phase: Phase | None = None, position: int | None = None
) -> InlineKeyboardMarkup | None:
    """The buttons that make sense in the session's phase (or ``phase``, at ``position``):
    ``run:<action>:<session id>:<position>``, the position the teacher saw (-1: the lobby), so that a button
    pressed twice, or an old one, does not move the session on twice (the engine answers ``moved_on``)."""
    phase = phase or session.phase
    actions = ACTIONS.get(phase, ())
    seen = (position if position is not None else session.position) if phase != Phase.LOBBY else None
    at = -1 if seen is None else seen
    if not actions:
        return None
    titles = {
        "start": t("telegram.class_button_start", lang),
        "next": t("telegram.class_button_next", lang),
        "skip": t("telegram.class_button_skip", lang),
        "pause": t("telegram.class_button_pause", lang),
        "resume": t("telegram.class_button_resume", lang),
        "end": t("telegram.class_button_end", lang),
    }
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(titles[a], callback_data=f"run:{a}:{session.id}:{at}") for a in actions]]
    )


async def post(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """``text`` in as many messages as it needs (the keyboard with the last); a chat that cannot be reached (a
    student who blocked the bot) is logged, not raised: the others still get theirs."""
    parts = split(text)
    try:
        for i, part in enumerate(parts):
            await bot.send_message(chat_id, part, reply_markup=markup if i == len(parts) - 1 else None)
    except TelegramError as error:
        logger.warning("class message not delivered to %s: %s", chat_id, error)


async def stop_polls(bot: Bot, svc: Services, session_id: int, position: int) -> None:
    """Close the question's polls on Telegram (their results show); a poll already closed is no error."""
    polls = await db(svc.classroom.polls_for, session_id, position)

    async def stop(chat_id: int, message_id: int) -> None:
        with contextlib.suppress(TelegramError):
            await bot.stop_poll(chat_id, message_id)

    await asyncio.gather(*(stop(chat_id, message_id) for chat_id, message_id in polls))


def standing_lines(standings: tuple[Standing, ...], lang: str, limit: int) -> list[str]:
    return [
        t("telegram.class_standing", lang, rank=s.rank, name=s.display_name, points=s.points) for s in standings[:limit]
    ]


def reveal_text(reveal: Reveal, session: SessionInfo) -> str:
    lang = session.lang
    content = reveal.question.content(lang)
    answer = "; ".join(f"{letter(i)}. {content.options[i]}" for i in reveal.right)
    lines = [
        t(
            "telegram.class_reveal",
            lang,
            number=reveal.position + 1,
            size=session.size,
            answer=answer,
            teaching=content.explanation,
            answered=reveal.answered,
            members=reveal.members,
        )
    ]
    if reveal.misconception is not None:
        wrong = f"{letter(reveal.misconception)}. {content.options[reveal.misconception]}"
        lines.append(t("telegram.class_misconception", lang, option=wrong))
    if session.show_leaderboard and reveal.top:
        lines += ["", t("telegram.class_top", lang), *standing_lines(reveal.top, lang, TOP)]
    return "\n".join(lines)


async def _audience(svc: Services, session: SessionInfo) -> tuple[int | None, int | None]:
    """(the class group's chat if the session posts there, the teacher's private chat)."""
    teacher = (await chat_ids(svc, [session.teacher_id])).get(session.teacher_id)
    group = session.group_chat_id if session.delivery == Delivery.GROUP else None
    return group, teacher


async def announce_reveal(bot: Bot, svc: Services, session_id: int, reveal: Reveal) -> None:
    """A question closed: the reveal goes to the group (group mode), then, with the controls, to the teacher, and
    its polls stop."""
    await reveal_to_group(bot, svc, session_id, reveal)
    await reveal_to_teacher(bot, svc, session_id, reveal)


async def reveal_to_group(bot: Bot, svc: Services, session_id: int, reveal: Reveal) -> None:
    """The leaderboard in the class group (group mode; nothing in private mode)."""
    session = await session_info(svc, session_id)
    group, _ = await _audience(svc, session)
    if group is not None:
        await post(bot, group, reveal_text(reveal, session))


async def reveal_to_teacher(bot: Bot, svc: Services, session_id: int, reveal: Reveal) -> None:
    """The reveal with the controls to the teacher, then the polls stop. The ticker sends these after every
    group's leaderboard of its tick: each call counts against Telegram's 30 a second, and the class waits for its
    leaderboard, the teacher's button can wait a moment."""
    session = await session_info(svc, session_id)
    _, teacher = await _audience(svc, session)
    if teacher is not None:
        await post(
            bot, teacher, reveal_text(reveal, session), controls(session, session.lang, Phase.REVEAL, reveal.position)
        )
    await stop_polls(bot, svc, session_id, reveal.position)


async def announce_end(bot: Bot, svc: Services, session_id: int, standings: tuple[Standing, ...]) -> None:
    """The session ended: the podium (when the leaderboard is shown) to the group or to each student, and to the
    teacher."""
    session = await session_info(svc, session_id)
    lang = session.lang
    if session.show_leaderboard and standings:
        lines = [t("telegram.class_podium", lang), *standing_lines(standings, lang, PODIUM)]
    else:
        lines = [t("telegram.class_podium_empty", lang)] if not standings else []
    text = "\n".join([*lines, t("telegram.class_session_ended", lang)])
    group, teacher = await _audience(svc, session)
    chats = [group] if group is not None else []
    if group is None:
        members = await db(svc.classroom.members, session.class_id)
        chats = list((await chat_ids(svc, [m.learner_id for m in members])).values())
    if teacher is not None and teacher not in chats:
        chats.append(teacher)
    await asyncio.gather(*(post(bot, chat, text) for chat in chats))

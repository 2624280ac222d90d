"""The quiz as native Telegram quiz polls: /quiz (a round in private, one question in a group), the answers to the
polls (recorded in batches by the :class:`~bot.telegram.answers.VoteBatcher`), /progress with its chart, /stopquiz,
and the assistant's buttons that do the same."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Message, Update
from telegram.constants import PollType
from telegram.ext import ContextTypes

from bot.db.models import TelegramPoll
from bot.i18n import t
from bot.quiz.engine import Served
from bot.quiz.model import Question
from bot.quiz.present import format_report
from bot.telegram import store
from bot.telegram.answers import PollVote
from bot.telegram.chart import mastery_chart
from bot.telegram.learners import CHANNEL, group_key, is_private, language, learner_key
from bot.telegram.replies import pressed, send
from bot.telegram.services import db, services

#: The assistant's buttons (their payloads are intents) that the quiz answers here, without a round trip to Rasa.
START_BUTTON = r"^/start_quiz"
PROGRESS_BUTTON = r"^/ask_progress"
STOP_BUTTON = r"^/stop_quiz"


async def quiz_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The next question: of the learner's round in private (resumed if one is open), for the group in a group."""
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
        await send(chat.id, context, t("telegram.no_quiz_questions", lang))
        return
    await send_poll(context, chat.id, served, lang, is_group=not is_private(chat))


async def send_poll(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, served: Served, lang: str, *, is_group: bool
) -> None:
    """The question as a native quiz poll (not anonymous, so each answer reaches us), mapped in the database."""
    q = served.question
    message = await post_quiz_poll(context.bot, chat_id, q, lang)
    if message.poll is None:
        return
    svc = services(context)
    poll = TelegramPoll(
        poll_id=message.poll.id,
        chat_id=chat_id,
        message_id=message.message_id,
        question_id=q.id,
        run_id=served.run_id,
        position=served.position,
        lang=lang,
        is_group=is_group,
        sent_at=svc.now(),
        closed=False,
    )
    await db(svc.quiz.db.write_retrying, lambda s: store.save_poll(s, poll))


async def post_quiz_poll(bot: Bot, chat_id: int, q: Question, lang: str, **extra: Any) -> Message:
    """A question as a native quiz poll, not anonymous (so that each answer reaches us); ``extra``: more of
    ``send_poll``'s options (a class poll's ``open_period``, ``hide_results_until_closes``)."""
    content = q.content(lang)
    return await bot.send_poll(
        chat_id,
        content.prompt,
        list(content.options),
        is_anonymous=False,
        type=PollType.QUIZ,
        allows_multiple_answers=q.type.many_answers,
        correct_option_ids=list(q.answer),  # type: ignore[arg-type]  # 0-11: the bank checks the option count
        explanation=content.explanation,
        **extra,
    )


async def poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Record an answer to one of our quiz polls; then the longer explanation and the next question. False: not a
    quiz round's poll (a campaign's, say, or none of ours)."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return True  # an anonymous voter chat, or a retracted vote: nobody's business
    svc = services(context)
    recorded = await svc.votes.submit(PollVote(answer.poll_id, answer.user.id, tuple(answer.option_ids)))
    if recorded is None:
        return False  # not a round's poll, or closed
    poll, result = recorded.poll, recorded.answered
    if poll.is_group or result.result.duplicate:
        return True  # in a group the poll itself shows each member the explanation; nothing is posted
    lang = poll.lang
    more = result.result.question.content(lang).more
    if more:
        await send(poll.chat_id, context, more)
    if result.next is not None:
        await send_poll(context, poll.chat_id, result.next, lang, is_group=False)
        return True
    await send(poll.chat_id, context, t("telegram.round_over", lang, right=result.right, total=result.total))
    return True


async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The learner's mastery per scam type as a chart, then the report."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    report = await db(services(context).quiz.report, CHANNEL, learner_key(user.id))
    if report is None or not report.attempts:
        await send(chat.id, context, t("telegram.progress_empty", lang))
        return
    png = await db(mastery_chart, report.mastery, lang)
    await context.bot.send_photo(chat.id, png, caption=t("quiz.report_title", lang))
    await send(chat.id, context, format_report(report, lang))


async def stop_quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return
    lang = await language(update, context)
    stopped = await db(services(context).quiz.stop, CHANNEL, learner_key(user.id))
    await send(chat.id, context, t("telegram.quiz_stopped" if stopped else "quiz.no_round", lang))


async def start_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await pressed(update):
        await quiz_command(update, context)


async def progress_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await pressed(update):
        await progress(update, context)


async def stop_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await pressed(update):
        await stop_quiz(update, context)

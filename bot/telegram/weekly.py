"""A campaign week on Telegram (issue 11): the Open button of a delivered lesson notice (``cw:<delivery id>``, sent
by ``sender``) shows the week's lesson for the presser's role, then "Take this week's quiz" (``cq:<campaign>:<week>``)
and, if the week's activity is the family safety plan, its button (``safetyplan``). The quiz is the week's questions
as native quiz polls, one at a time: each answer (routed here by ``lesson.poll_answer`` when the poll is neither a
class poll nor a quiz round's) is recorded once by the campaign engine, then the next poll goes out, and after the
last a one-line result.

Stateless: the buttons carry the campaign and week, the polls are mapped in the database (``register_poll``), so any
worker takes the next click or answer. The engine checks that the presser is enrolled and the week delivered."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.campaigns.lessons import lesson_text
from bot.campaigns.records import ActivityKind, CampaignError, LessonView
from bot.i18n import t
from bot.quiz.engine import engine_cache
from bot.quiz.model import Question
from bot.telegram import quiz
from bot.telegram.enrolment import refuse, stale
from bot.telegram.learners import language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import learner_id
from bot.telegram.services import Services, db, services

#: ``cw:<delivery id>``: the Open button of a lesson notice or a reminder (the lesson's delivery).
OPEN_BUTTON = re.compile(r"^cw:(?P<delivery>\d+)\Z")
#: ``cq:<campaign>:<week>``: the week's quiz.
QUIZ_BUTTON = re.compile(r"^cq:(?P<campaign>\d+):(?P<week>\d+)\Z")


async def open_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open: the lesson of the delivery (the engine records it opened and skips its pending reminders)."""
    if not await pressed(update) or context.match is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    lang = await language(update, context)
    learner = await learner_id(context, user)
    try:
        view = await db(services(context).campaigns.delivery_lesson, learner, int(context.match["delivery"]))
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)
        return
    text, markup = lesson_message(view)
    await send(chat.id, context, text, markup)


def lesson_message(view: LessonView) -> tuple[str, InlineKeyboardMarkup | None]:
    """The lesson's text (which names the week's activity) and its buttons: the quiz, the safety plan."""
    text = lesson_text(view)
    rows = []
    if view.quiz:
        button = InlineKeyboardButton(
            t("telegram.campaign_quiz_button", view.lang, count=len(view.quiz)),
            callback_data=f"cq:{view.campaign_id}:{view.week}",
        )
        rows.append([button])
    if view.activity is not None and view.activity.kind == ActivityKind.SAFETY_PLAN:
        button = InlineKeyboardButton(
            t("telegram.campaign_plan_button", view.lang), callback_data=f"cp:{view.campaign_id}:start"
        )
        rows.append([button])
    return text, InlineKeyboardMarkup(rows) if rows else None


async def quiz_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The week's quiz: the first question not answered yet, or (all answered) the result."""
    if not await pressed(update) or context.match is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    lang = await language(update, context)
    svc = services(context)
    learner = await learner_id(context, user)
    campaign_id, week = int(context.match["campaign"]), int(context.match["week"])
    try:
        view = await db(svc.campaigns.lesson, learner, campaign_id, week)
        progress = await db(svc.campaigns.progress, learner, campaign_id)
    except CampaignError as error:
        await refuse(chat.id, context, lang, error)
        return
    if not view.quiz:
        await stale(update, context, lang)
        return
    done = next((w for w in progress.weeks if w.week == week), None)
    position = done.quiz_answered if done is not None else 0
    if position >= len(view.quiz):
        await _result(context, svc, chat.id, learner, campaign_id, week, view.lang)
        return
    await send_question(context, svc, chat.id, learner, view, position)


async def send_question(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, chat_id: int, learner: int, view: LessonView, position: int
) -> None:
    """Question ``position`` of the week as a quiz poll, mapped to the campaign week (``register_poll``)."""
    question = await db(_question, svc, view.quiz[position])
    message = await quiz.post_quiz_poll(context.bot, chat_id, question, view.lang)
    if message.poll is None:
        return
    await db(
        svc.campaigns.register_poll,
        message.poll.id,
        learner,
        view.campaign_id,
        view.week,
        question.id,
        position,
        chat_id,
        message.message_id,
    )


def _question(svc: Services, question_id: str) -> Question:
    """A bank question as the quiz database holds it (the engine's cache: parsed once)."""
    with svc.quiz.db.read() as s:
        return engine_cache(s).question(s.connection(), question_id)


async def poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An answer to a campaign quiz poll: recorded once (the first answer counts), then the question's longer
    explanation and the next poll, or the week's result. A poll that is not ours, or an answer by someone else
    than the poll's learner, changes nothing."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return
    svc = services(context)
    ref = await db(svc.campaigns.poll, answer.poll_id)
    if ref is None:
        return
    learner = await learner_id(context, answer.user)
    if learner != ref.learner_id:
        return
    chosen = tuple(answer.option_ids)
    try:
        _, first = await db(svc.campaigns.record_answer, learner, ref.campaign_id, ref.week, ref.question_id, chosen)
        if not first:
            return  # a changed vote or a replayed update: the first answer counted
        view = await db(svc.campaigns.lesson, learner, ref.campaign_id, ref.week)
    except CampaignError:
        return  # stopped, or the campaign ended, since the poll went out: nothing to say on a poll answer
    more = (await db(_question, svc, ref.question_id)).content(view.lang).more
    if more:
        await send(ref.chat_id, context, more)
    if ref.position + 1 < len(view.quiz):
        await send_question(context, svc, ref.chat_id, learner, view, ref.position + 1)
        return
    await _result(context, svc, ref.chat_id, learner, ref.campaign_id, ref.week, view.lang)


async def _result(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    learner: int,
    campaign_id: int,
    week: int,
    lang: str,
) -> None:
    progress = await db(svc.campaigns.progress, learner, campaign_id)
    done = next((w for w in progress.weeks if w.week == week), None)
    right, total = (done.quiz_right, done.quiz_total) if done is not None else (0, 0)
    await send(chat_id, context, t("telegram.campaign_quiz_result", lang, week=week, right=right, total=total))

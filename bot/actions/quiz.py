"""Quiz actions for the assistant's chat: "quiz me"/"考考我", answers by button or typed letter, "how am I doing".

Thin: the quiz lives in the database (``bot.quiz.service``), keyed by the conversation id on the ``chat`` channel
(a WeChat follower's ``wechat-<openid>`` conversation: by the OpenID on the ``wechat`` channel,
``bot.channels.ids.quiz_learner``), so the open round and its waiting question survive a restart of either server.
A progress report is followed by the marker ``{"custom": {"chart": true}}``: a channel that can show images sends
the mastery chart after it. A front end that runs the quiz itself (Telegram) gets these turns handed back
(``bot.actions.handback``).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.actions.handback import handed_back
from bot.channels.ids import quiz_learner
from bot.channels.replies import CHART
from bot.db import Database
from bot.i18n import t
from bot.quiz.bank import BankError
from bot.quiz.engine import QuizError, Served
from bot.quiz.model import Audience, letter
from bot.quiz.present import (
    audience_name,
    format_feedback,
    format_question,
    format_report,
    parse_choice,
)
from bot.quiz.service import QuizService
from bot.settings import settings
from bot.shared.lang import Lang, Script, reply_language
from bot.shared.privacy import MaskingFilter

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

ROUND = settings().round_size

_service: QuizService | None = None
_lock = threading.Lock()


def service() -> QuizService:
    """The quiz service of this process: the database is migrated and the banks synced on first use."""
    global _service
    with _lock:
        if _service is None:
            candidate = QuizService(Database(), round_size=ROUND)
            candidate.prepare()
            _service = candidate
        return _service


def language(tracker: Tracker) -> Lang:
    """The reply language: the message's own, or the conversation's for a button press or a bare letter."""
    text_ = str((tracker.latest_message or {}).get("text") or "")
    previous = tracker.get_slot("lang")
    keep = Lang(previous) if previous in ("zh", "en") else Lang.ZH
    if text_.startswith("/"):
        return keep
    lang, script = reply_language(text_, previous)
    return lang if script in (Script.ZH, Script.EN) else keep


def item_of(served: Served) -> str:
    return f"{served.run_id}:{served.position}"


def answer_payload(letters: str, served: Served) -> str:
    return "/quiz_answer" + json.dumps({"choice": letters, "item": item_of(served)}, separators=(",", ":"))


def question_buttons(served: Served, lang: str) -> list[dict[str, str]]:
    """One button per option for one-answer questions; several-answer ones are answered by typing letters."""
    q = served.question
    if q.type.many_answers:
        return []
    return [
        {"title": f"{letter(i)}. {option}", "payload": answer_payload(letter(i), served)}
        for i, option in enumerate(q.content(lang).options)
    ]


def send_question(dispatcher: CollectingDispatcher, served: Served, lang: str) -> None:
    total = ROUND
    dispatcher.utter_message(
        text=format_question(served.question, lang, served.position, total), buttons=question_buttons(served, lang)
    )


def end_buttons(lang: str) -> list[dict[str, str]]:
    return [
        {"title": t("quiz.btn_again", lang), "payload": "/start_quiz"},
        {"title": t("quiz.btn_progress", lang), "payload": "/ask_progress"},
    ]


class QuizAction(Action):
    """Base: language, the service, and one friendly message when the quiz store is unavailable."""

    action_name = ""

    def name(self) -> str:
        return self.action_name

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if handed_back(dispatcher, tracker):  # the front end runs the quiz itself (Telegram's polls)
            return []
        lang = language(tracker).value
        try:
            self.act(dispatcher, tracker, lang)
        except (SQLAlchemyError, BankError, OSError) as error:
            logger.error("quiz unavailable: %s: %s", type(error).__name__, error)
            dispatcher.utter_message(text=t("quiz.unavailable", lang))
        return [SlotSet("lang", lang)]


class ActionStartQuiz(QuizAction):
    """Start a round (or show the waiting question of the open one); asks a new learner who they are first."""

    action_name = "action_start_quiz"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        quiz = service()
        channel, sender = quiz_learner(tracker.sender_id)
        chosen = next(tracker.get_latest_entity_values("audience"), None)
        if isinstance(chosen, str) and chosen in Audience._value2member_map_:
            quiz.profile(channel, sender, lang=lang, audiences=[chosen])
        else:
            profile = quiz.profile(channel, sender, lang=lang)
            if not profile.audiences:
                buttons = [
                    {"title": audience_name(a, lang), "payload": f'/start_quiz{{"audience":"{a.value}"}}'}
                    for a in Audience
                ]
                dispatcher.utter_message(text=t("quiz.choose_audience", lang), buttons=buttons)
                return
        scam = tracker.get_slot("scam_type")
        focus = scam if scam and scam != "none" else None
        served = quiz.start(channel, sender, lang=lang, focus=focus) or quiz.start(channel, sender, lang=lang)
        if served is None:
            dispatcher.utter_message(text=t("quiz.no_questions", lang))
            return
        send_question(dispatcher, served, lang)


class ActionQuizAnswer(QuizAction):
    """Record the answer (button payload or typed letters), explain, and serve the next question or the summary."""

    action_name = "action_quiz_answer"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        quiz = service()
        channel, sender = quiz_learner(tracker.sender_id)
        served = quiz.pending(channel, sender)
        if served is None:
            dispatcher.utter_message(text=t("quiz.no_pending", lang), buttons=end_buttons(lang)[:1])
            return
        item = next(tracker.get_latest_entity_values("item"), None)
        if item is not None and item != item_of(served):  # a button of an earlier question: pressed again
            dispatcher.utter_message(text=t("quiz.already_answered", lang))
            send_question(dispatcher, served, lang)
            return
        typed = next(tracker.get_latest_entity_values("choice"), None)
        raw = typed if typed else str((tracker.latest_message or {}).get("text") or "")
        choice = parse_choice(str(raw), served.question, lang)
        if choice.problem is not None:
            dispatcher.utter_message(text=choice.problem, buttons=question_buttons(served, lang))
            return
        try:
            done = quiz.answer(channel, sender, served, choice.indices)
        except QuizError as error:
            logger.warning("answer refused: %s", error)
            dispatcher.utter_message(text=t("quiz.no_pending", lang))
            return
        if done.result.duplicate:
            dispatcher.utter_message(text=t("quiz.already_answered", lang))
        else:
            dispatcher.utter_message(text=format_feedback(served.question, done.result.correct, lang))
        if done.next is not None:
            send_question(dispatcher, done.next, lang)
            return
        summary = t("quiz.summary", lang, right=done.right, total=done.total)
        report = quiz.report(channel, sender)
        if report is not None:
            summary += "\n\n" + format_report(report, lang, types=3)
        dispatcher.utter_message(text=summary, buttons=end_buttons(lang))


class ActionQuizProgress(QuizAction):
    """ "How am I doing": the learner's report."""

    action_name = "action_quiz_progress"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        report = service().report(*quiz_learner(tracker.sender_id))
        if report is None or not report.attempts:
            dispatcher.utter_message(text=t("quiz.report_empty", lang), buttons=end_buttons(lang)[:1])
            return
        dispatcher.utter_message(text=format_report(report, lang), buttons=end_buttons(lang)[:1])
        dispatcher.utter_message(json_message={CHART: True})


class ActionStopQuiz(QuizAction):
    action_name = "action_stop_quiz"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        stopped = service().stop(*quiz_learner(tracker.sender_id))
        dispatcher.utter_message(
            text=t("quiz.stopped" if stopped else "quiz.no_round", lang), buttons=end_buttons(lang)
        )


__all__ = ["ActionQuizAnswer", "ActionQuizProgress", "ActionStartQuiz", "ActionStopQuiz"]

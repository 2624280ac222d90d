"""Custom actions served by the rasa-sdk action server (``python -m rasa_sdk --actions bot.actions``).

Each action is thin: it reads the tracker into a ``Context`` and an ``Analysis``, asks ``bot.assistant.teach`` for
the reply, sends it and sets slots. The text it sees was masked by the Rasa channel before Rasa stored it.
"""

from __future__ import annotations

import logging
import re
from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handback import handed_back
from bot.assistant import teach, verdicts
from bot.assistant.analysis import Analysis, analyse
from bot.assistant.places import find_places
from bot.assistant.teach import Context, Reply
from bot.channels.replies import URGENT
from bot.i18n import t
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.shared.labels import Kind, ScamType
from bot.shared.lang import Lang, Script, reply_language
from bot.shared.privacy import MaskingFilter

logger = logging.getLogger(__name__)
logger.addFilter(MaskingFilter())

KB: KnowledgeBase = load_knowledge()  # loaded once, when the action server imports this module


def context_from(tracker: Tracker, lang: Lang) -> Context:
    scam = tracker.get_slot("scam_type")
    return Context(
        lang=lang,
        country=tracker.get_slot("country"),
        at_risk_country=tracker.get_slot("at_risk_country"),
        scam_type=ScamType(scam) if scam in ScamType._value2member_map_ else None,
        urgent=bool(tracker.get_slot("urgent")),
        money_sent=tracker.get_slot("money_sent"),
        asked_where=bool(tracker.get_slot("asked_where")),
        pending_question=tracker.get_slot("pending_question"),
    )


#: How the stop-now steps of a teaching reply begin (``bot.assistant.teach.stop_now_block``), in each language.
STOP_NOW_TITLES = tuple(t("assistant.stop_now_title", lang) for lang in Lang)


def urgent(message: str) -> bool:
    """Is ``message`` the stop-now steps?"""
    return message.startswith(STOP_NOW_TITLES)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """The reply's messages in order, the buttons under the last. The stop-now steps are one message (Rasa's REST
    channel splits a text at blank lines: they have none) followed by the marker ``{"custom": {"urgent": true}}``,
    which chat channels read (``bot.channels.replies.items``) and others ignore (it has no text)."""
    for i, message in enumerate(reply.messages):
        last = i == len(reply.messages) - 1
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons] if last else []
        if urgent(message):
            dispatcher.utter_message(text=re.sub(r"\n\s*\n", "\n", message), buttons=buttons)
            dispatcher.utter_message(json_message={URGENT: True})
        else:
            dispatcher.utter_message(text=message, buttons=buttons)


class TeachingAction(Action, metaclass=ABCMeta):
    """Base: language, context, bad input; subclasses say what to reply in ``respond``.

    Abstract, so the action server does not register it as an action of its own.
    """

    action_name = ""

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def respond(self, kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
        """The reply to send."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if handed_back(dispatcher, tracker):  # a group's story: the front end invites the member to a private chat
            return []
        parse = tracker.latest_message or {}
        text = str(parse.get("text") or "")
        is_payload = text.startswith("/")  # a button press: keep the conversation's language
        previous = tracker.get_slot("lang")
        if is_payload:
            lang, script = Lang(previous) if previous in ("zh", "en") else Lang.EN, Script.EN
        else:
            lang, script = reply_language(text, previous)
        ctx = context_from(tracker, lang)
        analysis = analyse(parse)
        if not is_payload:
            # Where the user is and where the person at risk is ("my daughter in Manchester"): bot.assistant.places.
            places = find_places(KB, text)
            if places.here:
                ctx = ctx.with_(country=places.here)
            if places.there:
                ctx = ctx.with_(at_risk_country=places.there)
        if analysis.urgent:
            ctx = ctx.with_(urgent=True)

        if not is_payload and script is Script.OTHER:
            reply = teach.simple_reply("assistant.other_language", ctx, buttons=False)
        elif not is_payload and script is Script.UNKNOWN:
            if "[PHONE]" in text or any(ch.isdigit() for ch in text):
                reply = teach.number_reply(KB, text, ctx)
            else:
                reply = teach.simple_reply("assistant.not_understood", ctx)
        else:
            reply = self.respond(KB, analysis, ctx)

        send(dispatcher, reply)
        slots = {"lang": lang.value, **reply.slots}
        if teach.asked_where(reply, lang):
            slots["asked_where"] = True
        if ctx.country and "country" not in slots:
            slots["country"] = ctx.country
        if ctx.at_risk_country and "at_risk_country" not in slots:
            slots["at_risk_country"] = ctx.at_risk_country
        return [SlotSet(name, value) for name, value in slots.items()]


def _action(name: str, respond: Callable[[KnowledgeBase, Analysis, Context], Reply]) -> type[TeachingAction]:
    class_name = "".join(part.title() for part in name.split("_"))
    namespace = {
        "__module__": __name__,  # the action server pickles actions into its worker process: they must be findable
        "__qualname__": class_name,
        "action_name": name,
        "respond": lambda self, kb, analysis, ctx: respond(kb, analysis, ctx),
    }
    return type(class_name, (TeachingAction,), namespace)


def _question(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    if analysis.scam_type is ScamType.NONE:
        if analysis.forwarded:  # a pasted message that is not a scam: judge it, don't lecture
            return verdicts.lookalike_reply(kb, analysis, ctx)
        return teach.red_flags_reply(kb, analysis.text, ctx)
    if analysis.forwarded:
        return verdicts.pasted_reply(kb, analysis, ctx)
    return teach.question_reply(kb, analysis, ctx)


def _clarify(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    if analysis.forwarded and analysis.scam_type is ScamType.NONE:
        return verdicts.lookalike_reply(kb, analysis, ctx)
    if analysis.forwarded and analysis.confidence >= teach.CONFIDENT_SCAM and analysis.kind is not Kind.EXPERIENCE:
        return verdicts.pasted_reply(kb, analysis, ctx)
    return teach.clarify_reply(kb, analysis, ctx)


def _followup(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    return teach.followup_reply(kb, analysis.intent == "affirm", ctx)


ActionTeachExperience = _action("action_teach_experience", teach.experience_reply)
ActionAnswerQuestion = _action("action_answer_question", _question)
ActionAnswerFollowup = _action("action_answer_followup", _followup)
ActionHotlines = _action("action_hotlines", lambda kb, a, ctx: teach.hotline_reply(kb, a.text, ctx))
ActionRedFlags = _action("action_red_flags", lambda kb, a, ctx: teach.red_flags_reply(kb, a.text, ctx))
ActionWhatToDo = _action("action_what_to_do", lambda kb, a, ctx: teach.what_to_do_reply(kb, ctx))
ActionHowToReport = _action("action_how_to_report", lambda kb, a, ctx: teach.report_reply(kb, ctx))
ActionCheckNumber = _action("action_check_number", lambda kb, a, ctx: teach.number_reply(kb, a.text, ctx))
ActionAnswerLookalike = _action("action_answer_lookalike", verdicts.lookalike_reply)
ActionSetLocation = _action("action_set_location", lambda kb, a, ctx: teach.location_reply(kb, a.text, ctx))
ActionClarify = _action("action_clarify", _clarify)
ActionGreet = _action("action_greet", lambda kb, a, ctx: teach.simple_reply("assistant.welcome", ctx))
ActionHelp = _action("action_help", lambda kb, a, ctx: teach.simple_reply("assistant.help", ctx))
ActionGoodbye = _action(
    "action_goodbye", lambda kb, a, ctx: teach.simple_reply("assistant.goodbye", ctx, buttons=False)
)
ActionThank = _action("action_thank", lambda kb, a, ctx: teach.simple_reply("assistant.thank", ctx, buttons=False))
ActionOutOfScope = _action("action_out_of_scope", lambda kb, a, ctx: teach.simple_reply("assistant.out_of_scope", ctx))

# The quiz actions (action_start_quiz, action_quiz_answer, action_quiz_progress, action_stop_quiz).
from bot.actions.quiz import ActionQuizAnswer, ActionQuizProgress, ActionStartQuiz, ActionStopQuiz  # noqa: E402

__all__ = ["ActionQuizAnswer", "ActionQuizProgress", "ActionStartQuiz", "ActionStopQuiz"]

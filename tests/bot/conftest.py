"""Shared fixtures for the bot tests: the real knowledge base and realistic Rasa parse results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from bot.assistant.analysis import Analysis, analyse
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.shared.labels import FALLBACK_INTENT, scam_type_of

#: The confidence the FallbackClassifier gives ``nlu_fallback`` (its ``threshold`` in config.yml).
FALLBACK_THRESHOLD = 0.15

Ranking = Sequence[tuple[str, float]]
ParseFactory = Callable[..., dict[str, Any]]
AnalysisFactory = Callable[..., Analysis]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The real knowledge base shipped with the package."""
    return load_knowledge()


def rasa_parse(
    text: str,
    intents: Ranking,
    scams: Ranking | None = None,
    urgent: bool | None = False,
    urgent_confidence: float | None = None,
    fallback: bool = False,
) -> dict[str, Any]:
    """A ``/model/parse`` result as our pipeline produces it.

    ``intents`` and ``scams`` are (name, confidence) pairs, best first. ``scams=None`` leaves out the scam-type head
    (a model without it); ``urgent=None`` leaves out the urgency head. ``fallback`` adds what the FallbackClassifier
    does on low confidence: ``nlu_fallback`` becomes the intent and heads the ranking.
    """
    ranking = [{"name": name, "confidence": conf} for name, conf in intents]
    parse: dict[str, Any] = {
        "text": text,
        "intent": dict(ranking[0]) if ranking else {"name": None, "confidence": 0.0},
        "intent_ranking": ranking,
        "entities": [],
    }
    if fallback:
        parse["intent"] = {"name": FALLBACK_INTENT, "confidence": FALLBACK_THRESHOLD}
        parse["intent_ranking"] = [{"name": FALLBACK_INTENT, "confidence": FALLBACK_THRESHOLD}, *ranking]
    if scams is not None:
        scam_ranking = [{"name": name, "confidence": conf} for name, conf in scams]
        parse["scam_type"] = {
            "name": scam_ranking[0]["name"],
            "confidence": scam_ranking[0]["confidence"],
            "ranking": scam_ranking,
        }
    if urgent is not None:
        if urgent_confidence is None:
            urgent_confidence = 0.91 if urgent else 0.08
        parse["urgency"] = {"urgent": urgent, "confidence": urgent_confidence}
    return parse


@pytest.fixture
def make_parse() -> ParseFactory:
    """``make_parse(text, intents, scams=..., urgent=..., fallback=...)``: see :func:`rasa_parse`."""
    return rasa_parse


@pytest.fixture
def make_analysis() -> AnalysisFactory:
    """A real :class:`Analysis` of a confident parse: ``make_analysis(text, "experience_investment", urgent=True)``.

    The intent gets 0.86, its scam type leads the scam-type head with 0.83; ``none`` intents give the head ``none``.
    """

    def build(text: str, intent: str, urgent: bool = False, scam: str | None = None) -> Analysis:
        scam = scam or scam_type_of(intent).value
        runner_up = "ask_red_flags" if intent != "ask_red_flags" else "ask_what_to_do"
        other_scam = "none" if scam != "none" else "phishing_link"
        parse = rasa_parse(
            text,
            [(intent, 0.86), (runner_up, 0.06)],
            [(scam, 0.83), (other_scam, 0.09)],
            urgent=urgent,
        )
        return analyse(parse)

    return build

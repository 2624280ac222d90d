"""Rasa's REST channel, with personal numbers masked before Rasa sees the message.

Rasa stores every user message in its tracker and may log it; masking here, at the edge, means neither the NLU,
the tracker store, the logs nor the action server ever hold a bank-card, ID, passport or phone number in clear.
The URL stays ``/webhooks/rest/webhook``.

A message that is only option letters ("B", "b", "AC", "a, c") is an answer to the quiz question on screen: it is
passed on as ``/quiz_answer{"choice": ...}``, as a button press would be, so that no classifier has to guess what
a single letter means.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.rest import RestInput
from sanic.request import Request

from bot.shared.privacy import mask, mask_obj

HOTLINES_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "hotlines.yml"


@lru_cache(maxsize=1)
def official_numbers() -> frozenset[str]:
    """Every number in the hotline list: users quote them ("is 0300 123 2040 real?") and they are not personal."""
    try:
        data = yaml.safe_load(HOTLINES_FILE.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return frozenset()
    contacts = [c for country in data.get("countries") or [] for c in country.get("contacts") or []]
    contacts += list(data.get("consular") or [])
    return frozenset(str(c["number"]) for c in contacts if isinstance(c, dict) and c.get("number"))


#: Quiz answers typed as letters: one letter, capitals run together ("AC"; lower-case runs could be words such as
#: "bad"), or letters with separators ("a, c", "A C").
LETTER_ANSWER = re.compile(
    r"^\s*(?P<letters>[A-Ja-j]|[A-J]{2,10}|[A-Ja-j](?:\s*[,，、\s]\s*[A-Ja-j]){1,9})\s*[.。!！]?\s*$"
)


def as_quiz_answer(text: str) -> str:
    """``/quiz_answer{"choice": "AC"}`` for a message of option letters; any other text unchanged."""
    match = LETTER_ANSWER.match(text)
    if match is None:
        return text
    letters = re.sub(r"[^A-Ja-j]", "", match.group("letters")).upper()
    return "/quiz_answer" + json.dumps({"choice": letters}, separators=(",", ":"))


class MaskedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        return as_quiz_answer(mask(text, keep=official_numbers())) if isinstance(text, str) else text

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = super().get_metadata(request)
        return mask_obj(metadata) if metadata else metadata

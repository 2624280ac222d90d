"""Every problem the classroom raises has its one line in both languages, and every listed message is raised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.classroom.errors import MESSAGES, describe
from bot.classroom.records import ClassroomError, SessionOptions
from bot.i18n import LANGS, catalog, placeholders
from bot.settings import ROOT

SOURCES = sorted((ROOT / "bot" / "classroom").glob("*.py"))
RAISED = re.compile(r'ClassroomError\.one\(\s*"(\w+)"|\(\s*"(\w+)",\s*\{')


def raised_keys() -> dict[str, set[str]]:
    """Each key raised in bot/classroom and the parameters it is raised with."""
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        text = Path(path).read_text(encoding="utf-8")
        for match in RAISED.finditer(text):
            key = match.group(1) or match.group(2)
            call = text[match.end() : text.find(")", match.end())]
            found.setdefault(key, set()).update(re.findall(r"(\w+)=", call) + re.findall(r'"(\w+)":', call))
    return found


RAISED_KEYS = raised_keys()


def test_every_raised_key_has_a_message_and_every_message_is_raised() -> None:
    assert set(RAISED_KEYS) == set(MESSAGES)


@pytest.mark.parametrize("key", sorted(MESSAGES), ids=sorted(MESSAGES))
def test_message_in_both_languages_with_its_parameters(key: str) -> None:
    entry = catalog()[f"classroom.{key}"]
    assert set(entry.texts) == set(LANGS)
    assert placeholders(entry.texts["en"]) == RAISED_KEYS[key], f"{key} is raised with {RAISED_KEYS[key]}"


def test_describe_says_every_problem() -> None:
    with pytest.raises(ClassroomError) as raised:
        SessionOptions(count=2, seconds=500)
    assert describe(raised.value, "en") == (
        "The number of questions must be 5-30.\nThe time per question must be 10-120 seconds."
    )
    assert describe(raised.value, "zh").count("\n") == 1

"""The /session wizard's state in the buttons' data: each step's buttons stay within Telegram's 64 bytes, and the
last button's fields are the teacher's choices."""

from __future__ import annotations

import pytest

from bot.classroom.records import ClassInfo, ClassroomError, Delivery, Mode, SessionOptions
from bot.quiz.model import SCAM_TYPES, Audience
from bot.telegram import wizard

CLASS = ClassInfo(
    id=123456,
    name="Class 3B",
    lang="en",
    audience="general",
    join_code="K7M2QP",
    join_token="t",
    group_chat_id=-1,
    members=30,
    teacher_id=1,
)


@pytest.mark.parametrize(
    "fields",
    [
        ["123456"],
        ["123456", "t"],
        ["123456", "a"],
        ["123456", "b"],
        ["123456", "a5"],
        ["123456", "a5", "30"],
        ["123456", "a5", "30", "120"],
        ["123456", "a5", "30", "120", "s"],
    ],
    ids=["source", "types", "audiences", "banks", "count", "seconds", "mode", "delivery"],
)
def test_every_step_fits_in_callback_data(fields: list[str]) -> None:
    for lang in ("zh", "en"):
        _, markup = wizard.step(fields, CLASS, lang)
        data = [b.callback_data for row in markup.inline_keyboard for b in row]
        assert data and all(isinstance(d, str) and len(d.encode()) <= 64 for d in data)
        assert all(d.startswith("ses:" + ":".join(fields)) for d in data)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("all", SessionOptions(count=10, seconds=30)),
        ("weak", SessionOptions(count=10, seconds=30, weakest=True)),
        ("t3", SessionOptions(count=10, seconds=30, scam_types=(SCAM_TYPES[3].value,))),
        ("a1", SessionOptions(count=10, seconds=30, audience=list(Audience)[1].value)),
        ("b0", SessionOptions(count=10, seconds=30, bank=wizard.bank_ids()[0][0])),
    ],
    ids=["all", "weakest", "scam-type", "audience", "bank"],
)
def test_the_last_button_is_the_teachers_choices(source: str, expected: SessionOptions) -> None:
    assert wizard.options_of(["1", source, "10", "30", "s", "p"]) == expected


def test_mode_and_delivery_and_limits() -> None:
    chosen = wizard.options_of(["1", "all", "5", "10", "a", "g"])
    assert (chosen.mode, chosen.delivery) == (Mode.ACCURACY, Delivery.GROUP)
    with pytest.raises(ClassroomError) as raised:
        wizard.options_of(["1", "all", "31", "121", "s", "p"])
    assert [key for key, _ in raised.value.problems] == ["bad_count", "bad_seconds"]

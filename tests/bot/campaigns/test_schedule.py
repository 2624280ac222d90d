"""The campaigns' time rules: the weekly send time in each recipient's zone across daylight saving time changes,
quiet hours (across midnight or within a day), reminders, and where a late joiner starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.campaigns.records import Schedule
from bot.campaigns.schedule import MAX_REMINDERS, first_week, lesson_due, out_of_quiet, reminder_due
from bot.records import RecordError

#: Mondays at 19:00, quiet from 21:30 to 08:00 (as the test campaign).
EVENINGS = Schedule(weekday=0, send_time=time(19, 0), quiet_from=time(21, 30), quiet_to=time(8, 0))
#: Sundays at 20:00, quiet over lunch (12:00-14:00).
LUNCH = Schedule(weekday=6, send_time=time(20, 0), quiet_from=time(12, 0), quiet_to=time(14, 0))
START = date(2027, 3, 1)  # a Monday


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


@pytest.mark.parametrize(
    ("start", "week", "tz", "expected"),
    [
        (START, 1, "Asia/Shanghai", utc(2027, 3, 1, 11, 0)),
        (START, 3, "Asia/Shanghai", utc(2027, 3, 15, 11, 0)),
        (date(2027, 3, 3), 1, "Asia/Shanghai", utc(2027, 3, 8, 11, 0)),  # a Wednesday: the next Monday
        (date(2027, 3, 3), 2, "Asia/Shanghai", utc(2027, 3, 15, 11, 0)),
        (START, 1, "America/New_York", utc(2027, 3, 2, 0, 0)),  # 19:00 EST, -5
        # London: GMT until Sunday 28 March 2027, then BST (+1): 19:00 local either side
        (START, 4, "Europe/London", utc(2027, 3, 22, 19, 0)),
        (START, 5, "Europe/London", utc(2027, 3, 29, 18, 0)),
        # Sydney: AEDT (+11) until Sunday 4 April 2027, then AEST (+10)
        (START, 5, "Australia/Sydney", utc(2027, 3, 29, 8, 0)),
        (START, 6, "Australia/Sydney", utc(2027, 4, 5, 9, 0)),
        # ... and back to AEDT on Sunday 3 October 2027
        (date(2027, 9, 27), 1, "Australia/Sydney", utc(2027, 9, 27, 9, 0)),
        (date(2027, 9, 27), 2, "Australia/Sydney", utc(2027, 10, 4, 8, 0)),
    ],
    ids=[
        "beijing_week1",
        "beijing_week3",
        "start_wednesday",
        "start_wednesday_week2",
        "new_york",
        "london_before_bst",
        "london_after_bst",
        "sydney_before_aest",
        "sydney_after_aest",
        "sydney_before_aedt",
        "sydney_after_aedt",
    ],
)
def test_lesson_due(start: date, week: int, tz: str, expected: datetime) -> None:
    due = lesson_due(start, week, EVENINGS, tz)
    assert due == expected
    assert due.tzinfo is UTC
    assert due.astimezone(ZoneInfo(tz)).time() == time(19, 0)
    assert due.astimezone(ZoneInfo(tz)).weekday() == 0


@pytest.mark.parametrize(
    ("schedule", "at", "expected"),
    [
        (EVENINGS, local("Europe/London", 2027, 1, 5, 21, 29), local("Europe/London", 2027, 1, 5, 21, 29)),
        (EVENINGS, local("Europe/London", 2027, 1, 5, 21, 30), local("Europe/London", 2027, 1, 6, 8, 0)),
        (EVENINGS, local("Europe/London", 2027, 1, 5, 23, 59), local("Europe/London", 2027, 1, 6, 8, 0)),
        (EVENINGS, local("Europe/London", 2027, 1, 6, 0, 0), local("Europe/London", 2027, 1, 6, 8, 0)),
        (EVENINGS, local("Europe/London", 2027, 1, 6, 7, 59), local("Europe/London", 2027, 1, 6, 8, 0)),
        (EVENINGS, local("Europe/London", 2027, 1, 6, 8, 0), local("Europe/London", 2027, 1, 6, 8, 0)),
        # the night the clocks go forward: 23:00 GMT, quiet until 08:00 BST = 07:00 UTC
        (EVENINGS, utc(2027, 3, 27, 23, 0), utc(2027, 3, 28, 7, 0)),
        # the night they go back: 23:00 BST = 22:00 UTC, quiet until 08:00 GMT
        (EVENINGS, utc(2027, 10, 30, 22, 0), utc(2027, 10, 31, 8, 0)),
        (LUNCH, local("Europe/London", 2027, 1, 5, 11, 59), local("Europe/London", 2027, 1, 5, 11, 59)),
        (LUNCH, local("Europe/London", 2027, 1, 5, 12, 0), local("Europe/London", 2027, 1, 5, 14, 0)),
        (LUNCH, local("Europe/London", 2027, 1, 5, 13, 30), local("Europe/London", 2027, 1, 5, 14, 0)),
        (LUNCH, local("Europe/London", 2027, 1, 5, 23, 0), local("Europe/London", 2027, 1, 5, 23, 0)),
    ],
    ids=[
        "before_quiet",
        "quiet_starts",
        "before_midnight",
        "midnight",
        "early_morning",
        "quiet_ends",
        "spring_forward_night",
        "fall_back_night",
        "lunch_before",
        "lunch_starts",
        "lunch_inside",
        "lunch_window_not_at_night",
    ],
)
def test_out_of_quiet(schedule: Schedule, at: datetime, expected: datetime) -> None:
    moved = out_of_quiet(at, schedule, "Europe/London")
    assert moved == expected
    assert moved.tzinfo is UTC


def test_out_of_quiet_in_the_recipient_zone() -> None:
    """23:00 in Beijing is 15:00 in London: quiet for one, not the other."""
    at = local("Asia/Shanghai", 2027, 1, 5, 23, 0)
    assert out_of_quiet(at, EVENINGS, "Europe/London") == at
    assert out_of_quiet(at, EVENINGS, "Asia/Shanghai") == local("Asia/Shanghai", 2027, 1, 6, 8, 0)


def test_a_send_time_moved_by_a_late_quiet_start() -> None:
    """A schedule whose send time is just before the quiet hours: due at the send time, not moved."""
    schedule = Schedule(weekday=4, send_time=time(21, 59), quiet_from=time(22, 0), quiet_to=time(7, 0))
    due = lesson_due(START, 1, schedule, "Asia/Tokyo")
    assert due == local("Asia/Tokyo", 2027, 3, 5, 21, 59)


@pytest.mark.parametrize(
    ("sent_at", "n", "expected"),
    [
        (local("Europe/London", 2027, 1, 4, 19, 0), 1, local("Europe/London", 2027, 1, 7, 19, 0)),
        (local("Europe/London", 2027, 1, 4, 19, 0), 2, local("Europe/London", 2027, 1, 10, 19, 0)),
        # sent late (a retry) at 21:45: three days later is quiet, so the next morning
        (local("Europe/London", 2027, 1, 4, 21, 45), 1, local("Europe/London", 2027, 1, 8, 8, 0)),
        # across the spring change: 72 hours later is 20:00 BST
        (local("Europe/London", 2027, 3, 26, 19, 0), 1, local("Europe/London", 2027, 3, 29, 20, 0)),
    ],
    ids=["first", "second", "into_quiet_hours", "across_dst"],
)
def test_reminder_due(sent_at: datetime, n: int, expected: datetime) -> None:
    due = reminder_due(sent_at, n, EVENINGS, "Europe/London")
    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize("n", [0, MAX_REMINDERS + 1], ids=["zero", "past_the_last"])
def test_no_such_reminder(n: int) -> None:
    with pytest.raises(ValueError, match="reminder"):
        reminder_due(utc(2027, 1, 4, 19, 0), n, EVENINGS, "Europe/London")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2027, 2, 20, 12, 0), (1, utc(2027, 3, 1, 19, 0))),  # before the start: week 1 at its time
        (utc(2027, 3, 1, 18, 59), (1, utc(2027, 3, 1, 19, 0))),
        (utc(2027, 3, 1, 19, 0), (1, utc(2027, 3, 1, 19, 0))),  # exactly at week 1's time
        (utc(2027, 3, 3, 12, 0), (1, utc(2027, 3, 3, 12, 0))),  # during week 1: week 1 at once
        (utc(2027, 3, 10, 12, 0), (2, utc(2027, 3, 10, 12, 0))),  # during week 2: week 2 at once
        (utc(2027, 3, 15, 18, 0), (2, utc(2027, 3, 15, 18, 0))),  # an hour before week 3: still week 2
        (utc(2027, 3, 10, 23, 0), (2, utc(2027, 3, 11, 8, 0))),  # at night: week 2 in the morning
        (utc(2027, 4, 30, 12, 0), (9, utc(2027, 4, 30, 12, 0))),  # long after: the caller checks its weeks
    ],
    ids=[
        "before_start",
        "a_minute_before",
        "at_the_time",
        "during_week1",
        "during_week2",
        "just_before_week3",
        "joins_at_night",
        "after_the_end",
    ],
)
def test_first_week_of_a_late_joiner(now: datetime, expected: tuple[int, datetime]) -> None:
    assert first_week(START, EVENINGS, "Europe/London", now) == expected


def test_first_week_in_another_zone() -> None:
    """At 10:00 UTC on the start Monday (21:00 in Sydney), week 1 is already due in Sydney (19:00 there was 08:00
    UTC), not in London; at 12:00 UTC it is 23:00 in Sydney: quiet until 08:00 there (21:00 UTC)."""
    now = utc(2027, 3, 1, 10, 0)
    assert first_week(START, EVENINGS, "Australia/Sydney", now) == (1, now)
    assert first_week(START, EVENINGS, "Europe/London", now) == (1, utc(2027, 3, 1, 19, 0))
    assert first_week(START, EVENINGS, "Australia/Sydney", utc(2027, 3, 1, 12, 0)) == (1, utc(2027, 3, 1, 21, 0))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        out_of_quiet(datetime(2027, 1, 5, 12, 0), EVENINGS, "Europe/London")
    with pytest.raises(ValueError, match="time zone"):
        first_week(START, EVENINGS, "Europe/London", datetime(2027, 1, 5, 12, 0))


def test_week_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="week 0"):
        lesson_due(START, 0, EVENINGS, "Europe/London")


@pytest.mark.parametrize(
    ("weekday", "send", "quiet_from", "quiet_to", "message"),
    [
        (7, time(19, 0), time(21, 30), time(8, 0), "weekday 7"),
        (0, time(22, 0), time(21, 30), time(8, 0), "inside the quiet hours"),
        (0, time(7, 0), time(21, 30), time(8, 0), "inside the quiet hours"),
        (0, time(12, 30), time(12, 0), time(14, 0), "inside the quiet hours"),
        (0, time(19, 0), time(8, 0), time(8, 0), "empty"),
    ],
    ids=["weekday", "send_at_night", "send_early_morning", "send_at_lunch", "empty_quiet_hours"],
)
def test_schedule_checks_itself(weekday: int, send: time, quiet_from: time, quiet_to: time, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        Schedule(weekday, send, quiet_from, quiet_to)

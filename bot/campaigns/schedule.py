"""The campaigns' time rules, as pure functions: when a week's lesson is due for one recipient, when its reminders
are, where a late joiner starts, and how a moment inside the quiet hours moves to their end.

Every datetime in and out is timezone-aware, and what comes out is UTC; the send time and the quiet hours are local
to the recipient's zone (an IANA name, :mod:`bot.campaigns.zones`), so a lesson goes out at 19:00 in London in
winter and in summer alike (``zoneinfo`` does the daylight saving time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.campaigns.records import Schedule

#: A reminder goes out 3 days after the lesson (and the second 3 days after that) if it was not opened; then silence.
REMINDER_AFTER = timedelta(days=3)
MAX_REMINDERS = 2


@cache
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at!r} has no time zone: the campaign times are timezone-aware")
    return at


def out_of_quiet(at: datetime, schedule: Schedule, tz: str) -> datetime:
    """``at`` if it is outside the quiet hours in ``tz``; else the end of that quiet period (``quiet_to`` local, on
    the right day: the next morning for a night that spans midnight)."""
    local = _aware(at).astimezone(_zone(tz))
    if not schedule.quiet(local.time()):
        return at.astimezone(UTC)
    day = local.date()
    if schedule.quiet_from > schedule.quiet_to and local.time() >= schedule.quiet_from:
        day += timedelta(days=1)  # late in the evening: the quiet period ends tomorrow morning
    return datetime.combine(day, schedule.quiet_to, tzinfo=_zone(tz)).astimezone(UTC)


def lesson_due(start: date, week: int, schedule: Schedule, tz: str) -> datetime:
    """When week ``week`` (1-based) goes out: the first ``schedule.weekday`` on or after ``start + 7*(week-1)`` days,
    at ``send_time`` local in ``tz``, moved out of the quiet hours."""
    if week < 1:
        raise ValueError(f"week {week}: weeks are numbered from 1")
    day = start + timedelta(days=7 * (week - 1))
    day += timedelta(days=(schedule.weekday - day.weekday()) % 7)
    local = datetime.combine(day, schedule.send_time, tzinfo=_zone(tz))
    return out_of_quiet(local.astimezone(UTC), schedule, tz)


def reminder_due(sent_at: datetime, n: int, schedule: Schedule, tz: str) -> datetime:
    """When reminder ``n`` (1 or 2) of a lesson sent at ``sent_at`` is due: ``n`` times 72 hours later (elapsed time,
    across a clock change too), out of the quiet hours."""
    if not 1 <= n <= MAX_REMINDERS:
        raise ValueError(f"reminder {n}: there are reminders 1 to {MAX_REMINDERS}")
    return out_of_quiet(_aware(sent_at).astimezone(UTC) + REMINDER_AFTER * n, schedule, tz)


def first_week(start: date, schedule: Schedule, tz: str, now: datetime) -> tuple[int, datetime]:
    """Where someone enrolling at ``now`` starts: week 1 at its time if it is not due yet; else the latest week
    already due, at once (``now`` out of the quiet hours), the following weeks then going out on schedule.

    The week may be past the campaign's last one (a campaign that is over): the caller checks it against its weeks.
    """
    now = _aware(now)
    if lesson_due(start, 1, schedule, tz) > now:
        return 1, lesson_due(start, 1, schedule, tz)
    week = max(1, (now.date() - start).days // 7)
    while week > 1 and lesson_due(start, week, schedule, tz) > now:
        week -= 1
    while lesson_due(start, week + 1, schedule, tz) <= now:
        week += 1
    return week, out_of_quiet(now, schedule, tz)

"""The campaigns' typed records: what the campaign engine returns to the front ends (Telegram, the web pages, the
CLI) and what a campaign definition (``campaigns/<id>.yml``) is once loaded.

Front ends format these; they never read the campaign tables themselves. Records check their invariants on
construction (:class:`bot.records.RecordError`, every broken one at once); a rule the engine enforces (an unknown
invite, a campaign that is not yours, ...) is a :class:`CampaignError` carrying catalog keys under ``campaign.``,
so that each front end says it in the user's language (:func:`bot.campaigns.errors.describe`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from bot.records import Source, Text, raise_if

#: Text in both languages: ``Bilingual(zh=..., en=...)``, ``.get(lang)`` (the records' own, checked on construction).
Bilingual = Text

#: A campaign runs 4-8 weeks.
MIN_WEEKS, MAX_WEEKS = 4, 8


class Role(StrEnum):
    STUDENT = "student"
    PARENT = "parent"


class DeliveryKind(StrEnum):
    LESSON = "lesson"  # week N's lesson notice
    REMINDER1 = "reminder1"  # 3 days after the lesson, if not opened
    REMINDER2 = "reminder2"  # 6 days after, if still not opened; then silence


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one worker (with a claim token)
    SENT = "sent"
    FAILED = "failed"  # gave up
    SKIPPED = "skipped"  # opted out, or the lesson was opened before the reminder


class OptOut(StrEnum):
    STOP = "stop"  # /stop
    BLOCKED = "blocked"  # Telegram answered 403: the bot was blocked


class ActivityKind(StrEnum):
    SAFETY_PLAN = "safety_plan"
    TALK = "talk"


class CampaignError(ValueError):
    """One or more problems, each a full catalog key (``campaign.unknown_invite``) with its parameters."""

    def __init__(self, problems: list[tuple[str, dict[str, Any]]]) -> None:
        self.problems = problems
        super().__init__("; ".join(key for key, _ in problems))

    @classmethod
    def one(cls, key: str, **params: Any) -> CampaignError:
        return cls([(key, params)])

    @property
    def key(self) -> str:
        return self.problems[0][0]


# --------------------------------------------------------------------------------------------------------------
# A definition (campaigns/<id>.yml), as bot.campaigns.definition loads it.


@dataclass(frozen=True)
class Schedule:
    """When a week's lesson goes out, in each recipient's own time zone: ``weekday`` (0 = Monday) at ``send_time``;
    nothing is sent from ``quiet_from`` to ``quiet_to`` (which may span midnight)."""

    weekday: int
    send_time: time
    quiet_from: time
    quiet_to: time

    def __post_init__(self) -> None:
        messages = []
        if not 0 <= self.weekday <= 6:
            messages.append(f"weekday {self.weekday} is not 0 (Monday) to 6 (Sunday)")
        if self.quiet_from == self.quiet_to:
            messages.append("the quiet hours are empty (from = to)")
        elif self.quiet(self.send_time):
            messages.append(f"the send time {self.send_time:%H:%M} is inside the quiet hours")
        raise_if("schedule", messages)

    def quiet(self, moment: time) -> bool:
        """Whether a local time of day is inside the quiet hours (``quiet_from`` included, ``quiet_to`` not)."""
        moment = moment.replace(tzinfo=None)
        if self.quiet_from < self.quiet_to:
            return self.quiet_from <= moment < self.quiet_to
        return moment >= self.quiet_from or moment < self.quiet_to


@dataclass(frozen=True)
class LessonDef:
    """A week's lesson for one role: a real case pattern, the red flags (knowledge-base ids), what to do."""

    case: Bilingual
    red_flags: tuple[str, ...]
    what_to_do: tuple[Bilingual, ...]
    source: Source

    def __post_init__(self) -> None:
        messages = []
        if not self.red_flags:
            messages.append("no red flags")
        if not self.what_to_do:
            messages.append("no steps")
        raise_if("lesson", messages)


@dataclass(frozen=True)
class ActivityDef:
    kind: ActivityKind
    prompt: Bilingual | None = None

    def __post_init__(self) -> None:
        if self.kind == ActivityKind.TALK and self.prompt is None:
            raise_if("activity", ["a talk activity needs a prompt"])


@dataclass(frozen=True)
class WeekDef:
    number: int
    theme: Bilingual
    scam_types: tuple[str, ...]
    lessons: Mapping[Role, LessonDef]
    quiz: Mapping[Role, tuple[str, ...]]
    activity: ActivityDef | None = None

    def __post_init__(self) -> None:
        messages = []
        if self.number < 1:
            messages.append(f"week number {self.number} is not 1 or more")
        if set(self.lessons) != set(self.quiz):
            messages.append("lessons and quiz are not for the same roles")
        raise_if("week", messages)


@dataclass(frozen=True)
class Definition:
    id: str
    title: Bilingual
    summary: Bilingual
    roles: tuple[Role, ...]
    audiences: Mapping[Role, tuple[str, ...]]
    start: date
    schedule: Schedule
    weeks: tuple[WeekDef, ...]
    sources: tuple[Source, ...]

    def __post_init__(self) -> None:
        messages = []
        if not self.roles:
            messages.append("no roles")
        if [w.number for w in self.weeks] != list(range(1, len(self.weeks) + 1)):
            messages.append("weeks are not numbered 1..n in order")
        if not MIN_WEEKS <= len(self.weeks) <= MAX_WEEKS:
            messages.append(f"{len(self.weeks)} weeks: a campaign has {MIN_WEEKS}-{MAX_WEEKS}")
        for week in self.weeks:
            if set(week.lessons) != set(self.roles):
                messages.append(f"week {week.number}: lessons are not for exactly the roles {list(self.roles)}")
        if not self.sources:
            messages.append("no sources")
        raise_if("campaign definition", messages)

    def week(self, number: int) -> WeekDef:
        """Week ``number`` (1-based); KeyError if the campaign has no such week."""
        if not 1 <= number <= len(self.weeks):
            raise KeyError(f"{self.id} has no week {number}")
        return self.weeks[number - 1]

    @property
    def content_hash(self) -> str:
        """A short stable hash of the content (sha256 of its repr), to tell whether a definition changed."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------------------------------------------
# Time zones (bot.campaigns.zones).


@dataclass(frozen=True)
class Zone:
    id: str
    tz: str  # IANA name
    country: str | None  # the ISO code of the country in bot/knowledge/hotlines.yml (None: not listed there)
    name: Bilingual


# --------------------------------------------------------------------------------------------------------------
# Running campaigns, enrolments, families (bot.campaigns.service).


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    definition_id: str
    title: Bilingual
    organiser_id: int
    class_ids: tuple[int, ...]
    open: bool
    join_token: str
    start: date
    weeks: int
    created_at: datetime
    ended_at: datetime | None
    lang: str


@dataclass(frozen=True)
class Enrolment:
    id: int
    campaign_id: int
    learner_id: int
    role: Role
    lang: str
    zone: str
    class_id: int | None
    enrolled_at: datetime
    opted_out_at: datetime | None
    next_week: int | None
    next_due_at: datetime | None


@dataclass(frozen=True)
class Invite:
    token: str
    student_enrolment_id: int
    expires_at: datetime


@dataclass(frozen=True)
class InviteInfo:
    campaign: CampaignInfo
    student_name: str
    expires_at: datetime


@dataclass(frozen=True)
class FamilyLink:
    id: int
    campaign_id: int
    student: Enrolment
    parent: Enrolment
    linked_at: datetime
    student_name: str
    parent_name: str


@dataclass(frozen=True)
class Outgoing:
    """One claimed delivery: everything a front end needs to send it."""

    delivery_id: int
    claim: str
    kind: DeliveryKind
    week: int
    enrolment_id: int
    campaign_id: int
    channel: str  # e.g. "telegram"
    external_id: str  # e.g. "12345": the chat id
    lang: str
    role: Role
    definition_id: str
    theme: Bilingual
    weeks: int
    title: Bilingual
    lesson_delivery_id: int  # = delivery_id for a lesson; the week's lesson delivery for a reminder (the Open button)


@dataclass(frozen=True)
class PollRef:
    poll_id: str
    learner_id: int
    campaign_id: int
    week: int
    question_id: str
    position: int
    chat_id: int


@dataclass(frozen=True)
class LessonView:
    """A week's lesson for one role, in one language (bot.campaigns.lessons)."""

    campaign_id: int
    week: int
    weeks: int
    role: Role
    lang: str
    title: str
    theme: str
    case: str
    red_flags: tuple[tuple[str, str], ...]  # (flag text, its truth) from the knowledge base
    what_to_do: tuple[str, ...]
    source: str  # publisher + url
    quiz: tuple[str, ...]  # question ids
    activity: ActivityDef | None


# --------------------------------------------------------------------------------------------------------------
# Progress and reports (bot.campaigns.reports).


@dataclass(frozen=True)
class WeekProgress:
    week: int
    delivered: bool
    opened: bool
    quiz_answered: int
    quiz_right: int
    quiz_total: int


@dataclass(frozen=True)
class Progress:
    enrolment: Enrolment
    name: str
    weeks: tuple[WeekProgress, ...]
    plan_made: bool


@dataclass(frozen=True)
class Funnel:
    enrolled_students: int
    enrolled_parents: int
    students_with_parent: int
    lessons_delivered: int
    lessons_opened: int
    quizzes_answered: int
    plans_made: int
    opted_out: int

    @property
    def parent_share(self) -> float:
        """The share of enrolled students with at least one linked parent (0 when there is no student)."""
        return self.students_with_parent / self.enrolled_students if self.enrolled_students else 0.0


@dataclass(frozen=True)
class QuestionResult:
    week: int
    role: Role
    question_id: str
    prompt: str
    answered: int
    right: int
    top_wrong: tuple[tuple[str, int], ...]  # (option text, times chosen), most chosen first


@dataclass(frozen=True)
class ClassFunnel:
    class_id: int
    class_name: str
    funnel: Funnel
    students: tuple[Progress, ...]


@dataclass(frozen=True)
class CampaignReport:
    campaign: CampaignInfo
    funnel: Funnel
    weeks: tuple[tuple[int, Funnel], ...]
    classes: tuple[ClassFunnel, ...]
    questions: tuple[QuestionResult, ...]

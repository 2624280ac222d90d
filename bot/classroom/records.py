"""The classroom's typed records: what the engine returns to the front ends (Telegram, the web pages, the CLI).

Front ends format these; they never read the classroom tables themselves. Options are validated on construction
and every problem is reported at once (py-fsrs style): :class:`ClassroomError` carries a catalog key per problem,
so each front end says it in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.quiz.model import Question

#: Limits the issue sets (teacher's choices): questions per session, seconds per question.
MIN_QUESTIONS, MAX_QUESTIONS = 5, 30
MIN_SECONDS, MAX_SECONDS = 10, 120
#: Display names: 2-20 characters.
MIN_NAME, MAX_NAME = 2, 20


class Mode(StrEnum):
    SPEED = "speed"  # Kahoot-style points: right and fast, with a streak bonus
    ACCURACY = "accuracy"  # a point per right answer, no speed points


class Delivery(StrEnum):
    GROUP = "group"  # one quiz poll in the class's Telegram group
    PRIVATE = "private"  # the same poll in each student's private chat at the same moment


class Phase(StrEnum):
    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    PAUSED = "paused"
    ENDED = "ended"


class Outcome(StrEnum):
    """What became of one answer."""

    COUNTED = "counted"
    DUPLICATE = "duplicate"  # the student had answered already: the first answer counts
    LATE = "late"  # the question had closed: scores nothing, not counted
    NOT_MEMBER = "not_member"  # not (or no longer) in the class
    NO_QUESTION = "no_question"  # no open question at that position (not this session's, or skipped)
    RETRACTED = "retracted"  # an empty vote (a retracted Telegram poll answer): nothing is recorded


class ClassroomError(ValueError):
    """One or more problems, each a catalog key under ``classroom.`` with its parameters."""

    def __init__(self, problems: list[tuple[str, dict[str, Any]]]) -> None:
        self.problems = problems
        super().__init__("; ".join(key for key, _ in problems))

    @classmethod
    def one(cls, key: str, **params: Any) -> ClassroomError:
        return cls([(key, params)])

    @property
    def key(self) -> str:
        return self.problems[0][0]


@dataclass(frozen=True)
class SessionOptions:
    """The teacher's choices for a session; questions come from the filters (all empty: the whole pool for the
    class's audience), or from the class's weakest scam types (``weakest``)."""

    count: int = 10
    seconds: int = 20
    mode: Mode = Mode.SPEED
    delivery: Delivery = Delivery.PRIVATE
    scam_types: tuple[str, ...] = ()
    audience: str | None = None
    bank: str | None = None
    weakest: bool = False
    show_leaderboard: bool = True

    def __post_init__(self) -> None:
        problems: list[tuple[str, dict[str, Any]]] = []
        if not MIN_QUESTIONS <= self.count <= MAX_QUESTIONS:
            problems.append(("bad_count", {"low": MIN_QUESTIONS, "high": MAX_QUESTIONS}))
        if not MIN_SECONDS <= self.seconds <= MAX_SECONDS:
            problems.append(("bad_seconds", {"low": MIN_SECONDS, "high": MAX_SECONDS}))
        if self.mode not in set(Mode):
            problems.append(("bad_mode", {"value": str(self.mode)}))
        if self.delivery not in set(Delivery):
            problems.append(("bad_delivery", {"value": str(self.delivery)}))
        if problems:
            raise ClassroomError(problems)


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str
    lang: str
    audience: str
    join_code: str
    join_token: str
    group_chat_id: int | None
    members: int
    teacher_id: int


@dataclass(frozen=True)
class Member:
    learner_id: int
    display_name: str
    joined_at: datetime


@dataclass(frozen=True)
class Joined:
    """The result of joining: ``name_needed`` when the student has no display name in the class yet."""

    classroom: ClassInfo
    member: Member | None
    already: bool
    name_needed: bool


@dataclass(frozen=True)
class SessionInfo:
    id: int
    class_id: int
    phase: Phase
    position: int | None  # 0-based, None in the lobby
    size: int
    seconds: int
    mode: Mode
    delivery: Delivery
    lang: str
    projector_token: str
    version: int
    show_leaderboard: bool
    teacher_id: int = 0
    class_name: str = ""
    group_chat_id: int | None = None  # the class's group (group delivery sends the polls there)


@dataclass(frozen=True)
class OpenQuestion:
    """A question now open: what the front ends send (a poll) and show (the projector)."""

    session: SessionInfo
    position: int
    question: Question
    opened_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class Recorded:
    outcome: Outcome
    correct: bool = False
    points: int = 0
    everyone_answered: bool = False  # the session may move on early
    credit: float = 0.0  # multi-select partial credit, 0-1
    response_ms: int = 0
    streak: int = 0  # consecutive fully right answers up to this one


@dataclass(frozen=True)
class Standing:
    rank: int
    learner_id: int
    display_name: str
    points: int
    right: int
    answered: int
    total_ms: int  # ties break by it: the lower, the better


@dataclass(frozen=True)
class Reveal:
    """A closed question: the distribution of answers, the right options, the one-line teaching and the top."""

    position: int
    question: Question
    counts: tuple[int, ...]  # answers per option
    right: tuple[int, ...]
    answered: int
    members: int
    misconception: int | None  # the most chosen wrong option (None: nobody chose a wrong one)
    top: tuple[Standing, ...]


@dataclass(frozen=True)
class ProjectorView:
    """Everything the projector page shows at one moment (one JSON object on the live stream)."""

    version: int
    phase: Phase
    lang: str
    class_name: str
    join_code: str
    members: tuple[str, ...]  # display names, in joining order
    size: int
    mode: Mode
    show_leaderboard: bool
    position: int | None = None
    prompt: str | None = None
    options: tuple[str, ...] = ()
    closes_at: datetime | None = None
    remaining_ms: int | None = None  # paused: what the question had left
    answered: int = 0
    reveal: Reveal | None = None
    top: tuple[Standing, ...] = ()
    podium: tuple[Standing, ...] = field(default_factory=tuple)


# --- the teacher's report (bot.classroom.reports): one session in detail, the class across its sessions


@dataclass(frozen=True)
class AnswerCell:
    """One student's counted answer to one question."""

    position: int
    chosen: tuple[int, ...]
    correct: bool
    credit: float
    points: int
    response_ms: int


@dataclass(frozen=True)
class StudentReport:
    learner_id: int
    display_name: str
    rank: int
    points: int
    right: int
    answered: int
    total_ms: int
    answers: tuple[AnswerCell | None, ...]  # per question of the session, in order; None: no answer
    mastery: dict[str, float]  # scam type -> 0-1 (quiz engine), for the scam types the session asked

    @property
    def mean_ms(self) -> int | None:
        return round(self.total_ms / self.answered) if self.answered else None


@dataclass(frozen=True)
class QuestionReport:
    position: int
    question: Question
    skipped: bool
    answered: int
    right: int
    counts: tuple[int, ...]  # answers per option
    misconception: int | None  # the most chosen wrong option: what the class misunderstands
    red_flags: tuple[str, ...]  # the red flags the question is about (the misconception's)
    mean_ms: int | None

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class FlagReport:
    """A red flag over every session of the class: the answers to its questions and how many were right."""

    red_flag: str
    answered: int
    right: int

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ProgressPoint:
    """One session of the class: when it started and the share of right answers."""

    session_id: int
    started_at: datetime
    answered: int
    right: int

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ClassReport:
    classroom: ClassInfo
    session: SessionInfo | None  # the session in detail (default: the latest started); None if none ran
    started_at: datetime | None
    students: tuple[StudentReport, ...]  # by rank
    questions: tuple[QuestionReport, ...]  # in order
    red_flags: tuple[FlagReport, ...]  # over every session, the weakest first
    progress: tuple[ProgressPoint, ...]  # every started session, oldest first

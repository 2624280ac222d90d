"""Fixtures of the campaign engine's tests: a migrated database (SQLite and PostgreSQL, from tests/conftest.py)
holding a synthetic bank, a settable clock, a small 4-week, two-role definition built in Python over that bank,
the campaign service, and a class with a teacher and students (through the classroom service)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.campaigns.records import (
    ActivityDef,
    ActivityKind,
    Bilingual,
    CampaignInfo,
    Definition,
    LessonDef,
    Role,
    Schedule,
    WeekDef,
)
from bot.campaigns.schedule import first_week
from bot.campaigns.service import CampaignService
from bot.campaigns.zones import zone as zone_of
from bot.classroom.records import ClassInfo
from bot.classroom.service import ClassroomService
from bot.db import Database
from bot.db.models import CampaignEnrolment, Learner
from bot.knowledge import KnowledgeBase
from bot.quiz import engine
from bot.quiz.engine import table
from bot.quiz.synthetic import SOURCE, synthetic_banks

#: The campaign starts on Monday 1 March 2027; lessons go out on Mondays at 19:00 local, quiet 21:30-08:00.
CAMPAIGN_START = date(2027, 3, 1)
#: The clock starts a week before.
START = datetime(2027, 2, 22, 9, 0, tzinfo=UTC)
BANK_SIZE = 42
WEEKS = 4
SCHEDULE = Schedule(weekday=0, send_time=time(19, 0), quiet_from=time(21, 30), quiet_to=time(8, 0))
#: Week 1 in Beijing (UTC+8): 19:00 local is 11:00 UTC.
WEEK1_BEIJING = datetime(2027, 3, 1, 11, 0, tzinfo=UTC)


def question_id(i: int) -> str:
    return f"synthetic_{i:05d}"


def _lesson(week: int, role: Role, kb: KnowledgeBase) -> LessonDef:
    flags = tuple(f.id for f in kb.scam("police_impersonation").red_flags[:2])
    return LessonDef(
        case=Bilingual(zh=f"第{week}周的案例（{role.value}）。", en=f"Week {week}'s case for the {role.value}."),
        red_flags=flags,
        what_to_do=(Bilingual(zh="挂断电话。", en="Hang up."), Bilingual(zh="拨打110。", en="Call 110.")),
        source=SOURCE,
    )


def drill(kb: KnowledgeBase) -> Definition:
    """4 weeks; each week two questions per role (students 1-8, parents 11-18 of the synthetic bank); a safety plan
    in week 2."""
    weeks = []
    for n in range(1, WEEKS + 1):
        weeks.append(
            WeekDef(
                number=n,
                theme=Bilingual(zh=f"主题{n}", en=f"Theme {n}"),
                scam_types=("police_impersonation",),
                lessons={role: _lesson(n, role, kb) for role in Role},
                quiz={
                    Role.STUDENT: (question_id(2 * n - 1), question_id(2 * n)),
                    Role.PARENT: (question_id(10 + 2 * n - 1), question_id(10 + 2 * n)),
                },
                activity=ActivityDef(ActivityKind.SAFETY_PLAN) if n == 2 else None,
            )
        )
    return Definition(
        id="drill",
        title=Bilingual(zh="家庭演练", en="Family drill"),
        summary=Bilingual(zh="四周。", en="Four weeks."),
        roles=(Role.STUDENT, Role.PARENT),
        audiences={Role.STUDENT: ("general",), Role.PARENT: ("parents",)},
        start=CAMPAIGN_START,
        schedule=SCHEDULE,
        weeks=tuple(weeks),
        sources=(SOURCE,),
    )


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> datetime:
        self.now = when
        return when

    def tick(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def banked(database: Database) -> Database:
    with database.write() as s:
        engine.import_banks(s, synthetic_banks(BANK_SIZE), now=START - timedelta(days=30))
    return database


@pytest.fixture
def plan(kb: KnowledgeBase) -> Definition:
    return drill(kb)


@pytest.fixture
def svc(banked: Database, plan: Definition, kb: KnowledgeBase, clock: Clock) -> CampaignService:
    return CampaignService(banked, {plan.id: plan}, kb, clock=clock)


@pytest.fixture
def classroom(banked: Database, clock: Clock) -> ClassroomService:
    return ClassroomService(banked, clock=clock)


@dataclass
class School:
    """A teacher's class (students joined in order with these names) and a campaign started for it."""

    svc: CampaignService
    classroom: ClassroomService
    teacher: int
    info: ClassInfo
    students: list[int]
    names: list[str]
    campaign: CampaignInfo

    def learner(self, name: str) -> int:
        return self.classroom.learner_id("telegram", name)


NAMES = ["Ann", "Bob", "Cai"]


@pytest.fixture
def school(svc: CampaignService, classroom: ClassroomService) -> School:
    teacher = classroom.learner_id("telegram", "1000")
    info = classroom.create_class(teacher, "Class 7B", "en", "general")
    students = [classroom.learner_id("telegram", str(2000 + i)) for i in range(len(NAMES))]
    for learner, name in zip(students, NAMES, strict=True):
        classroom.join(info.id, learner, name)
    campaign = svc.start_campaign(teacher, "drill", class_ids=[info.id], lang="en")
    return School(svc, classroom, teacher, classroom.class_by_id(info.id), students, list(NAMES), campaign)


def crowd(svc: CampaignService, organiser: int, n: int, *, prefix: str = "9", zone: str = "beijing") -> CampaignInfo:
    """An open campaign with ``n`` students (learners ``telegram``/``<prefix><i>``), inserted in bulk as the
    start of a campaign inserts its classes' members: each due for week 1 on schedule."""
    campaign = svc.start_campaign(organiser, "drill", open=True, lang="en")
    with svc.db.write() as s:
        now = svc.clock()
        learners = table(Learner)
        s.connection().execute(
            learners.insert(),
            [{"channel": "telegram", "external_id": f"{prefix}{i}", "lang": "en", "created_at": now} for i in range(n)],
        )
        ids = s.scalars(select(Learner.id).where(Learner.external_id.like(f"{prefix}%"))).all()
        due = first_week(CAMPAIGN_START, SCHEDULE, zone_of(zone).tz, now)
        s.connection().execute(
            table(CampaignEnrolment).insert(),
            [
                {
                    "campaign_id": campaign.id,
                    "learner_id": learner_id,
                    "role": "student",
                    "lang": "en",
                    "zone": zone,
                    "display_name": f"S{learner_id}",
                    "enrolled_at": now,
                    "next_week": due[0],
                    "next_due_at": due[1],
                }
                for learner_id in ids
            ],
        )
    return campaign

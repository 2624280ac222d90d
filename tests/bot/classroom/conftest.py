"""Fixtures of the classroom tests: a migrated database (SQLite and PostgreSQL, from tests/conftest.py) holding a
synthetic bank, a settable clock, the service, and a class with a teacher and students."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.classroom.records import ClassInfo, Mode, SessionOptions
from bot.classroom.service import ClassroomService
from bot.db import Database
from bot.quiz import engine
from bot.quiz.synthetic import synthetic_banks

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
#: Questions in the synthetic bank (every third is a multi-select, a third true/false).
BANK_SIZE = 42


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def banked(database: Database) -> Database:
    with database.write() as s:
        engine.import_banks(s, synthetic_banks(BANK_SIZE), now=START)
    return database


@pytest.fixture
def svc(banked: Database, clock: Clock) -> ClassroomService:
    seeds = itertools.count(1)
    return ClassroomService(banked, clock=clock, seeds=lambda: next(seeds))


@dataclass
class Room:
    """A class, its teacher and its students (learner ids), joined in this order with these names."""

    svc: ClassroomService
    info: ClassInfo
    teacher: int
    students: list[int]
    names: list[str]

    def start(self, **options: object) -> int:
        opts = SessionOptions(**{"count": 5, "seconds": 20, "mode": Mode.SPEED, **options})  # type: ignore[arg-type]
        return self.svc.start_session(self.info.id, self.teacher, opts).id


@pytest.fixture
def room(svc: ClassroomService) -> Room:
    teacher = svc.learner_id("telegram", "teacher-1")
    info = svc.create_class(teacher, "Class 7B", "en", "general")
    names = ["Ann", "Bob", "Cai"]
    students = [svc.learner_id("telegram", f"student-{i}") for i in range(len(names))]
    for learner, name in zip(students, names, strict=True):
        svc.join(info.id, learner, name)
    return Room(svc, svc.class_by_id(info.id), teacher, students, names)

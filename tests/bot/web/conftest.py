"""Fixtures of the web app's tests: the real classroom service on a migrated SQLite database with the shipped banks,
a class whose students have joined, the app under Starlette's TestClient, the app served by uvicorn on a free port
(for the live stream and the browser) and headless Chromium driven by Playwright."""

from __future__ import annotations

import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.classroom.records import ClassInfo, Mode, SessionInfo, SessionOptions
from bot.classroom.service import ClassroomService
from bot.db import Database
from bot.quiz.service import sync_banks
from bot.runtime import free_ports
from bot.web.app import create_app, stop_streams

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
BOT = "antifraud_test_bot"
CHROMIUM = "/usr/bin/chromium"


class Clock:
    """A settable clock (the service's and the app's), or the real one when ``real`` (the browser counts down)."""

    def __init__(self, real: bool = False) -> None:
        self.real = real
        self.now = START

    def __call__(self) -> datetime:
        return datetime.now(UTC) if self.real else self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def banked_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the shipped banks (real questions in both languages on the screenshots),
    made once and copied for each test."""
    path = tmp_path_factory.mktemp("web") / "banked.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    sync_banks(db, now=START)
    db.dispose()
    return path


@pytest.fixture
def web_db(banked_file: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "antifraud.db"
    shutil.copyfile(banked_file, path)
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


@pytest.fixture
def svc(web_db: Database, clock: Clock) -> ClassroomService:
    seeds = itertools.count(1)
    return ClassroomService(web_db, clock=clock, seeds=lambda: next(seeds))


@dataclass
class Room:
    """A class, its teacher and its students (learner ids, names in joining order)."""

    svc: ClassroomService
    info: ClassInfo
    teacher: int
    students: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def add(self, name: str) -> int:
        learner = self.svc.learner_id("telegram", f"student-{len(self.students)}")
        self.svc.join(self.info.id, learner, name)
        self.students.append(learner)
        self.names.append(name)
        return learner

    def start(self, **options: Any) -> SessionInfo:
        chosen = SessionOptions(**{"count": 5, "seconds": 20, "mode": Mode.SPEED, **options})
        return self.svc.start_session(self.info.id, self.teacher, chosen)


def make_room(svc: ClassroomService, lang: str = "en", names: tuple[str, ...] = ("Ann", "Bob", "Cai")) -> Room:
    teacher = svc.learner_id("telegram", f"teacher-{lang}-{time.monotonic_ns()}")
    room = Room(svc, svc.create_class(teacher, "Class 7B", lang, "general"), teacher)
    for name in names:
        room.add(name)
    return room


@pytest.fixture
def room(svc: ClassroomService) -> Room:
    return make_room(svc)


@pytest.fixture
def app(svc: ClassroomService) -> Starlette:
    return create_app(svc, svc.db, bot_username=BOT)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@dataclass
class Served:
    url: str
    app: Starlette


def serve(app: Starlette) -> Iterator[Served]:
    """The app under uvicorn on 127.0.0.1 (a free port), in a thread, until the test ends."""
    import uvicorn

    (port,) = free_ports(1)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield Served(f"http://127.0.0.1:{port}", app)
    finally:
        stop_streams(app)
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def served(app: Starlette) -> Iterator[Served]:
    yield from serve(app)


def chromium_or_skip() -> str:
    """The Chromium the setup installs; missing: skip, except in CI (CI=true), where the browser tests must run."""
    if Path(CHROMIUM).exists() and shutil.which("chromium"):
        return CHROMIUM
    message = f"no Chromium at {CHROMIUM} (scripts/setup.sh installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: the browser tests must run)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module. Not for the session: Playwright's sync API keeps an event loop running in the
    main thread while it is open, and a later test's ``asyncio.run`` would fail ("cannot be called from a running
    event loop")."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        try:
            yield launched
        finally:
            launched.close()


def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)

"""The teacher's web login: one-time links (single use, expiry, hashed at rest) and web sessions, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.classroom import access
from bot.db import Database
from bot.db.models import LoginLink, WebSession
from bot.quiz import engine

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def teacher(database: Database) -> int:
    with database.write() as s:
        return engine.ensure_learner(s, "telegram", "5001", now=NOW).id


def test_a_link_logs_in_once(database: Database, teacher: int) -> None:
    with database.write() as s:
        token = access.issue_login_link(s, teacher, now=NOW, minutes=15)
    with database.write() as s:
        assert access.redeem_login_link(s, token, now=NOW + timedelta(minutes=1)) == teacher
    with database.write() as s:
        assert access.redeem_login_link(s, token, now=NOW + timedelta(minutes=2)) is None


@pytest.mark.parametrize(
    ("minutes_later", "works"), [(14.9, True), (15, False), (60, False)], ids=["before", "at-expiry", "after"]
)
def test_a_link_expires(database: Database, teacher: int, minutes_later: float, works: bool) -> None:
    with database.write() as s:
        token = access.issue_login_link(s, teacher, now=NOW, minutes=15)
    with database.write() as s:
        found = access.redeem_login_link(s, token, now=NOW + timedelta(minutes=minutes_later))
    assert (found == teacher) is works


@pytest.mark.parametrize("token", ["", "nope", "x" * 500], ids=["empty", "unknown", "huge"])
def test_unknown_tokens(database: Database, teacher: int, token: str) -> None:
    with database.write() as s:
        access.issue_login_link(s, teacher, now=NOW, minutes=15)
        assert access.redeem_login_link(s, token, now=NOW) is None
        assert access.web_session_learner(s, token, now=NOW) is None


def test_tokens_are_stored_hashed(database: Database, teacher: int) -> None:
    with database.write() as s:
        link = access.issue_login_link(s, teacher, now=NOW, minutes=15)
        cookie = access.open_web_session(s, teacher, now=NOW)
    with database.read() as s:
        stored = set(s.scalars(select(LoginLink.token_hash))) | set(s.scalars(select(WebSession.token_hash)))
    assert stored == {access.token_hash(link), access.token_hash(cookie)}
    assert link not in stored and cookie not in stored and len(link) >= 40


def test_a_web_session_lasts_its_days(database: Database, teacher: int) -> None:
    with database.write() as s:
        cookie = access.open_web_session(s, teacher, now=NOW)
    with database.read() as s:
        assert access.web_session_learner(s, cookie, now=NOW + timedelta(days=access.SESSION_DAYS - 1)) == teacher
        assert access.web_session_learner(s, cookie, now=NOW + timedelta(days=access.SESSION_DAYS)) is None

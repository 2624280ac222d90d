"""The teacher's pages under TestClient: login by a one-time link (single use, expiry, bad tokens), the session
cookie's flags, and a teacher seeing only their own classes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from bot.classroom import access
from bot.classroom.service import ClassroomService
from bot.i18n import t
from bot.web.teacher import SESSION_COOKIE
from tests.bot.web.conftest import Clock, Room, make_room


def link(svc: ClassroomService, teacher: int, minutes: int = 15) -> str:
    with svc.db.write() as s:
        return access.issue_login_link(s, teacher, now=svc.clock(), minutes=minutes)


def test_a_link_logs_in_once(client: TestClient, room: Room) -> None:
    token = link(room.svc, room.teacher)
    first = client.get(f"/login/{token}")
    assert first.status_code == 303 and first.headers["location"] == "/teacher"
    cookie = first.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # http in the tests; https public URLs set it
    page = client.get("/teacher")
    assert page.status_code == 200 and room.info.name in page.text and room.info.join_code in page.text
    assert f'href="/teacher/classes/{room.info.id}"' in page.text

    client.cookies.clear()
    again = client.get(f"/login/{token}")
    assert again.status_code == 403 and t("web.login_bad", "zh") in again.text
    assert "set-cookie" not in again.headers


def test_an_expired_link(client: TestClient, room: Room, clock: Clock) -> None:
    token = link(room.svc, room.teacher, minutes=15)
    clock.tick(timedelta(minutes=15).total_seconds())
    found = client.get(f"/login/{token}?lang=en")
    assert found.status_code == 403 and t("web.login_bad", "en") in found.text


@pytest.mark.parametrize("token", ["nope", "a" * 300, "..%2F..%2Fetc"], ids=["unknown", "long", "path"])
def test_bad_links(client: TestClient, room: Room, token: str) -> None:
    found = client.get(f"/login/{token}")
    assert found.status_code in (403, 404) and "set-cookie" not in found.headers


@pytest.mark.parametrize("cookie", [None, "forged"], ids=["none", "forged"])
def test_teacher_pages_need_a_login(client: TestClient, room: Room, cookie: str | None) -> None:
    if cookie:
        client.cookies.set(SESSION_COOKIE, cookie)
    found = client.get("/teacher")
    assert found.status_code == 401 and t("web.login_needed", "zh") in found.text
    assert room.info.join_code not in found.text


def test_a_teacher_sees_only_their_classes(client: TestClient, svc: ClassroomService, room: Room) -> None:
    other = make_room(svc, "zh", ("Zed",))
    client.get(f"/login/{link(svc, other.teacher)}")
    page = client.get("/teacher")
    assert other.info.join_code in page.text and room.info.join_code not in page.text
    assert page.headers["content-language"] == "zh"  # the language of their class


def test_no_classes_yet(client: TestClient, svc: ClassroomService) -> None:
    newcomer = svc.learner_id("telegram", "new-teacher")
    client.get(f"/login/{link(svc, newcomer)}")
    page = client.get("/teacher?lang=en")
    assert page.status_code == 200 and t("web.no_classes", "en") in page.text
    assert client.get("/teacher").headers["content-language"] == "en"  # the choice is remembered


def test_logout(client: TestClient, room: Room) -> None:
    client.get(f"/login/{link(room.svc, room.teacher)}")
    assert client.get("/teacher").status_code == 200
    kept = client.cookies[SESSION_COOKIE]
    out = client.get("/logout")
    assert out.status_code == 200 and SESSION_COOKIE in out.headers["set-cookie"]
    client.cookies.set(SESSION_COOKIE, kept)  # a copy of the cookie no longer works
    assert client.get("/teacher").status_code == 401

"""The projector's routes under Starlette's TestClient: the page in each phase, its JSON view, bad tokens, the QR
code of the deep link, the language switch and escaping."""

from __future__ import annotations

import json
import re

import pytest
import segno
from starlette.testclient import TestClient

from bot.classroom.service import ClassroomService
from bot.i18n import t
from bot.web.app import create_app
from bot.web.projector import qr_svg
from tests.bot.web.conftest import BOT, Clock, Room, make_room


def state_of(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="state">(.*?)</script>', html, re.S)
    assert found, "no state in the page"
    return json.loads(found.group(1))


def test_the_lobby_page(client: TestClient, room: Room) -> None:
    session = room.start()
    page = client.get(f"/p/{session.projector_token}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert room.info.join_code in page.text
    for name in room.names:
        assert f"<li>{name}</li>" in page.text
    state = state_of(page.text)
    assert state["phase"] == "lobby" and state["members"] == room.names and state["join_code"] == room.info.join_code
    assert t("web.join_scan", "en") in page.text


@pytest.mark.parametrize("bot_username", [BOT, None], ids=["deep-link", "no-bot"])
def test_the_qr_code(svc: ClassroomService, room: Room, bot_username: str | None) -> None:
    session = room.start()
    with TestClient(create_app(svc, svc.db, bot_username=bot_username)) as client:
        page = client.get(f"/p/{session.projector_token}").text
    data = f"https://t.me/{BOT}?start=c_{room.info.join_token}" if bot_username else room.info.join_code
    assert str(qr_svg(data)) in page
    assert segno.make(data, error="m").designator  # a valid QR code of that data
    how = re.search(r'<p class="how">(.*?)</p>', page, re.S)
    assert how and (t("web.join_send_only", "en") in how.group(1)) is (bot_username is None)


@pytest.mark.parametrize("path", ["/p/{}", "/p/{}/view.json", "/p/{}/events"], ids=["page", "json", "events"])
@pytest.mark.parametrize("token", ["nope", "x" * 300, "%3Cscript%3E"], ids=["unknown", "long", "markup"])
def test_an_unknown_token_is_404(client: TestClient, room: Room, path: str, token: str) -> None:
    room.start()
    found = client.get(path.format(token))
    assert found.status_code == 404
    if path == "/p/{}":
        assert t("web.unknown_projector", "zh") in found.text and "<script>" not in found.text


def test_the_json_view_follows_the_session(client: TestClient, room: Room, clock: Clock) -> None:
    session = room.start()
    url = f"/p/{session.projector_token}/view.json"
    lobby = client.get(url).json()
    assert lobby["phase"] == "lobby" and lobby["members"] == room.names and lobby["position"] is None

    opened = room.svc.open_next(session.id, room.teacher)
    assert opened is not None
    question = client.get(url).json()
    assert question["phase"] == "question" and question["position"] == 0 and question["version"] > lobby["version"]
    assert question["prompt"] == opened.question.content("en").prompt
    assert question["options"] == list(opened.question.content("en").options)
    assert question["closes_at_ms"] == round(opened.closes_at.timestamp() * 1000)
    assert question["server_ms"] == round(clock().timestamp() * 1000) and question["answered"] == 0

    right = opened.question.answer
    clock.tick(3)
    room.svc.record_answer(session.id, 0, room.students[0], right)
    assert client.get(url).json()["answered"] == 1

    clock.tick(30)
    room.svc.close_question(session.id, 0)
    reveal = client.get(url).json()
    assert reveal["phase"] == "reveal"
    shown = reveal["reveal"]
    assert shown["right"] == list(right) and shown["answered"] == 1 and shown["members"] == 3
    assert shown["explanation"] == opened.question.content("en").explanation
    assert sum(shown["counts"]) >= 1 and shown["top"][0]["name"] == "Ann"
    assert "learner_id" not in json.dumps(reveal)  # the projector shows names only

    room.svc.end(session.id, room.teacher)
    ended = client.get(url).json()
    assert ended["phase"] == "ended" and ended["podium"][0]["name"] == "Ann" and ended["podium"][0]["points"] > 0


@pytest.mark.parametrize(
    ("query", "lang"), [("", "zh"), ("?lang=en", "en"), ("?lang=xx", "zh")], ids=["class-lang", "switch", "bad"]
)
def test_the_language(svc: ClassroomService, client: TestClient, query: str, lang: str) -> None:
    zh_room = make_room(svc, "zh")
    session = zh_room.start()
    page = client.get(f"/p/{session.projector_token}{query}")
    assert page.headers["content-language"] == lang
    assert t("web.join_code", lang) in page.text
    other = "en" if lang == "zh" else "zh"
    assert f'href="?lang={other}"' in page.text


def test_names_are_escaped(svc: ClassroomService, client: TestClient) -> None:
    room = make_room(svc, names=("<b>Eve</b>", "Tom&Jo"))
    page = client.get(f"/p/{room.start().projector_token}").text
    assert "<b>Eve</b>" not in page and "&lt;b&gt;Eve&lt;/b&gt;" in page and "Tom&amp;Jo" in page
    assert "\\u003cb\\u003eEve" in page  # in the JSON state too: no tag inside the script element


def test_static_files_and_health(client: TestClient) -> None:
    assert client.get("/static/projector.js").status_code == 200
    assert client.get("/healthz").text == "ok"
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and t("web.not_found", "zh") in missing.text


def test_the_page_reads_only(client: TestClient, room: Room) -> None:
    session = room.start()
    before = room.svc.version(session.projector_token)
    for path in ("", "/view.json"):
        assert client.get(f"/p/{session.projector_token}{path}").status_code == 200
        assert client.post(f"/p/{session.projector_token}{path}").status_code == 405
    assert room.svc.version(session.projector_token) == before

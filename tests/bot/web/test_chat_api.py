"""The web chat's page and JSON API under Starlette's TestClient: the anonymous cookie and the page's language;
refusals (empty, too long, malformed, rate limits per session and per IP, the assistant down) each with a clear
message in the page's language; and, through the real Rasa stack, the replies in order with the stop-now steps
first, a quiz round by buttons, a resent message answered once, the history (masked) and the language switch."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.channels.turn import MAX_INPUT
from bot.classroom.service import ClassroomService
from bot.db.models import ChannelInbox, WebChatLog
from bot.i18n import t
from bot.runtime import Stack
from bot.web.chat import COOKIE, conversation_of, text_lang
from tests.bot.web.chatting import STOP_NOW, URGENT_EN, URGENT_ZH, chat_app, dead_assistant, stack_assistant
from tests.bot.web.conftest import START

SEND = "/chat/api/send"
HISTORY = "/chat/api/history"


class Ids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"msg-{self.n:06d}"


@pytest.fixture
def new_id() -> Ids:
    return Ids()


@pytest.fixture
def down(svc: ClassroomService) -> Iterator[TestClient]:
    """The chat on an assistant that never answers, with small limits and a fixed clock (one rate window)."""
    app = chat_app(svc, dead_assistant(), clock=lambda: START, per_session=3, per_ip=5)
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def live(svc: ClassroomService, stack: Stack) -> Iterator[TestClient]:
    """The chat on the real Rasa stack (a new assistant client in the test client's event loop)."""
    with TestClient(chat_app(svc, stack_assistant(stack)), follow_redirects=False) as client:
        yield client


def send(client: TestClient, text: str, id_: str, **extra: Any) -> Any:
    return client.post(SEND, json={"id": id_, "text": text, **extra})


# -- the page -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "query", "lang"),
    [
        ({}, "", "zh"),
        ({"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}, "", "en"),
        ({"Accept-Language": "fr-FR,zh-CN;q=0.8,en;q=0.5"}, "", "zh"),
        ({"Accept-Language": "zh-CN"}, "?lang=en", "en"),
    ],
    ids=["default-chinese", "browser-english", "browser-first-known", "chosen"],
)
def test_the_page_in_the_browsers_or_the_chosen_language(
    down: TestClient, headers: dict[str, str], query: str, lang: str
) -> None:
    page = down.get("/chat" + query, headers=headers)
    assert page.status_code == 200
    html = page.text
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert t("webchat.intro", lang) in html and t("webchat.send", lang) in html
    found = re.search(r'<script type="application/json" id="chat-config">(.*?)</script>', html, re.S)
    assert found is not None
    config = json.loads(found[1])
    assert config["lang"] == lang and config["max_chars"] == MAX_INPUT
    other = "en" if lang == "zh" else "zh"
    assert f'href="/chat?lang={other}"' in html  # the switch, in the other language's own words
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)  # nothing is loaded from elsewhere


def test_an_anonymous_session_is_a_random_httponly_cookie(down: TestClient) -> None:
    first = down.get("/chat")
    cookie = first.cookies.get(COOKIE)
    header = first.headers["set-cookie"]
    assert cookie and len(cookie) >= 30
    assert "httponly" in header.lower() and "samesite=lax" in header.lower() and "path=/chat" in header.lower()
    again = down.get("/chat")  # the cookie is kept: not set again
    assert COOKIE not in again.headers.get("set-cookie", "")
    other = TestClient(down.app).get("/chat").cookies.get(COOKIE)
    assert other and other != cookie
    assert conversation_of(cookie).startswith("web-") and len(conversation_of(cookie)) == 28


def test_a_chosen_language_is_remembered(down: TestClient) -> None:
    down.get("/chat?lang=en")
    assert '<html lang="en">' in down.get("/chat").text


# -- refusals (no assistant needed) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "key"),
    [
        ({"id": "msg-000001", "text": "   \n\t "}, 400, "webchat.empty"),
        ({"id": "msg-000001", "text": "\x00\x01\x02"}, 400, "webchat.empty"),
        ({"id": "msg-000001", "text": "字" * (MAX_INPUT + 1)}, 413, "webchat.too_long"),
        ({"id": "bad id!", "text": "hello"}, 400, "webchat.bad_request"),
        ({"text": "hello"}, 400, "webchat.bad_request"),
        ({"id": "msg-000001", "text": 5}, 400, "webchat.bad_request"),
        ({"id": "msg-000001", "text": "hi", "payload": "not a payload"}, 400, "webchat.bad_request"),
        (["a", "list"], 400, "webchat.bad_request"),
    ],
    ids=["blank", "control-characters", "too-long", "bad-id", "no-id", "text-not-a-string", "bad-payload", "list"],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_gets_a_clear_message_in_the_pages_language(
    down: TestClient, body: Any, status: int, key: str, lang: str
) -> None:
    if isinstance(body, dict):
        body = {**body, "lang": lang}
    else:
        down.get(f"/chat?lang={lang}")
    answer = down.post(SEND, json=body)
    assert answer.status_code == status
    expected = t(key, lang, limit=MAX_INPUT) if key == "webchat.too_long" else t(key, lang)
    assert answer.json() == {"error": expected}


def test_malformed_json_and_a_huge_body_are_refused(down: TestClient) -> None:
    assert down.post(SEND, content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
    huge = json.dumps({"id": "msg-000001", "text": "\\u0000" * MAX_INPUT * 2}).encode()
    answer = down.post(SEND, content=huge, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413 and answer.json()["error"] == t("webchat.too_long", "zh", limit=MAX_INPUT)


def test_the_assistant_down_is_said_clearly_and_nothing_is_kept(down: TestClient, svc: ClassroomService) -> None:
    down.get("/chat")
    answer = send(down, "hello", "msg-000001", lang="en")
    assert answer.status_code == 503 and answer.json() == {"error": t("webchat.unavailable", "en")}
    assert send(down, "hello", "msg-000001", lang="en").status_code == 503  # the same id: the same answer
    assert down.get(HISTORY).json() == {"messages": []}
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(WebChatLog)) == 0


def test_rate_limits_per_session_and_per_ip(down: TestClient, new_id: Ids) -> None:
    """3 messages a minute per session, 5 per IP (the test client's address is the same for every session)."""
    down.get("/chat?lang=en")
    statuses = [send(down, "hello", new_id()).status_code for _ in range(4)]
    assert statuses == [503, 503, 503, 429]
    refused = send(down, "hello", new_id())
    assert refused.json() == {"error": t("webchat.too_many", "en")} and refused.headers["retry-after"] == "60"

    other = TestClient(down.app)  # a new session, same IP: 2 left of the IP's 5 (refused messages are not counted)
    other.get("/chat")
    assert [send(other, "你好", new_id()).status_code for _ in range(3)] == [503, 503, 429]
    assert send(other, "你好", new_id()).json() == {"error": t("webchat.too_many", "zh")}


# -- through the real assistant -------------------------------------------------------------------------------


@pytest.mark.stack
@pytest.mark.parametrize(("story", "lang"), [(URGENT_ZH, "zh"), (URGENT_EN, "en")], ids=["chinese", "english"])
def test_a_story_gets_the_stop_now_steps_first_then_the_rest_in_order(live: TestClient, story: str, lang: str) -> None:
    live.get("/chat")
    answer = send(live, story, "msg-000001")
    assert answer.status_code == 200
    replies = answer.json()["replies"]
    assert len(replies) >= 2
    first = replies[0]
    assert first["urgent"] is True and first["text"].startswith(STOP_NOW) and "110" in first["text"]
    assert [r["urgent"] for r in replies[1:]] == [False] * (len(replies) - 1)
    assert {r["lang"] for r in replies} == {lang}
    assert replies[-1]["buttons"]  # the follow-up choices come last
    assert all(set(b) == {"title", "payload"} for r in replies for b in r["buttons"])


@pytest.mark.stack
def test_a_resent_message_is_answered_once_with_the_same_replies(live: TestClient, svc: ClassroomService) -> None:
    live.get("/chat")
    first = send(live, "what are the red flags of a fake police call?", "msg-000001")
    again = send(live, "what are the red flags of a fake police call?", "msg-000001")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    history = live.get(HISTORY).json()["messages"]
    assert [m["role"] for m in history].count("user") == 1
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ChannelInbox)) == 1


@pytest.mark.stack
def test_a_quiz_round_by_buttons(live: TestClient, new_id: Ids) -> None:
    live.get("/chat")
    replies = send(live, "考考我", new_id()).json()["replies"]
    audience = next(b for r in replies for b in r["buttons"] if "parent" in b["payload"])
    replies = send(live, audience["title"], new_id(), payload=audience["payload"]).json()["replies"]
    for n in range(1, 6):
        assert any(r["text"].startswith(f"第 {n}/5 题") for r in replies), replies
        buttons = [b for r in replies for b in r["buttons"] if b["payload"].startswith("/quiz_answer")]
        if buttons:  # one answer: a button per option, titled with its letter
            assert buttons[0]["title"].startswith("A. ")
            replies = send(live, buttons[0]["title"], new_id(), payload=buttons[0]["payload"]).json()["replies"]
        else:  # several answers: typed letters
            replies = send(live, "A B", new_id()).json()["replies"]
        assert replies[0]["text"].startswith(("✅", "❌")), replies
    assert "本轮结束" in "\n".join(r["text"] for r in replies)
    history = live.get(HISTORY).json()["messages"]
    said = [m["text"] for m in history if m["role"] == "user"]
    assert said[0] == "考考我" and said[1] == audience["title"]  # the titles of the buttons tapped, not payloads
    assert not [text for text in said if text.startswith("/")]


@pytest.mark.stack
def test_the_history_is_the_conversation_in_order_masked_and_only_its_own(
    live: TestClient, svc: ClassroomService, new_id: Ids
) -> None:
    live.get("/chat")
    said = "有人打我电话 13812345678 说是客服，要给我退款"
    replies = send(live, said, new_id()).json()["replies"]
    send(live, "thank you", new_id())
    history = live.get(HISTORY).json()["messages"]
    assert [m["role"] for m in history[: 1 + len(replies)]] == ["user"] + ["bot"] * len(replies)
    assert history[0]["text"] == "有人打我电话 [PHONE] 说是客服，要给我退款" and history[0]["lang"] == "zh"
    assert [m["text"] for m in history[1 : 1 + len(replies)]] == [r["text"] for r in replies]
    assert history[1 + len(replies)] == {
        "role": "user",
        "text": "thank you",
        "buttons": [],
        "urgent": False,
        "lang": "en",
    }
    with svc.db.read() as s:
        stored = " ".join(s.scalars(select(WebChatLog.text)))
    assert "13812345678" not in stored
    stranger = TestClient(live.app)
    stranger.get("/chat")
    assert stranger.get(HISTORY).json() == {"messages": []}


@pytest.mark.stack
def test_switching_the_language_makes_the_buttons_answer_in_it(live: TestClient, new_id: Ids) -> None:
    live.get("/chat")
    send(live, "你好", new_id())
    live.get("/chat?lang=en")  # the switch: the page and the conversation
    replies = send(live, "Hotlines", new_id(), payload="/ask_hotline", lang="en").json()["replies"]
    assert text_lang(" ".join(r["text"] for r in replies), "zh") == "en", replies


@pytest.mark.stack
def test_a_first_button_is_answered_in_the_pages_language(live: TestClient, new_id: Ids) -> None:
    live.get("/chat?lang=zh")
    replies = send(live, "常见危险信号", new_id(), payload="/ask_red_flags", lang="zh").json()["replies"]
    assert {r["lang"] for r in replies} == {"zh"}, replies


def test_text_lang() -> None:
    assert text_lang("报警电话 110 (police)", "en") == "zh"
    assert text_lang("Call 110 now", "zh") == "en"
    assert text_lang("110", "zh") == "zh" and text_lang("12345", "en") == "en"

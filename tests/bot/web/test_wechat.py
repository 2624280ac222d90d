"""The WeChat Official Account end to end: the web app under uvicorn with its /wechat routes, the real Rasa stack
(the trained model and our action server), a real quiz database, and the stand-in of WeChat on 127.0.0.1 playing
both sides (it signs and POSTs the callbacks, in plaintext and in the safe mode, retries, and serves the API that
records the customer-service messages and media). Only WeChat is faked."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.assistant import Assistant
from bot.classroom.service import ClassroomService
from bot.db import Database
from bot.db.models import Channel, ChannelInbox, Learner
from bot.i18n import t
from bot.runtime import Stack
from bot.web.app import create_app
from bot.web.wechat import WeChat
from bot.web.wechat_config import WeChatConfig
from bot.web.wechat_store import DatabaseStorage
from tests.bot.web.conftest import Served, serve
from tests.bot.web.wechat_standin import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    Delivery,
    WeChatStandIn,
    event,
    from_xml,
    image,
    link,
    location,
    openid,
    sign,
    text,
    video,
    voice,
)

pytestmark = pytest.mark.stack

STOP_NOW_ZH = t("assistant.stop_now_title", "zh")
URGENT_ZH = "一个自称上海公安的人现在还在跟我视频，说我涉嫌洗钱，要我马上把钱转到安全账户，我正准备转"
NUMBERED_ZH = t("channels.reply_with_number", "zh")
NUMBERED_EN = t("channels.reply_with_number", "en")


@dataclass
class Account:
    """The account's server as WeChat sees it: the stand-in delivers to ``url``."""

    standin: WeChatStandIn
    served: Served
    db: Database
    stack: Stack

    @property
    def url(self) -> str:
        return self.served.url + "/wechat"

    def send(self, message: dict[str, object], *, lose: int = 0) -> Delivery:
        return self.standin.deliver(self.url, message, lose=lose)

    def say(self, user: str, words: str) -> Delivery:
        return self.send(text(user, words))

    def said(self, user: str) -> list[dict[str, object]]:
        """The messages the assistant got in this user's conversation (Rasa's tracker): text and parse."""
        response = self.stack.client.get(
            f"{self.stack.rasa_url}/conversations/wechat-{user}/tracker",
            params={"token": self.stack.token, "include_events": "ALL"},
        )
        response.raise_for_status()
        return [e for e in response.json().get("events") or [] if e.get("event") == "user"]

    def user_messages(self, user: str) -> int:
        return len(self.said(user))


@pytest.fixture(scope="module")
def quiz_database(stack: Stack) -> Iterator[Database]:
    assert stack.database_url
    db = Database(stack.database_url)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def make_account(stack: Stack, quiz_database: Database) -> Iterator[Callable[..., Account]]:
    stops: list[Callable[[], None]] = []

    def make(*, safe: bool = False, deadline: float = 4.5, timeout: float = 5.0) -> Account:
        standin = WeChatStandIn(aes_key=AES_KEY if safe else None, timeout=timeout).__enter__()
        DatabaseStorage(quiz_database).delete(f"{APP_ID}_access_token")  # the last test's stand-in's token
        config = WeChatConfig(TOKEN, APP_ID, APP_SECRET, AES_KEY if safe else None, standin.base_url, deadline)
        wechat = WeChat(config, quiz_database, Assistant(stack.rasa_url, stack.token))
        app = create_app(
            ClassroomService(quiz_database), quiz_database, bot_username=None, extra_routes=wechat.routes()
        )
        serving = serve(app)
        served = next(serving)
        stops.append(lambda: (next(serving, None), standin.__exit__()))
        return Account(standin, served, quiz_database, stack)

    yield make
    for stop in stops:
        stop()


@pytest.fixture
def account(make_account: Callable[..., Account]) -> Account:
    return make_account()


# --------------------------------------------------------------------------------------------------------------
# The server check and signatures


def test_verification_echoes_echostr_and_refuses_a_forged_signature(account: Account) -> None:
    good = account.standin.params() | {"echostr": "echo-12345"}
    response = httpx.get(account.url, params=good)
    assert response.status_code == 200 and response.text == "echo-12345"
    forged = good | {"signature": sign("not-our-token", good["timestamp"], good["nonce"])}
    response = httpx.get(account.url, params=forged)
    assert response.status_code == 403 and "echo" not in response.text


def test_a_forged_post_gets_403_and_nothing_is_processed(account: Account, quiz_database: Database) -> None:
    user = openid("forged")
    query = account.standin.params(user)
    query["signature"] = sign("not-our-token", query["timestamp"], query["nonce"])
    body = f"<xml><ToUserName>gh_x</ToUserName><FromUserName>{user}</FromUserName><CreateTime>1</CreateTime>"
    body += "<MsgType>text</MsgType><Content>hello</Content><MsgId>42424242</MsgId></xml>"
    response = httpx.post(account.url, params=query, content=body.encode())
    assert response.status_code == 403
    with quiz_database.read() as s:
        assert s.scalar(select(func.count()).select_from(ChannelInbox).where(ChannelInbox.key == "msg:42424242")) == 0
    assert account.user_messages(user) == 0 and account.standin.sent == []


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"<xml><MsgType>text</MsgType><Content>\x01</Content></xml>", 400), (b"<xml>" + b"x" * 70_000, 413)],
    ids=["malformed-xml", "too-large"],
)
def test_a_signed_but_unreadable_post_is_refused(account: Account, body: bytes, status: int) -> None:
    response = httpx.post(account.url, params=account.standin.params(openid("bad")), content=body)
    assert response.status_code == status and account.standin.sent == []


def test_safe_mode_refuses_a_forged_message_signature(make_account: Callable[..., Account]) -> None:
    account = make_account(safe=True)
    user = openid("forged-safe")
    query = account.standin.params(user, "AAAA") | {"msg_signature": "0" * 40}
    response = httpx.post(account.url, params=query, content=b"<xml><Encrypt>AAAA</Encrypt></xml>")
    assert response.status_code == 403 and account.user_messages(user) == 0


# --------------------------------------------------------------------------------------------------------------
# Messages


@pytest.mark.parametrize("safe", [False, True], ids=["plaintext", "safe-mode"])
def test_a_story_in_chinese_gets_the_stop_now_steps_first(make_account: Callable[..., Account], safe: bool) -> None:
    account = make_account(safe=safe)
    user = openid(f"story-{safe}")
    delivery = account.say(user, URGENT_ZH)
    assert delivery.content is not None, delivery.attempts
    assert delivery.content.startswith(STOP_NOW_ZH)  # the passive reply: the stop-now steps, on their own
    assert len(delivery.attempts) == 1 and delivery.seconds < 4.5
    rest = account.standin.wait_sent(user, 1)  # the teaching that follows, by the customer-service API
    assert all(not s.text.startswith(STOP_NOW_ZH) for s in rest)
    assert all(len(s.text.encode()) <= 2048 for s in rest)
    assert "[" not in delivery.content or "[PHONE]" not in delivery.content


def test_numbered_choices_are_typed_back(account: Account) -> None:
    user = openid("numbers")
    delivery = account.say(user, "你好")
    assert delivery.content is not None and NUMBERED_ZH in delivery.content
    choices = dict(re.findall(r"^(\d+)\. (.+)$", delivery.content, flags=re.M))
    hotline = next(n for n, title in choices.items() if title == t("assistant.btn_hotlines", "zh"))
    answer = account.say(user, hotline)  # "1": the hotline button
    assert answer.content is not None and "110" in answer.content
    assert account.user_messages(user) == 2


def test_a_quiz_round_by_typing_letters_then_progress_with_the_chart(account: Account, quiz_database: Database) -> None:
    user = openid("quiz")
    first = account.say(user, "考考我")
    assert first.content is not None and NUMBERED_ZH in first.content  # who are you: numbered audiences
    question = account.say(user, "1")
    assert question.content is not None and question.content.startswith("第 1/5 题")
    for n in range(5):
        content = question.content or ""
        many = "多选" in content or "找出" in content
        question = account.say(user, "A B" if many else "a")
        content = question.content or ""
        assert content.startswith(("✅", "❌")), content
        if n < 4:
            assert f"第 {n + 2}/5 题" in content
    assert "本轮结束" in (question.content or "")
    with quiz_database.read() as s:
        learner = s.scalar(select(Learner).where(Learner.channel == Channel.WECHAT, Learner.external_id == user))
        assert learner is not None  # keyed by channel wechat and the OpenID
    uploads, before = len(account.standin.uploads), len(account.standin.sent_to(user))
    report = account.send(event(user, "CLICK", "PROGRESS"))  # the menu's progress: the same as typing it
    assert report.content is not None and "掌握程度" in report.content
    sent = account.standin.wait_sent(user, before + 1)  # the rest of the report (if long), then the chart
    deadline = time.monotonic() + 20
    while not any(s.kind == "image" for s in sent[before:]) and time.monotonic() < deadline:
        time.sleep(0.05)
        sent = account.standin.sent_to(user)
    images = [s for s in sent[before:] if s.kind == "image"]
    assert len(images) == 1 and sent[-1].kind == "image"  # the chart comes last
    assert len(account.standin.uploads) == uploads + 1 and account.standin.uploads[-1].head.startswith(b"\x89PNG")


def test_a_slow_reply_is_success_then_customer_service_messages(make_account: Callable[..., Account]) -> None:
    account = make_account(deadline=0.001)  # no turn is that fast: every reply is late
    user = openid("slow")
    delivery = account.say(user, URGENT_ZH)
    assert delivery.acknowledged and delivery.reply is None and delivery.attempts[0].body == "success"
    assert delivery.seconds < 1.0
    sent = account.standin.wait_sent(user, 2)
    assert sent[0].text.startswith(STOP_NOW_ZH)  # in order, the stop-now steps first
    assert account.user_messages(user) == 1


def test_retries_are_answered_once(account: Account) -> None:
    user = openid("retry")
    delivery = account.send(text(user, "我刚收到一条短信说我的快递丢了要理赔，让我点链接，这是诈骗吗"), lose=2)
    assert len(delivery.attempts) == 3  # two answers lost on the way, the third taken
    first, *retries = delivery.attempts
    assert first.body.startswith("<xml>")

    def reply(body: str) -> dict[str, str]:  # CreateTime is the second it was answered: it may tick between tries
        return {name: value for name, value in from_xml(body).items() if name != "CreateTime"}

    assert all(reply(r.body) == reply(first.body) for r in retries)  # the same passive reply
    assert account.user_messages(user) == 1  # one turn


def test_retries_of_a_late_reply_are_acknowledged_and_sent_once(make_account: Callable[..., Account]) -> None:
    account = make_account(deadline=0.001)
    user = openid("retry-late")
    delivery = account.send(text(user, "hello"), lose=3)
    assert [a.body for a in delivery.attempts] == ["success"] * 4
    sent = account.standin.wait_sent(user, 1)
    assert account.user_messages(user) == 1
    again = account.standin.wait_sent(user, len(sent))
    assert len(again) == len(sent)  # nothing more came from the retries


# --------------------------------------------------------------------------------------------------------------
# Events and other message types


def test_subscribe_greets_in_both_languages_and_asks_the_language(account: Account) -> None:
    user = openid("subscribe")
    welcome = account.send(event(user, "subscribe"))
    assert welcome.content is not None
    assert t("wechat.welcome", "zh") in welcome.content and t("wechat.welcome", "en") in welcome.content
    assert "1. 中文" in welcome.content and "2. English" in welcome.content
    english = account.say(user, "2")
    assert english.content is not None and NUMBERED_EN in english.content  # English from now on
    assert account.said(user)[0]["text"] == t("wechat.hello", "en")
    again = account.send(event(user, "subscribe", at=int(welcome.message["CreateTime"])))  # the same event again
    assert again.content == welcome.content and account.user_messages(user) == 1


@pytest.mark.parametrize(
    ("key", "intent"),
    [("HOTLINE", "ask_hotline"), ("RED_FLAGS", "ask_red_flags"), ("QUIZ", "start_quiz")],
    ids=["hotline", "red-flags", "quiz"],
)
def test_menu_clicks_are_the_buttons_payloads(account: Account, key: str, intent: str) -> None:
    user = openid(f"menu-{key}")
    reply = account.send(event(user, "CLICK", key))
    assert reply.content
    (said,) = account.said(user)
    assert said["text"] == f"/{intent}" and said["parse_data"]["intent"]["name"] == intent  # type: ignore[index]
    ignored = account.send(event(user, "VIEW", "https://example.org"))
    assert ignored.acknowledged and ignored.reply is None


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (image, "wechat.image"),
        (link, "wechat.link"),
        (voice, "wechat.voice"),
        (video, "wechat.video"),
        (location, "wechat.location"),
    ],
    ids=["image", "link", "voice", "video", "location"],
)
def test_unsupported_types_say_what_to_send_instead(account: Account, make: Callable[[str], dict], key: str) -> None:
    newcomer = openid(f"new-{key}")
    both = account.send(make(newcomer))  # no language known yet: both
    assert both.content == t(key, "zh") + "\n\n" + t(key, "en")
    chinese = openid(f"zh-{key}")
    account.say(chinese, "你好")
    assert account.send(make(chinese)).content == t(key, "zh")
    assert account.user_messages(newcomer) == 0


def test_a_recognised_voice_message_is_read_as_text(account: Account) -> None:
    user = openid("voice-text")
    reply = account.send(voice(user, recognition="报警电话是多少"))
    assert reply.content is not None and "110" in reply.content and account.user_messages(user) == 1


# --------------------------------------------------------------------------------------------------------------
# WeChat's API errors while answering


def test_a_revoked_token_is_refreshed_and_the_reply_delivered(make_account: Callable[..., Account]) -> None:
    account = make_account(deadline=0.001)
    first = openid("token-1")
    account.say(first, "hello")
    account.standin.wait_sent(first, 1)
    account.standin.revoke_tokens()  # another server fetched a new token: ours is 40001 now
    second = openid("token-2")
    account.say(second, "hello")
    assert account.standin.wait_sent(second, 1)
    assert account.standin.token_fetches == 2
    assert [s.errcode for s in account.standin.sent if s.errcode] == [40001]


def test_outside_the_48_hour_window_the_message_is_given_up(make_account: Callable[..., Account]) -> None:
    account = make_account(deadline=0.001)
    gone = openid("gone")
    account.standin.outside_window.add(gone)
    delivery = account.say(gone, URGENT_ZH)
    assert delivery.acknowledged
    account.standin.wait_sent(gone, 1, errcode=45015)  # the reply is delivered in the background
    other = openid("still-here")
    account.say(other, "hello")
    account.standin.wait_sent(other, 1)  # the server goes on
    refused = [s for s in account.standin.sent if s.to == gone]
    assert [s.errcode for s in refused] == [45015]  # tried once, given up: not the rest of the reply


def test_a_message_claimed_by_a_worker_that_died_is_taken_over(account: Account, quiz_database: Database) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.channels import inbox

    user = openid("orphan")
    message = text(user, "hello")
    with quiz_database.write() as s:  # a worker claimed it 30 s ago and never decided: it died
        inbox.claim(s, "wechat", f"msg:{message['MsgId']}", datetime.now(UTC) - timedelta(seconds=30))
    delivery = account.send(message)
    assert delivery.content and account.user_messages(user) == 1

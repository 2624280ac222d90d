"""What the WeChat front end decides without HTTP or a database: each kind of callback message (text, voice with
and without recognition, the unsupported types, events) as what to do, its inbox key, and the assistant's items as
WeChat texts (the stop-now steps first and alone, the rest joined, the buttons numbered, everything within 2048
bytes)."""

from __future__ import annotations

from typing import Any

import pytest
from wechatpy import parse_message

from bot.channels.replies import Choice, Item
from bot.i18n import t
from bot.web.wechat_messages import TEXT_BYTES, Inbound, Notice, inbound, notice_text, outgoing, welcome
from tests.bot.web.wechat_standin import event, image, link, location, openid, text, to_xml, video, voice

USER = openid("messages")


def parsed(fields: dict[str, Any]) -> Any:
    return parse_message(to_xml(fields))


def test_a_text_is_relayed_keyed_by_its_msgid() -> None:
    message = text(USER, "是诈骗吗", msg_id=1234567890123)
    assert inbound(parsed(message)) == Inbound(USER, "msg:1234567890123", text="是诈骗吗")


@pytest.mark.parametrize(
    ("fields", "notice"),
    [
        (image(USER), Notice.IMAGE),
        (link(USER), Notice.LINK),
        (voice(USER), Notice.VOICE),
        (video(USER), Notice.VIDEO),
        (location(USER), Notice.LOCATION),
        ({**text(USER, "x"), "MsgType": "file"}, Notice.OTHER),
    ],
    ids=["image", "link", "voice", "video", "location", "file"],
)
def test_unsupported_types_get_a_notice(fields: dict[str, Any], notice: Notice) -> None:
    got = inbound(parsed(fields))
    assert got is not None and got.notice is notice and got.text is None


def test_a_recognised_voice_message_is_relayed_as_its_text() -> None:
    got = inbound(parsed(voice(USER, recognition="有人让我转账")))
    assert got is not None and got.text == "有人让我转账"


@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        ("subscribe", None, Notice.WELCOME),
        ("subscribe", "qrscene_123", Notice.WELCOME),
        ("CLICK", "HOTLINE", "/ask_hotline"),
        ("CLICK", "RED_FLAGS", "/ask_red_flags"),
        ("CLICK", "QUIZ", "/start_quiz"),
        ("CLICK", "PROGRESS", "/ask_progress"),
        ("CLICK", "SOMETHING_ELSE", None),
        ("unsubscribe", None, None),
        ("VIEW", "https://example.org", None),
        ("LOCATION", None, None),
    ],
    ids=["subscribe", "subscribe-qr", "hotline", "red-flags", "quiz", "progress", "unknown-key", "unsubscribe",
         "view", "location-report"],
)  # fmt: skip
def test_events(name: str, key: str | None, expected: object) -> None:
    got = inbound(parsed(event(USER, name, key, at=1700000000)))
    if expected is None:
        assert got is None
    elif isinstance(expected, Notice):
        assert got is not None and got.notice is expected
    else:
        assert got is not None and got.text == expected


def test_event_keys_are_by_sender_and_time_and_hold_no_openid() -> None:
    one = inbound(parsed(event(USER, "subscribe", at=1700000000)))
    same = inbound(parsed(event(USER, "subscribe", at=1700000000)))
    later = inbound(parsed(event(USER, "subscribe", at=1700000001)))
    other = inbound(parsed(event(openid("other"), "subscribe", at=1700000000)))
    assert one is not None and same is not None and later is not None and other is not None
    assert one.key == same.key and len({one.key, later.key, other.key}) == 3
    assert USER not in one.key and len(one.key) <= 128


def test_a_message_without_a_sender_is_ignored() -> None:
    assert inbound(parsed({**text(USER, "x"), "FromUserName": ""})) is None


def test_the_welcome_is_in_both_languages_with_the_language_choice() -> None:
    text_ = welcome()
    assert t("wechat.welcome", "zh") in text_ and t("wechat.welcome", "en") in text_
    assert text_.endswith("1. 中文\n2. English")
    assert notice_text(Notice.WELCOME, "en") == text_ and notice_text(Notice.LINK, "en") == t("wechat.link", "en")


STOP = "🚨 现在立刻：\n1. 挂断电话\n2. 不要转账"


def test_the_stop_now_steps_come_first_and_alone() -> None:
    got = outgoing(
        [
            Item(STOP, urgent=True),
            Item("这是冒充公检法诈骗。"),
            Item("危险信号：……", (Choice("报警电话", "/ask_hotline"), Choice("怎么举报", "/ask_how_to_report"))),
        ]
    )
    assert got == [STOP, "这是冒充公检法诈骗。\n\n危险信号：……\n\n回复数字选择：\n1. 报警电话\n2. 怎么举报"]


def test_numbered_choices_are_in_the_reply_language() -> None:
    got = outgoing([Item("Hello!", (Choice("Hotlines", "/ask_hotline"),))])
    assert got == ["Hello!\n\nReply with a number:\n1. Hotlines"]


@pytest.mark.parametrize("urgent", [False, True], ids=["teaching", "urgent"])
def test_long_replies_are_split_to_wechat_limit(urgent: bool) -> None:
    paragraphs = [f"第{i}段：" + "不要把验证码告诉任何人。" * 20 for i in range(12)]
    got = outgoing([Item("\n\n".join(paragraphs), urgent=urgent), Item("最后一句。")])
    assert len(got) > 2 and all(len(part.encode()) <= TEXT_BYTES for part in got)
    assert "".join(got).replace("\n", "") == ("".join(paragraphs) + "最后一句。").replace("\n", "")
    assert got[0].startswith("第0段")

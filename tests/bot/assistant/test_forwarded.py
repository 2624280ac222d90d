"""Pasted messages: the sender's words are told apart from the user's own story, and cut out of the frame."""

from __future__ import annotations

import pytest

from bot.assistant.forwarded import is_forwarded, read_pasted

PASTED = [
    pytest.param(
        "这是诈骗吗？【XX快递】您的包裹因地址不详被退回，请点击 http://xx.top 重新填写地址",
        "【XX快递】您的包裹",
        id="zh-frame-courier",
    ),
    pytest.param(
        "is this legit: Your parcel is held at our depot, pay £1.99 at royalmail-redeliver.com",
        "Your parcel",
        id="en-frame-parcel",
    ),
    pytest.param(
        "【菜鸟驿站】您的包裹已到东门驿站，凭取件码3-2-1234取件",
        "【菜鸟驿站】",
        id="zh-bare-pickup",
    ),
    pytest.param(
        "Hi Mum its me, I dropped my phone in the toilet, this is my new number. text me on whatsapp",
        "Hi Mum",
        id="en-hi-mum",
    ),
    pytest.param(
        "我是你王总，换号了，明天上午来我办公室一趟",
        "我是你王总",
        id="zh-leader",
    ),
    pytest.param(
        "【招商银行】您尾号1234的信用卡于12月1日消费5000元，如非本人操作请致电95555 这个是真的吗",
        "【招商银行】",
        id="zh-frame-after",
    ),
    pytest.param(
        'got this text: "HMRC: you are due a tax refund of 326.50, claim at hmrc-refund.co" scam or not?',
        "HMRC:",
        id="en-quoted",
    ),
]

TOLD = [
    pytest.param(
        "昨天有个自称警察的人打电话说我涉嫌洗钱，让我转到安全账户",
        id="zh-story",
    ),
    pytest.param(
        "a man called and said my account was frozen and told me to move money",
        id="en-story",
    ),
    pytest.param(
        "are we still on for dinner tonight?",
        id="en-chat",
    ),
    pytest.param(
        "my bank texted about a suspicious charge, I called the number on my card and it was them",
        id="en-verified",
    ),
    pytest.param(
        "收到一条短信说我的ETC被停用了，要点链接认证，是真的吗",
        id="zh-paraphrase",
    ),
    pytest.param(
        "刷单返利是不是诈骗",
        id="zh-question",
    ),
    pytest.param(
        "   ",
        id="empty",
    ),
]


@pytest.mark.parametrize(("text", "start"), PASTED)
def test_a_pasted_message_is_recognised_and_its_text_cut_out(text: str, start: str) -> None:
    found = read_pasted(text)
    assert found.forwarded
    assert found.quoted.startswith(start)
    assert not found.quoted.endswith(("scam or not?", "这个是真的吗", '"'))


@pytest.mark.parametrize("text", TOLD)
def test_a_story_told_in_the_users_words_is_not_pasted(text: str) -> None:
    assert not is_forwarded(text)
    assert read_pasted(text).quoted == ""

"""Real conversations through the running stack: Rasa server (trained model) + action server, via the REST channel.

These check what a user actually receives: order of the reply, the right numbers for where they are, the language
they wrote in, follow-ups in context, and that bad input never breaks the conversation.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.conftest import Conversation

pytestmark = pytest.mark.stack

CJK = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(text: str) -> bool:
    return len(CJK.findall(text)) > len(re.findall(r"[A-Za-z]", text)) / 4


URGENT_POLICE = {
    "en": "someone from shanghai police is on the phone right now, he transferred my call from the chinese embassy and "
    "wants me to move my savings to a safe account immediately, i'm still on the line",
    "zh": "一个自称上海公安的人现在还在跟我视频，说我涉嫌洗钱，电话是从大使馆转接过来的，要我马上把钱转到安全账户",
}


@pytest.mark.parametrize("lang", ["en", "zh"], ids=["english", "chinese"])
def test_urgent_story_gets_stop_now_steps_first(conversation: Conversation, lang: str) -> None:
    conversation.say(URGENT_POLICE[lang])
    first = conversation.texts[0]
    assert first.startswith("🚨"), conversation.text
    assert "110" in first  # police number: China for a Chinese speaker; the fallback list names it for English too
    assert is_chinese(conversation.text) == (lang == "zh")
    slots = conversation.slots()
    assert slots["scam_type"] == "police_impersonation"
    assert slots["urgent"] is True
    assert "safe_account" in slots["red_flags"]


def test_calm_story_names_scam_teaches_flags_and_asks_one_followup(conversation: Conversation) -> None:
    conversation.say(
        "last month someone called saying they were amazon customer service and my parcel was lost, they offered "
        "compensation and asked me to download a meeting app and share my screen, i did and they saw my banking app"
    )
    assert conversation.texts[0].startswith("⚠️"), conversation.text
    assert "customer service" in conversation.texts[0].lower()
    slots = conversation.slots()
    assert slots["scam_type"] == "customer_service_refund"
    assert 2 <= len(slots["red_flags"]) <= 4
    assert "screen_sharing" in slots["red_flags"]
    assert conversation.texts[-1].endswith("?")  # one follow-up question, with yes/no buttons
    assert [b["payload"] for b in conversation.buttons] == ["/affirm", "/deny"]


def test_followup_yes_money_sent_gives_after_loss_steps(conversation: Conversation) -> None:
    conversation.say("有个自称淘宝客服的说要给我理赔，让我开了借呗把钱转到他给的账户")
    conversation.say("/affirm")  # the "Yes, I have" button
    text = conversation.text
    assert "银行" in text and "110" in text
    assert "追回" in text  # the recovery-scam warning
    assert conversation.slots()["money_sent"] == "yes"


def test_parent_abroad_then_country_gives_local_numbers(conversation: Conversation) -> None:
    conversation.say("我女儿在国外读书，刚才有人发来她被绑着的视频，要我马上打50万赎金，她电话打不通")
    assert conversation.texts[0].startswith("🚨")
    conversation.say("她在澳大利亚")
    text = conversation.text
    assert "000" in text and "12308" in text, text
    slots = conversation.slots()
    assert slots["at_risk_country"] == "AU" and slots.get("country") is None, (
        "the daughter is in Australia, not the parent"
    )
    conversation.say("我现在该怎么办")
    lines = conversation.text.splitlines()
    police = next(line for line in lines if line.startswith("📞"))
    assert "110" in police and "000" not in police, "000 cannot be dialled from China"
    them = next(line for line in lines if line.startswith("🚓"))
    assert "000" in them and "12308" in them


def test_follow_up_questions_in_context_and_language_switch(conversation: Conversation) -> None:
    conversation.say(
        "i'm a student in london. a man said he was from the chinese embassy and my parcel had fake passports"
    )
    assert conversation.slots()["country"] == "GB"
    conversation.say("how do i report it")
    assert "999" in conversation.text or "0300 123 2040" in conversation.text
    assert not is_chinese(conversation.text)
    conversation.say("我应该怎么报警")
    assert is_chinese(conversation.text), conversation.text


def test_button_press_keeps_the_conversation_language(conversation: Conversation) -> None:
    conversation.say("你好")
    assert is_chinese(conversation.text)
    conversation.say("/ask_hotline")
    assert is_chinese(conversation.text)
    assert "110" in conversation.text and "96110" in conversation.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("can the police transfer my call to another police station?", "transfer"),
        ("公安局会把通缉令发到微信上吗", "通缉令"),
        ("is there such a thing as a safe account", "safe account"),
    ],
    ids=["transfer-call-en", "warrant-zh", "safe-account-en"],
)
def test_question_gets_a_direct_answer(conversation: Conversation, question: str, expected: str) -> None:
    conversation.say(question)
    assert expected.lower() in conversation.texts[0].lower(), conversation.text
    assert conversation.slots()["scam_type"] == "police_impersonation"


def test_is_96110_real(conversation: Conversation) -> None:
    conversation.say("96110打电话给我，是真的吗")
    first = conversation.texts[0]
    assert "96110" in first
    assert "暂停" in first or "转账" in first, "a real anti-fraud centre call: take it seriously, pause transfers"
    assert conversation.slots()["scam_type"] == "none", "the anti-fraud centre's call is not police impersonation"


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "😱😱😱🙏",
        "\x00\x01\x02\xff\xfe binary \x7f",
        "scam " * 4000,  # 20,000 characters
        "Bonjour, la police m'a appelé et demande de l'argent",
        "警察からお金を振り込むように言われました",
        '{"not": ["a message"]}',
    ],
    ids=["empty", "spaces", "emoji", "binary", "20k-chars", "french", "japanese", "json"],
)
def test_bad_input_gets_a_reply_and_the_conversation_goes_on(conversation: Conversation, junk: str) -> None:
    conversation.say("hello")
    conversation.say(junk)
    assert conversation.text.strip(), f"no reply to {junk[:20]!r}"
    assert "Traceback" not in conversation.text
    conversation.say("what are the red flags of order brushing scams")
    assert "⚠️" not in conversation.text and conversation.text.strip()
    assert conversation.slots()["scam_type"] == "order_brushing"


def test_personal_numbers_never_reach_rasa_in_clear(conversation: Conversation) -> None:
    clear = {
        "cn_id": "11010519491231002X",
        "card": "6222 0212 3456 7890 123",
        "uk_phone": "+44 7700 900123",
        "email": "li.wei@example.com",
    }
    conversation.say(
        f"骗子让我报身份证号{clear['cn_id']}和银行卡{clear['card']}，"
        f"还留了电话 {clear['uk_phone']} 和邮箱 {clear['email']}"
    )
    tracker = conversation.stack.tracker(conversation.sender)
    latest = tracker["latest_message"]["text"]
    for value in clear.values():
        assert value not in latest
    assert "[ID]" in latest and "[CARD]" in latest and "[PHONE]" in latest and "[EMAIL]" in latest
    db = conversation.stack.tracker_db
    assert db is not None and db.exists()
    with sqlite3.connect(db) as connection:
        stored = "\n".join(row[0] for row in connection.execute("select data from events"))
    assert "[CARD]" in stored
    for value in clear.values():
        assert value not in stored
        assert value.replace(" ", "") not in stored.replace(" ", "")


def test_bank_details_and_codes_never_reach_rasa_in_clear(conversation: Conversation) -> None:
    clear = {"sort_code": "12-34-56", "account": "31926819", "cvv": "737", "code": "482913"}
    conversation.say(
        f"the bank's fraud team has my sort code {clear['sort_code']} account {clear['account']}, "
        f"card exp 12/27 cvv {clear['cvv']}, and I read them the 验证码是{clear['code']}"
    )
    latest = conversation.stack.tracker(conversation.sender)["latest_message"]["text"]
    for value in clear.values():
        assert value not in latest
    assert all(token in latest for token in ("[BANK_CODE]", "[ACCOUNT]", "[EXPIRY]", "[CODE]"))
    db = conversation.stack.tracker_db
    assert db is not None
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select data from events where sender_id = ?", (conversation.sender,))
        stored = "\n".join(row[0] for row in rows)
    for value in clear.values():  # as a number of its own (confidences such as 0.59317370338 hold any digits)
        assert not re.search(rf"(?<![\d.]){re.escape(value)}(?!\d)", stored), value


def test_country_in_the_story_wins_over_china_named_as_the_scammer(conversation: Conversation) -> None:
    conversation.say(
        "i'm in sydney, a man says he is from the chinese embassy and shanghai police want me to transfer my money to "
        "a safe account, he is still on the phone"
    )
    first = conversation.texts[0]
    assert first.startswith("🚨")
    assert "000" in first and "12308" in first
    assert conversation.slots()["country"] == "AU"

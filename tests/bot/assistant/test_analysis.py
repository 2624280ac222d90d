"""Tests for bot.assistant.analysis: from a Rasa parse result to kind, scam type, urgency and confidence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.assistant.analysis import LIVE_CUES, analyse, cue_urgency
from bot.shared.labels import SCAM_TYPES, Kind, ScamType, experience_intent, question_intent

ParseFactory = Callable[..., dict[str, Any]]

# --------------------------------------------------------------------------------------------------------------
# kind and scam type


@pytest.mark.parametrize("scam", SCAM_TYPES, ids=[s.value for s in SCAM_TYPES])
def test_experience_intent_maps_to_experience_of_its_type(make_parse: ParseFactory, scam: ScamType) -> None:
    parse = make_parse(
        "it happened to me",
        [(experience_intent(scam), 0.81), (question_intent(scam), 0.1), ("greet", 0.02)],
        [(scam.value, 0.77), ("none", 0.1)],
    )
    a = analyse(parse)
    assert (a.kind, a.scam_type, a.intent, a.fallback) == (Kind.EXPERIENCE, scam, experience_intent(scam), False)
    assert a.confidence == pytest.approx(0.77)  # the scam-type head decides the confidence


@pytest.mark.parametrize("scam", SCAM_TYPES, ids=[s.value for s in SCAM_TYPES])
def test_question_intent_maps_to_question_of_its_type(make_parse: ParseFactory, scam: ScamType) -> None:
    intents = [(question_intent(scam), 0.74), (experience_intent(scam), 0.2)]
    parse = make_parse("how does it work?", intents, [(scam.value, 0.8)])
    a = analyse(parse)
    assert (a.kind, a.scam_type) == (Kind.QUESTION, scam)


# (id, text, intent, expected kind)
GENERAL = [
    ("ask_hotline", "which number should I call?", "ask_hotline", Kind.QUESTION),
    ("ask_red_flags", "how do I spot a scam?", "ask_red_flags", Kind.QUESTION),
    ("ask_what_to_do", "我现在该怎么办", "ask_what_to_do", Kind.QUESTION),
    ("ask_how_to_report", "how do I report it?", "ask_how_to_report", Kind.QUESTION),
    ("ask_number_real", "96110是真的吗", "ask_number_real", Kind.QUESTION),
    ("greet", "你好", "greet", Kind.OTHER),
    ("goodbye", "bye", "goodbye", Kind.OTHER),
    ("thank", "谢谢", "thank", Kind.OTHER),
    ("affirm", "yes", "affirm", Kind.OTHER),
    ("deny", "没有", "deny", Kind.OTHER),
    ("ask_help", "what can you do?", "ask_help", Kind.OTHER),
    ("start_quiz", "考考我", "start_quiz", Kind.OTHER),
    ("inform_location", "my son is in Australia", "inform_location", Kind.OTHER),
    ("out_of_scope", "what's the weather tomorrow", "out_of_scope", Kind.OTHER),
]


@pytest.mark.parametrize(("text", "intent", "kind"), [c[1:] for c in GENERAL], ids=[c[0] for c in GENERAL])
def test_general_and_conversation_intents_have_no_scam_type(
    make_parse: ParseFactory, text: str, intent: str, kind: Kind
) -> None:
    a = analyse(make_parse(text, [(intent, 0.9), ("greet" if intent != "greet" else "thank", 0.03)], [("none", 0.88)]))
    assert (a.kind, a.scam_type, a.intent) == (kind, ScamType.NONE, intent)


def test_scam_head_decides_the_type_and_the_top_intent_decides_the_kind(make_parse: ParseFactory) -> None:
    # Rasa's top intent is a fake-shopping question, but the head (trained on the types directly) says investment:
    # the type comes from the head, the kind from the intent that fires the rule (measured better on held-out data
    # than re-deriving the kind within the head's type: kind macro-F1 0.893 vs 0.879).
    parse = make_parse(
        "I put 50,000 into a platform a WeChat friend recommended and now I can't withdraw",
        [("question_fake_shopping", 0.34), ("experience_investment", 0.3), ("question_investment", 0.12)],
        [("investment", 0.62), ("fake_shopping", 0.2)],
    )
    a = analyse(parse)
    assert (a.kind, a.scam_type, a.intent) == (Kind.QUESTION, ScamType.INVESTMENT, "question_fake_shopping")
    assert a.confidence == pytest.approx(0.62)


def test_scam_head_type_with_a_conversation_intent_keeps_kind_other(make_parse: ParseFactory) -> None:
    parse = make_parse(
        "对方说帮我把钱追回来，但要先交手续费",
        [("out_of_scope", 0.41), ("thank", 0.2)],
        [("recovery_scam", 0.58), ("none", 0.3)],
    )
    a = analyse(parse)
    assert (a.kind, a.scam_type) == (Kind.OTHER, ScamType.RECOVERY_SCAM)


def test_scam_head_type_keeps_a_general_question_kind(make_parse: ParseFactory) -> None:
    parse = make_parse("刷单被骗了找谁报案", [("ask_how_to_report", 0.55), ("greet", 0.1)], [("order_brushing", 0.7)])
    a = analyse(parse)
    assert (a.kind, a.scam_type) == (Kind.QUESTION, ScamType.ORDER_BRUSHING)


def test_scam_head_none_keeps_the_intents_kind(make_parse: ParseFactory) -> None:
    a = analyse(make_parse("what should I do?", [("ask_what_to_do", 0.8)], [("none", 0.9)]))
    assert (a.kind, a.scam_type) == (Kind.QUESTION, ScamType.NONE)


def test_without_a_scam_head_the_type_is_the_largest_intent_mass(make_parse: ParseFactory) -> None:
    # experience_investment + question_investment (0.3 + 0.25) outweigh the single top intent (0.4)
    parse = make_parse(
        "a teacher in a stock group told us to buy on a new app",
        [("experience_order_brushing", 0.4), ("experience_investment", 0.3), ("question_investment", 0.25)],
        scams=None,
    )
    a = analyse(parse)
    assert (a.kind, a.scam_type) == (Kind.EXPERIENCE, ScamType.INVESTMENT)
    assert a.confidence == pytest.approx(0.55)
    assert a.scam_mass == pytest.approx({"order_brushing": 0.4, "investment": 0.55})


def test_unknown_scam_head_name_falls_back_to_the_intent_mass(make_parse: ParseFactory) -> None:
    parse = make_parse("they sent me a link", [("experience_phishing_link", 0.7)], [("not_a_scam_type", 0.9)])
    a = analyse(parse)
    assert (a.kind, a.scam_type) == (Kind.EXPERIENCE, ScamType.PHISHING_LINK)
    assert a.confidence == pytest.approx(0.7)


def test_intent_without_a_ranking(make_parse: ParseFactory) -> None:
    parse = {"text": "/affirm", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []}
    a = analyse(parse)
    assert (a.kind, a.scam_type, a.intent, a.fallback) == (Kind.OTHER, ScamType.NONE, "affirm", False)


def test_empty_parse(make_parse: ParseFactory) -> None:
    a = analyse(make_parse("", [], scams=None, urgent=None))
    assert (a.kind, a.scam_type, a.intent, a.urgent, a.confidence) == (Kind.OTHER, ScamType.NONE, None, False, 0.0)
    assert analyse({}).kind is Kind.OTHER


# --------------------------------------------------------------------------------------------------------------
# fallback


def test_fallback_takes_the_kind_from_the_best_real_intent(make_parse: ParseFactory) -> None:
    parse = make_parse(
        "他们说我的卡有问题",
        [("question_police_impersonation", 0.12), ("experience_police_impersonation", 0.11), ("greet", 0.05)],
        [("police_impersonation", 0.66), ("customer_service_refund", 0.2)],
        fallback=True,
    )
    assert parse["intent"]["name"] == "nlu_fallback"
    a = analyse(parse)
    assert a.fallback is True
    assert a.intent is None  # the fallback is not an intent the bot acts on
    assert (a.kind, a.scam_type) == (Kind.QUESTION, ScamType.POLICE_IMPERSONATION)
    assert a.confidence == pytest.approx(0.66)
    assert "none" not in a.scam_mass or a.scam_mass["none"] == pytest.approx(0.05)  # nlu_fallback adds no mass


def test_fallback_experience_from_the_ranking_without_head(make_parse: ParseFactory) -> None:
    parse = make_parse(
        "someone sent me money by mistake and wants it back",
        [("experience_fake_acquaintance", 0.13), ("experience_customer_service_refund", 0.12), ("ask_help", 0.1)],
        scams=None,
        fallback=True,
    )
    a = analyse(parse)
    assert a.fallback is True
    assert a.kind is Kind.EXPERIENCE
    assert a.scam_type is ScamType.FAKE_ACQUAINTANCE
    assert a.confidence == pytest.approx(0.13)  # not the fallback's own 0.15


def test_fallback_with_only_conversation_intents(make_parse: ParseFactory) -> None:
    parse = make_parse("嗯嗯", [("affirm", 0.12), ("thank", 0.1)], [("none", 0.5)], fallback=True)
    a = analyse(parse)
    assert (a.fallback, a.kind, a.scam_type) == (True, Kind.OTHER, ScamType.NONE)


def test_fallback_with_nothing_else() -> None:
    fallback = {"name": "nlu_fallback", "confidence": 0.15}
    parse = {"text": "asdf", "intent": dict(fallback), "intent_ranking": [dict(fallback)]}
    a = analyse(parse)
    assert (a.fallback, a.kind, a.scam_type, a.intent, a.confidence) == (True, Kind.OTHER, ScamType.NONE, None, 0.0)


def test_as_dict(make_parse: ParseFactory) -> None:
    a = analyse(make_parse("我刚转了2万", [("experience_order_brushing", 0.812345)], [("order_brushing", 0.765432)]))
    assert a.as_dict() == {
        "kind": "experience",
        "scam_type": "order_brushing",
        "urgent": True,
        "confidence": 0.7654,
        "intent": "experience_order_brushing",
        "fallback": False,
        "forwarded": False,
    }


# --------------------------------------------------------------------------------------------------------------
# urgency


def test_urgency_from_the_model_verdict(make_parse: ParseFactory) -> None:
    calm_words = "my daughter studies in Sydney and got a call from the consulate"
    intents, scams = [("experience_virtual_kidnapping", 0.7)], [("virtual_kidnapping", 0.7)]
    parse = make_parse(calm_words, intents, scams, urgent=True, urgent_confidence=0.83)
    a = analyse(parse)
    assert not cue_urgency(calm_words)
    assert a.urgent is True
    assert a.urgent_model == pytest.approx(0.83)


def test_past_story_veto_does_not_override_the_model(make_parse: ParseFactory) -> None:
    text = "去年有个假警察让我马上转账，我直接挂了"
    parse = make_parse(text, [("experience_police_impersonation", 0.8)], [("police_impersonation", 0.8)], urgent=True)
    assert not cue_urgency(text)
    assert analyse(parse).urgent is True


def test_model_says_not_urgent_and_no_cue(make_parse: ParseFactory) -> None:
    intents, scams = [("question_order_brushing", 0.9)], [("order_brushing", 0.9)]
    parse = make_parse("what is order brushing?", intents, scams, urgent=False, urgent_confidence=0.04)
    a = analyse(parse)
    assert a.urgent is False
    assert a.urgent_model == pytest.approx(0.04)


def test_no_urgency_head(make_parse: ParseFactory) -> None:
    intents, scams = [("question_order_brushing", 0.9)], [("order_brushing", 0.9)]
    a = analyse(make_parse("what is order brushing?", intents, scams, urgent=None))
    assert (a.urgent, a.urgent_model) == (False, None)


# Live situations: urgent from the words alone even when the model says no.
LIVE = [
    ("zh-still-on-phone", "他还在电话里"),
    ("zh-still-on-phone-with-mum", "我妈还在跟对方通话，怎么办"),
    ("zh-still-video", "我还在和他视频，他穿着警服"),
    ("zh-not-hung-up", "电话还没挂，他让我别挂"),
    ("zh-transfer-now", "他们让我现在马上转账到安全账户"),
    ("zh-just-transferred", "刚转了2万"),
    ("zh-just-transferred-long", "我刚刚转了两万块给他"),
    ("zh-already-paid", "我已经付了三次解冻费了"),
    ("zh-ransom", "对方说我儿子被绑了，要赎金"),
    ("zh-cant-reach", "女儿在墨尔本，现在联系不上她"),
    ("en-asking-transfer-now", "they're asking me to transfer right now"),
    ("en-told-to-send", "he told me to send the money to a new account"),
    ("en-still-on-line", "my mum is still on the phone with them"),
    ("en-video-call", "I'm on a video call with them and they are in uniform"),
    ("en-not-hung-up", "I haven't hung up yet"),
    ("en-just-sent", "I just sent them 3000 pounds"),
    ("en-immediately", "they said I must pay the fine immediately"),
    ("en-ransom", "a man says my son was kidnapped and wants a ransom"),
    ("en-cant-reach", "I can't reach my daughter in London, she stopped replying"),
    ("en-within-minutes", "they want it done within 30 minutes"),
    # about to move money, at the bank, the payment page still open, a person gone quiet
    ("zh-about-to-transfer", "我妈正准备去银行汇5万给那个老师"),
    ("zh-at-bank-counter", "我爸现在在银行柜台，说要把定期取出来"),
    ("zh-page-still-open", "付款页面还开着，要不要输密码"),
    ("zh-no-news-since", "表妹去了泰国以后就没了消息"),
    ("en-about-to-send", "my dad is about to send the money to the account they gave him"),
    ("en-screen-open", "the transfer screen is still open on my phone"),
    ("en-at-bank", "she's at the bank counter with the cashier now"),
    ("en-still-talking", "he's still talking to me on whatsapp"),
    ("en-yes-sent", "yes i sent it"),
]


@pytest.mark.parametrize("text", [c[1] for c in LIVE], ids=[c[0] for c in LIVE])
def test_live_cues_make_it_urgent(make_parse: ParseFactory, text: str) -> None:
    parse = make_parse(text, [("experience_police_impersonation", 0.6)], [("police_impersonation", 0.6)], urgent=False)
    assert cue_urgency(text)
    a = analyse(parse)
    assert a.urgent is True
    assert a.urgent_model == pytest.approx(0.08)  # the model said no: the words decided


# Calm stories and questions: no live situation, no false alarm.
CALM = [
    ("en-past-hung-up", "last year someone called me pretending to be police, I hung up"),
    ("en-past-ignored", "I got a text about a parcel last week and ignored it"),
    ("en-question-transfer", "can the police transfer my call to another police station?"),
    ("en-question-safe-account", "what is a safe account?"),
    ("en-past-knew", "someone called pretending to be police last month but I knew it was a scam and blocked him"),
    ("en-friend-story", "my friend lost money to a fake investment app two years ago"),
    ("zh-past-hung-up", "去年有人冒充警察给我打电话，我直接挂了"),
    ("zh-question", "公安会打电话让我转账吗？"),
    ("zh-past-blocked", "上个月有人让我刷单，我没理他，已经拉黑了"),
    ("zh-red-flags", "刷单有哪些危险信号"),
    # past stories that quote what the scammer demanded, and how they ended
    (
        "en-past-told-to-transfer",
        "last year someone pretending to be police told me to transfer money to a safe account, I hung up",
    ),
    (
        "en-past-immediately",
        "A few months ago my mum was told to pay a fine immediately, she called me and we reported it",
    ),
    ("en-past-didnt-pay", "two years ago a 'customs officer' wanted me to pay right away for a parcel, I didn't pay"),
    ("zh-past-told-to-transfer", "去年有个假警察让我马上转账，我直接挂了"),
    ("zh-past-blocked-transfer-now", "上个月有个客服让我立即转账退款，我没理，直接拉黑了"),
    # a genuine notice and a check the user already made
    (
        "en-pickup-within-72-hours",
        "InPost: Your parcel is in locker KNG22M. Open code: 774201. Collect within 72 hours.",
    ),
    ("zh-called-the-card-number", "我已经打了卡背面的95566确认是银行发的"),
    ("zh-parcel-no-news", "快递三天了还没消息"),
]

# Past and present in one message: what is happening now decides.
PAST_THEN_LIVE = [
    ("en-hung-up-but-now", "Last week they called and I hung up, but now they are asking me to transfer right now"),
    ("zh-scammed-before-now-again", "上个月被骗过，刚才他们又让我马上转账"),
    ("zh-last-year-still-on-phone", "去年被骗了，我挂了电话，现在对方还在电话里"),
    ("zh-went-abroad-cant-reach", "我女儿去年去了英国，现在联系不上她"),
]


@pytest.mark.parametrize("text", [c[1] for c in PAST_THEN_LIVE], ids=[c[0] for c in PAST_THEN_LIVE])
def test_live_cue_counts_when_something_happens_now(make_parse: ParseFactory, text: str) -> None:
    parse = make_parse(text, [("experience_police_impersonation", 0.6)], [("police_impersonation", 0.6)], urgent=False)
    assert analyse(parse).urgent is True


@pytest.mark.parametrize("text", [c[1] for c in CALM], ids=[c[0] for c in CALM])
def test_no_false_urgency_on_calm_messages(make_parse: ParseFactory, text: str) -> None:
    parse = make_parse(text, [("experience_police_impersonation", 0.6)], [("police_impersonation", 0.6)], urgent=False)
    assert not cue_urgency(text), [p.pattern for p in LIVE_CUES if p.search(text)]
    assert analyse(parse).urgent is False


# --------------------------------------------------------------------------------------------------------------
# confidence


# (id, make_parse arguments or a raw parse dict)
CONFIDENCE: list[tuple[str, Any]] = [
    ("head", (("x", [("experience_investment", 0.9)], [("investment", 0.93)]), {})),
    ("head-over-one", (("x", [("experience_investment", 0.9)], [("investment", 1.0000002)]), {})),
    ("mass-over-one", (("x", [("experience_investment", 0.7), ("question_investment", 0.4)]), {"scams": None})),
    ("mass-rounding", (("x", [("experience_investment", 0.6 + 1e-7), ("question_investment", 0.4 + 1e-7)]), {})),
    ("fallback", (("x", [("experience_investment", 0.1)]), {"fallback": True})),
    ("fallback-head", (("x", [("experience_investment", 0.1)], [("investment", 0.4)]), {"fallback": True})),
    ("empty", (("", []), {"scams": None, "urgent": None})),
    (
        "head-none-confidence",
        {
            "text": "x",
            "intent": {"name": "greet", "confidence": 0.9},
            "intent_ranking": [{"name": "greet", "confidence": 0.9}],
            "scam_type": {"name": "none", "confidence": None},
        },
    ),
    ("missing-confidence", {"text": "x", "intent": {"name": "greet"}, "intent_ranking": [{"name": "greet"}]}),
]


@pytest.mark.parametrize("case", [c[1] for c in CONFIDENCE], ids=[c[0] for c in CONFIDENCE])
def test_confidence_is_a_probability(make_parse: ParseFactory, case: Any) -> None:
    parse = case if isinstance(case, dict) else make_parse(*case[0], **case[1])
    assert 0.0 <= analyse(parse).confidence <= 1.0

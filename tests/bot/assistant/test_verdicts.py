"""Verdicts people can trust: legitimate look-alikes, pasted messages, red flags only with evidence."""

from __future__ import annotations

import pytest

from bot.assistant.analysis import Analysis
from bot.assistant.flags import evidence_flags
from bot.assistant.teach import Context, experience_reply
from bot.assistant.verdicts import lookalike_reply, pasted_reply, risks_in
from bot.i18n import t
from bot.knowledge import KnowledgeBase
from bot.shared.labels import SCAM_TYPES, ScamType
from bot.shared.lang import Lang
from tests.bot.conftest import AnalysisFactory

ZH, EN = Lang.ZH, Lang.EN

RISKS = [
    pytest.param("请点击 http://xx.top 重新填写地址并支付2元运费", ["link", "payment"], id="zh-link-pay"),
    pytest.param("Your parcel is held, pay £1.99 at royalmail-redeliver.com", ["link", "payment"], id="en-link-pay"),
    pytest.param("【菜鸟驿站】您的包裹已到东门驿站，凭取件码3-2-1234取件", [], id="zh-pickup-code-is-not-a-code-ask"),
    pytest.param("they didn't ask for any payment and there was no link", [], id="en-negated"),
    pytest.param("老师说不用交钱，也没有链接", [], id="zh-negated"),
    pytest.param("the bank asked me to read out the verification code", ["code"], id="en-code"),
    pytest.param("让我下载一个会议App共享屏幕", ["install"], id="zh-install"),
]


@pytest.mark.parametrize(("text", "expected"), RISKS)
def test_risks_in_a_message(text: str, expected: list[str]) -> None:
    assert risks_in(text) == expected


def lookalike(make_analysis: AnalysisFactory, text: str) -> Analysis:
    return make_analysis(text, "ask_legitimate")


@pytest.mark.parametrize("lang", [ZH, EN], ids=["zh", "en"])
def test_a_genuine_notice_is_called_genuine_with_the_evidence_the_check_and_the_turn(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, lang: Lang
) -> None:
    text = "【菜鸟驿站】您的包裹已到东门驿站，凭取件码3-2-1234取件，这是诈骗吗"
    reply = lookalike_reply(kb, lookalike(make_analysis, text), Context(lang=lang))
    entry = kb.find_lookalike(text) or kb.lookalike("general")
    verdict = next(
        m for m in reply.messages if m.startswith(t("assistant.lookalike_genuine", lang, name=entry.name.get(lang)))
    )
    for key in ("assistant.genuine_no_link", "assistant.genuine_no_payment"):
        assert t(key, lang) in verdict
    assert t("assistant.lookalike_check", lang) + "\n" + entry.check.get(lang) in reply.messages
    assert t("assistant.lookalike_turns", lang) + "\n" + entry.turns_scam.get(lang) in reply.messages
    assert reply.slots["scam_type"] == ScamType.NONE.value
    assert t("assistant.ask_money_sent", lang) not in reply.text


def test_called_back_on_the_official_number_is_named_as_evidence(
    kb: KnowledgeBase, make_analysis: AnalysisFactory
) -> None:
    text = "My bank texted about a suspicious charge, I called the number on the back of my card and it was them"
    reply = lookalike_reply(kb, lookalike(make_analysis, text), Context(lang=EN))
    assert t("assistant.genuine_called_back", EN) in reply.text


def test_a_look_alike_that_asks_for_money_or_a_click_is_not_called_genuine(
    kb: KnowledgeBase, make_analysis: AnalysisFactory
) -> None:
    text = "is this legit: Your parcel is held at our depot, pay £1.99 at royalmail-redeliver.com"
    reply = lookalike_reply(kb, lookalike(make_analysis, text), Context(lang=EN))
    entry = kb.find_lookalike(text) or kb.lookalike("general")
    asks = ", ".join([t("assistant.risk_link", EN), t("assistant.risk_payment", EN)])
    assert t("assistant.lookalike_but", EN, name=entry.name.get(EN), asks=asks) in reply.messages
    assert not any(m.startswith(t("assistant.lookalike_genuine", EN, name=entry.name.get(EN))) for m in reply.messages)


def test_a_warning_call_from_the_anti_fraud_centre_says_take_it_seriously_first(
    kb: KnowledgeBase, make_analysis: AnalysisFactory
) -> None:
    text = "接到96110的电话，说我可能正在被骗，让我先别转账，这是真的吗"
    entry = kb.find_lookalike(text)
    assert entry is not None and entry.urgent_note is not None, "the anti-fraud centre's call has its own entry"
    reply = lookalike_reply(kb, lookalike(make_analysis, text), Context(lang=ZH))
    assert reply.messages[0] == "⚠️ " + entry.urgent_note.get(ZH)


def test_a_pasted_scam_is_judged_with_its_own_words_quoted(kb: KnowledgeBase, make_analysis: AnalysisFactory) -> None:
    text = "这是诈骗吗？我是你王总，换号了，明天上午来我办公室一趟，先帮我转2万给客户"
    analysis = make_analysis(text, "question_fake_acquaintance")
    assert analysis.forwarded
    reply = pasted_reply(kb, analysis, Context(lang=ZH))
    shown, _ = evidence_flags(kb, ScamType.FAKE_ACQUAINTANCE, analysis.quoted)
    assert shown, "the script's own words show at least one flag"
    for flag in shown:
        quote = flag.find(analysis.quoted)
        assert quote and quote in analysis.quoted
        assert t("assistant.quote", ZH, quote=quote) in reply.text
    assert t("assistant.red_flags_in_message", ZH) in reply.text
    assert t("assistant.red_flags_title", ZH) not in reply.text, "the user did not say these things: the sender did"
    assert t("assistant.ask_money_sent", ZH) not in reply.text


STORIES = [
    pytest.param("班主任在家长群发通知：下周三期末考试，请家长督促孩子复习，不需要交任何费用", id="zh-teacher-notice"),
    pytest.param("we are going out for dinner tonight, want to come?", id="en-dinner"),
    pytest.param(
        "a man called and said he was from the police and I must transfer money to a safe account", id="en-police"
    ),
    pytest.param("有人冒充客服说我的快递丢了要理赔，让我下载App共享屏幕", id="zh-refund"),
]


@pytest.mark.parametrize("text", STORIES)
@pytest.mark.parametrize("lang", [ZH, EN], ids=["zh", "en"])
def test_red_flags_in_what_you_told_me_are_only_those_the_words_show(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, text: str, lang: Lang
) -> None:
    for scam in SCAM_TYPES:
        reply = experience_reply(kb, make_analysis(text, f"experience_{scam.value}"), Context(lang=lang))
        shown, watch = evidence_flags(kb, scam, text)
        assert all(flag.matches(text) for flag in shown)
        said = t("assistant.red_flags_title", lang)
        assert (said in reply.text) is bool(shown), scam
        if not shown:
            assert t("assistant.watch_for_title", lang) in reply.text
            for flag in watch:
                assert flag.text.get(lang) in reply.text

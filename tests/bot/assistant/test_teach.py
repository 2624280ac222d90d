"""Tests for bot.assistant.teach: the replies composed from the real knowledge base for each situation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from bot.assistant.analysis import Analysis
from bot.assistant.contacts import fill, number_variants, numbers_in, official_contact
from bot.assistant.flags import MAX_FLAGS, MIN_FLAGS
from bot.assistant.places import Places
from bot.assistant.teach import (
    Context,
    Reply,
    clarify_reply,
    experience_reply,
    followup_reply,
    hotline_reply,
    location_reply,
    number_reply,
    question_reply,
    red_flags_reply,
    report_reply,
    simple_reply,
    what_to_do_reply,
)
from bot.i18n import catalog, t
from bot.knowledge import Contact, KnowledgeBase, Text
from bot.shared.labels import SCAM_TYPES, ScamType
from bot.shared.lang import Lang

AnalysisFactory = Callable[..., Analysis]

ZH, EN = Lang.ZH, Lang.EN

#: The assistant's fixed sentences from the catalog: key -> (zh, en).
MESSAGES: dict[str, tuple[str, str]] = {
    key: (str(entry.texts["zh"]), str(entry.texts["en"]))
    for key, entry in catalog().items()
    if key.startswith("assistant.")
}
LANGS = (ZH, EN)


def has_number(text: str, number: str) -> bool:
    """Whether ``number`` occurs in ``text`` as a whole number (not inside a longer one)."""
    return re.search(rf"(?<![\d#]){re.escape(number)}(?!\d)", text) is not None


def call_line(reply: Reply) -> str:
    """The "📞 call the police" line of the reply's stop-now block."""
    lines = [line for line in reply.messages[0].splitlines() if line.startswith("📞")]
    assert len(lines) == 1, reply.messages[0]
    return lines[0]


def call_part(reply: Reply) -> str:
    """The stop-now block from its "📞" line on: who to call (after the knowledge base's steps)."""
    first = reply.messages[0]
    return first[first.index("\n📞") + 1 :]


def kb_texts(kb: KnowledgeBase) -> Iterator[Text]:
    """Every bilingual text in the knowledge base."""
    for scam in kb.scams.values():
        yield from (scam.name, scam.summary, *scam.steps, *scam.prevention, *scam.if_happening_now, *scam.after_loss)
    for flag in kb.red_flags.values():
        yield from (flag.text, flag.truth)
    for contact in kb.all_contacts():
        yield from (contact.name, contact.use_for)
    for country in kb.countries.values():
        yield country.name


_FOREIGN: dict[tuple[int, Lang], list[str]] = {}


def foreign_sentences(kb: KnowledgeBase, lang: Lang) -> list[str]:
    """Sentences in the *other* language that must never appear in a reply in ``lang``: the knowledge base's and
    the fixed messages' (except the deliberately bilingual "other_language")."""
    if (id(kb), lang) not in _FOREIGN:
        _FOREIGN[(id(kb), lang)] = _foreign_sentences(kb, lang)
    return _FOREIGN[(id(kb), lang)]


def _foreign_sentences(kb: KnowledgeBase, lang: Lang) -> list[str]:
    other = EN if lang is ZH else ZH
    shortest = 4 if other is ZH else 12  # a few Chinese characters already say something; "No" does not
    found = set()
    pairs = [(text.get(other), text.get(lang)) for text in kb_texts(kb)]
    pairs += [
        ((zh, en) if other is ZH else (en, zh))
        for key, (zh, en) in MESSAGES.items()
        if key != "assistant.other_language"
    ]
    for foreign, own in pairs:
        if len(foreign) >= shortest and foreign not in own:  # "ReportCyber" is the zh name too
            found.add(foreign)
    return sorted(found)


def assert_in_language(kb: KnowledgeBase, reply: Reply, lang: Lang) -> None:
    leaked = [s for s in foreign_sentences(kb, lang) if s in reply.text]
    assert not leaked, f"{lang} reply contains text in the other language: {leaked[:3]}"
    buttons = {key: MESSAGES[key][0 if lang is ZH else 1] for key in MESSAGES if key.startswith("assistant.btn_")}
    assert all(b.title in buttons.values() for b in reply.buttons), [b.title for b in reply.buttons]


# --------------------------------------------------------------------------------------------------------------
# experience_reply: urgent


# (id, lang, country, scam, text, police numbers in the call line, consular line expected)
URGENT = [
    (
        "GB-en",
        EN,
        "GB",
        "police_impersonation",
        "A man who says he's from the Met police is still on the phone, he wants me to move my savings to a safe "
        "account",
        ("999",),
        True,
    ),
    (
        "AU-en",
        EN,
        "AU",
        "virtual_kidnapping",
        "Someone says they kidnapped my son in Melbourne and wants a ransom right now",
        ("000",),
        True,
    ),
    (
        "US-en",
        EN,
        "US",
        "police_impersonation",
        "they're asking me to transfer right now, the officer says I'm a suspect in money laundering",
        ("911",),
        True,
    ),
    ("CA-zh", ZH, "CA", "investment", "平台说要交20%的税才能提现，他们让我现在马上转账", ("911",), True),
    ("CN-zh", ZH, "CN", "police_impersonation", "他还在电话里，说我涉嫌洗钱，让我把钱转到安全账户", ("110",), False),
    ("zh-no-country", ZH, None, "verification_code", "刚转了2万，对方还在电话里让我报验证码", ("110",), False),
    ("JP-zh", ZH, "JP", "police_impersonation", "我在东京，自称中国警察的人还在视频里，让我马上转账", ("110",), True),
    (
        "KR-en",
        EN,
        "KR",
        "customer_service_refund",
        "I'm in Seoul and the refund agent is still on the line asking me to share my screen right now",
        ("112",),
        True,
    ),
]


@pytest.mark.parametrize(
    ("lang", "country", "scam", "text", "police", "consular"), [c[1:] for c in URGENT], ids=[c[0] for c in URGENT]
)
def test_urgent_experience_starts_with_stop_now(
    kb: KnowledgeBase,
    make_analysis: AnalysisFactory,
    lang: Lang,
    country: str | None,
    scam: str,
    text: str,
    police: tuple[str, ...],
    consular: bool,
) -> None:
    analysis = make_analysis(text, f"experience_{scam}", urgent=True)
    reply = experience_reply(kb, analysis, Context(lang=lang, country=country))

    first = reply.messages[0]
    assert first.startswith(t("assistant.stop_now_title", lang))
    for step in kb.scam(scam).if_happening_now:
        assert fill(kb, step.get(lang), Places(country), lang) in first
    line = call_line(reply)
    assert all(has_number(line, n) for n in police), line
    assert has_number(call_part(reply), "12308") is consular, call_part(reply)
    if consular:
        assert kb.consular[0].name.get(lang) in call_part(reply)
    # no other country's emergency number offered as this country's
    elsewhere = {"110", "999", "000", "911", "112"} - set(police)
    assert not [n for n in elsewhere if has_number(line, n)], line
    # the scam is named right after the stop-now block, and the urgent slot is set
    assert reply.messages[1].startswith(t("assistant.scam_named", lang, scam=kb.scam(scam).name.get(lang)))
    assert reply.slots["urgent"] is True
    assert_in_language(kb, reply, lang)


def test_urgent_english_without_country_lists_every_emergency_number_and_asks(
    kb: KnowledgeBase, make_analysis: AnalysisFactory
) -> None:
    analysis = make_analysis("they're asking me to transfer right now", "experience_police_impersonation", urgent=True)
    reply = experience_reply(kb, analysis, Context(lang=EN))
    first = reply.messages[0]
    assert first.startswith(t("assistant.stop_now_title", EN))
    line = call_line(reply)
    for number in ("110", "999", "000", "911", "112"):
        assert has_number(line, number), line
    assert t("assistant.ask_where_you_are", EN) in first


# --------------------------------------------------------------------------------------------------------------
# experience_reply: not urgent


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
@pytest.mark.parametrize("scam", SCAM_TYPES, ids=[s.value for s in SCAM_TYPES])
def test_calm_experience_names_the_scam_first(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, scam: ScamType, lang: Lang
) -> None:
    reply = experience_reply(kb, make_analysis("it happened last year", f"experience_{scam.value}"), Context(lang=lang))
    entry = kb.scam(scam)
    assert reply.messages[0].startswith(t("assistant.scam_named", lang, scam=entry.name.get(lang)))
    assert entry.summary.get(lang) in reply.messages[0].split("\n")[0]
    assert t("assistant.stop_now_title", lang) not in reply.text
    assert t("assistant.what_to_do_title", lang) in reply.text
    assert entry.prevention[0].get(lang) in reply.text
    assert reply.slots["scam_type"] == scam.value
    assert reply.slots["urgent"] is False
    assert MIN_FLAGS <= len(reply.slots["red_flags"]) <= MAX_FLAGS


# (id, lang, scam, what the user said, red flags that must be picked)
FLAG_STORIES = [
    (
        "police-zh-safe-account",
        ZH,
        "police_impersonation",
        "有个自称公安的人打电话说我涉嫌洗钱，让我把钱转到安全账户",
        ("safe_account", "crime_accusation_call"),
    ),
    (
        "police-en-transferred-call",
        EN,
        "police_impersonation",
        "A woman from China Telecom said my SIM card was used for fraud, "
        "then they transferred my call to a police officer in Shanghai",
        ("police_transfer_call",),
    ),
    (
        "police-en-safe-account-secret",
        EN,
        "police_impersonation",
        "The officer told me not to tell my family and to move everything to a safe account",
        ("safe_account", "secrecy_order"),
    ),
    (
        "police-zh-warrant",
        ZH,
        "police_impersonation",
        "他在微信上给我发了一张通缉令，上面有我的照片",
        ("online_warrant",),
    ),
    (
        "brushing-zh-unlock",
        ZH,
        "order_brushing",
        "做刷单任务，现在提现要先交保证金才能到账",
        ("pay_to_unlock_withdrawal",),
    ),
    (
        "brushing-en-combo",
        EN,
        "order_brushing",
        "I got a combo order and now they say my task is stuck until I top up",
        ("combo_order_stuck",),
    ),
    (
        "phishing-en-link",
        EN,
        "phishing_link",
        "I clicked a link in a text about my parcel and typed in my card number",
        ("unknown_link", "card_details_on_page"),
    ),
    ("phishing-zh-app", ZH, "phishing_link", "对方让我下载一个app，说可以远程协助", ("remote_app_install",)),
]


@pytest.mark.parametrize(
    ("lang", "scam", "text", "expected"), [c[1:] for c in FLAG_STORIES], ids=[c[0] for c in FLAG_STORIES]
)
def test_experience_red_flags_follow_the_users_words(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, lang: Lang, scam: str, text: str, expected: tuple[str, ...]
) -> None:
    reply = experience_reply(kb, make_analysis(text, f"experience_{scam}"), Context(lang=lang))
    picked = reply.slots["red_flags"]
    assert MIN_FLAGS <= len(picked) <= MAX_FLAGS
    for flag_id in expected:
        assert flag_id in picked
        flag = kb.red_flag(flag_id)
        assert flag.text.get(lang) in reply.messages[0]
        assert flag.truth.get(lang) in reply.messages[0]
    # flags the user's words show come first; only then the scam's top ones make up the minimum
    shown = [kb.red_flag(f).matches(text) for f in picked]
    assert shown == sorted(shown, reverse=True), picked


def test_experience_with_no_cue_gets_the_scams_top_flags(kb: KnowledgeBase, make_analysis: AnalysisFactory) -> None:
    reply = experience_reply(kb, make_analysis("嗯，就是那样", "experience_investment"), Context(lang=ZH))
    assert reply.slots["red_flags"] == [f.id for f in kb.scam(ScamType.INVESTMENT).red_flags[:MIN_FLAGS]]


def test_experience_with_many_cues_shows_at_most_four_flags(kb: KnowledgeBase, make_analysis: AnalysisFactory) -> None:
    text = (
        "The police officer transferred my call, showed a warrant with his badge on video, told me to keep it secret, "
        "said I was a suspect in money laundering, asked me to install an app, share my screen, read out the code "
        "and move my money to a safe account"
    )
    reply = experience_reply(kb, make_analysis(text, "experience_police_impersonation"), Context(lang=EN))
    assert len(reply.slots["red_flags"]) == MAX_FLAGS
    assert reply.messages[0].count("\n• ") == MAX_FLAGS


@pytest.mark.parametrize("urgent", [False, True], ids=["calm", "urgent"])
@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_experience_asks_whether_money_was_sent_when_unknown(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, lang: Lang, urgent: bool
) -> None:
    analysis = make_analysis("they want me to pay a fee first", "experience_fake_loan", urgent=urgent)
    reply = experience_reply(kb, analysis, Context(lang=lang))
    assert reply.messages[-1] == t("assistant.ask_money_sent", lang)
    assert [(b.title, b.payload) for b in reply.buttons] == [
        (t("assistant.btn_yes_sent", lang), "/affirm"),
        (t("assistant.btn_no_sent", lang), "/deny"),
    ]
    assert reply.slots["pending_question"] == "money_sent"


@pytest.mark.parametrize("money_sent", ["yes", "no"])
@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_experience_does_not_ask_about_money_when_known(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, lang: Lang, money_sent: str
) -> None:
    analysis = make_analysis("they want a fee", "experience_fake_loan")
    reply = experience_reply(kb, analysis, Context(lang=lang, money_sent=money_sent))
    assert t("assistant.ask_money_sent", lang) not in reply.text
    assert len(reply.buttons) == 2
    assert {b.payload for b in reply.buttons}.isdisjoint({"/affirm", "/deny"})
    assert reply.slots["pending_question"] is None


# --------------------------------------------------------------------------------------------------------------
# question_reply


# (id, lang, question, scam, red flag whose truth answers it)
QUESTIONS = [
    (
        "en-transfer-call",
        EN,
        "can the police transfer my call to another police station?",
        "police_impersonation",
        "police_transfer_call",
    ),
    ("zh-transfer-call", ZH, "公安局会把电话转接到外地公安局吗？", "police_impersonation", "police_transfer_call"),
    (
        "en-safe-account",
        EN,
        "Is there really a safe account to protect my money?",
        "police_impersonation",
        "safe_account",
    ),
    ("zh-safe-account", ZH, "安全账户是真的吗", "police_impersonation", "safe_account"),
    (
        "en-warrant",
        EN,
        "would the police send me an arrest warrant on WhatsApp?",
        "police_impersonation",
        "online_warrant",
    ),
    ("zh-unlock", ZH, "刷单提现要交保证金正常吗", "order_brushing", "pay_to_unlock_withdrawal"),
]


@pytest.mark.parametrize(("lang", "text", "scam", "flag_id"), [c[1:] for c in QUESTIONS], ids=[c[0] for c in QUESTIONS])
def test_question_answers_with_the_truth_first(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, lang: Lang, text: str, scam: str, flag_id: str
) -> None:
    reply = question_reply(kb, make_analysis(text, f"question_{scam}"), Context(lang=lang))
    entry = kb.scam(scam)
    topic, answer = reply.messages[0].split("\n", 1)
    assert topic == t("assistant.scam_question_topic", lang, scam=entry.name.get(lang))
    assert answer.split("\n")[0] == kb.red_flag(flag_id).truth.get(lang)
    assert reply.slots["red_flags"][0] == flag_id
    assert reply.messages[1].startswith(t("assistant.red_flags_of", lang, scam=entry.name.get(lang)))
    assert len(reply.slots["red_flags"]) <= MAX_FLAGS + 1
    assert t("assistant.stop_now_title", lang) not in reply.text
    assert_in_language(kb, reply, lang)


def test_question_without_a_cue_answers_with_the_scams_first_truth(
    kb: KnowledgeBase, make_analysis: AnalysisFactory
) -> None:
    reply = question_reply(kb, make_analysis("tell me about this one", "question_investment"), Context(lang=EN))
    first_flag = kb.scam(ScamType.INVESTMENT).red_flags[0]
    assert reply.messages[0].split("\n")[1] == first_flag.truth.en


def test_urgent_question_puts_stop_now_first(kb: KnowledgeBase, make_analysis: AnalysisFactory) -> None:
    analysis = make_analysis("他还在电话里，公安会把电话转接到外地吗", "question_police_impersonation", urgent=True)
    reply = question_reply(kb, analysis, Context(lang=ZH))
    assert reply.messages[0].startswith(t("assistant.stop_now_title", ZH))
    assert has_number(call_line(reply), "110")
    assert reply.messages[1].startswith(
        t("assistant.scam_question_topic", ZH, scam=kb.scam("police_impersonation").name.zh)
    )


# --------------------------------------------------------------------------------------------------------------
# official numbers: number_variants, official_contact, number_reply


VARIANTS = [
    ("beijing-service-number", "+86-10-12308", {"861012308", "1012308", "01012308", "12308"}),
    ("beijing-landline", "+86-10-65612308", {"861065612308", "1065612308", "01065612308", "65612308"}),
    ("international-uk", "+44 300 123 2040", {"443001232040", "3001232040", "03001232040"}),
    ("national-uk", "0300 123 2040", {"03001232040"}),
    ("three-zeros", "000", {"000"}),
    ("short", "110", {"110"}),
    ("hash", "#9110", {"#9110"}),
    ("north-america-dashes", "1-877-382-4357", {"18773824357"}),
    ("double-zero-prefix", "0044 300 123 2040", {"00443001232040", "3001232040", "03001232040"}),
]


@pytest.mark.parametrize(("number", "expected"), [c[1:] for c in VARIANTS], ids=[c[0] for c in VARIANTS])
def test_number_variants(number: str, expected: set[str]) -> None:
    assert number_variants(number) == expected


# (id, text, user's country, expected contact id or None)
NUMBERS = [
    ("spoof-beijing-not-110", "+86 10 1100 2233 打来电话说是北京公安", None, None),
    ("spoof-beijing-not-110-en", "I got a call from +86 10 1100 2233, is that the police?", None, None),
    ("london-not-000", "+44 20 7000 1234 called saying he's from the Met police", None, None),
    ("london-not-000-in-AU", "+44 20 7000 1234 called me", "AU", None),
    ("longer-than-110", "is 1100 real?", None, None),
    ("110-prefix-of-longer", "1102233 called me", None, None),
    ("96110-inside-longer", "0096110123 打来的", None, None),
    ("96110-en", "is 96110 real", None, "cn_96110"),
    ("12308-zh", "12308是真的吗", None, "cn_consular_12308"),
    ("12308-international", "is +86 10 12308 real?", "GB", "cn_consular_12308"),
    ("12308-national", "010-12308 打给我说有包裹", None, "cn_consular_12308"),
    ("uk-report-line", "0300 123 2040", None, "gb_report_fraud"),
    ("uk-report-line-dashes", "is 0300-123-2040 Action Fraud?", "GB", "gb_report_fraud"),
    ("110-default-china", "110", None, "cn_police"),
    ("110-in-japan", "110", "JP", "jp_110"),
    ("110-in-china", "110给我打电话了", "CN", "cn_police"),
    ("999-uk", "should I ring 999?", "GB", "gb_999"),
    ("000-au", "do I call 000?", "AU", "au_000"),
    ("911-canada", "is 911 the number here?", "CA", "ca_911"),
    ("hash-9110-japan", "#9110に電話すべき?", "JP", "jp_9110"),
    ("112-korea", "112 맞아요?", "KR", "kr_112"),
    ("masked-phone", "[PHONE]", None, None),
    ("masked-phone-sentence", "the police called me from [PHONE], is it real?", None, None),
    ("amount-not-a-number", "我刚转了20000元", None, None),
    ("amount-thousands-not-000", "20,000", None, None),
    ("amount-thousands-not-000-au", "they asked for 20,000 dollars", "AU", None),
    ("amount-thousands-not-999", "我转了3,999英镑", "GB", None),
    ("amount-fullwidth-comma-not-000", "刚转了2，000元", None, None),
    ("amount-thousands-then-96110", "they want 110,000 yuan, is 96110 real?", None, "cn_96110"),
    ("list-of-numbers", "call 110, 999 or 000?", "GB", "gb_999"),
]


@pytest.mark.parametrize(("text", "country", "expected"), [c[1:] for c in NUMBERS], ids=[c[0] for c in NUMBERS])
def test_official_contact_matches_whole_numbers_only(
    kb: KnowledgeBase, text: str, country: str | None, expected: str | None
) -> None:
    contact = official_contact(kb, text, country)
    assert (contact.id if contact else None) == expected


def test_every_official_number_is_recognised_but_not_with_a_digit_more(kb: KnowledgeBase) -> None:
    for contact in kb.all_contacts():
        if not contact.number:
            continue
        found = official_contact(kb, f"is {contact.number} real?")
        assert found is not None and found.number == contact.number, contact.id
        assert official_contact(kb, f"is {contact.number}7 real?") is None, contact.id


def test_numbers_in_keeps_numbers_apart() -> None:
    assert numbers_in("他先用110打来，后来又用96110") == ["110", "96110"]
    assert numbers_in("call #9110 or 188") == ["#9110", "188"]
    assert numbers_in("转了2万") == []
    assert numbers_in("转了110,000元，对方说是96110") == ["96110"]
    assert numbers_in("110, 999, 000") == ["110", "999", "000"]


def _contact(kb: KnowledgeBase, contact_id: str) -> Contact:
    return next(c for c in kb.all_contacts() if c.id == contact_id)


OFFICIAL_WORDS = {ZH: "是官方号码", EN: "is an official number"}
assert all(
    words in t("assistant.number_official", lang, number="", name="", use_for="")
    for lang, words in OFFICIAL_WORDS.items()
)

# (id, lang, text, country, contact id confirmed or None)
NUMBER_REPLIES = [
    ("96110-en", EN, "is 96110 real", None, "cn_96110"),
    ("12308-zh", ZH, "12308是真的吗", None, "cn_consular_12308"),
    ("uk-report-en", EN, "0300 123 2040", "GB", "gb_report_fraud"),
    ("110-japan-zh", ZH, "110是真的吗", "JP", "jp_110"),
    ("spoof-beijing-zh", ZH, "+86 10 1100 2233 是真的吗", None, None),
    ("spoof-london-en", EN, "+44 20 7000 1234 is it real", "AU", None),
]


@pytest.mark.parametrize(
    ("lang", "text", "country", "expected"), [c[1:] for c in NUMBER_REPLIES], ids=[c[0] for c in NUMBER_REPLIES]
)
def test_number_reply(kb: KnowledgeBase, lang: Lang, text: str, country: str | None, expected: str | None) -> None:
    reply = number_reply(kb, text, Context(lang=lang, country=country))
    if expected:
        contact = _contact(kb, expected)
        name, use_for = contact.name.get(lang), contact.use_for.get(lang)
        official = t("assistant.number_official", lang, number=contact.number, name=name, use_for=use_for)
        assert reply.messages[0] == official
        assert reply.messages[1] == t("assistant.number_unknown", lang)
    else:
        assert reply.messages[0] == t("assistant.number_unknown", lang)
        assert OFFICIAL_WORDS[lang] not in reply.text
    assert_in_language(kb, reply, lang)


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_masked_number_gets_only_the_generic_caution(kb: KnowledgeBase, lang: Lang) -> None:
    reply = number_reply(kb, "[PHONE]", Context(lang=lang))
    assert reply.messages == [t("assistant.number_unknown", lang)]


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_number_reply_about_police_adds_the_police_note(kb: KnowledgeBase, lang: Lang) -> None:
    text = "the police called me from [PHONE]" if lang is EN else "公安用[PHONE]给我打电话"
    reply = number_reply(kb, text, Context(lang=lang))
    assert reply.messages == [t("assistant.number_unknown", lang), t("assistant.number_police_note", lang)]
    reply = number_reply(kb, "[PHONE]", Context(lang=lang, scam_type=ScamType.POLICE_IMPERSONATION))
    assert reply.messages == [t("assistant.number_unknown", lang), t("assistant.number_police_note", lang)]


# --------------------------------------------------------------------------------------------------------------
# location_reply


# (id, lang, text, whose place: the user's "country" or the person at risk's "at_risk_country", code, emergency)
LOCATIONS = [
    ("son-in-australia", EN, "my son is in Australia", "at_risk_country", "AU", "000"),
    ("daughter-in-melbourne", ZH, "我女儿在墨尔本", "at_risk_country", "AU", "000"),
    ("studying-in-uk-zh", ZH, "我在英国留学", "country", "GB", "999"),
    ("manchester-en", EN, "I study in Manchester", "country", "GB", "999"),
    ("toronto-en", EN, "my daughter is in Toronto", "at_risk_country", "CA", "911"),
    ("new-york-zh", ZH, "孩子在纽约读书", "at_risk_country", "US", "911"),
    ("tokyo-zh", ZH, "我在东京", "country", "JP", "110"),
    ("seoul-en", EN, "I'm an exchange student in Seoul", "country", "KR", "112"),
    ("beijing-zh", ZH, "我在北京", "country", "CN", "110"),
    ("bare-answer", EN, "Australia", "country", "AU", "000"),
]


@pytest.mark.parametrize(
    ("lang", "text", "slot", "code", "emergency"), [c[1:] for c in LOCATIONS], ids=[c[0] for c in LOCATIONS]
)
def test_location_sets_whose_country_it_is_and_gives_its_numbers(
    kb: KnowledgeBase, lang: Lang, text: str, slot: str, code: str, emergency: str
) -> None:
    reply = location_reply(kb, text, Context(lang=lang))
    country = kb.country(code)
    assert country is not None
    assert reply.slots == {slot: code}
    key = "assistant.location_set" if slot == "country" else "assistant.location_there"
    assert reply.messages[0] == t(key, lang, country=country.name.get(lang))
    assert has_number(reply.text, emergency)
    assert t("assistant.hotlines_for", lang, country=country.name.get(lang)) in reply.text
    assert has_number(reply.text, "12308") is (code != "CN")
    assert_in_language(kb, reply, lang)


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_location_with_urgent_scam_adds_the_call_now_line(kb: KnowledgeBase, lang: Lang) -> None:
    ctx = Context(lang=lang, urgent=True, scam_type=ScamType.VIRTUAL_KIDNAPPING)
    reply = location_reply(kb, "my son is in Australia", ctx)
    call = reply.messages[1].splitlines()
    assert call[0].startswith("📞 ")
    if lang is ZH:  # a Chinese-speaking user is taken to be in China until they say otherwise
        assert not has_number(call[0], "000"), "000 only works from a phone in Australia: not for the user"
    there = next(line for line in call if line.startswith("🚓 "))
    assert has_number(there, "000") and has_number(there, "12308")


@pytest.mark.parametrize(("lang", "text"), [(EN, "I'm in Peru"), (ZH, "我在秘鲁")], ids=["en-peru", "zh-peru"])
def test_unknown_location_points_to_local_police_and_12308(kb: KnowledgeBase, lang: Lang, text: str) -> None:
    reply = location_reply(kb, text, Context(lang=lang))
    assert reply.messages == [t("assistant.location_unknown", lang, consular="+86-10-12308 / +86-10-65612308")]
    assert has_number(reply.text, "12308")
    assert "country" not in reply.slots


# --------------------------------------------------------------------------------------------------------------
# followup_reply


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
@pytest.mark.parametrize(
    "scam", [ScamType.POLICE_IMPERSONATION, ScamType.ORDER_BRUSHING, None], ids=["police", "brushing", "no-scam"]
)
def test_money_sent_yes_gives_after_loss_steps_and_recovery_warning(
    kb: KnowledgeBase, lang: Lang, scam: ScamType | None
) -> None:
    ctx = Context(lang=lang, country="GB", scam_type=scam, pending_question="money_sent")
    reply = followup_reply(kb, True, ctx)
    assert reply.messages[0] == t("assistant.followup_money_yes", lang)
    assert reply.messages[1].startswith(t("assistant.after_loss_title", lang))
    entry = kb.scam(scam or ScamType.NONE)
    for step in entry.after_loss:
        assert fill(kb, step.get(lang), Places("GB"), lang) in reply.messages[1]
    recover = re.compile(r"追回|挽回") if lang is ZH else re.compile(r"recover", re.IGNORECASE)
    assert recover.search(reply.messages[1])
    lines = reply.messages[1].splitlines()
    bank = next(i for i, line in enumerate(lines) if line.startswith("🏦"))
    report = next(i for i, line in enumerate(lines) if line.startswith("📝"))
    danger = next(i for i, line in enumerate(lines) if line.startswith("🚨"))
    assert bank < report < danger, "the bank first, then the report channel; an emergency number only for danger"
    assert has_number(lines[report], "0300 123 2040") and not has_number(lines[report], "999")
    assert has_number(lines[danger], "999")
    assert reply.slots == {"money_sent": "yes", "urgent": True, "pending_question": None}


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_money_sent_no_says_keep_it_that_way(kb: KnowledgeBase, lang: Lang) -> None:
    ctx = Context(lang=lang, scam_type=ScamType.INVESTMENT, pending_question="money_sent")
    reply = followup_reply(kb, False, ctx)
    assert reply.messages == [t("assistant.followup_money_no", lang)]
    assert reply.slots == {"money_sent": "no", "pending_question": None}


@pytest.mark.parametrize("yes", [True, False], ids=["yes", "no"])
@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_answer_without_a_pending_question_gets_the_neutral_prompt(kb: KnowledgeBase, lang: Lang, yes: bool) -> None:
    reply = followup_reply(kb, yes, Context(lang=lang, scam_type=ScamType.INVESTMENT))
    assert reply.messages == [t("assistant.followup_none", lang)]
    assert reply.slots == {}
    assert [b.payload for b in reply.buttons] == ["/ask_hotline", "/ask_red_flags", "/start_quiz"]


# --------------------------------------------------------------------------------------------------------------
# report_reply and hotline_reply


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_report_for_a_known_country(kb: KnowledgeBase, lang: Lang) -> None:
    reply = report_reply(kb, Context(lang=lang, country="GB", scam_type=ScamType.INVESTMENT))
    country = kb.country("GB")
    assert country is not None
    assert reply.messages[0].startswith(t("assistant.report_title", lang) + f" ({country.name.get(lang)})")
    for number in ("0300 123 2040", "101", "7726", "999", "+86-10-12308"):
        assert number in reply.messages[0]
    assert "https://www.reportfraud.police.uk" in reply.messages[0]
    assert "159" not in reply.messages[0]  # the bank line is not a way to report
    assert t("assistant.report_evidence", lang) in reply.messages
    assert t("assistant.recovery_warning", lang) in reply.messages
    assert t("assistant.ask_country", lang) not in reply.messages
    assert_in_language(kb, reply, lang)


def test_report_for_chinese_user_without_country_is_mainland_china(kb: KnowledgeBase) -> None:
    reply = report_reply(kb, Context(lang=ZH))
    assert reply.messages[0].startswith(t("assistant.report_title", ZH) + " (中国大陆)")
    for number in ("110", "96110"):
        assert has_number(reply.messages[0], number)
    assert "https://www.12321.cn" in reply.messages[0]
    assert not has_number(reply.text, "12308")
    assert t("assistant.recovery_warning", ZH) not in reply.messages  # no scam type known
    assert reply.messages[-1] == t("assistant.ask_country", ZH)


def test_report_for_english_user_without_country_lists_every_country(kb: KnowledgeBase) -> None:
    reply = report_reply(kb, Context(lang=EN))
    assert reply.messages[0].startswith(t("assistant.hotlines_all", EN))
    for country in kb.countries.values():
        assert f"• {country.name.en}: " in reply.messages[0]
    assert reply.messages[-1] == t("assistant.ask_country", EN)
    assert_in_language(kb, reply, EN)


@pytest.mark.parametrize(
    ("lang", "text", "ctx_country", "code"),
    [
        (EN, "what number do I call in Japan?", None, "JP"),
        (ZH, "在澳洲应该打什么电话", None, "AU"),
        (EN, "which hotline should I call?", "KR", "KR"),
        (ZH, "报警电话是多少", "CN", "CN"),
    ],
    ids=["en-japan-in-text", "zh-australia-in-text", "en-korea-from-slot", "zh-china-from-slot"],
)
def test_hotlines_for_a_known_country(
    kb: KnowledgeBase, lang: Lang, text: str, ctx_country: str | None, code: str
) -> None:
    reply = hotline_reply(kb, text, Context(lang=lang, country=ctx_country))
    country = kb.country(code)
    assert country is not None
    assert reply.slots == {"country": code}
    assert reply.messages[0].startswith(t("assistant.hotlines_for", lang, country=country.name.get(lang)))
    for contact in country.contacts:
        assert (contact.number or contact.url) in reply.messages[0]
        assert contact.name.get(lang) in reply.messages[0]
    assert (t("assistant.consular_title", lang) in reply.messages[0]) is (code != "CN")
    assert t("assistant.ask_country", lang) not in reply.text
    assert_in_language(kb, reply, lang)


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
def test_hotlines_for_an_unknown_country_list_all_and_ask(kb: KnowledgeBase, lang: Lang) -> None:
    text = "which number should I call?" if lang is EN else "我该打哪个电话"
    reply = hotline_reply(kb, text, Context(lang=lang))
    assert reply.messages[-1] == t("assistant.ask_country", lang)
    block = reply.messages[0]
    assert block.startswith(t("assistant.hotlines_all", lang))
    for country in kb.countries.values():
        assert f"• {country.name.get(lang)}: " in block
        emergency = next(c for c in country.contacts if c.kind == "emergency")
        assert emergency.number is not None and has_number(block, emergency.number)
    assert t("assistant.consular_title", lang) in block and has_number(block, "12308")
    assert "country" not in reply.slots
    assert_in_language(kb, reply, lang)


# --------------------------------------------------------------------------------------------------------------
# every reply renders, for every scam type and both languages


def every_reply(
    kb: KnowledgeBase, make_analysis: AnalysisFactory, scam: ScamType, lang: Lang
) -> Iterator[tuple[str, Reply]]:
    intent_of = {"experience": f"experience_{scam.value}", "question": f"question_{scam.value}"}
    if scam is ScamType.NONE:
        intent_of = {"experience": "ask_what_to_do", "question": "ask_red_flags"}
    words = "我收到一条消息" if lang is ZH else "I got a message"
    calm = make_analysis(words, intent_of["experience"], scam=scam.value)
    urgent = make_analysis(words, intent_of["experience"], urgent=True, scam=scam.value)
    question = make_analysis(words, intent_of["question"], scam=scam.value)
    countries = [None, *kb.countries]
    for country in countries:
        for money_sent in (None, "yes", "no"):
            ctx = Context(lang=lang, country=country, scam_type=scam, money_sent=money_sent)
            where = f"country={country} money_sent={money_sent}"
            yield f"experience calm {where}", experience_reply(kb, calm, ctx)
            yield f"experience urgent {where}", experience_reply(kb, urgent, ctx)
            yield f"question urgent {where}", question_reply(kb, urgent, ctx)
            yield f"what_to_do {where}", what_to_do_reply(kb, ctx)
            yield f"what_to_do urgent {where}", what_to_do_reply(kb, ctx.with_(urgent=True))
        ctx = Context(lang=lang, country=country, scam_type=scam)
        yield f"question {country}", question_reply(kb, question, ctx)
        yield f"clarify {country}", clarify_reply(kb, question, ctx)
        yield f"report {country}", report_reply(kb, ctx)
        yield f"hotline {country}", hotline_reply(kb, words, ctx)
        yield f"number {country}", number_reply(kb, "110 or [PHONE]", ctx)
        yield f"location {country}", location_reply(kb, "I'm in Peru", ctx)
        yield f"location urgent {country}", location_reply(kb, "my son is in Australia", ctx.with_(urgent=True))
        for pending in ("money_sent", None):
            for yes in (True, False):
                asked = ctx.with_(pending_question=pending)
                yield f"followup {pending} {yes} {country}", followup_reply(kb, yes, asked)
    name = kb.scam(scam).name.get(lang)
    by_name = f"{name}有哪些危险信号" if lang is ZH else f"red flags of {name}"
    yield "red flags by name", red_flags_reply(kb, by_name, Context(lang=lang))
    yield "red flags from context", red_flags_reply(kb, words, Context(lang=lang, scam_type=scam))
    yield "red flags general", red_flags_reply(kb, words, Context(lang=lang))
    for key in MESSAGES:
        if "{" not in MESSAGES[key][0] and not key.startswith("assistant.btn_"):
            yield f"simple {key}", simple_reply(key, Context(lang=lang))


@pytest.mark.parametrize("lang", LANGS, ids=[lang.value for lang in LANGS])
@pytest.mark.parametrize("scam", list(ScamType), ids=[s.value for s in ScamType])
def test_every_reply_renders(kb: KnowledgeBase, make_analysis: AnalysisFactory, scam: ScamType, lang: Lang) -> None:
    count = 0
    for what, reply in every_reply(kb, make_analysis, scam, lang):
        count += 1
        assert reply.messages, what
        assert all(m.strip() for m in reply.messages), what
        text = reply.text + "".join(b.title for b in reply.buttons)
        assert "{" not in text and "}" not in text, f"{what}: placeholder left in {text!r}"
        assert "None" not in text, f"{what}: {text!r}"
        assert all(b.title and b.payload.startswith("/") for b in reply.buttons), what
        if "other_language" not in what:
            assert_in_language(kb, reply, lang)
    assert count > 200

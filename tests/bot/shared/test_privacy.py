"""Tests for bot.shared.privacy: personal numbers are masked, amounts, dates and official numbers are not."""

from __future__ import annotations

import io
import logging
import random
import re

import pytest

from bot.shared.privacy import MaskingFilter, Match, PersonalKind, find_personal, mask, mask_obj


def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text.translate({0xFF10 + i: str(i) for i in range(10)}))


# (id, sentence, the personal string in it, expected token)
PERSONAL = [
    # bank cards
    (
        "card-unionpay-zh-spaces",
        "我的银行卡号是6222 0212 3456 7890 123，他让我把钱转出去",
        "6222 0212 3456 7890 123",
        "[CARD]",
    ),
    ("card-unionpay-zh-plain", "对方让我报卡号6222021234567890123和密码", "6222021234567890123", "[CARD]"),
    ("card-unionpay-16-dashes", "卡号：6228-4800-1234-5678，开户行农行", "6228-4800-1234-5678", "[CARD]"),
    ("card-visa-en", "I gave him my Visa 4111 1111 1111 1111 before I realised", "4111 1111 1111 1111", "[CARD]"),
    ("card-mastercard-en", "The card number was 5500-0000-0000-0004, he said.", "5500-0000-0000-0004", "[CARD]"),
    ("card-amex-en", "She read out her Amex 3782 822463 10005 on the call", "3782 822463 10005", "[CARD]"),
    ("card-13-digits", "old card 4222222222222 still works", "4222222222222", "[CARD]"),
    (
        "card-fullwidth",
        "卡号６２２２０２１２３４５６７８９０１２３已经发给他了",
        "６２２２０２１２３４５６７８９０１２３",
        "[CARD]",
    ),
    # identity numbers
    ("id-cn-18-x", "他让我报身份证号11010519491231002X，说要核实", "11010519491231002X", "[ID]"),
    ("id-cn-18-digits", "My mum told them her ID 440301199001011234 on the phone", "440301199001011234", "[ID]"),
    ("id-cn-18-spaced", "身份证 110105 19491231 002x 被冒用了？", "110105 19491231 002x", "[ID]"),
    ("id-cn-15", "老身份证号是130503670401001", "130503670401001", "[ID]"),
    ("id-hk", "My HKID is A123456(7), is that a problem?", "A123456(7)", "[ID]"),
    ("id-hk-two-letters-zh", "香港身份证号码 AB987654（A）被他拍了照", "AB987654（A）", "[ID]"),
    ("id-uk-nino-spaced", "They asked for my National Insurance number, AB 12 34 56 C.", "AB 12 34 56 C", "[ID]"),
    ("id-uk-nino-compact", "他要了我的NI号码AB123456C", "AB123456C", "[ID]"),
    ("id-us-ssn", "The caller said my SSN 123-45-6789 was suspended", "123-45-6789", "[ID]"),
    ("id-us-ssn-after-word", "he wanted my social security number: 123456789", "123456789", "[ID]"),
    ("id-au-tfn-spaced", "I sent my tax file number 123 456 782 to the 'ATO' officer", "123 456 782", "[ID]"),
    ("id-au-tfn-alone", "they already have 123 456 782 and my licence", "123 456 782", "[ID]"),
    # passports
    ("passport-cn-e", "护照号E12345678被扣在他们手里", "E12345678", "[PASSPORT]"),
    ("passport-cn-ea", "my Chinese passport EA1234567 was taken", "EA1234567", "[PASSPORT]"),
    ("passport-cn-g", "旧护照G12345678还在我这", "G12345678", "[PASSPORT]"),
    ("passport-uk-digits-en", "The agent kept my passport, number 123456789.", "123456789", "[PASSPORT]"),
    ("passport-uk-digits-zh", "我的英国护照号码是 987654321，他说要冻结", "987654321", "[PASSPORT]"),
    ("passport-us-letter", "US passport no. A12345678 was requested by the 'embassy'", "A12345678", "[PASSPORT]"),
    ("passport-au-n", "Australian passport N1234567 photo sent", "N1234567", "[PASSPORT]"),
    ("passport-au-pa", "他拿走了澳洲护照PA1234567", "PA1234567", "[PASSPORT]"),
    # phone numbers: China
    ("phone-cn-mobile", "骗子用13812345678给我打电话", "13812345678", "[PHONE]"),
    ("phone-cn-mobile-dashes", "他留的号码是138-1234-5678", "138-1234-5678", "[PHONE]"),
    ("phone-cn-mobile-spaces", "Call me back on 138 1234 5678 please", "138 1234 5678", "[PHONE]"),
    ("phone-cn-plus86", "来电显示+86 138 1234 5678", "+86 138 1234 5678", "[PHONE]"),
    ("phone-cn-0086", "number 0086 13912345678 kept calling", "0086 13912345678", "[PHONE]"),
    ("phone-cn-fullwidth", "我的手机号是１３８１２３４５６７８", "１３８１２３４５６７８", "[PHONE]"),
    ("phone-cn-landline-beijing", "显示的是010-12345678，说是北京公安", "010-12345678", "[PHONE]"),
    ("phone-cn-landline-shenzhen", "座机0755-1234567打来的", "0755-1234567", "[PHONE]"),
    # UK
    ("phone-uk-mobile", "He texted from 07700 900123 saying he was my son", "07700 900123", "[PHONE]"),
    ("phone-uk-plus44", "号码是+44 7700 900123", "+44 7700 900123", "[PHONE]"),
    ("phone-uk-london", "The 'bank' called from 020 7946 0958", "020 7946 0958", "[PHONE]"),
    ("phone-uk-plus44-trunk", "ring +44 (0)20 7946 0958 to 'verify'", "+44 (0)20 7946 0958", "[PHONE]"),
    # Australia
    ("phone-au-mobile", "我在悉尼，手机0412 345 678", "0412 345 678", "[PHONE]"),
    ("phone-au-plus61", "My number is +61 412 345 678", "+61 412 345 678", "[PHONE]"),
    ("phone-au-landline", "office (02) 9876 5432 rang me", "(02) 9876 5432", "[PHONE]"),
    # US / Canada
    ("phone-us-parens", "Call (555) 123-4567 to pay the fine", "(555) 123-4567", "[PHONE]"),
    ("phone-us-dashes", "他的美国号码 555-123-4567", "555-123-4567", "[PHONE]"),
    ("phone-us-plus1", "WhatsApp +1 415 555 0123 was the 'officer'", "+1 415 555 0123", "[PHONE]"),
    ("phone-us-bare-after-word", "He said call me at 4155550123 tonight", "4155550123", "[PHONE]"),
    ("phone-hk-bare-after-word", "对方的WhatsApp是91234567", "91234567", "[PHONE]"),
    ("phone-bare-after-zh-word", "他的手机是98765432，打不通", "98765432", "[PHONE]"),
    ("phone-other-country", "柬埔寨那边的号码 +855 12 345 678", "+855 12 345 678", "[PHONE]"),
    # e-mail
    ("email-en", "Send it to john.doe+ref@example.co.uk, he said", "john.doe+ref@example.co.uk", "[EMAIL]"),
    ("email-zh", "联系邮箱zhang_san123@qq.com谢谢", "zhang_san123@qq.com", "[EMAIL]"),
    ("email-fullwidth-at", "邮箱 li.si＠163.com", "li.si＠163.com", "[EMAIL]"),
]

NOT_PERSONAL = [
    ("money-yuan", "我被骗了50000元"),
    ("money-wan", "一共转了5万，还差3.5万"),
    ("money-yen-sign", "对方要¥30,000保证金"),
    ("money-dollars", "I paid $3,000.50 in 'fees'"),
    ("money-pounds", "lost £1,200 to a fake shop"),
    ("money-big-yuan", "贷款额度1000000000000元"),
    ("money-rmb-code", "RMB 1234567890123 is not a card"),
    ("money-usd-word", "he promised 2500000 USD"),
    ("date-iso", "It started on 2024-05-01 at 14:30."),
    ("date-zh", "2024年5月1日晚上8点接到电话"),
    ("date-compact", "转账日期20240501"),
    ("date-slashes", "on 01/05/2024 and 2024.05.01"),
    ("time", "10:45:30 the call ended"),
    ("year", "since 1999 and in 2024"),
    ("year-range", "2019-2024年间"),
    ("percent", "收益率12.5%，年化365%"),
    ("order-short", "订单号 1234567890"),
    ("verification-code-word-alone", "验证码千万别告诉别人，6位数字也不行"),
    ("card-last-four", "尾号1234的卡"),
    ("decimal", "pi is 3.14159265358979323846"),
    ("ip-version", "server 192.168.1.100 v3.2.1"),
    ("hotlines-cn", "打110、120、96110或者12308都可以"),
    ("hotlines-intl", "Call 999, 000, 911, 112 or 101"),
    ("hotline-au-131444", "Victoria Police non-urgent 131 444"),
    ("hotline-jp", "#9110 is the Japanese police consultation line"),
    ("hotline-uk-action-fraud", "Action Fraud: 0300 123 2040"),
    ("hotline-au-1300", "ReportCyber 1300 292 371"),
    ("hotline-us-toll-free", "FTC 1-877-382-4357"),
    ("hotline-cn-400", "客服电话400-820-8820"),
    ("hotline-cn-bank", "工行客服95588"),
    ("hotline-consular-intl", "外交部全球领事保护热线 +86-10-12308 或 +86-10-65612308"),
    ("hotline-intl-service", "from abroad: +44 300 123 2040, +1 877 382 4357, +86 400 820 8820, +61 1300 123 456"),
    ("hotline-uk-0800", "Freephone 0800 123 4567 or 0845 123 4567"),
    ("hotline-au-1800", "IDCARE 1800 595 160, Triple Zero 000, 13 11 14"),
    ("order-ten-digits", "order number 4155550123"),
    ("phone-word-then-date", "phone bill 20240501"),
    ("phone-word-then-400", "打给 4008208820 客服"),
    ("train-flight-plate", "G1234次列车、航班CA1234、车牌京A12345"),
    ("words", "Scammers pretend to be police. 骗子冒充警察。"),
    ("product", "iPhone 15 Pro, Windows 11, COVID-19"),
]


@pytest.mark.parametrize(("text", "personal", "token"), [c[1:] for c in PERSONAL], ids=[c[0] for c in PERSONAL])
def test_personal_string_is_masked(text: str, personal: str, token: str) -> None:
    out = mask(text)
    assert token in out
    assert personal not in out
    if digits(personal):
        assert digits(personal) not in digits(out)
    # the words around the number are untouched
    assert out == text.replace(personal, token)


@pytest.mark.parametrize("text", [c[1] for c in NOT_PERSONAL], ids=[c[0] for c in NOT_PERSONAL])
def test_not_personal_is_unchanged(text: str) -> None:
    assert mask(text) == text
    assert find_personal(text) == []


def test_several_kinds_in_one_message() -> None:
    text = "他叫我把6222021234567890123里的50000元转走，回电13812345678，邮件发a.b@example.com，2024-05-01"
    assert mask(text) == "他叫我把[CARD]里的50000元转走，回电[PHONE]，邮件发[EMAIL]，2024-05-01"


def test_find_personal_reports_kind_and_offsets() -> None:
    text = "mail x@y.com or call 07700 900123"
    found = find_personal(text)
    assert [m.kind for m in found] == [PersonalKind.EMAIL, PersonalKind.PHONE]
    assert [text[m.start : m.end] for m in found] == ["x@y.com", "07700 900123"]
    assert all(isinstance(m, Match) for m in found)


def test_tokens() -> None:
    assert [k.token for k in PersonalKind] == [
        "[CARD]",
        "[ID]",
        "[PASSPORT]",
        "[PHONE]",
        "[EMAIL]",
        "[ACCOUNT]",
        "[BANK_CODE]",
        "[EXPIRY]",
        "[CODE]",
    ]


# ---------------------------------------------------------------------------------------------------------------
# keep


@pytest.mark.parametrize(
    ("text", "keep"),
    [
        ("Scamwatch says call +61 2 9876 5432", ["(02) 9876 5432"]),
        ("call (02) 9876 5432", ["+61 2 9876 5432"]),
        ("call 0412 345 678", ["0412-345-678"]),
        ("hotline 13812345678", ["138 1234 5678"]),
        ("report to fraud@bank.example", ["FRAUD@bank.example"]),
    ],
    ids=["intl-text-national-keep", "national-text-intl-keep", "separators-ignored", "spaces-ignored", "email"],
)
def test_keep_is_not_masked(text: str, keep: list[str]) -> None:
    assert mask(text) != text  # personal-looking without keep
    assert mask(text, keep=keep) == text
    assert find_personal(text, keep=keep) == []


def test_keep_does_not_protect_other_numbers() -> None:
    # same last 8 digits as a kept number, but a different number
    assert mask("my phone 13912345678", keep=["12345678"]) == "my phone [PHONE]"
    assert mask("0412 345 678 and 0412 345 679", keep=["0412345678"]) == "0412 345 678 and [PHONE]"


def test_keep_accepts_any_iterable() -> None:
    assert mask("call 0412 345 678", keep=iter({"0412345678"})) == "call 0412 345 678"
    assert mask("call 0412 345 678", keep=("", "110")) == "call [PHONE]"


# ---------------------------------------------------------------------------------------------------------------
# idempotence and robustness

IDEMPOTENCE_CASES = [c[1] for c in PERSONAL] + [c[1] for c in NOT_PERSONAL]


@pytest.mark.parametrize("text", IDEMPOTENCE_CASES, ids=[c[0] for c in PERSONAL] + [c[0] for c in NOT_PERSONAL])
def test_mask_is_idempotent(text: str) -> None:
    once = mask(text)
    assert mask(once) == once


def test_tokens_are_left_alone() -> None:
    text = " ".join(kind.token for kind in PersonalKind)
    assert mask(text) == text


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\t", "\x00\x01\x02\xff\ufffd", "😀🎉💰🚨 骗子!!", "\udcff\ud800 lone surrogates", "a\u200bb\u202e"],
    ids=["empty", "space", "whitespace", "control-bytes", "emoji", "surrogates", "zero-width"],
)
def test_junk_is_unchanged(text: str) -> None:
    assert mask(text) == text


def test_long_inputs_are_handled() -> None:
    rng = random.Random(20240501)
    groups = ("".join(rng.choice("0123456789") for _ in range(rng.randint(1, 8))) for _ in range(10_000))
    digit_text = " ".join(groups)[:20_000]
    alphabet = "0123456789 -+()@.#abcXYZ中文骗子卡号０１２３４５６７８９＋（）\n😀"
    random_text = "".join(rng.choice(alphabet) for _ in range(20_000))
    for text in (digit_text, random_text, "1" * 20_000, "a@" * 10_000, "+1 (" * 5_000, "passport " * 2_000):
        out = mask(text)
        assert isinstance(out, str)
        assert mask(out) == out


# ---------------------------------------------------------------------------------------------------------------
# mask_obj


def test_mask_obj_masks_nested_strings_without_mutating() -> None:
    payload = {
        "sender": "user",
        "message": "卡号6222021234567890123",
        "metadata": {"phones": ["13812345678", ("07700 900123", 42)], "amount": 50000, "ok": True, "none": None},
        "13812345678": "key too",
    }
    out = mask_obj(payload)
    assert out == {
        "sender": "user",
        "message": "卡号[CARD]",
        "metadata": {"phones": ["[PHONE]", ("[PHONE]", 42)], "amount": 50000, "ok": True, "none": None},
        "[PHONE]": "key too",
    }
    assert payload["message"] == "卡号6222021234567890123"


def test_mask_obj_keep() -> None:
    assert mask_obj(["0412 345 678"], keep=["0412345678"]) == ["0412 345 678"]


# ---------------------------------------------------------------------------------------------------------------
# MaskingFilter


@pytest.fixture
def captured() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(MaskingFilter(keep=["0412345678"]))
    logger = logging.getLogger("tests.privacy.captured")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.handlers.clear()


def test_masking_filter_masks_message_and_args(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("user said: 我的卡号6222021234567890123")
    logger.info("card %s phone %d mail %s", "4111 1111 1111 1111", 13812345678, "a@b.com")
    logger.warning("%(who)s called from %(num)s", {"who": "bank", "num": "020 7946 0958"})
    logger.info("hotline %s is fine, amount %s", "0412 345 678", "50000元")
    out = stream.getvalue()
    assert out.splitlines() == [
        "INFO user said: 我的卡号[CARD]",
        "INFO card [CARD] phone [PHONE] mail [EMAIL]",
        "WARNING bank called from [PHONE]",
        "INFO hotline 0412 345 678 is fine, amount 50000元",
    ]


def test_masking_filter_masks_exception_text(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError("bad number 13812345678")
    except ValueError:
        logger.exception("failed for %s", "a@b.com")
    out = stream.getvalue()
    assert "13812345678" not in out and "a@b.com" not in out
    assert "ValueError: bad number [PHONE]" in out
    assert "failed for [EMAIL]" in out


def test_masking_filter_on_a_logger(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.privacy.on_logger")
    masking = MaskingFilter()
    logger.addFilter(masking)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("passport %s", "E12345678")
        assert caplog.messages == ["passport [PASSPORT]"]
        assert "E12345678" not in caplog.text
    finally:
        logger.removeFilter(masking)


def test_masking_filter_survives_a_broken_format() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "card %s %s", ("6222021234567890123",), None)
    assert MaskingFilter().filter(record) is True
    assert record.args == ("[CARD]",)

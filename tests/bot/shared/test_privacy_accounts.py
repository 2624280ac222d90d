"""Tests for the bank, card-security, one-time-code and account-id masking (bot.shared.privacy_accounts, applied by
bot.shared.privacy.mask): realistic messages per country and format, and what must be left alone."""

from __future__ import annotations

import pytest

from bot.shared.privacy import PersonalKind, find_personal, mask
from bot.shared.privacy_accounts import IBAN_LENGTHS, aba_ok, iban_ok

# (id, message, the message as masked): the cue words stay, only the secret goes.
MASKED = [
    # UK: sort code + account number
    ("uk-sort-code-dashes", "sort code 12-34-56 account 12345678", "sort code [BANK_CODE] account [ACCOUNT]"),
    ("uk-sc-ac-short", "s/c 123456 a/c 12345678", "s/c [BANK_CODE] a/c [ACCOUNT]"),
    ("uk-zh-account-first", "账号12345678 sort code 12 34 56", "账号[ACCOUNT] sort code [BANK_CODE]"),
    (
        "uk-capitals-colons",
        "Sort Code: 20-00-00, Account No. 55779911",
        "Sort Code: [BANK_CODE], Account No. [ACCOUNT]",
    ),
    (
        "uk-zh-safe-account",
        "他让我把钱转到安全账户，sort code 40-47-84，账号 70872490",
        "他让我把钱转到安全账户，sort code [BANK_CODE]，账号 [ACCOUNT]",
    ),
    ("uk-acc-no-first", "acc no 31926819 sort code 60-16-13", "acc no [ACCOUNT] sort code [BANK_CODE]"),
    (
        "uk-zh-sort-code-word",
        "英国银行排序码 309634，账户号码 12345678",
        "英国银行排序码 [BANK_CODE]，账户号码 [ACCOUNT]",
    ),
    # card expiry and security code
    ("card-exp-cvv-en", "exp 12/27 cvv 123", "exp [EXPIRY] cvv [CODE]"),
    ("card-exp-cvv-zh", "有效期 12/27 背面三位 123", "有效期 [EXPIRY] 背面三位 [CODE]"),
    ("card-cvc-colon", "CVC: 1234", "CVC: [CODE]"),
    ("card-expiry-date-cvv2", "expiry date 08/2026, CVV2 987", "expiry date [EXPIRY], CVV2 [CODE]"),
    ("card-valid-thru-security-code", "valid thru 11/28 security code 456", "valid thru [EXPIRY] security code [CODE]"),
    (
        "card-zh-full",
        "卡号6222021234567890123 有效期12/27 安全码 321",
        "卡号[CARD] 有效期[EXPIRY] 安全码 [CODE]",
    ),
    ("card-zh-back-digits", "卡背面的三位数是 789", "卡背面的三位数是 [CODE]"),
    ("card-pasted-in-a-row", "4111 1111 1111 1111 12/27 123", "[CARD] [EXPIRY] [CODE]"),
    ("card-pasted-commas", "4111-1111-1111-1111, 12/27, 123", "[CARD], [EXPIRY], [CODE]"),
    (
        "card-mastercard-expiry",
        "The card number was 5500-0000-0000-0004, expiry 05/27.",
        "The card number was [CARD], expiry [EXPIRY].",
    ),
    ("card-expires-slash-dash", "it expires 3-29, cvv is 042", "it expires [EXPIRY], cvv is [CODE]"),
    # IBANs, with and without spaces
    ("iban-gb-spaced", "IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN [ACCOUNT] please"),
    ("iban-gb-compact", "pay GB29NWBK60161331926819 today", "pay [ACCOUNT] today"),
    ("iban-de-spaced", "Konto DE89 3704 0044 0532 0130 00.", "Konto [ACCOUNT]."),
    (
        "iban-de-compact-zh",
        "对方给的IBAN是DE89370400440532013000，让我转账",
        "对方给的IBAN是[ACCOUNT]，让我转账",
    ),
    ("iban-fr-letter-inside", "RIB: FR14 2004 1010 0505 0001 3M02 606", "RIB: [ACCOUNT]"),
    ("iban-fr-compact", "FR7630006000011234567890189", "[ACCOUNT]"),
    ("iban-nl", "rekening NL91 ABNA 0417 1643 00 graag", "rekening [ACCOUNT] graag"),
    ("iban-es", "cuenta ES91 2100 0418 4502 0005 1332", "cuenta [ACCOUNT]"),
    ("iban-it", "IBAN: IT60 X054 2811 1010 0000 0123 456", "IBAN: [ACCOUNT]"),
    ("iban-lowercase", "iban gb82west12345698765432", "iban [ACCOUNT]"),
    # US: ABA routing number (checksum) + account
    ("us-routing-account", "routing 021000021 account 123456789", "routing [BANK_CODE] account [ACCOUNT]"),
    (
        "us-aba-checking-hash",
        "ABA routing number: 011000015, checking account #000123456789",
        "ABA routing number: [BANK_CODE], checking account #[ACCOUNT]",
    ),
    ("us-zh-routing", "路由号 121000358 账号 4567890123", "路由号 [BANK_CODE] 账号 [ACCOUNT]"),
    ("us-rtn", "RTN 026009593 acct 9876543210", "RTN [BANK_CODE] acct [ACCOUNT]"),
    # Australia: BSB + account
    ("au-bsb-dash", "BSB 062-000 account 12345678", "BSB [BANK_CODE] account [ACCOUNT]"),
    ("au-bsb-compact-grouped-acc", "BSB: 062000 acc 1234 5678", "BSB: [BANK_CODE] acc [ACCOUNT]"),
    ("au-zh", "BSB号 033-000 账户 987654321", "BSB号 [BANK_CODE] 账户 [ACCOUNT]"),
    # Canada: transit + institution + account
    (
        "ca-transit-institution",
        "transit 12345 institution 003 account 1234567",
        "transit [BANK_CODE] institution [BANK_CODE] account [ACCOUNT]",
    ),
    ("ca-cheque-format", "transit number 12345-003, account 7654321", "transit number [BANK_CODE], account [ACCOUNT]"),
    # Alipay: a phone number or e-mail is the account; the 2088 user id
    ("alipay-phone", "支付宝账号 13812345678", "支付宝账号 [PHONE]"),
    ("alipay-email", "支付宝账号：zhang.san@163.com", "支付宝账号：[EMAIL]"),
    ("alipay-uid", "支付宝账户 2088102146225135", "支付宝账户 [ACCOUNT]"),
    ("alipay-en-intl-phone", "Alipay account: +86 139 1234 5678", "Alipay account: [PHONE]"),
    # WeChat and QQ
    ("wechat-wxid", "微信号 wxid_abc123def456", "微信号 [ACCOUNT]"),
    ("wechat-handle-colon", "微信号: abc_123", "微信号: [ACCOUNT]"),
    ("wechat-letters-after-id-word", "他的微信号是 zhangsan", "他的微信号是 [ACCOUNT]"),
    ("wechat-vx-slang", "加我vx：scam-helper88", "加我vx：[ACCOUNT]"),
    ("wechat-en", "add me on WeChat: lucky_girl_520", "add me on WeChat: [ACCOUNT]"),
    ("wechat-en-id", "WeChat ID: wang_lei88", "WeChat ID: [ACCOUNT]"),
    ("wechat-wxid-alone", "his wxid_k3j4h5g6f7d8 sent it", "his [ACCOUNT] sent it"),
    ("wechat-phone", "微信 13812345678 加我", "微信 [PHONE] 加我"),
    ("qq-number", "QQ号 12345678", "QQ号 [ACCOUNT]"),
    # one-time codes and PINs: the cue stays
    ("otp-zh-shi", "验证码是 123456", "验证码是 [CODE]"),
    ("otp-zh-fullwidth-colon", "验证码：8842", "验证码：[CODE]"),
    ("otp-en-code-is", "code is 552901", "code is [CODE]"),
    ("otp-en-otp", "OTP 123456", "OTP [CODE]"),
    ("otp-zh-dynamic", "动态码 123456", "动态码 [CODE]"),
    ("otp-zh-sms", "短信码 123456", "短信码 [CODE]"),
    ("otp-zh-by-all-means", "验证码 654321 千万别说", "验证码 [CODE] 千万别说"),
    ("otp-zh-sms-shi-colon", "短信验证码是：739201", "短信验证码是：[CODE]"),
    (
        "otp-zh-pasted-sms",
        "【京东】验证码627193，您正在进行账户注销操作，请勿泄露给他人",
        "【京东】验证码[CODE]，您正在进行账户注销操作，请勿泄露给他人",
    ),
    ("otp-en-verification", "Your verification code is 738201.", "Your verification code is [CODE]."),
    ("otp-en-one-time-passcode", "one-time passcode: 552184", "one-time passcode: [CODE]"),
    ("otp-zh-brackets", "验证码（482913）", "验证码（[CODE]）"),
    ("otp-zh-fullwidth-digits", "验证码：６５４３２１", "验证码：[CODE]"),
    ("otp-en-code-was", "the code was 9921", "the code was [CODE]"),
    ("otp-whatsapp-dash", "Your WhatsApp code: 123-456. Don't share it", "Your WhatsApp code: [CODE]. Don't share it"),
    ("otp-en-spaced", "verification code: 123 456", "verification code: [CODE]"),
    ("pin-zh-bank-password", "银行卡密码 123456 也告诉他了", "银行卡密码 [CODE] 也告诉他了"),
    ("pin-en", "he asked for my PIN 4321", "he asked for my PIN [CODE]"),
]

# Amounts, dates, times, official numbers, other codes: left as they are.
LEFT_ALONE = [
    ("amount-yuan-sign", "对方要¥50000保证金"),
    ("amount-wan", "转了5万元到对方的安全账户"),
    ("amount-pounds", "they took £1,200.50 from my account"),
    ("amount-dollars", "I moved $3,000 from my checking account"),
    ("amount-after-account-word", "账户里少了50000元"),
    ("amount-account-balance", "account balance 120000"),
    ("amount-zh-balance", "账户余额 120000"),
    ("amount-after-code", "验证码 5000元 才能解冻"),
    ("amount-account-decimal", "account 123456.78"),
    ("date-iso", "the call came on 2024-10-07"),
    ("date-words", "7 October 2024"),
    ("date-month-year-alone", "the party is on 12/27"),
    ("date-full-after-exp-word", "the offer expires 12/27/2024"),
    ("date-valid-until-iso", "valid until 2025-12-31"),
    ("date-zh-validity", "有效期至2025年12月31日"),
    ("time-after-code-word", "验证码 5分钟内有效"),
    ("time-resend", "验证码60秒后重新发送"),
    ("time-code-expires", "the code expires in 10 minutes"),
    ("time-clock", "OTP sent at 10:45"),
    ("year-after-code-word", "验证码是2024年开始用的"),
    ("percent", "利率 12.5%，验证码成功率 98%"),
    ("hotline-96110", "验证码被骗了打96110"),
    ("hotline-110-12308", "打110或12308"),
    ("hotline-action-fraud", "Action Fraud 0300 123 2040"),
    ("quiz-answer", '/quiz_answer{"choice":"AC"}'),
    ("zip-code", "zip code: 10001"),
    ("error-code", "error code: 4040"),
    ("promo-code", "promo code: 8888"),
    ("postcode", "postcode 2000"),
    ("area-code", "area code 0755"),
    ("code-word-only", "验证码千万别告诉别人"),
    ("code-digit-count", "6位验证码，密码错误3次"),
    ("card-last-four", "卡号尾号1234"),
    ("account-too-short", "account 12345"),
    ("routing-bad-checksum", "routing number 123456789"),
    ("iban-bad-checksum", "NL00 ABNA 5417 1643 00"),
    ("iban-wrong-length", "GB82 WEST 1234"),
    ("wechat-word-then-english", "add me on WeChat please"),
    ("wechat-id-word-then-english", "what is your WeChat ID please"),
    ("wechat-zh-no-id", "微信号被封了，让我帮忙解封"),
    ("qq-group", "QQ群 12345678 里有人拉我"),
    ("transit-words", "the transit was delayed"),
    ("sort-code-word-only", "they asked for my sort code and account number"),
    ("exp-as-experience", "5 years exp in banking"),
]


@pytest.mark.parametrize(("text", "masked"), [c[1:] for c in MASKED], ids=[c[0] for c in MASKED])
def test_secret_is_masked_and_the_cue_stays(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize("text", [c[1] for c in LEFT_ALONE], ids=[c[0] for c in LEFT_ALONE])
def test_left_alone(text: str) -> None:
    assert mask(text, keep=["96110", "110", "12308", "0300 123 2040"]) == text


@pytest.mark.parametrize("text", [c[1] for c in MASKED], ids=[c[0] for c in MASKED])
def test_masking_is_idempotent(text: str) -> None:
    once = mask(text)
    assert mask(once) == once


def test_kinds_and_offsets() -> None:
    text = "sort code 12-34-56 account 12345678, exp 12/27 cvv 123"
    found = find_personal(text)
    assert [(m.kind, text[m.start : m.end]) for m in found] == [
        (PersonalKind.BANK_CODE, "12-34-56"),
        (PersonalKind.ACCOUNT, "12345678"),
        (PersonalKind.EXPIRY, "12/27"),
        (PersonalKind.CODE, "123"),
    ]


def test_a_kept_number_after_a_code_word_is_kept() -> None:
    assert mask("验证码问题打 96110，code: 12308", keep=["12308"]) == "验证码问题打 96110，code: 12308"
    assert mask("code: 12308") == "code: [CODE]"


# ---------------------------------------------------------------------------------------------------------------
# The validators


@pytest.mark.parametrize(
    "iban",
    [
        "GB82 WEST 1234 5698 7654 32",
        "DE89370400440532013000",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91ABNA0417164300",
        "ES91 2100 0418 4502 0005 1332",
        "IT60 X054 2811 1010 0000 0123 456",
        "be68 5390 0754 7034",
    ],
    ids=["gb", "de", "fr", "nl", "es", "it", "be-lowercase"],
)
def test_iban_ok_and_one_changed_digit_is_not(iban: str) -> None:
    assert iban_ok(iban)
    last = iban[-1]
    assert not iban_ok(iban[:-1] + ("1" if last != "1" else "2"))


@pytest.mark.parametrize(
    "value",
    ["GB82WEST123456987654", "XX82WEST12345698765432", "GB82WEST12345698765432X", "GB82WEST1234569876543€"],
    ids=["too-short", "unknown-country", "too-long", "not-alphanumeric"],
)
def test_iban_ok_rejects(value: str) -> None:
    assert not iban_ok(value)


def test_iban_lengths_cover_the_brief_countries() -> None:
    assert {c: IBAN_LENGTHS[c] for c in ("GB", "DE", "FR", "NL", "ES", "IT")} == {
        "GB": 22,
        "DE": 22,
        "FR": 27,
        "NL": 18,
        "ES": 24,
        "IT": 27,
    }


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("021000021", True),
        ("011000015", True),
        ("121000358", True),
        ("123456789", False),
        ("021000022", False),
        ("991000025", False),
    ],
    ids=["chase", "fed-boston", "bofa-ca", "bad-checksum", "last-digit-off", "bad-district"],
)
def test_aba_ok(value: str, ok: bool) -> None:
    assert aba_ok(value) is ok

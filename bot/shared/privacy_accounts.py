"""Patterns for bank details, card security data, one-time codes and payment or chat account ids (used by privacy).

Most of these are short numbers that look like anything else (a sort code, a CVV, a 6-digit code, an 8-digit
account number): each is masked only right after the word that names it ("sort code 12-34-56", "CVV 123",
"验证码是 123456", "account 12345678", "微信号 abc_123"), and only the number goes; the word stays, so the classifier
still reads "验证码" or "sort code". The gap between the word and the number is a few joining words only ("is",
"was", "no.", ":", "是", "为", "号码"), never free text, so "account balance 120000" or "验证码发过去后被转走 20000"
are left alone. An IBAN needs no word: its country's length and its mod-97 check digits tell it from other text.

Card details written one after the other ("4111 1111 1111 1111 12/27 123") are caught too: once the card number is
a ``[CARD]`` token, the expiry right after it is masked on the next pass, then the CVV right after ``[EXPIRY]``.

What is not masked here: an expiry date without its word ("12/27" alone is 27 December as well), dates written in
full ("exp 12/27/2024"), amounts, durations and counts after a code word ("验证码 5分钟内有效", "code: 2024年"),
letter-only ids after an English word ("add me on WeChat please"), and alphanumeric passwords.

The patterns are ``re.VERBOSE`` sources; :mod:`bot.shared.privacy` compiles them (ASCII, case-insensitive) and
decides their order. Standard library only, like privacy.
"""

from __future__ import annotations

import re

__all__ = [
    "ACCOUNT_NEAR_WORD",
    "ALIPAY_UID",
    "BSB",
    "CA_INSTITUTION",
    "CA_TRANSIT",
    "CVV",
    "EXPIRY",
    "IBAN",
    "IBAN_LENGTHS",
    "ONE_TIME_CODE",
    "QQ_NUMBER",
    "SORT_CODE",
    "US_ROUTING",
    "WECHAT_HANDLE",
    "WECHAT_HANDLE_AFTER_ID_WORD",
    "WECHAT_WXID",
    "aba_ok",
    "account_digits_ok",
    "iban_ok",
]

# The joining words between a cue and its number: "is", "was", ":", "=", "#", "-", "是", "为", "号码", then maybe an
# opening quote or bracket. At most three of them, no other text.
_JOIN = r"""
    [ ]* (?: (?: is\b | was\b | = | : | ： | - | \# | 是 | 为 | 為 | 号码 | 號碼 | 号 ) [ ]* ){0,3}
    [\"'“‘(（【「]? [ ]*
"""
# After a mask token (card details pasted in a row): spaces and list punctuation only.
_AFTER_TOKEN = r"[ ]* [,，;；/|]? [ ]*"
# "number", "no.", "#" after a cue word.
_NUMBER_WORD = r"(?: [ ]? (?: number | num\b | no\b\.? | \# ) )?"
# A number that ends here: no digit or letter follows, nor a decimal, date or time part ("1234.5", "12/27/2024").
_END = r"(?![0-9A-Za-z]) (?![.,:/-][0-9])"
# A short number followed by a unit is a duration, a date part or a count, not a code (amounts: privacy._is_amount).
_NO_UNIT = r"""
    (?! [ ]* (?: 年 | 月 | 日 | 号 | 點 | 点 | 时 | 時 | 分 | 秒 | 次 | 个 | 個 | 位 | 条 | 天
        | 岁 | 笔 | 人 | % | (?:am|pm|years?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|times?|digits?)\b ) )
"""

# --------------------------------------------------------------------------------------------------------------
# IBAN: country code, 2 check digits, then the country's fixed number of letters and digits, in groups of four or
# not. Lengths from the SWIFT IBAN registry.

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def _iban_pattern() -> str:
    by_length: dict[int, list[str]] = {}
    for country, length in sorted(IBAN_LENGTHS.items()):
        by_length.setdefault(length, []).append(country)
    forms = [
        rf"(?:{'|'.join(countries)}) [0-9]{{2}} (?:[ ]?[0-9A-Z]){{{length - 4}}}"
        for length, countries in sorted(by_length.items())
    ]
    # the lookahead fails fast where no IBAN can start, before the alternatives are tried
    return rf"(?<![0-9A-Za-z]) (?=[A-Za-z]{{2}}[0-9]{{2}}) (?:{' | '.join(forms)}) (?![0-9A-Za-z])"


IBAN = _iban_pattern()


def iban_ok(value: str) -> bool:
    """The country's length and the ISO 13616 check: the number, rotated and read with A=10..Z=35, mod 97 is 1."""
    iban = re.sub(r"[ ]", "", value).upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isascii() or not iban.isalnum():
        return False
    rotated = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rotated)) % 97 == 1


# --------------------------------------------------------------------------------------------------------------
# Bank codes: UK sort code, US ABA routing number, Australian BSB, Canadian transit and institution numbers.

SORT_CODE = rf"""
    (?: \bsort[ -]?code\b | (?<![A-Za-z/])s/c\b | 排序码 | 银行代码 ) {_NUMBER_WORD} {_JOIN}
    (?P<v> (?<![0-9]) [0-9]{{2}} (?P<sep>[ -]?) [0-9]{{2}} (?P=sep) [0-9]{{2}} ) {_END}
"""

US_ROUTING = rf"""
    (?: \brouting (?:[ ]transit)? | \bABA\b (?:[ ]routing)? | \bRTN\b | 路由号 ) {_NUMBER_WORD} {_JOIN}
    (?P<v> (?<![0-9]) [0-9]{{9}} ) {_END}
"""

_ABA_PREFIX = re.compile(r"0[0-9]|1[0-2]|2[1-9]|3[0-2]|6[1-9]|7[0-2]|80")


def aba_ok(value: str) -> bool:
    """ABA check digit: 3, 7, 1 weights, sum divisible by 10; the first two digits a Federal Reserve district."""
    digits = [int(d) for d in value]
    weighted = sum(d * w for d, w in zip(digits, (3, 7, 1) * 3, strict=True))
    return len(digits) == 9 and weighted % 10 == 0 and _ABA_PREFIX.match(value) is not None


BSB = rf"""
    \bBSB\b {_NUMBER_WORD} {_JOIN}
    (?P<v> (?<![0-9]) [0-9]{{3}} [ -]? [0-9]{{3}} ) {_END}
"""

CA_TRANSIT = rf"""
    \btransit {_NUMBER_WORD} {_JOIN}
    (?P<v> (?<![0-9]) [0-9]{{5}} (?: -[0-9]{{3}} )? ) {_END}
"""

CA_INSTITUTION = rf"""
    \b(?:financial[ ])?institution {_NUMBER_WORD} {_JOIN}
    (?P<v> (?<![0-9]) [0-9]{{3}} ) {_END}
"""

# --------------------------------------------------------------------------------------------------------------
# Account numbers after their word; payment and chat ids.

# 6 to 17 digits, in a row or in groups of 3-4 with one separator ("1234 5678"): UK 8, Australia 6-9, US up to 17,
# Canada 7-12, Chinese accounts that are not card numbers.
ACCOUNT_NEAR_WORD = rf"""
    (?: \b(?:bank[ ])?account {_NUMBER_WORD} | \bacc(?:t|ount)?\b\.? {_NUMBER_WORD} | (?<![A-Za-z/])a/c\b {_NUMBER_WORD}
      | 账号 | 帐号 | 账户 | 帐户 | 賬號 | 賬戶 | 户口 | 卡号 )
    {_JOIN}
    (?P<v> (?<![0-9A-Za-z])
        (?: [0-9]{{6,17}} | [0-9]{{3,4}} (?P<sep>[ -]) [0-9]{{3,4}} (?:(?P=sep)[0-9]{{3,4}}){{0,3}} ) )
    {_END} {_NO_UNIT}
"""


def account_digits_ok(value: str) -> bool:
    return 6 <= sum(ch.isdigit() for ch in value) <= 17


# Alipay's user id: 16 digits starting 2088 (a card number to the generic rules).
ALIPAY_UID = rf"""
    (?: 支付宝 | \balipay ) (?: 账号 | 帐号 | 账户 | 帐户 | 用户号 | [ ]?(?:account|user[ ]?id|id)\b )? {_JOIN}
    (?P<v> (?<![0-9]) 2088[0-9]{{12}} ) {_END}
"""

# WeChat ids: 6-20 letters, digits, "_" and "-", starting with a letter. After a word that names the id ("微信号",
# "WeChat ID") any such id; after a word that only names the app ("微信", "vx", "WeChat") an id with a digit, "_" or
# "-" in it, so that "add me on WeChat please" and "WeChat ID please" keep their "please".
_HANDLE = r"(?<![0-9A-Za-z_-]) [A-Za-z][A-Za-z0-9_-]{5,19} (?![0-9A-Za-z_-])"
WECHAT_HANDLE_AFTER_ID_WORD = rf"""
    (?: (?:微信|威信|薇信|vx|wx|v信) [ ]? (?: 号 | 账号 | 帐号 ) | 微信 [ ]? ID\b )
    {_JOIN} (?P<v> {_HANDLE} )
"""
WECHAT_HANDLE = rf"""
    (?: 微信 | 威信 | 薇信 | \bvx | \bwx | \bv信 | \bweixin | \bwechat\b ) (?: [ ]? (?:id|account|handle)\b )? {_JOIN}
    (?P<v> (?=[A-Za-z]{{0,19}}[0-9_-]) {_HANDLE} )
"""
# A WeChat internal id, recognisable without a word.
WECHAT_WXID = r"(?<![0-9A-Za-z_-]) wxid_[A-Za-z0-9]{6,24} (?![0-9A-Za-z_-])"

QQ_NUMBER = rf"""
    \bQQ (?: 号码 | 号 | 账号 | 帐号 | [ ]?(?:number|no\b\.?|id)\b )? {_JOIN}
    (?P<v> (?<![0-9]) [1-9][0-9]{{4,10}} ) {_END} {_NO_UNIT}
"""

# --------------------------------------------------------------------------------------------------------------
# Card expiry and security code; one-time codes and PINs.

EXPIRY = rf"""
    (?: (?: \bexp (?:iry|ires|ired|iration)? \b\.? (?:[ ]date)? | \bvalid[ ](?:thru|through|until|till|to)\b
          | \bgood[ ]thru\b | 有效期 | 到期日 | 过期时间 )
        {_JOIN} (?: (?:on|at|至|到) [ ]* )?
      | \[CARD\] {_AFTER_TOKEN} )
    (?P<v> (?<![0-9]) (?:0?[1-9]|1[0-2]) [ ]? [/-] [ ]? (?:20)?[0-9]{{2}} ) {_END}
"""

CVV = rf"""
    (?: (?: \b(?:cvv2?|cvc2?|cvn2?|csc)\b | \bcard[ ]verification[ ](?:value|code|number)\b | \bsecurity[ ]code\b
          | 安全码 | (?: 背面 | 卡背面? ) (?:的)? (?:后)? [三四34] 位 (?:数字|数|码)? )
        (?:码)? {_JOIN}
      | \[EXPIRY\] {_AFTER_TOKEN} )
    (?P<v> (?<![0-9]) [0-9]{{3,4}} ) {_END} {_NO_UNIT}
"""

# "code" alone only before "is", "was" or ":" ("the code is 552901"), and not after a word that makes it another
# kind of code ("zip code: 10001", "error code: 4040").
_CODE_ALONE = r"""
    \bcode\b
    (?<!zip[ ]code)(?<!area[ ]code)(?<!post[ ]code)(?<!postal[ ]code)(?<!country[ ]code)(?<!promo[ ]code)
    (?<!discount[ ]code)(?<!coupon[ ]code)(?<!voucher[ ]code)(?<!gift[ ]code)(?<!referral[ ]code)(?<!invite[ ]code)
    (?<!invitation[ ]code)(?<!tracking[ ]code)(?<!error[ ]code)(?<!status[ ]code)(?<!sort[ ]code)(?<!swift[ ]code)
    (?<!bic[ ]code)(?<!branch[ ]code)(?<!bank[ ]code)(?<!tax[ ]code)(?<!dialling[ ]code)(?<!dialing[ ]code)
    (?<!booking[ ]code)(?<!reference[ ]code)(?<!product[ ]code)(?<!course[ ]code)
    (?<!dress[ ]code)(?<!source[ ]code)(?<!pickup[ ]code)(?<!parcel[ ]code)(?<!locker[ ]code)(?<!door[ ]code)
    (?<!room[ ]code)
    (?= [ ]* (?: is\b | was\b | : | ： | = ) )
"""

# 4 to 8 digits, or two groups of three ("Your WhatsApp code: 123-456").
ONE_TIME_CODE = rf"""
    (?: 验证码 | 驗證碼 | 校验码 | 动态码 | 动态密码 | 短信码 | 授权码 | 交易密码 | 支付密码 | 密码
      | \bOTP\b | \bTAC\b | \bone[ -]?time[ ](?:pass)?(?:code|password|pin)\b | \bpass[ ]?code\b
      | \b(?:verification|verify|security|authentication|auth|login|log-?in|sign[ -]?in|access|sms|text|2fa|mfa
            |two[ -]factor|one[ -]time)[ ]code\b
      | \bPIN\b (?:[ ](?:code|number|no\b\.?))? | \bpassword\b
      | {_CODE_ALONE} )
    {_JOIN}
    (?P<v> (?<![0-9A-Za-z]) (?: [0-9]{{4,8}} | [0-9]{{3}}[ -][0-9]{{3}}(?![ -][0-9]) ) ) {_END} {_NO_UNIT}
"""

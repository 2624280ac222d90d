"""Mask personal numbers (bank cards and accounts, IDs, passports, phone numbers, e-mails, codes) before anything is
logged or stored.

People paste their card number or phone number into the story of what happened to them. Everything that leaves
the user's message (Rasa's tracker, logs, the database) goes through :func:`mask` first, which replaces each
personal string with a token: ``[CARD]``, ``[ID]``, ``[PASSPORT]``, ``[PHONE]``, ``[EMAIL]``; and, for the bank
details, card security data, one-time codes and account ids of :mod:`bot.shared.privacy_accounts`, ``[ACCOUNT]``
(account number, IBAN, Alipay / WeChat / QQ id), ``[BANK_CODE]`` (sort code, routing number, BSB, transit),
``[EXPIRY]`` and ``[CODE]`` (CVV, one-time code, PIN). Those are mostly masked after the word that names them, and
the word stays: "验证码是 [CODE]", "sort code [BANK_CODE] account [ACCOUNT]".

What is *not* masked, by design: money amounts, dates, times, years, percentages, short numbers (order numbers
under the rules' lengths) and official short numbers such as 110, 999, 000, 911, 96110, 12308, 131 444, #9110 or
0300 123 2040: none of the rules can match them. Longer official numbers (a hotline written with its country
code, say) are protected by ``keep``; callers pass the knowledge base's hotline numbers.

How it works: full-width digits, letters and punctuation are mapped to ASCII one character for one character
(so offsets stay valid), then an ordered list of rules runs over the text. A rule earlier in the list wins
where two rules would claim the same characters (an e-mail before the digits inside it, "passport 123456789"
before the generic rules). Every pattern is anchored on explicit boundaries and uses bounded repetitions only,
so a 20,000-character message is masked in linear time.

Standard library only: this module is imported both in the Rasa environment and in the app environment.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.shared import privacy_accounts as acc

__all__ = [
    "DEFAULT_KEEP",
    "MaskingFilter",
    "Match",
    "PersonalKind",
    "find_personal",
    "mask",
    "mask_obj",
]


class PersonalKind(str, Enum):
    """The kinds of personal string that are masked; the value is the word inside the mask token."""

    CARD = "CARD"
    ID = "ID"
    PASSPORT = "PASSPORT"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    ACCOUNT = "ACCOUNT"  # bank account number, IBAN, Alipay / WeChat / QQ id
    BANK_CODE = "BANK_CODE"  # UK sort code, US routing number, Australian BSB, Canadian transit / institution
    EXPIRY = "EXPIRY"  # a card's expiry date
    CODE = "CODE"  # a card's CVV / CVC, a one-time code, a PIN

    @property
    def token(self) -> str:
        """The replacement written into the text, e.g. ``[CARD]``."""
        return f"[{self.value}]"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Match:
    """A personal string found in a text: ``text[start:end]`` is of kind ``kind``."""

    kind: PersonalKind
    start: int
    end: int


#: Official numbers that the rules could otherwise take for a personal phone number: the Chinese consular
#: protection hotline as dialled from abroad (+86-10-12308, +86-10-65612308). Always kept, on top of ``keep``.
DEFAULT_KEEP: tuple[str, ...] = ("010-12308", "010-65612308")


# --------------------------------------------------------------------------------------------------------------
# Normalisation: one character for one character, so that match offsets are offsets into the original text.


def _normalisation_table() -> dict[int, str]:
    table = {0xFF10 + i: str(i) for i in range(10)}  # ０-９
    table.update({0xFF21 + i: chr(ord("A") + i) for i in range(26)})  # Ａ-Ｚ
    table.update({0xFF41 + i: chr(ord("a") + i) for i in range(26)})  # ａ-ｚ
    punctuation = {
        "＋": "+",
        "－": "-",
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2212": "-",  # minus sign
        "（": "(",
        "）": ")",
        "＠": "@",
        "．": ".",
        "＃": "#",
        "\u3000": " ",  # ideographic space
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
    }
    table.update({ord(src): dst for src, dst in punctuation.items()})
    return table


_NORMALISE = _normalisation_table()


def _normalise(text: str) -> str:
    return text.translate(_NORMALISE)


# --------------------------------------------------------------------------------------------------------------
# Rules.

_FLAGS = re.ASCII | re.VERBOSE

# A number starts where it is not glued to a letter, a digit, or a decimal point after a digit ("3.14159...")
_START = r"(?<![0-9A-Za-z])(?<![0-9]\.)"
# ... and ends where no digit (or decimal part) follows.
_END = r"(?![0-9])(?!\.[0-9])"
# Letter-and-digit codes end where no letter or digit follows.
_END_ALNUM = r"(?![0-9A-Za-z])"
# The words between "passport" / "SSN" and the number: no digits, no line break, no mask token.
_GAP = r"[^0-9\n\[]{0,20}?"

_TOLL_FREE_NANP = r"8(?:00|33|44|55|66|77|88)"


@dataclass(frozen=True)
class _Rule:
    """One format. The masked span is the group named ``v`` if the pattern has one, else the whole match.

    ``valid``: a match it rejects is not this format at all (other rules may still match there).
    ``official``: a match it accepts is a number of this format but not a personal one (a business or service
    number): it is left as it is, and no other rule may mask a piece of it.
    """

    kind: PersonalKind
    pattern: re.Pattern[str]
    valid: Callable[[str], bool] | None = None
    official: Callable[[str], bool] | None = None

    def span(self, m: re.Match[str]) -> tuple[int, int]:
        return m.span("v") if "v" in self.pattern.groupindex else m.span()


def _rule(
    kind: PersonalKind,
    pattern: str,
    *,
    ignore_case: bool = False,
    valid: Callable[[str], bool] | None = None,
    official: Callable[[str], bool] | None = None,
) -> _Rule:
    flags = _FLAGS | (re.IGNORECASE if ignore_case else 0)
    return _Rule(kind, re.compile(pattern, flags), valid, official)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9")


def _tfn_checksum_ok(value: str) -> bool:
    """Australian tax file number check digit (weights 1 4 3 7 5 8 6 9 10, sum divisible by 11)."""
    digits = _digits(value)
    weights = (1, 4, 3, 7, 5, 8, 6, 9, 10)
    return len(digits) == 9 and sum(int(d) * w for d, w in zip(digits, weights)) % 11 == 0


_NINO_INVALID_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def _nino_ok(value: str) -> bool:
    return value[:2].upper() not in _NINO_INVALID_PREFIXES


def _international_digits(value: str) -> str:
    digits = _digits(value)
    return digits[2:] if digits.startswith("00") else digits


def _international_ok(value: str) -> bool:
    """E.164 length: 8 to 15 digits with the country code."""
    return 8 <= len(_international_digits(value)) <= 15


_INTERNATIONAL_SERVICE = re.compile(r"1" + _TOLL_FREE_NANP + r"|440?[38]|86[48]00|61(?:1[38]00|13)")


def _international_service(value: str) -> bool:
    """Business numbers: +1 toll-free, UK 03/08 (+44 300 123 2040), China 400/800, Australia 13/1300/1800."""
    return _INTERNATIONAL_SERVICE.match(_international_digits(value)) is not None


_COMPACT_DATE = re.compile(r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])")
_SERVICE_PREFIX = re.compile(r"(?:400|800|1300|1800|0[38]|1?" + _TOLL_FREE_NANP + ")")


def _phone_near_word_ok(value: str) -> bool:
    """Not a compact date (20240501) and not a business number (400/800, 1300/1800, UK 03/08, US toll-free)."""
    return not _COMPACT_DATE.fullmatch(value) and not _SERVICE_PREFIX.match(value)


_EMAIL = r"""
    (?<![A-Za-z0-9._%+-])
    [A-Za-z0-9._%+-]{1,64} @ (?:[A-Za-z0-9-]{1,63}\.){1,8} [A-Za-z]{2,24}
    (?![A-Za-z0-9-])
"""

# "passport (no.) E12345678", "护照号码是 123456789": any of the usual formats, next to the word.
_PASSPORT_NEAR_WORD = rf"""
    (?:passport|护照) {_GAP}
    (?P<v> (?<![0-9A-Za-z]) (?:[A-Za-z]{{1,2}}[ ]?[0-9]{{6,9}} | [0-9]{{7,9}}) ) {_END_ALNUM}
"""

# "SSN 123456789", "tax file number 123 456 782".
_ID_NEAR_WORD = rf"""
    (?:\bSSN\b | \bsocial[ ]security[ ](?:number|no\b\.?) | \bTFN\b | \btax[ ]file[ ]number)  {_GAP}
    (?P<v> (?<![0-9]) [0-9]{{3}}[ -]?[0-9]{{2,3}}[ -]?[0-9]{{3,4}} ) {_END}
"""

# A run of 8-15 digits right after a word for phone ("call me at 4155550123", "WhatsApp 91234567", "手机98765432"):
# catches the national formats written without separators that no other rule can tell from an order number.
_PHONE_NEAR_WORD = rf"""
    (?: \b(?:phone|mobile|cell|tel|telephone|whatsapp|call(?:ed|ing)?|ring|text(?:ed)?[ ]me|my[ ]number)\b
      | 电话|手机|致电|打给|微信 )
    {_GAP}
    (?P<v> (?<![0-9A-Za-z]) [0-9]{{8,15}} ) {_END}
"""

_DATE_OF_BIRTH = r"(?:18|19|20)[0-9]{2} (?:0[1-9]|1[0-2]) (?:0[1-9]|[12][0-9]|3[01])"

# Chinese resident ID: 6-digit region, birth date, 3-digit sequence, check digit (0-9 or X).
_CN_ID_18 = rf"{_START} [1-9][0-9]{{5}} [ ]? {_DATE_OF_BIRTH} [ ]? [0-9]{{3}}[0-9Xx] {_END_ALNUM}"
# The old 15-digit form: 2-digit year.
_CN_ID_15 = rf"""
    {_START} [1-9][0-9]{{5}} [0-9]{{2}} (?:0[1-9]|1[0-2]) (?:0[1-9]|[12][0-9]|3[01]) [0-9]{{3}} {_END_ALNUM}
"""
# Hong Kong identity card: A123456(7), AB123456(A).
_HK_ID = rf"{_START} [A-Z]{{1,2}} [0-9]{{6}} [ ]? \( [ ]? [0-9A] [ ]? \)"
# UK National Insurance number: AB 12 34 56 C.
_UK_NINO = rf"""
    {_START} [A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] [ ]?[0-9]{{2}} [ ]?[0-9]{{2}} [ ]?[0-9]{{2}} [ ]?[A-D] {_END_ALNUM}
"""
# US social security number, with dashes or spaces: 123-45-6789.
_US_SSN = rf"""
    {_START} (?<![0-9][ -])
    (?!000|666|9)[0-9]{{3}} (?P<s>[ -]) (?!00)[0-9]{{2}} (?P=s) (?!0000)[0-9]{{4}}
    {_END} (?![ -][0-9])
"""
# Australian tax file number written in three groups: 123 456 782 (check digit verified), not part of a longer
# run of digit groups.
_AU_TFN = rf"{_START} (?<![0-9][ -]) [0-9]{{3}}[ ][0-9]{{3}}[ ][0-9]{{3}} {_END} (?![ -][0-9])"

# Any number written with an international prefix: +86 138 1234 5678, 0086-..., +44 (0)20 7946 0958,
# +61 412 345 678, +1 (415) 555-0123. After the country code, digit groups share one separator, so that
# "+86-10-12308 1300" stops before " 1300"; the length (8-15 digits, E.164) is checked by _international_ok.
_PHONE_INTERNATIONAL = rf"""
    (?<![0-9A-Za-z+]) (?:\+|(?<![0-9])00) [ ]? [1-9][0-9]{{0,2}} [ .-]?
    (?:\([ ]?0[ ]?\)[ ]?)?
    (?:\([0-9]{{1,4}}\)[ .-]?)?
    [0-9]{{1,12}} (?:(?P<s>[ .-])[0-9]{{1,12}} (?:(?P=s)[0-9]{{1,12}}){{0,4}})?
    {_END}
"""

# Bank cards. Amex 4-6-5; 4-digit groups with one consistent separator (13 to 19 digits; a last short group is
# not the month of an expiry date written after the number, "4111 1111 1111 1111 12/27"); 13-19 digits in a row.
_CARD_AMEX = rf"{_START} 3[47][0-9]{{2}}[ -][0-9]{{6}}[ -][0-9]{{5}} {_END}"
_CARD_GROUPED = rf"""
    {_START} [0-9]{{4}} (?P<s>[ -]) [0-9]{{4}} (?P=s) [0-9]{{4}} (?P=s) [0-9]{{1,4}}
    (?:(?P=s)[0-9]{{1,3}}(?!/[0-9]))? {_END}
"""
_CARD_PLAIN = rf"{_START} [0-9]{{13,19}} {_END}"

# Chinese mobile: 138 1234 5678, 138-1234-5678, 13812345678.
_CN_MOBILE = rf"{_START} 1[3-9][0-9] [ -]?[0-9]{{4}} [ -]?[0-9]{{4}} {_END}"
# Chinese landline with area code: 010-12345678, 0755-1234567, (0755)1234567.
_CN_LANDLINE = rf"{_START} (?:\(0[0-9]{{2,3}}\)|0[1-9][0-9]{{1,2}}) [ -]? [0-9]{{7,8}} {_END}"
# UK: 11 digits from 01, 02 or 07 (03 and 08 are non-geographic service numbers, e.g. 0300 123 2040).
_UK_PHONE = rf"""
    {_START} (?: 0[127](?:[ -]?[0-9]){{9}} | \(0[127][0-9]{{1,3}}\)(?:[ -]?[0-9]){{5,8}} ) {_END}
"""
# Australia: mobiles 04xx xxx xxx; landlines (02), (03), (07), (08) + 8 digits, the first 2-9: 0412 345 678,
# (02) 9876 5432. 13/1300/1800 numbers are not matched.
_AU_PHONE = rf"""
    {_START}
    (?: 04(?:[ -]?[0-9]){{8}} | 0[2378][ -]?[2-9](?:[ -]?[0-9]){{7}} | \(0[2378]\)[ ]?[2-9][0-9]{{3}}[ -]?[0-9]{{4}} )
    {_END}
"""
# US/Canada: (555) 123-4567, 555-123-4567, 1-555-123-4567. Separators required; toll-free and China's 400
# business numbers excluded.
_NANP_PHONE = rf"""
    {_START} (?:1[ .-])?
    (?: \((?!{_TOLL_FREE_NANP}\))[2-9][0-9]{{2}}\)[ ]? | (?!{_TOLL_FREE_NANP}[ .-]|400[ .-])[2-9][0-9]{{2}}[ .-] )
    [0-9]{{3}}[ .-][0-9]{{4}} {_END}
"""

# Passports recognisable by their letter prefix, anywhere: China E12345678, EA1234567, G12345678; Australia
# N1234567, PA1234567; US A12345678.
_PASSPORT_CODE = rf"(?<![0-9A-Za-z]) (?:[A-Z][0-9]{{7,8}} | [A-Z]{{2}}[0-9]{{7}}) {_END_ALNUM}"

_K = PersonalKind

#: The rules, in priority order.
_RULES: tuple[_Rule, ...] = (
    _rule(_K.EMAIL, _EMAIL),
    _rule(_K.PASSPORT, _PASSPORT_NEAR_WORD, ignore_case=True),
    _rule(_K.ID, _ID_NEAR_WORD, ignore_case=True),
    # Bank details, card security data, one-time codes, payment and chat ids (bot.shared.privacy_accounts): after
    # their word, before the generic rules could take a piece of them; the IBAN by its check digits.
    _rule(_K.ACCOUNT, acc.IBAN, ignore_case=True, valid=acc.iban_ok),
    _rule(_K.BANK_CODE, acc.SORT_CODE, ignore_case=True),
    _rule(_K.BANK_CODE, acc.US_ROUTING, ignore_case=True, valid=acc.aba_ok),
    _rule(_K.BANK_CODE, acc.BSB, ignore_case=True),
    _rule(_K.BANK_CODE, acc.CA_TRANSIT, ignore_case=True),
    _rule(_K.BANK_CODE, acc.CA_INSTITUTION, ignore_case=True),
    _rule(_K.EXPIRY, acc.EXPIRY, ignore_case=True),
    _rule(_K.CODE, acc.CVV, ignore_case=True),
    _rule(_K.CODE, acc.ONE_TIME_CODE, ignore_case=True),
    _rule(_K.ACCOUNT, acc.ALIPAY_UID, ignore_case=True),
    _rule(_K.ACCOUNT, acc.WECHAT_WXID, ignore_case=True),
    _rule(_K.ACCOUNT, acc.WECHAT_HANDLE_AFTER_ID_WORD, ignore_case=True),
    _rule(_K.ACCOUNT, acc.WECHAT_HANDLE, ignore_case=True),
    _rule(_K.ID, _CN_ID_18),
    _rule(_K.ID, _CN_ID_15),
    _rule(_K.ID, _HK_ID),
    _rule(_K.ID, _UK_NINO, ignore_case=True, valid=_nino_ok),
    _rule(_K.PHONE, _PHONE_INTERNATIONAL, valid=_international_ok, official=_international_service),
    _rule(_K.CARD, _CARD_AMEX),
    _rule(_K.CARD, _CARD_GROUPED),
    _rule(_K.CARD, _CARD_PLAIN),
    _rule(_K.PHONE, _CN_MOBILE),
    _rule(_K.PHONE, _CN_LANDLINE),
    _rule(_K.PHONE, _UK_PHONE),
    _rule(_K.PHONE, _AU_PHONE),
    _rule(_K.PHONE, _NANP_PHONE),
    _rule(_K.ID, _US_SSN),
    _rule(_K.ID, _AU_TFN, valid=_tfn_checksum_ok),
    _rule(_K.PHONE, _PHONE_NEAR_WORD, ignore_case=True, valid=_phone_near_word_ok),
    # An account number after its word, once phone and card numbers have had their turn ("账号13812345678" is a
    # phone number, "account 4111 1111 1111 1111" a card).
    _rule(_K.ACCOUNT, acc.ACCOUNT_NEAR_WORD, ignore_case=True, valid=acc.account_digits_ok),
    _rule(_K.ACCOUNT, acc.QQ_NUMBER, ignore_case=True),
    _rule(_K.PASSPORT, _PASSPORT_CODE),
)

# A number right after a currency sign or code, or right before a currency word or "%", is an amount. "千万" before
# a verb is "by all means" and "万一" is "in case" ("验证码 654321 千万别说"), not ten million or ten thousand.
_MONEY_BEFORE = re.compile(r"(?:[¥￥$£€]|(?<![A-Za-z])(?:rmb|cny|usd|aud|gbp|hkd|cad|eur))[ ]*\Z", re.IGNORECASE)
_MONEY_AFTER = re.compile(
    r"[ ]*(?:元|块|圆|万(?!一)|亿|千(?!万[别不要勿记])|百|美元|美金|英镑|澳元|澳币|港币|港元|加元|欧元|人民币|%|"
    r"(?:rmb|cny|yuan|usd|aud|gbp|hkd|cad|eur|dollars?|pounds?|bucks)(?![A-Za-z]))",
    re.IGNORECASE,
)


def _is_amount(norm: str, start: int, end: int) -> bool:
    return bool(_MONEY_BEFORE.search(norm[max(0, start - 8) : start]) or _MONEY_AFTER.match(norm, end))


# --------------------------------------------------------------------------------------------------------------
# Numbers to keep.


@dataclass(frozen=True)
class _Number:
    """A phone number reduced to its digits; ``international`` if it was written with + or 00."""

    digits: str
    international: bool

    @classmethod
    def parse(cls, text: str) -> _Number:
        digits = _digits(text)
        international = text.lstrip().startswith("+") or digits.startswith("00")
        if digits.startswith("00"):
            digits = digits[2:]
        return cls(digits, international)

    def same_as(self, other: _Number) -> bool:
        """Same digits, or the same number written once nationally and once with a country code."""
        if self.digits == other.digits:
            return True
        if self.international == other.international:
            return False
        intl, national = (self, other) if self.international else (other, self)
        significant = national.digits.lstrip("0")
        if len(significant) < 5 or not intl.digits.endswith(significant):
            return False
        # what precedes: a country code, maybe followed by the "(0)" trunk prefix
        return re.fullmatch(r"[1-9][0-9]{0,2}0?", intl.digits[: -len(significant)]) is not None


class _Keep:
    """The numbers (and e-mail addresses) never to mask."""

    def __init__(self, keep: Iterable[str]) -> None:
        entries = [str(k) for k in (*DEFAULT_KEEP, *keep) if k]
        self.emails = frozenset(e.strip().lower() for e in entries if "@" in e)
        numbers = (_Number.parse(e) for e in entries if "@" not in e)
        self.numbers = tuple(n for n in numbers if n.digits)
        self._exact = frozenset(n.digits for n in self.numbers)

    def __contains__(self, value: str) -> bool:
        if "@" in value:
            return value.lower() in self.emails
        number = _Number.parse(value)
        return number.digits in self._exact or any(number.same_as(k) for k in self.numbers)


# --------------------------------------------------------------------------------------------------------------
# Finding and masking.


class _Spans:
    """Disjoint [start, end) spans, sorted, with an overlap test in O(log n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        if i > 0 and self._ends[i - 1] > start:
            return True
        return i < len(self._starts) and self._starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def _find(text: str, keep: _Keep) -> list[Match]:
    norm = _normalise(text)
    claimed = _Spans()
    found: list[Match] = []
    for rule in _RULES:
        for m in rule.pattern.finditer(norm):
            start, end = rule.span(m)
            value = norm[start:end]
            if claimed.overlaps(start, end) or (rule.valid and not rule.valid(value)):
                continue
            if rule.kind is not PersonalKind.EMAIL and _is_amount(norm, start, end):
                continue
            claimed.add(start, end)  # kept and official numbers are claimed too: no other rule masks a piece
            if value not in keep and not (rule.official and rule.official(value)):
                found.append(Match(rule.kind, start, end))
    found.sort(key=lambda match: match.start)
    return found


def find_personal(text: str, *, keep: Iterable[str] = ()) -> list[Match]:
    """The personal strings in ``text``, in text order (offsets into ``text`` itself)."""
    return _find(text, _Keep(keep))


def _replace(text: str, matches: list[Match]) -> str:
    parts: list[str] = []
    last = 0
    for match in matches:
        parts += [text[last : match.start], match.kind.token]
        last = match.end
    parts.append(text[last:])
    return "".join(parts)


def mask(text: str, *, keep: Iterable[str] = ()) -> str:
    """Replace every personal string in ``text`` with its token (``[CARD]``, ``[PHONE]``...).

    ``keep``: numbers never masked, compared by digits (a number written with a country code matches the same
    number written nationally). Runs until nothing is left to mask, so ``mask(mask(x)) == mask(x)``.
    """
    if not text:
        return text
    kept = _Keep(keep)
    # Each pass replaces digits (or an "@") by tokens that contain neither, so this terminates; a second pass is
    # only needed when a mask token unglues a neighbour that a boundary had protected.
    while matches := _find(text, kept):
        text = _replace(text, matches)
    return text


def mask_obj(obj: Any, *, keep: Iterable[str] = ()) -> Any:
    """A copy of a JSON-like value (dicts, lists, tuples, sets, strings) with every string masked, keys included.

    Other values (numbers, None, objects) are returned as they are.
    """
    kept = tuple(keep)
    return _mask_obj(obj, kept)


def _mask_obj(obj: Any, keep: tuple[str, ...]) -> Any:
    if isinstance(obj, str):
        return mask(obj, keep=keep)
    if isinstance(obj, dict):
        return {_mask_obj(k, keep): _mask_obj(v, keep) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return type(obj)(_mask_obj(item, keep) for item in obj)
    return obj


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal strings in every record it sees.

    The message is formatted first (``record.getMessage()``), so numbers passed as ``%d`` arguments are masked
    too; the masked text becomes ``record.msg`` and ``record.args`` is emptied. Exception and stack text is masked
    as well. Attach it to a *handler* to cover every logger that propagates to it (a filter attached to a logger
    only sees records logged on that very logger).
    """

    def __init__(self, name: str = "", *, keep: Iterable[str] = ()) -> None:
        super().__init__(name)
        self.keep = tuple(keep)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: mask the parts, leave the formatting error to the handler
            record.msg = mask_obj(record.msg, keep=self.keep)
            record.args = mask_obj(record.args, keep=self.keep)
        else:
            record.msg = mask(message, keep=self.keep)
            record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, keep=self.keep)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, keep=self.keep)
        return True

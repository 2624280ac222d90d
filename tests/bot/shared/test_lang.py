"""Tests for bot.shared.lang: which language a message is in, and which language to reply in."""

from __future__ import annotations

import random

import pytest

from bot.shared.lang import Lang, Script, detect, reply_language


def _random_bytes(seed: int, size: int = 160) -> bytes:
    return random.Random(seed).randbytes(size)


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"
JPEG_HEADER = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00\xff\xdb\x00C\x00\x08\x06\x06\x07\x06"

# (id, text, expected script)
DETECT = [
    # Chinese
    ("zh-simplified", "有人冒充警察给我打电话，说我涉嫌洗钱", Script.ZH),
    ("zh-traditional", "警察說我的包裹有問題，要我轉帳到安全帳戶", Script.ZH),
    ("zh-one-char", "骗", Script.ZH),
    ("zh-with-numbers", "96110是真的吗", Script.ZH),
    ("zh-with-mask", "他用[PHONE]给我打电话，让我报卡号[CARD]", Script.ZH),
    ("zh-with-code-mask", "验证码是 [CODE]", Script.ZH),
    # mixed Chinese-English counts as Chinese
    ("mixed-zh-en", "那个police说我的parcel有问题", Script.ZH),
    ("mixed-mostly-en", "my mom got a call from 公安局 saying her ID card was used for money laundering", Script.ZH),
    # English
    ("en-sentence", "Someone called me pretending to be the police and said I'm a suspect", Script.EN),
    ("en-question", "is 96110 real?", Script.EN),
    ("en-short", "hi", Script.EN),
    ("en-with-mask", "he called me from [PHONE] and asked for my card [CARD]", Script.EN),
    ("en-with-emoji", "help me please 😭", Script.EN),
    # other languages
    ("ja-kana", "警察を名乗る人から電話があって、お金を振り込むように言われました", Script.OTHER),
    ("ja-kana-only", "こんにちは、たすけてください", Script.OTHER),
    ("ko", "경찰이라고 하는 사람이 전화해서 돈을 보내라고 했어요", Script.OTHER),
    ("ru", "Мне позвонили из полиции и сказали перевести деньги", Script.OTHER),
    ("fr", "Bonjour, je suis étudiant et la police m'a appelé", Script.OTHER),
    ("de", "Hallo, ich bin Student und die Polizei hat mich angerufen", Script.OTHER),
    ("es", "Hola, soy estudiante y la policía me llamó para pedir dinero", Script.OTHER),
    ("ar", "اتصل بي شخص يدعي أنه من الشرطة", Script.OTHER),
    ("th", "มีคนโทรมาอ้างว่าเป็นตำรวจ", Script.OTHER),
    # nothing to go by
    ("empty", "", Script.UNKNOWN),
    ("whitespace", "  \n\t ", Script.UNKNOWN),
    ("emoji-only", "😱😱🙏", Script.UNKNOWN),
    ("emoji-zwj-flag", "👨‍👩‍👧 🇬🇧 ❤️", Script.UNKNOWN),
    ("digits-only", "12308", Script.UNKNOWN),
    ("phone-number-only", "+86 10 1100 2233", Script.UNKNOWN),
    ("punctuation-only", "???!!! ...", Script.UNKNOWN),
    ("mask-phone-only", "[PHONE]", Script.UNKNOWN),
    ("mask-tokens-only", "[PHONE] [CARD] [EMAIL]", Script.UNKNOWN),
    ("mask-bank-tokens-only", "[BANK_CODE] [ACCOUNT] [EXPIRY] [CODE]", Script.UNKNOWN),
    ("mask-and-digits", "[PHONE] 110?", Script.UNKNOWN),
    # binary junk, however it was decoded
    ("binary-nul-and-latin1", "\x00\x01\xff\xfe", Script.UNKNOWN),
    ("binary-png-utf8-replace", PNG_HEADER.decode("utf-8", "replace"), Script.UNKNOWN),
    ("binary-jpeg-latin1", JPEG_HEADER.decode("latin-1"), Script.UNKNOWN),
    ("binary-jpeg-utf8-replace", JPEG_HEADER.decode("utf-8", "replace"), Script.UNKNOWN),
    *[
        (f"binary-random-{seed}-utf8-replace", _random_bytes(seed).decode("utf-8", "replace"), Script.UNKNOWN)
        for seed in range(5)
    ],
    *[(f"binary-random-{seed}-latin1", _random_bytes(seed).decode("latin-1"), Script.UNKNOWN) for seed in range(5)],
    *[
        (f"binary-random-{seed}-surrogate", _random_bytes(seed).decode("utf-8", "surrogateescape"), Script.UNKNOWN)
        for seed in range(3)
    ],
    # a real message with a stray broken character is still a real message
    ("zh-one-replacement-char", "我被骗了，对方让我转账\ufffd", Script.ZH),
    ("en-mojibake-quotes", "I donâ€\x99t know what a â€\x9csafe accountâ€\x9d is, the police called me", Script.EN),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in DETECT], ids=[c[0] for c in DETECT])
def test_detect(text: str, expected: Script) -> None:
    assert detect(text) is expected


def test_detect_none_is_unknown() -> None:
    assert detect(None) is Script.UNKNOWN  # type: ignore[arg-type]


# (id, text, previous lang slot, expected reply language)
REPLY = [
    ("zh-message-first-turn", "警察打电话说我涉嫌洗钱", None, Lang.ZH),
    ("en-message-first-turn", "the police called and said I'm a suspect", None, Lang.EN),
    ("zh-message-overrides-en", "他让我转账", "en", Lang.ZH),
    ("en-message-overrides-zh", "they want me to transfer money", "zh", Lang.EN),
    ("mixed-overrides-en", "那个police说我的parcel有问题", "en", Lang.ZH),
    ("unknown-keeps-zh", "110", "zh", Lang.ZH),
    ("unknown-keeps-en", "😱😱", "en", Lang.EN),
    ("mask-only-keeps-zh", "[PHONE]", "zh", Lang.ZH),
    ("binary-keeps-zh", "\x00\x01\xff\xfe", "zh", Lang.ZH),
    ("other-keeps-zh", "Bonjour, je suis étudiant et la police m'a appelé", "zh", Lang.ZH),
    ("other-keeps-en", "경찰이라고 하는 사람이 전화했어요", "en", Lang.EN),
    ("japanese-keeps-zh", "警察を名乗る人から電話がありました", "zh", Lang.ZH),
    ("unknown-no-previous-default", "12308", None, Lang.EN),
    ("other-no-previous-default", "Мне позвонили из полиции", None, Lang.EN),
    ("unknown-bad-previous-default", "110", "fr", Lang.EN),
]


@pytest.mark.parametrize(("text", "previous", "expected"), [c[1:] for c in REPLY], ids=[c[0] for c in REPLY])
def test_reply_language(text: str, previous: str | None, expected: Lang) -> None:
    lang, script = reply_language(text, previous)
    assert lang is expected
    assert script is detect(text)


def test_reply_language_default_when_nothing_to_go_by() -> None:
    assert reply_language("🙏", None, default=Lang.ZH) == (Lang.ZH, Script.UNKNOWN)
    assert reply_language("Bonjour, je suis étudiant", None, default=Lang.ZH) == (Lang.ZH, Script.OTHER)


def test_lang_and_script_print_as_their_value() -> None:
    assert f"{Lang.ZH}/{Lang.EN}" == "zh/en"
    assert str(Script.UNKNOWN) == "unknown"

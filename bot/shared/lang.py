"""Which language a message is in, as far as the assistant is concerned: Chinese, English, another, or unknown.

Standard library only (imported in both environments). Mixed Chinese-English text counts as Chinese: people who
mix usually read Chinese best, and the Chinese reply keeps the English terms they used recognisable.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from bot.shared.privacy import PersonalKind


class Lang(str, Enum):
    ZH = "zh"
    EN = "en"

    def __str__(self) -> str:
        return self.value


class Script(str, Enum):
    """What ``detect`` saw: one of our two languages, another language, or nothing to go by."""

    ZH = "zh"
    EN = "en"
    OTHER = "other"  # Japanese kana, Korean, Cyrillic, Arabic, Thai, ... or a Latin-script language we can tell
    UNKNOWN = "unknown"  # empty, emoji, digits, punctuation, binary junk

    def __str__(self) -> str:
        return self.value


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: The privacy module's mask tokens ([CARD], [CODE], ...): no words of any language.
_MASK_TOKEN = re.compile(r"\[(?:" + "|".join(kind.value for kind in PersonalKind) + r")\]")

# Common words of Latin-script languages other than English, to tell "Bonjour, je suis étudiant" from English.
_OTHER_LATIN_WORDS = frozenset(
    """
    je suis est les des une pour avec mais très bonjour merci oui non que qui dans
    ich bin nicht und der die das ein eine ist mit für hallo danke ja nein
    el los las una por para con pero muy hola gracias sí soy estoy qué
    não sou estou obrigado olá uma muito
    sono io non una per con grazie ciao
    """.split()
)
_ENGLISH_WORDS = frozenset(
    """
    i me my you he she it we they the a an is are was were be been have has had do did
    to of in on at for with and or but not no yes what how why who where when can could
    should would will this that there here please help scam police money call called said
    """.split()
)


def _junk(ch: str) -> bool:
    """A character no message in any language is made of: a control character other than whitespace, the
    replacement character, a lone surrogate (undecodable bytes) or an unassigned code point."""
    if ch == "\ufffd":
        return True
    category = unicodedata.category(ch)
    return (category == "Cc" and not ch.isspace()) or category in ("Cs", "Cn")


def detect(text: str) -> Script:
    """Detect the script/language of ``text``."""
    text = _MASK_TOKEN.sub(" ", text or "")
    junk = sum(1 for ch in text if _junk(ch))
    if junk >= 2 and junk * 4 >= sum(1 for ch in text if unicodedata.category(ch).startswith("L")):
        # Binary data (decoded any way) has letters by chance; a real message has next to no junk characters.
        return Script.UNKNOWN
    han = len(_HAN.findall(text))
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    if (kana >= 2 or hangul >= 2) and kana + hangul >= han:
        # Japanese text has kanji too; more kana/hangul than Chinese characters means not Chinese.
        return Script.OTHER
    if han >= 1:
        return Script.ZH
    latin_words = [w.lower() for w in _LATIN_WORD.findall(text)]
    letters = sum(1 for ch in text if unicodedata.category(ch).startswith("L"))
    if latin_words:
        other = sum(w in _OTHER_LATIN_WORDS for w in latin_words)
        english = sum(w in _ENGLISH_WORDS for w in latin_words)
        if other >= 2 and other > english:
            return Script.OTHER
        latin_letters = sum(len(w) for w in latin_words)
        if latin_letters * 2 >= letters:
            return Script.EN
    if letters >= 2:
        return Script.OTHER
    return Script.UNKNOWN


def reply_language(text: str, previous: str | None, default: Lang = Lang.EN) -> tuple[Lang, Script]:
    """The language to reply in: the message's own if it is zh/en, else the conversation's so far, else ``default``."""
    script = detect(text)
    if script is Script.ZH:
        return Lang.ZH, script
    if script is Script.EN:
        return Lang.EN, script
    if previous in (Lang.ZH.value, Lang.EN.value):
        return Lang(previous), script
    return default, script

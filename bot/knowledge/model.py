"""Typed records of the knowledge base (schema: docs/DESIGN.md, "Knowledge base schema").

Every record is a frozen dataclass that checks its own invariants on construction and raises
:class:`bot.records.RecordError` (a ``ValueError``) listing what is wrong. The loader (``bot.knowledge.loader``)
runs the same field checks on the YAML nodes first, so that it can report each problem with its file and line; the
checks here make sure no invalid record can exist, whoever builds it. The records the quiz banks share (``Text``,
``Source``) and the shared checks are in ``bot.records``, re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from bot.knowledge.cues import first_match
from bot.knowledge.lookalikes import GENERAL, LookAlike
from bot.records import (
    LANGS,
    RecordError,
    Source,
    Text,
    blank,
    id_problem,
    lang_key,
    raise_if,
    url_problem,
)
from bot.shared.labels import ScamType
from bot.shared.lang import Lang

__all__ = [
    "LANGS",
    "MIN_RED_FLAGS",
    "RECOVERY_WARNING_MISSING",
    "AliasIndex",
    "Contact",
    "ContactKind",
    "Country",
    "KnowledgeBase",
    "LookAlike",
    "RecordError",
    "RedFlag",
    "Scam",
    "Source",
    "Terms",
    "Text",
    "country_code_problem",
    "has_recovery_warning",
    "id_problem",
    "phone_problem",
    "url_problem",
]


class ContactKind(str, Enum):
    """What a contact is for. A ``str`` enum: ``contact.kind == "emergency"`` works."""

    EMERGENCY = "emergency"
    NON_EMERGENCY = "non_emergency"  # the police's non-urgent line: check a caller, report when nobody is in danger
    ANTIFRAUD = "antifraud"
    REPORT = "report"
    CONSULAR = "consular"
    BANK = "bank"
    SUPPORT = "support"

    def __str__(self) -> str:
        return self.value


# --------------------------------------------------------------------------------------------------------------
# Field checks of the knowledge base (the shared ones are in bot.records). Each returns a problem message, or None
# when the value is fine.

_PHONE_CHARS = re.compile(r"[0-9 +\-#()]+")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def phone_problem(number: str) -> str | None:
    if not _PHONE_CHARS.fullmatch(number) or not any(ch.isdigit() for ch in number):
        return f"phone number {number!r} may only contain digits, spaces, +, -, # and ()"
    return None


def country_code_problem(code: str) -> str | None:
    if not _COUNTRY_CODE.fullmatch(code):
        return f"country code {code!r} is not two capital letters (ISO 3166-1 alpha-2)"
    return None


# --------------------------------------------------------------------------------------------------------------
# Records.


@dataclass(frozen=True)
class Terms:
    """Words per language (aliases of a scam or a country)."""

    zh: tuple[str, ...]
    en: tuple[str, ...]

    def __post_init__(self) -> None:
        messages = []
        for lang in LANGS:
            words = getattr(self, lang)
            if not words:
                messages.append(f"missing {lang} terms")
            elif any(blank(w) for w in words):
                messages.append(f"empty {lang} term")
        raise_if("terms", messages)

    def get(self, lang: Lang | str) -> tuple[str, ...]:
        return self.zh if lang_key(lang) == "zh" else self.en

    @property
    def all(self) -> tuple[str, ...]:
        return self.zh + self.en


@dataclass(frozen=True)
class RedFlag:
    """A warning sign, the fact that defeats it, and the regexes that spot it in a user's words.

    ``owner`` is the scam type whose file defines it; other scams may list it too (``also_red_flags``).
    Equality and hashing ignore ``cues`` (compiled patterns in a dict).
    """

    id: str
    text: Text
    truth: Text
    cues: dict[str, tuple[re.Pattern[str], ...]] = field(compare=False)
    owner: ScamType

    def __post_init__(self) -> None:
        messages = [p for p in [id_problem(self.id)] if p]
        messages += [f"missing {lang} cues" for lang in LANGS if not self.cues.get(lang)]
        raise_if(f"red flag {self.id!r}", messages)

    def matches(self, text: str) -> bool:
        """Whether any cue (in either language) occurs in ``text``."""
        return any(pattern.search(text) for patterns in self.cues.values() for pattern in patterns)

    def find(self, text: str) -> str | None:
        """The matched span of the first cue that occurs in ``text`` (to quote a message's own words), or None."""
        return first_match(self.cues, text or "")


#: Every scam type except ``none`` needs at least this many red flags (own + ``also_red_flags``).
MIN_RED_FLAGS = 3

RECOVERY_WARNING_MISSING = (
    "after_loss has no warning about recovery scams "
    "(one item must mention recover/recovery in en and 追回 or 挽回 in zh)"
)
_RECOVER_EN = re.compile(r"recover", re.IGNORECASE)
_RECOVER_ZH = re.compile(r"追回|挽回")


def has_recovery_warning(after_loss: Iterable[Text]) -> bool:
    """Whether one of the after-loss steps warns that offers to recover the money are a second scam."""
    return any(_RECOVER_EN.search(t.en) and _RECOVER_ZH.search(t.zh) for t in after_loss)


@dataclass(frozen=True)
class Scam:
    """One scam type: what it is, how it runs, its red flags and what to do."""

    id: ScamType
    name: Text
    aliases: Terms
    summary: Text
    steps: tuple[Text, ...]
    red_flags: tuple[RedFlag, ...]  # its own flags in file order, then ``also_red_flags`` in their order
    prevention: tuple[Text, ...]
    if_happening_now: tuple[Text, ...]
    after_loss: tuple[Text, ...]
    sources: tuple[Source, ...]

    def __post_init__(self) -> None:
        lists = ("steps", "prevention", "if_happening_now", "after_loss", "sources")
        messages = [f"no {name}" for name in lists if not getattr(self, name)]
        if self.id is not ScamType.NONE and len(self.red_flags) < MIN_RED_FLAGS:
            messages.append(f"{len(self.red_flags)} red flags, at least {MIN_RED_FLAGS} needed")
        if not has_recovery_warning(self.after_loss):
            messages.append(RECOVERY_WARNING_MISSING)
        ids = [f.id for f in self.red_flags]
        if len(set(ids)) != len(ids):
            messages.append("a red flag is listed twice")
        raise_if(f"scam {self.id.value!r}", messages)


@dataclass(frozen=True)
class Contact:
    """A hotline or reporting channel: a phone number, a web address, or both."""

    id: str
    kind: ContactKind
    number: str | None
    url: str | None
    name: Text
    use_for: Text
    source: Source

    def __post_init__(self) -> None:
        messages = [p for p in [id_problem(self.id)] if p]
        if not isinstance(self.kind, ContactKind):
            messages.append(f"unknown kind {self.kind!r}")
        if not self.number and not self.url:
            messages.append("neither number nor url")
        if self.number and (problem := phone_problem(self.number)):
            messages.append(problem)
        if self.url and (problem := url_problem(self.url)):
            messages.append(problem)
        raise_if(f"contact {self.id!r}", messages)


@dataclass(frozen=True)
class Country:
    code: str
    name: Text
    aliases: Terms
    contacts: tuple[Contact, ...]

    def __post_init__(self) -> None:
        messages = [p for p in [country_code_problem(self.code)] if p]
        if not self.contacts:
            messages.append("no contacts")
        raise_if(f"country {self.code!r}", messages)


# --------------------------------------------------------------------------------------------------------------
# Alias matching.


def _alias_pattern(alias: str) -> re.Pattern[str]:
    """Case-insensitive; an end that is a Latin letter or digit must sit on a word boundary ("uk" is not in
    "fukuoka"); runs of spaces match any whitespace. Chinese ends match anywhere (no spaces between words)."""
    body = r"\s+".join(re.escape(word) for word in alias.split())
    if re.match(r"[A-Za-z0-9]", alias):
        body = r"(?<![A-Za-z0-9])" + body
    if re.search(r"[A-Za-z0-9]$", alias):
        body += r"(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


class AliasIndex:
    """Finds which key's alias occurs in a text; the longest alias wins, then the earliest in the text."""

    def __init__(self, aliases: Iterable[tuple[str, object]]) -> None:
        entries = [(alias.strip(), key) for alias, key in aliases if alias.strip()]
        entries.sort(key=lambda e: -len(e[0]))
        self._entries = [(len(alias), _alias_pattern(alias), key) for alias, key in entries]

    def find(self, text: str) -> object | None:
        best: tuple[int, int, object] | None = None  # (length, start, key)
        for length, pattern, key in self._entries:
            if best is not None and length < best[0]:
                break
            m = pattern.search(text)
            if m and (best is None or m.start() < best[1]):
                best = (length, m.start(), key)
        return best[2] if best else None

    def first_positions(self, text: str) -> dict[object, int]:
        """Every key with an alias in the text, with where its first alias starts."""
        starts: dict[object, int] = {}
        for _, pattern, key in self._entries:
            m = pattern.search(text)
            if m and m.start() < starts.get(key, len(text) + 1):
                starts[key] = m.start()
        return starts

    def find_all(self, text: str) -> list[object]:
        """Every key with an alias in the text, in order of first appearance."""
        starts = self.first_positions(text)
        return sorted(starts, key=lambda k: starts[k])


# --------------------------------------------------------------------------------------------------------------
# The whole knowledge base.


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """Every scam type, every red flag by id, every country by code, the consular contacts for Chinese citizens
    abroad, and the legitimate look-alikes (in the order they are tried; ``general`` always there)."""

    scams: Mapping[ScamType, Scam]
    red_flags: Mapping[str, RedFlag]
    countries: Mapping[str, Country]
    consular: tuple[Contact, ...]
    lookalikes: tuple[LookAlike, ...]

    def __post_init__(self) -> None:
        messages = [f"no entry for scam type {t.value!r}" for t in ScamType if t not in self.scams]
        messages += [f"scam {k!r} has id {v.id.value!r}" for k, v in self.scams.items() if k is not v.id]
        messages += [f"red flag {k!r} has id {v.id!r}" for k, v in self.red_flags.items() if k != v.id]
        messages += [f"country {k!r} has code {v.code!r}" for k, v in self.countries.items() if k != v.code]
        if GENERAL not in {entry.id for entry in self.lookalikes}:
            messages.append(f"no look-alike {GENERAL!r}")
        raise_if("knowledge base", messages)

    def scam(self, scam: ScamType | str) -> Scam:
        """The entry for a scam type (every type has one)."""
        return self.scams[ScamType(scam)]

    def red_flag(self, flag_id: str) -> RedFlag:
        """A red flag by id; ``KeyError`` if there is none."""
        return self.red_flags[flag_id]

    def country(self, code: str | None) -> Country | None:
        """A country by ISO code (any case), or None."""
        return self.countries.get(code.upper()) if code else None

    def lookalike(self, lookalike_id: str) -> LookAlike:
        """A look-alike by id; ``KeyError`` if there is none (``general`` always exists)."""
        found = next((entry for entry in self.lookalikes if entry.id == lookalike_id), None)
        if found is None:
            raise KeyError(lookalike_id)
        return found

    def find_lookalike(self, text: str) -> LookAlike | None:
        """The first look-alike whose cues occur in ``text``, or None."""
        return next((entry for entry in self.lookalikes if entry.matches(text or "")), None)

    def all_contacts(self) -> tuple[Contact, ...]:
        """Every contact: each country's in order, then the consular ones."""
        return tuple(c for country in self.countries.values() for c in country.contacts) + self.consular

    def hotline_numbers(self) -> set[str]:
        """Every phone number in the hotline list, as written (for ``bot.shared.privacy.mask(keep=...)``)."""
        return {c.number for c in self.all_contacts() if c.number}

    @cached_property
    def _country_index(self) -> AliasIndex:
        return AliasIndex((alias, code) for code, c in self.countries.items() for alias in c.aliases.all)

    @cached_property
    def _scam_index(self) -> AliasIndex:
        return AliasIndex((alias, t) for t, s in self.scams.items() for alias in s.aliases.all)

    def find_country(self, text: str) -> str | None:
        """The code of the country a text names ("我在英国留学" -> "GB"), by alias; the longest alias wins."""
        found = self._country_index.find(text or "")
        return str(found) if found is not None else None

    def find_countries(self, text: str) -> list[str]:
        """Every country a text names, in order of appearance ("i'm in sydney, shanghai police..." -> AU, CN)."""
        return [str(code) for code in self._country_index.find_all(text or "")]

    def country_mentions(self, text: str) -> list[tuple[int, str]]:
        """(where it starts, code) of the first mention of each country a text names, in order of appearance."""
        return sorted((start, str(code)) for code, start in self._country_index.first_positions(text or "").items())

    def find_scam_by_alias(self, text: str) -> ScamType | None:
        """The scam type a text names ("what are the red flags of order brushing?"), by alias; longest wins."""
        found = self._scam_index.find(text or "")
        return found if isinstance(found, ScamType) else None

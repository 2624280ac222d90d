"""Contacts: who to call and how their numbers are shown (the stop-now line, a country's hotlines, every country's),
and which official number a message quotes (the ways one number is written, the numbers in a text, never a part of
an amount, and the knowledge base's contact whose number the text quotes exactly)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.assistant.places import Places
from bot.i18n import t
from bot.knowledge import Contact, KnowledgeBase, placeholders
from bot.knowledge.model import Country
from bot.shared.lang import Lang

#: A phone number as people write it: optional + or #, digits with spaces, dashes, dots or brackets between them.
NUMBER_IN_TEXT = re.compile(r"[+#]?\(?\d[\d\s\-.()]{0,22}\d|(?<![\d#])\d{3}(?!\d)|#\d+")
COUNTRY_CODES = ("86", "44", "61", "1", "81", "82")


def number_variants(number: str) -> set[str]:
    """The ways one official number is written, as digit strings: "+86-10-12308" -> {"861012308", "1012308",
    "01012308", "12308"}. Only whole numbers are compared: a scammer's "+86 10 1100 2233" must never match 110."""
    digits = re.sub(r"\D", "", number)
    hashed = number.strip().startswith("#")
    variants = {("#" if hashed else "") + digits}
    if number.strip().startswith(("+", "00")):
        rest = digits[2:] if digits.startswith("00") else digits
        for code in COUNTRY_CODES:
            if rest.startswith(code):
                national = rest[len(code) :]
                variants |= {national, "0" + national}
                if code == "86" and national.startswith("10"):  # Beijing service numbers: +86-10-12308 is "12308"
                    variants.add(national[2:])
                break
    return {v for v in variants if v}


#: A digit group joined to the next or previous one by a thousands separator: "110,000" is an amount, not 110.
_THOUSANDS_BEFORE = re.compile(r"\d[,，]$")
_THOUSANDS_AFTER = re.compile(r"[,，]\d")


def numbers_in(text: str) -> list[str]:
    found = []
    for match in NUMBER_IN_TEXT.finditer(text):
        if _THOUSANDS_BEFORE.search(text, 0, match.start()) or _THOUSANDS_AFTER.match(text, match.end()):
            continue  # part of an amount ("20,000", "110,000元"): never a phone number
        raw = match.group(0).strip()
        digits = re.sub(r"\D", "", raw)
        if len(digits) >= 3:
            found.append(("#" if raw.startswith("#") else "") + digits)
    return found


def official_contact(kb: KnowledgeBase, text: str, country: str | None = None) -> Contact | None:
    """The official contact whose number the text quotes exactly (whole number, any usual format), if any; the
    user's own country first (110 is the police in China and in Japan)."""
    quoted = set(numbers_in(text))
    home = kb.country(country)
    for contact in (home.contacts if home else ()) + kb.all_contacts():
        if contact.number and quoted & number_variants(contact.number):
            return contact
    return None


def bullets(lines: Iterable[str], numbered: bool = False) -> str:
    return "\n".join(f"{i}. {line}" if numbered else f"• {line}" for i, line in enumerate(lines, 1))


def contact_line(contact: Contact, lang: Lang) -> str:
    where = contact.number or contact.url or ""
    if contact.number and contact.url:
        where = f"{contact.number} ({contact.url})"
    return f"{where} — {contact.name.get(lang)}"


def contact_brief(contact: Contact, lang: Lang) -> str:
    return f"{contact.number or contact.url} ({contact.name.get(lang)})"


def consular_number(kb: KnowledgeBase) -> str:
    numbers = [c.number for c in kb.consular if c.number]
    return " / ".join(numbers) if numbers else "12308"


def home_of(places: Places, lang: Lang) -> str | None:
    """Where the user is, for the numbers they can dial: what they said, else mainland China for a Chinese-speaking
    user (the most likely), else unknown."""
    return places.here or ("CN" if lang is Lang.ZH else None)


def _of_kind(kb: KnowledgeBase, code: str | None, *kinds: str) -> list[Contact]:
    country = kb.country(code)
    return [c for c in country.contacts if c.kind in kinds] if country else []


def urgent_contacts(kb: KnowledgeBase, country: str | None, lang: Lang) -> tuple[list[Contact], list[Contact]]:
    """Who to call now: (police and anti-fraud lines, consular help). Known country: its own lines, plus the consular
    line abroad. Unknown: mainland China's for a Chinese-speaking user (the most likely), nothing for others (we
    list every country's emergency number and ask where they are)."""
    code = home_of(Places(country), lang)
    found = kb.country(code)
    if found is None:
        return [], []
    local = [c for c in found.contacts if c.kind in ("emergency", "antifraud")]
    return local, ([] if found.code == "CN" else list(kb.consular))


def every_emergency_number(kb: KnowledgeBase, lang: Lang) -> str:
    emergency = [next(iter(_of_kind(kb, code, "emergency")), None) for code in kb.countries]
    return "; ".join(f"{c.name.get(lang)} {c.number}" for c in emergency if c is not None and c.number)


def police_here(kb: KnowledgeBase, places: Places, lang: Lang) -> str:
    """The police emergency number the user can dial where they are (every country's, when we don't know)."""
    local = _of_kind(kb, home_of(places, lang), "emergency")
    if local:
        return contact_brief(local[0], lang)
    return t("assistant.police_where_you_are", lang)  # the stop-now line under the steps lists every country's


def police_there(kb: KnowledgeBase, places: Places, lang: Lang) -> str:
    """How to get police to the person at risk: their country's number, which only works there; from elsewhere,
    someone there calls, or the consular line coordinates with the local police."""
    home = home_of(places, lang)
    consular = consular_number(kb)
    there = kb.country(places.there)
    if there is None:
        return t("assistant.police_there_unknown", lang, consular=consular)
    local = _of_kind(kb, there.code, "emergency")
    if not local:
        return t("assistant.police_there_unknown", lang, consular=consular)
    if there.code == home:
        return contact_brief(local[0], lang)
    return t(
        "assistant.police_there_abroad",
        lang,
        country=there.name.get(lang),
        number=local[0].number or "",
        consular=consular,
    )


def _first_of_kinds(kb: KnowledgeBase, places: Places, lang: Lang, kinds: tuple[str, str], unknown: str) -> str:
    """Up to two of the user's country's contacts of the first kind it has (``kinds`` in order of preference), or
    the catalog sentence ``unknown``."""
    home = home_of(places, lang)
    found = _of_kind(kb, home, kinds[0]) or _of_kind(kb, home, kinds[1])
    if found:
        return "; ".join(contact_brief(c, lang) for c in found[:2])
    return t(unknown, lang)


def non_emergency_here(kb: KnowledgeBase, places: Places, lang: Lang) -> str:
    """The police line for checking a caller or reporting when nobody is in danger."""
    return _first_of_kinds(kb, places, lang, ("non_emergency", "report"), "assistant.non_emergency_unknown")


def report_here(kb: KnowledgeBase, places: Places, lang: Lang) -> str:
    """Where to report a fraud that has happened (not an emergency line)."""
    return _first_of_kinds(kb, places, lang, ("report", "non_emergency"), "assistant.report_unknown")


def bank_here(kb: KnowledgeBase, places: Places, lang: Lang) -> str:
    banks = _of_kind(kb, home_of(places, lang), "bank")
    line = t("assistant.bank_official", lang)
    return line + (t("assistant.bank_or", lang, number=contact_brief(banks[0], lang)) if banks else "")


#: How each placeholder a knowledge-base step may hold (``bot.knowledge.placeholders.NAMES``) is filled.
PLACEHOLDERS = {
    "police_here": police_here,
    "police_there": police_there,
    "non_emergency_here": non_emergency_here,
    "report_here": report_here,
    "bank_here": bank_here,
    "consular": lambda kb, places, lang: consular_number(kb),
}


def fill(kb: KnowledgeBase, text: str, places: Places, lang: Lang) -> str:
    """A step with its contact placeholders replaced by the numbers that fit where the user and the person at risk
    are. An unknown placeholder is left as written (the knowledge-base loader rejects them)."""

    def one(match: re.Match[str]) -> str:
        name, hotline = match.group(1), match.group(2)
        if name == placeholders.HOTLINE and hotline:
            contact = next((c for c in kb.all_contacts() if c.id == hotline), None)
            return contact_brief(contact, lang) if contact else match.group(0)
        render = PLACEHOLDERS.get(name)
        return render(kb, places, lang) if render else match.group(0)

    return placeholders.PATTERN.sub(one, text)


def call_now_line(
    kb: KnowledgeBase, country: str | None, lang: Lang, there: str | None = None, ask: bool = True
) -> str:
    """The stop-now lines: the police number to call where the user is, how to get police to the person at risk
    when they are in another country, and the consular line abroad. ``ask``: ask where the user is when we don't
    know it and the numbers depend on it (we list every country's, or we guessed China and the person at risk is
    abroad)."""
    places = Places(country, there)
    local, consular = urgent_contacts(kb, country, lang)
    numbers = "; ".join(contact_brief(c, lang) for c in local) if local else every_emergency_number(kb, lang)
    lines = ["📞 " + t("assistant.stop_call_police", lang, numbers=numbers)]
    if ask and places.here is None and (not local or (there is not None and there != "CN")):
        lines.append(t("assistant.ask_where_you_are", lang))
    home = home_of(places, lang)
    if there and there != home and kb.country(there) is not None:
        lines.append("🚓 " + t("assistant.police_for_them", lang) + police_there(kb, places, lang))
    elif consular:
        joiner = "" if lang is Lang.ZH else " "
        lines.append(
            "🇨🇳 " + t("assistant.consular_title", lang) + joiner + "; ".join(contact_brief(c, lang) for c in consular)
        )
    return "\n".join(lines)


def report_now_line(
    kb: KnowledgeBase, country: str | None, lang: Lang, there: str | None = None, ask: bool = True
) -> str:
    """After a loss: the bank first, then the report channel; the emergency number only for danger or a crime
    still happening."""
    places = Places(country, there)
    lines = [
        "🏦 " + t("assistant.after_loss_bank", lang, bank=bank_here(kb, places, lang)),
        "📝 " + t("assistant.after_loss_report", lang, report=report_here(kb, places, lang)),
        "🚨 " + t("assistant.after_loss_danger", lang, police=police_here(kb, places, lang)),
    ]
    if ask and home_of(places, lang) is None:
        lines.append(t("assistant.ask_where_you_are", lang))
    return "\n".join(lines)


def hotline_block(kb: KnowledgeBase, country: Country, lang: Lang) -> str:
    lines = [
        t("assistant.hotlines_for", lang, country=country.name.get(lang)),
        bullets(contact_line(c, lang) for c in country.contacts),
    ]
    if country.code != "CN" and kb.consular:
        lines += [t("assistant.consular_title", lang), bullets(contact_line(c, lang) for c in kb.consular)]
    return "\n".join(lines)


def all_hotlines_block(kb: KnowledgeBase, lang: Lang) -> str:
    lines = [t("assistant.hotlines_all", lang)]
    for country in kb.countries.values():
        key = [c for c in country.contacts if c.kind in ("emergency", "antifraud", "report")][:3]
        lines.append(
            f"• {country.name.get(lang)}: " + "; ".join(f"{c.number or c.url} {c.name.get(lang)}" for c in key)
        )
    if kb.consular:
        lines.append(t("assistant.consular_title", lang) + " " + "; ".join(contact_line(c, lang) for c in kb.consular))
    return "\n".join(lines)

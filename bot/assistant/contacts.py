"""Contacts: who to call and how their numbers are shown (the stop-now line, a country's hotlines, every country's),
and which official number a message quotes (the ways one number is written, the numbers in a text, never a part of
an amount, and the knowledge base's contact whose number the text quotes exactly)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.i18n import t
from bot.knowledge import Contact, KnowledgeBase
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


def urgent_contacts(kb: KnowledgeBase, country: str | None, lang: Lang) -> tuple[list[Contact], list[Contact]]:
    """Who to call now: (police and anti-fraud lines, consular help). Known country: its own lines, plus the consular
    line abroad. Unknown: mainland China's for a Chinese-speaking user (the most likely), nothing for others (we
    list every country's emergency number and ask where they are)."""
    code = country or ("CN" if lang is Lang.ZH else None)
    found = kb.country(code)
    if found is None:
        return [], []
    local = [c for c in found.contacts if c.kind in ("emergency", "antifraud")]
    return local, ([] if found.code == "CN" else list(kb.consular))


def call_now_line(kb: KnowledgeBase, country: str | None, lang: Lang) -> str:
    """The stop-now line: the police number to call where the user is (and the consular line abroad)."""
    local, consular = urgent_contacts(kb, country, lang)
    if not local:
        emergency = [
            next((c for c in country.contacts if c.kind == "emergency"), None) for country in kb.countries.values()
        ]
        numbers = "; ".join(f"{c.name.get(lang)} {c.number}" for c in emergency if c is not None and c.number)
        return "📞 " + t("assistant.stop_call_police", lang, numbers=numbers) + "\n" + t("assistant.ask_country", lang)
    lines = ["📞 " + t("assistant.stop_call_police", lang, numbers="; ".join(contact_brief(c, lang) for c in local))]
    if consular:
        joiner = "" if lang is Lang.ZH else " "
        lines.append(
            "🇨🇳 " + t("assistant.consular_title", lang) + joiner + "; ".join(contact_brief(c, lang) for c in consular)
        )
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

"""Which official number a message quotes: the ways one number is written, the numbers in a text (never a part of
an amount), and the knowledge base's contact whose number the text quotes exactly."""

from __future__ import annotations

import re

from bot.knowledge import Contact, KnowledgeBase

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

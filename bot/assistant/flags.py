"""Red flags in a reply, only with evidence: a flag is said to be *in* the user's words (or in the message they
pasted, quoted) only when one of its cues matches them; the scam's other signs are named as signs to watch for."""

from __future__ import annotations

from collections.abc import Iterable

from bot.assistant.analysis import Analysis
from bot.assistant.contacts import bullets
from bot.i18n import t
from bot.knowledge import KnowledgeBase
from bot.knowledge.model import RedFlag
from bot.shared.labels import ScamType
from bot.shared.lang import Lang

MIN_FLAGS = 2
MAX_FLAGS = 4


def evidence_flags(kb: KnowledgeBase, scam: ScamType, text: str) -> tuple[list[RedFlag], list[RedFlag]]:
    """(flags the words show, the scam's other signs to watch for): at most ``MAX_FLAGS`` shown by the words (this
    scam's, then the general ones); the signs to watch for make the two lists at least ``MIN_FLAGS`` long. A flag is
    only ever said to be *in* the user's words when one of its cues matches them."""
    entry = kb.scam(scam)
    general = kb.scam(ScamType.NONE).red_flags
    shown: list[RedFlag] = []
    for flag in list(entry.red_flags) + list(general):
        if len(shown) >= MAX_FLAGS:
            break
        if flag not in shown and flag.matches(text):
            shown.append(flag)
    watch = [f for f in entry.red_flags if f not in shown][: max(0, MIN_FLAGS - len(shown))]
    return shown, watch


def flags_block(kb: KnowledgeBase, scam: ScamType, analysis: Analysis, lang: Lang) -> tuple[str, list[RedFlag]]:
    """The red-flag part of a reply: the flags the words show, under a title that says whose words they are (the
    user's story, or the message they pasted); then the signs to watch for, named as general signs."""
    text = analysis.quoted or analysis.text
    shown, watch = evidence_flags(kb, scam, text)
    parts = []
    if shown and analysis.forwarded:
        parts.append(t("assistant.red_flags_in_message", lang) + "\n" + flag_lines(shown, lang, quoted_from=text))
    elif shown:
        parts.append(t("assistant.red_flags_title", lang) + "\n" + flag_lines(shown, lang))
    if watch:
        parts.append(t("assistant.watch_for_title", lang) + "\n" + flag_lines(watch, lang))
    return "\n\n".join(parts), shown + watch


def flag_lines(flags: Iterable[RedFlag], lang: Lang, quoted_from: str | None = None) -> str:
    """Each flag with the fact that defeats it; ``quoted_from``: a pasted message, whose own words that show each
    flag are quoted before it."""

    def quote(flag: RedFlag) -> str:
        found = flag.find(quoted_from) if quoted_from else None
        return t("assistant.quote", lang, quote=found) if found else ""

    return bullets(f"{quote(f)}{f.text.get(lang)}\n  → {f.truth.get(lang)}" for f in flags)

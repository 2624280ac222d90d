"""What the assistant says: replies composed from the knowledge base for each situation.

Pure functions of (knowledge base, what the user said, conversation context): no Rasa, no network. The custom
actions in ``bot.actions`` read the tracker, call these and send the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.assistant.analysis import Analysis
from bot.assistant.contacts import (
    all_hotlines_block,
    bullets,
    call_now_line,
    consular_number,
    contact_line,
    fill,
    home_of,
    hotline_block,
    official_contact,
    report_now_line,
)
from bot.assistant.flags import MAX_FLAGS, flag_lines, flags_block
from bot.assistant.places import Places, find_places
from bot.i18n import t
from bot.knowledge import KnowledgeBase
from bot.knowledge.model import Scam, Text
from bot.shared.labels import Kind, ScamType
from bot.shared.lang import Lang

#: Contact kinds shown in a report answer.
REPORT_KINDS = ("report", "non_emergency", "antifraud", "emergency", "consular")


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Reply:
    """Messages to send in order (the last one carries the buttons), and slots to set."""

    messages: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(self.messages)


@dataclass(frozen=True)
class Context:
    """What the conversation so far tells us (from the tracker's slots)."""

    lang: Lang = Lang.EN
    country: str | None = None  # where the user is: the numbers they can dial
    at_risk_country: str | None = None  # where the person at risk is, when it is someone else (a child abroad)
    scam_type: ScamType | None = None
    urgent: bool = False
    money_sent: str | None = None  # "yes" | "no" | None
    pending_question: str | None = None
    asked_where: bool = False  # we asked where the user is (once is enough)

    def with_(self, **changes: Any) -> Context:
        return replace(self, **changes)

    @property
    def places(self) -> Places:
        return Places(self.country, self.at_risk_country)


# --------------------------------------------------------------------------------------------------- formatting


def scam_name(kb: KnowledgeBase, scam: ScamType, lang: Lang) -> str:
    return kb.scam(scam).name.get(lang)


# --------------------------------------------------------------------------------------------------- replies


def asked_where(reply: Reply, lang: Lang) -> bool:
    """Whether the reply asks which country the user is in (then we don't ask again)."""
    question = t("assistant.ask_where_you_are", lang)
    return any(question in message for message in reply.messages)


def menu_buttons(lang: Lang) -> list[Button]:
    return [
        Button(t("assistant.btn_hotlines", lang), "/ask_hotline"),
        Button(t("assistant.btn_red_flags", lang), "/ask_red_flags"),
        Button(t("assistant.btn_quiz", lang), "/start_quiz"),
    ]


def stop_now_block(kb: KnowledgeBase, scam: ScamType, ctx: Context) -> str:
    """What to do now, then the police number the user can dial where they are (and how to get police to the person
    at risk when they are in another country)."""
    call = call_now_line(kb, ctx.country, ctx.lang, ctx.at_risk_country, ask=not ctx.asked_where)
    return _steps_then(kb, "assistant.stop_now_title", kb.scam(scam).if_happening_now, ctx, call)


def after_loss_block(kb: KnowledgeBase, scam: ScamType, ctx: Context) -> str:
    """After a loss: the steps, then the bank and the report channel (an emergency number only for danger)."""
    report = report_now_line(kb, ctx.country, ctx.lang, ctx.at_risk_country, ask=not ctx.asked_where)
    return _steps_then(kb, "assistant.after_loss_title", kb.scam(scam).after_loss, ctx, report)


def steps_text(kb: KnowledgeBase, steps: Iterable[Text], ctx: Context) -> list[str]:
    """Knowledge-base steps in the user's language, their contact placeholders filled for where everyone is."""
    return [fill(kb, s.get(ctx.lang), ctx.places, ctx.lang) for s in steps]


def _steps_then(kb: KnowledgeBase, title: str, steps: Iterable[Text], ctx: Context, contacts: str) -> str:
    """A titled, numbered list of steps, then who to contact."""
    numbered = bullets(steps_text(kb, steps, ctx), numbered=True)
    return "\n".join([t(title, ctx.lang), numbered, contacts])


def experience_reply(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    """A recounted experience: urgent → stop-now steps first; then the scam named, its red flags in what the user
    said, what to do; and one follow-up question when we don't know whether money has moved."""
    scam = analysis.scam_type
    lang = ctx.lang
    entry: Scam = kb.scam(scam)
    flags_text, flags = flags_block(kb, scam, analysis, lang)
    reply = Reply(
        slots={"scam_type": scam.value, "urgent": analysis.urgent or ctx.urgent, "red_flags": [f.id for f in flags]}
    )
    urgent = analysis.urgent
    if urgent:
        reply.messages.append(stop_now_block(kb, scam, ctx))
    named = (
        t("assistant.scam_named", lang, scam=entry.name.get(lang))
        + ("" if lang is Lang.ZH else " ")
        + entry.summary.get(lang)
    )
    reply.messages.append(named + "\n\n" + flags_text)
    if not urgent:
        reply.messages.append(
            t("assistant.what_to_do_title", lang) + "\n" + bullets(steps_text(kb, entry.prevention[:4], ctx))
        )
    if ctx.money_sent is None:
        reply.messages.append(t("assistant.ask_money_sent", lang))
        reply.buttons = [
            Button(t("assistant.btn_yes_sent", lang), "/affirm"),
            Button(t("assistant.btn_no_sent", lang), "/deny"),
        ]
        reply.slots["pending_question"] = "money_sent"
    else:
        reply.buttons = [
            Button(t("assistant.btn_report", lang), "/ask_how_to_report"),
            Button(t("assistant.btn_hotlines", lang), "/ask_hotline"),
        ]
        reply.slots["pending_question"] = None
    return reply


def question_reply(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    """A question about a scam pattern: the facts that answer it directly, then the red flags behind them."""
    scam = analysis.scam_type
    lang = ctx.lang
    entry = kb.scam(scam)
    asked = [f for f in entry.red_flags if f.matches(analysis.text)][:2]
    direct = asked or list(entry.red_flags[:1])
    answer = "\n".join(f.truth.get(lang) for f in direct)
    others = [f for f in entry.red_flags if f not in direct][: MAX_FLAGS - 1]
    messages = [
        t("assistant.scam_question_topic", lang, scam=entry.name.get(lang)) + "\n" + answer,
        t("assistant.red_flags_of", lang, scam=entry.name.get(lang))
        + "\n"
        + bullets(f.text.get(lang) for f in list(direct) + others),
    ]
    if analysis.urgent:
        messages.insert(0, stop_now_block(kb, scam, ctx))
    return Reply(
        messages=messages,
        buttons=[
            Button(t("assistant.btn_what_to_do", lang), "/ask_what_to_do"),
            Button(t("assistant.btn_quiz", lang), "/start_quiz"),
        ],
        slots={"scam_type": scam.value, "red_flags": [f.id for f in direct + others]},
    )


def red_flags_reply(kb: KnowledgeBase, text: str, ctx: Context) -> Reply:
    lang = ctx.lang
    named = kb.find_scam_by_alias(text)
    scam = named or ctx.scam_type
    if scam and scam is not ScamType.NONE:
        entry = kb.scam(scam)
        body = (
            t("assistant.red_flags_of", lang, scam=entry.name.get(lang)) + "\n" + flag_lines(entry.red_flags[:5], lang)
        )
        return Reply([body], menu_buttons(lang), {"scam_type": scam.value})
    general = kb.scam(ScamType.NONE)
    example = scam_name(kb, ScamType.ORDER_BRUSHING, lang)
    example_q = t("assistant.example_red_flags_question", lang, scam=example)
    body = t("assistant.general_red_flags_title", lang) + "\n" + flag_lines(general.red_flags, lang)
    return Reply([body, t("assistant.ask_more_types", lang, example=example_q)], menu_buttons(lang))


def what_to_do_reply(kb: KnowledgeBase, ctx: Context) -> Reply:
    scam = ctx.scam_type or ScamType.NONE
    lang = ctx.lang
    if ctx.money_sent == "yes":
        messages = [after_loss_block(kb, scam, ctx)]
    elif ctx.urgent or scam is ScamType.NONE:
        messages = [stop_now_block(kb, scam, ctx)]
    else:
        entry = kb.scam(scam)
        messages = [
            t("assistant.what_to_do_title", lang)
            + "\n"
            + bullets(steps_text(kb, entry.if_happening_now, ctx), numbered=True),
            t("assistant.prevent_title", lang) + "\n" + bullets(steps_text(kb, entry.prevention[:3], ctx)),
        ]
    buttons = [
        Button(t("assistant.btn_report", lang), "/ask_how_to_report"),
        Button(t("assistant.btn_hotlines", lang), "/ask_hotline"),
    ]
    return Reply(messages, buttons)


def report_reply(kb: KnowledgeBase, ctx: Context) -> Reply:
    lang = ctx.lang
    country = kb.country(home_of(ctx.places, lang))
    messages = []
    if country is not None:
        # Report channels first; the emergency number last (a report is not an emergency).
        contacts = sorted(
            (c for c in country.contacts if c.kind in REPORT_KINDS), key=lambda c: REPORT_KINDS.index(c.kind)
        )
        if country.code != "CN":
            contacts += list(kb.consular)
        messages.append(
            t("assistant.report_title", lang)
            + f" ({country.name.get(lang)})\n"
            + bullets(contact_line(c, lang) for c in contacts)
        )
    else:
        messages.append(all_hotlines_block(kb, lang))
    messages.append(t("assistant.report_evidence", lang))
    if ctx.scam_type and ctx.scam_type is not ScamType.NONE:
        messages.append(t("assistant.recovery_warning", lang))
    if not ctx.country:
        messages.append(t("assistant.ask_country", lang))
    return Reply(messages, [Button(t("assistant.btn_what_to_do", lang), "/ask_what_to_do")])


def hotline_reply(kb: KnowledgeBase, text: str, ctx: Context) -> Reply:
    lang = ctx.lang
    country = kb.country(kb.find_country(text) or ctx.country)
    if country is not None:
        buttons = [Button(t("assistant.btn_report", lang), "/ask_how_to_report")]
        return Reply([hotline_block(kb, country, lang)], buttons, {"country": country.code})
    return Reply([all_hotlines_block(kb, lang), t("assistant.ask_country", lang)], [])


def number_reply(kb: KnowledgeBase, text: str, ctx: Context) -> Reply:
    lang = ctx.lang
    messages = []
    contact = official_contact(kb, text, ctx.country)
    if contact is not None:
        messages.append(
            t(
                "assistant.number_official",
                lang,
                number=contact.number,
                name=contact.name.get(lang),
                use_for=contact.use_for.get(lang),
            )
        )
    messages.append(t("assistant.number_unknown", lang))
    if ctx.scam_type is ScamType.POLICE_IMPERSONATION or re.search(r"police|公安|警", text, re.IGNORECASE):
        messages.append(t("assistant.number_police_note", lang))
    return Reply(messages, [Button(t("assistant.btn_what_to_do", lang), "/ask_what_to_do")])


#: The follow-up questions about a place: where the user is, where the person at risk is.
PLACE_QUESTIONS = ("user_country", "at_risk_country")


def location_reply(kb: KnowledgeBase, text: str, ctx: Context) -> Reply:
    """The user says where they are ("I'm in Sydney") or where the person at risk is ("she is in Manchester"); a
    bare place answers the question we asked (where the user is, unless we asked about the person at risk)."""
    lang = ctx.lang
    places = find_places(kb, text)
    here, there = places.here, places.there
    if here is None and there is None:
        named = kb.find_country(text)
        if ctx.pending_question == "at_risk_country":
            there = named
        else:
            here = named
    if here is None and there is None:
        return Reply([t("assistant.location_unknown", lang, consular=consular_number(kb))], [])
    ctx = ctx.with_(country=here or ctx.country, at_risk_country=there or ctx.at_risk_country)
    slots: dict[str, Any] = {"pending_question": None} if ctx.pending_question in PLACE_QUESTIONS else {}
    messages = []
    if (mine := kb.country(here)) is not None:
        messages.append(t("assistant.location_set", lang, country=mine.name.get(lang)))
        slots["country"] = mine.code
    if (theirs := kb.country(there)) is not None:
        messages.append(t("assistant.location_there", lang, country=theirs.name.get(lang)))
        slots["at_risk_country"] = theirs.code
    if ctx.urgent and ctx.scam_type:
        messages.append(call_now_line(kb, ctx.country, ctx.lang, ctx.at_risk_country))
    shown = kb.country(here or ctx.country) or kb.country(there)
    if shown is not None:
        messages.append(hotline_block(kb, shown, lang))
    return Reply(messages, [Button(t("assistant.btn_what_to_do", lang), "/ask_what_to_do")], slots)


def followup_reply(kb: KnowledgeBase, yes: bool, ctx: Context) -> Reply:
    """An answer (yes/no) to the follow-up question we asked."""
    lang = ctx.lang
    scam = ctx.scam_type or ScamType.NONE
    if ctx.pending_question == "money_sent":
        ctx = ctx.with_(money_sent="yes" if yes else "no")
        if yes:
            messages = [t("assistant.followup_money_yes", lang), after_loss_block(kb, scam, ctx)]
            slots = {"money_sent": "yes", "urgent": True, "pending_question": None}
        else:
            messages = [t("assistant.followup_money_no", lang)]
            slots = {"money_sent": "no", "pending_question": None}
        return Reply(messages, [Button(t("assistant.btn_report", lang), "/ask_how_to_report")], slots)
    return Reply([t("assistant.followup_none", lang)], menu_buttons(lang))


#: The intent was unsure (nlu_fallback) but the scam-type head is at least this sure: teach rather than ask.
CONFIDENT_SCAM = 0.6


def clarify_reply(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    """Low intent confidence. If the scam type is clear anyway, answer as an experience or a question; if only
    roughly clear, name the likely scam and ask for more; otherwise ask what the user means."""
    lang = ctx.lang
    if analysis.scam_type is not ScamType.NONE and analysis.confidence >= CONFIDENT_SCAM:
        if analysis.kind is Kind.QUESTION:
            return question_reply(kb, analysis, ctx)
        return experience_reply(kb, analysis, ctx)
    if analysis.scam_type is not ScamType.NONE and analysis.confidence >= 0.3:
        return Reply(
            [t("assistant.clarify_scam", lang, scam=scam_name(kb, analysis.scam_type, lang))], menu_buttons(lang)
        )
    return Reply([t("assistant.clarify_general", lang)], menu_buttons(lang))


def simple_reply(key: str, ctx: Context, buttons: bool = True) -> Reply:
    """One fixed sentence (``key`` of the catalog, e.g. ``assistant.welcome``), with the menu buttons or none."""
    return Reply([t(key, ctx.lang)], menu_buttons(ctx.lang) if buttons else [])

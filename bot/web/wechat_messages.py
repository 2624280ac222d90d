"""What WeChat sends and what we send back, as plain decisions (no HTTP, no database): each callback message as an
:class:`Inbound` (relay a text to the assistant, answer with a fixed notice, or nothing), and the assistant's items
as the texts WeChat can show (:func:`outgoing`).

- **Text** is relayed as typed; a **voice** message with WeChat's speech recognition on is relayed as its
  recognised text; the other types (image, link, voice without recognition, video, location, files, ...) get a
  notice that says what to send instead (texts in ``bot/i18n/wechat.yml``).
- **Events**: ``subscribe`` (following the account, also by a QR code) greets and asks the language; a menu
  ``CLICK`` with a known key (:data:`MENU`) is relayed as the payload of the matching assistant button; others
  (unfollowing, menu links, location reports, ...) are acknowledged with nothing.
- **Keys** for the inbox (a message is handled once): ``msg:<MsgId>``; an event has no MsgId, so its sender and
  time (the sender hashed: the inbox never holds an OpenID).
- **Out**: WeChat text has no buttons and a size limit (:data:`TEXT_BYTES`). The urgent stop-now steps are their
  own message(s), first; the other items are joined (a passive reply is one message: as much as fits goes there),
  the buttons of the whole reply follow as numbered choices, and everything is split to fit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.channels.replies import Choice, Item, choices_of, numbered, split
from bot.i18n import t
from bot.shared.lang import Lang, Script, reply_language

#: WeChat's limit for a text message's content (a customer-service message; a passive reply's is the same).
TEXT_BYTES = 2048
#: The account menu's CLICK keys and what each sends to the assistant: the payload of the same assistant button.
MENU = {
    "HOTLINE": "/ask_hotline",
    "RED_FLAGS": "/ask_red_flags",
    "QUIZ": "/start_quiz",
    "PROGRESS": "/ask_progress",
}


class Notice(StrEnum):
    """A fixed answer, without the assistant."""

    WELCOME = "welcome"
    IMAGE = "image"
    LINK = "link"
    VOICE = "voice"
    VIDEO = "video"
    LOCATION = "location"
    OTHER = "other"


@dataclass(frozen=True)
class Inbound:
    """A callback message to act on: from ``openid``, handled once by ``key``; relay ``text`` or answer ``notice``."""

    openid: str
    key: str
    text: str | None = None
    notice: Notice | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.openid:
            problems.append("no sender")
        if not self.key:
            problems.append("no key")
        if (self.text is None) == (self.notice is None):
            problems.append("either a text to relay or a notice")
        if problems:
            raise ValueError("an inbound message needs " + ", ".join(problems))


def event_key(openid: str, created: int, event: str) -> str:
    digest = hashlib.sha256(openid.encode()).hexdigest()[:24]
    return f"ev:{digest}:{created}:{event}"[:128]


def inbound(message: Any) -> Inbound | None:
    """What to do with a parsed callback message (a wechatpy message or event); None: acknowledge it, nothing else."""
    openid = str(message.source or "")
    if not openid:
        return None
    kind = str(message.type or "")
    if kind == "event":
        event = str(getattr(message, "event", "") or "")
        key = event_key(openid, int(message.time or 0), event)
        if event in ("subscribe", "subscribe_scan"):
            return Inbound(openid, key, notice=Notice.WELCOME)
        if event == "click":
            payload = MENU.get(str(getattr(message, "key", "") or "").strip().upper())
            return Inbound(openid, key, text=payload) if payload else None
        return None
    key = f"msg:{message.id}" if message.id else event_key(openid, int(message.time or 0), kind)
    if kind == "text":
        return Inbound(openid, key, text=str(message.content or ""))
    if kind == "voice" and str(getattr(message, "recognition", "") or "").strip():
        return Inbound(openid, key, text=str(message.recognition))
    notices = {
        "image": Notice.IMAGE,
        "link": Notice.LINK,
        "voice": Notice.VOICE,
        "video": Notice.VIDEO,
        "shortvideo": Notice.VIDEO,
        "location": Notice.LOCATION,
    }
    return Inbound(openid, key, notice=notices.get(kind, Notice.OTHER))


def notice_text(notice: Notice, lang: str) -> str:
    """A fixed answer in ``lang`` (the welcome is in both languages: who follows has not said which they read)."""
    if notice is Notice.WELCOME:
        return welcome()
    if notice is Notice.IMAGE:
        return t("wechat.image", lang)
    if notice is Notice.LINK:
        return t("wechat.link", lang)
    if notice is Notice.VOICE:
        return t("wechat.voice", lang)
    if notice is Notice.VIDEO:
        return t("wechat.video", lang)
    if notice is Notice.LOCATION:
        return t("wechat.location", lang)
    return t("wechat.other", lang)


def language_choices() -> tuple[Choice, ...]:
    """1 中文, 2 English: each sends a greeting in its language, which the assistant answers in that language."""
    return tuple(Choice(t("wechat.language_name", lang), t("wechat.hello", lang)) for lang in ("zh", "en"))


def welcome() -> str:
    choices = language_choices()
    lines = [f"{i}. {choice.title}" for i, choice in enumerate(choices, 1)]
    return "\n\n".join(
        [
            t("wechat.welcome", "zh"),
            t("wechat.welcome", "en"),
            "\n".join([f"{t('wechat.choose_language', 'zh')} / {t('wechat.choose_language', 'en')}", *lines]),
        ]
    )


def reply_lang(items: Sequence[Item], fallback: str = "zh") -> str:
    """The language a reply is in (for the words around its numbered choices): its own text's."""
    lang, script = reply_language("\n".join(item.text for item in items), Lang(fallback))
    return lang.value if script in (Script.ZH, Script.EN) else fallback


def outgoing(items: Sequence[Item], limit: int = TEXT_BYTES) -> list[str]:
    """The WeChat texts of a reply, in order: each urgent item on its own (split if it must be), then the others
    joined, with the reply's buttons as numbered choices at the end, split to ``limit`` bytes."""
    urgent = [part for item in items if item.urgent for part in split(item.text, utf8=limit)]
    rest = [item.text for item in items if not item.urgent]
    choices = numbered(choices_of(items), reply_lang(items))
    if choices:
        rest.append(choices)
    return urgent + split("\n\n".join(rest), utf8=limit)

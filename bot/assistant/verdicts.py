"""Verdicts on a message that is not (or not only) a story: a legitimate look-alike, and a pasted message.

- ``lookalike_reply``: a genuine notice, call or message (scam type ``none``). Says what makes it look genuine, with
  evidence from the words (no link, no payment, no code asked, you called back the official number yourself), the one
  check that confirms it, and what would turn it into a scam. If the message *does* ask for one of those things, the
  verdict says so instead of calling it genuine. A real anti-fraud-centre call comes first: take it seriously.
- ``pasted_reply``: a pasted scam message the user only asks about (kind ``question``): the scam named, its red flags
  quoted from the message itself, and what to do with it; no "have you transferred money?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.assistant.analysis import Analysis
from bot.assistant.contacts import bullets, report_here
from bot.assistant.flags import flags_block
from bot.assistant.teach import Button, Context, Reply, menu_buttons, steps_text, stop_now_block
from bot.i18n import t
from bot.knowledge import KnowledgeBase
from bot.shared.labels import ScamType
from bot.shared.lang import Lang

_I = re.IGNORECASE

#: A negation just before a risk word: "没有链接", "didn't ask for money", "no link".
_NEGATED = re.compile(
    r"(没有?|不用|不需要|无需|并没|也没|从没|不|无|别|没让|没要|没叫|没问)[^，。,.!?！？]{0,6}$|"
    r"\b(no|not|never|nor|without|didn'?t|did not|doesn'?t|does not|don'?t|wasn'?t|isn'?t)\b[^,.!?]{0,24}$",
    _I,
)


@dataclass(frozen=True)
class Risk:
    """Something a genuine notice never asks of you: its catalog name and the words that show it."""

    key: str
    pattern: re.Pattern[str]


RISKS: tuple[Risk, ...] = (
    Risk(
        "link",
        re.compile(
            r"https?://|www\.|\b[a-z0-9-]+\.(com|cn|net|top|xyz|cc|vip|info|link|co\.uk|me|io)\b|链接|网址|"
            r"\blink\b|click (here|on)|tap (here|on)",
            _I,
        ),
    ),
    Risk(
        "payment",
        re.compile(
            r"转账|汇款|付款|支付|缴费|交费|打款|充值|保证金|手续费|解冻费|押金|罚款|"
            r"\b(pay|paying|payment|transfer|wire|fee|deposit|fine|gift cards?|crypto|bitcoin)\b",
            _I,
        ),
    ),
    Risk(
        "code",
        re.compile(
            r"验证码|校验码|动态码|密码|\b(verification code|one-time (pass)?code|otp|passcode|pin|password)\b", _I
        ),
    ),
    Risk(
        "install",
        re.compile(
            r"下载|安装|屏幕共享|共享屏幕|远程|\b(download|install|screen ?shar\w*|anydesk|teamviewer|remote access)\b",
            _I,
        ),
    ),
    Risk(
        "personal",
        re.compile(r"身份证号|银行卡号|卡号|\b(card number|bank details|passport number|account number|login)\b", _I),
    ),
)

#: The user checked it through a channel they found themselves.
CALLED_BACK = re.compile(
    r"(回拨|打了|拨打了|打给了?|致电|问了).{0,12}(卡背面|卡背后|官方|客服电话|银行电话|955\d\d|学校电话|班主任)|"
    r"(卡背面|官方(电话|app|App|APP)).{0,10}(核实|确认|问过|打过)|"
    r"\b(called|rang|phoned|checked with)\b.{0,30}\b(number on (the back of )?(my|the) card|"
    r"official (number|app|website)|the bank directly|my bank directly|the school|the university)\b",
    _I,
)


def risks_in(text: str) -> list[str]:
    """The risk keys the text shows, skipping the negated mentions ("no link", "没让我转账")."""
    found = []
    for risk in RISKS:
        for match in risk.pattern.finditer(text):
            if not _NEGATED.search(text[max(0, match.start() - 30) : match.start()]):
                found.append(risk.key)
                break
    return found


def lookalike_reply(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    lang = ctx.lang
    text = analysis.quoted or analysis.text
    entry = kb.find_lookalike(text) or kb.find_lookalike(analysis.text) or kb.lookalike("general")
    risks = risks_in(text)
    messages: list[str] = []
    if entry.urgent_note is not None:
        messages.append("⚠️ " + entry.urgent_note.get(lang))
    name = entry.name.get(lang)
    if risks:
        asks = t("assistant.lookalike_joiner", lang).join(t(f"assistant.risk_{key}", lang) for key in risks)
        messages.append(t("assistant.lookalike_but", lang, name=name, asks=asks))
    else:
        evidence = [t(f"assistant.genuine_no_{risk.key}", lang) for risk in RISKS if risk.key not in risks]
        if CALLED_BACK.search(analysis.text):
            evidence.insert(0, t("assistant.genuine_called_back", lang))
        signs = evidence[:3] + [s.get(lang) for s in entry.genuine_signs[:2]]
        messages.append(t("assistant.lookalike_genuine", lang, name=name) + "\n" + bullets(signs))
    messages.append(t("assistant.lookalike_check", lang) + "\n" + entry.check.get(lang))
    messages.append(t("assistant.lookalike_turns", lang) + "\n" + entry.turns_scam.get(lang))
    return Reply(
        messages,
        [
            Button(t("assistant.btn_red_flags", lang), "/ask_red_flags"),
            Button(t("assistant.btn_quiz", lang), "/start_quiz"),
        ],
        {"scam_type": ScamType.NONE.value, "pending_question": None},
    )


def pasted_reply(kb: KnowledgeBase, analysis: Analysis, ctx: Context) -> Reply:
    """A pasted scam message the user asks about: named, its red flags quoted from it, what to do with it."""
    lang = ctx.lang
    scam = analysis.scam_type
    entry = kb.scam(scam)
    flags_text, flags = flags_block(kb, scam, analysis, lang)
    messages = []
    if analysis.urgent:
        messages.append(stop_now_block(kb, scam, ctx))
    joiner = "" if lang is Lang.ZH else " "
    named = t("assistant.pasted_named", lang, scam=entry.name.get(lang)) + joiner + entry.summary.get(lang)
    messages.append(named + "\n\n" + flags_text)
    todo = [t("assistant.pasted_do_not", lang), t("assistant.pasted_check", lang)]
    todo += steps_text(kb, entry.prevention[:1], ctx)
    todo.append(t("assistant.pasted_report", lang, report=report_here(kb, ctx.places, lang)))
    messages.append(t("assistant.what_to_do_title", lang) + "\n" + bullets(todo))
    return Reply(
        messages,
        [Button(t("assistant.btn_what_to_do", lang), "/ask_what_to_do"), *menu_buttons(lang)[1:]],
        {"scam_type": scam.value, "red_flags": [f.id for f in flags], "urgent": analysis.urgent or ctx.urgent},
    )

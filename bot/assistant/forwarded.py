"""Pasted messages: is this the text the user *received* (the sender's words), or the user's own story?

Users forward what they got ("这是诈骗吗？【XX快递】您的包裹...", "is this legit: Your parcel is held ..."). A pasted
message is judged as the sender's words: its red flags are quoted from it, and nobody claims the user said them.

Standard library only (the NLU evaluation runs it on held-out messages). The signals:

- a *frame* around it: "这是诈骗吗", "收到一条短信", "is this legit", "I got this text", "my mum got this:";
- the marks of a sent message: a sender tag in 【】 or [..] at either end, 退订回T / "Reply STOP", a salutation
  ("尊敬的客户", "Dear customer", "Hi Mum"), a link, a code to enter or quote, or the reader addressed as 您/you about
  *their* account, parcel or order;
- and no story of the user's ("他说", "they told me", "I paid", "我转了"), which is how people *tell* what happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

#: The user presents a message they received.
FRAME = re.compile(
    r"(这|此|下面|以下)(是|条|个|段).{0,6}(诈骗|骗子|骗局|真的|正规|官方|靠谱)|"
    r"(收到|接到|来了|发来|发了)(了)?(一条|一个|条|个|这条|这样的|这种)?.{0,8}(短信|信息|消息|邮件|私信|微信)|"
    r"(帮我)?(看看|看一下|看下)(这条|这个|这段)|"
    r"(是不是|是否)(诈骗|骗子|骗局|真的)[?？]?\s*[:：]|"
    r"\b(is|are) (this|these|that) (legit|real|genuine|a scam|scam|safe|fake|official)\b|"
    r"\b(got|received|getting|get) (this|these|a|an|the following)( \w+){0,2} "
    r"(text|sms|message|email|e-mail|dm|whatsapp|msg)s?\b|"
    r"\b(text|sms|message|email|e-mail|dm|msg) (says|said|reads|read|saying)\b|"
    r"\b(my|our) (mum|mom|dad|mother|father|grandma|grandpa|gran|nan|son|daughter|wife|husband) "
    r"(got|received|forwarded) (this|these|a|an)\b|"
    r"\b(scam or (not|legit)|legit or (not|scam))\b",
    _I,
)

#: Marks of a message as its sender wrote it.
SENDER_MARKS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _I)
    for p in (
        r"^\s*[【\[][^】\]\n]{2,20}[】\]]|[【\[][^】\]\n]{2,20}[】\]]\s*$",  # sender tag at either end
        r"【[^】\n]{2,20}】",
        r"退订|回T|回TD|拒收请回|reply stop|text stop|to opt out|unsubscribe",
        r"尊敬的|亲爱的(用户|客户|会员|家长|同学)|您好[，,]|"
        r"dear (customer|client|user|member|parent|student|sir|madam)|"
        r"^\s*(hi|hello|hey) (mum|mom|dad)\b",
        r"https?://|www\.|\b[a-z0-9-]+\.(com|cn|net|top|xyz|cc|vip|info|link|co\.uk|me|io)\b|t\.cn/|bit\.ly",
        r"您的|你的(账户|帐户|账号|包裹|快递|订单|银行卡|医保|社保|信用卡|贷款|额度)|"
        r"\byour (account|parcel|package|order|card|payment|delivery|loan|refund|subscription|tax|benefit)\b",
        r"(取件码|验证码|提货码|校验码)\s*[:：]?\s*[A-Za-z0-9-]{3,}|\b(code|pin)\s*[:：]?\s*\d{4,}\b",
        r"(加|添加)(微信|V|v|VX|vx|QQ|qq|好友)|\b(whatsapp|telegram|signal) (me|us)\b|\b(wa\.me|t\.me)/|"
        r"恭喜(您|你)|温馨提示|\b(congratulations|congrats)\b|\b(urgent|final notice|action required)\s*[:!]|"
        r"^\s*(hello|hi|hey)?\s*(my )?dear\b|"
        r"(请|敬请)(于|在|及时|尽快|点击|登录|回复|联系|拨打|前往|凭)|"
        r"\b(click|tap|visit|call|reply|log ?in|verify|confirm|update) (here|now|the link|below|to|within|your)\b",
    )
)

#: The user telling their own story: how people *tell* what happened rather than paste it.
STORY = re.compile(
    r"(他|她|对方|那人|那个人|骗子|客服|警察|老板|有人|某人|朋友)(跟我|对我|和我)?(说|讲|让|叫|要|问)|"
    r"我(已经|刚|刚刚|就|也|都)?(转|汇|付|打|交|点|填|下载|给|告诉|回复|回)了|"
    r"\b(he|she|they|someone|somebody|a (friend|man|woman|guy|lady|caller)|the (caller|man|woman|guy|lady|agent|"
    r"officer)) (said|told|asked|wanted|says|tells|claims|claiming|offers|sent)\b|"
    r"\b(a|an|the) (call|text|message|email|whatsapp message|caller) (from|claiming|said|says)\b|"
    r"\bi (already |just )?(paid|sent|transferred|clicked|gave|replied|downloaded|entered|shared)\b",
    _I,
)

#: The sender's words in quotation marks: “...”, "...", 「...」, 『...』 (at least 10 characters).
QUOTED = re.compile(r"“([^”]{10,})”|\"([^\"]{10,})\"|「([^」]{10,})」|『([^』]{10,})』")
#: A colon that hands over the sender's words: "sent this:", "got this text:", "发来：", "收到：", "短信内容：".
_HANDOVER = re.compile(
    r"(发来|发了|发的|收到|写着|内容是|内容|原文|短信说|消息说|通知说|说)\s*[:：]|"
    r"\b(sent|got|received|came|reads?|says?|said|saying|wrote|texted)( me)?( this| these| the following)?"
    r"( \w+){0,3}\s*:",
    _I,
)

#: Between a frame and the pasted text: a question particle, punctuation, quote marks, "this:".
_LEAD_IN = re.compile(r"^[\s吗呢啊呀吧？?!！。，,.:：;；\"“”「」『』-]*(内容(是|如下)?|如下|原文)?[\s:：，,\"“「『-]*")
#: Reported speech right after the frame ("收到短信说...", "a text saying that..."): the user paraphrases.
_REPORTED = re.compile(r"^(说|称|讲|告诉我|提示|通知我|saying|says|said|that|telling me|about)\b|^(说|称|讲)", _I)
#: A message that opens with the sender introducing themselves to the reader: a forwarded script, not a story.
_SELF_INTRO = re.compile(
    r"^\s*(我是你|我是您|我是(你|您)的|(你|您)好[，,]?\s*我是|这是我的?新(号|手机号|微信)|"
    r"(妈|爸|老妈|老爸|老婆|老公|宝贝|亲)[，,!！ ]|"
    r"((hi|hello|hey)[,!]?\s*)?this is \w+ from |"
    r"(hi|hello|hey) (mum|mom|dad|mam)\b|(it'?s|this is) (me|your (son|daughter|boss|manager|teacher))\b|"
    r"i'?m your (boss|manager|son|daughter|teacher|director))",
    _I,
)


@dataclass(frozen=True)
class Pasted:
    """The verdict on one message: ``forwarded`` and, when it is, the sender's words (``quoted``)."""

    forwarded: bool
    quoted: str = ""


_CLOSING = re.compile(r"[”\"」』]")


def _trim(quoted: str) -> str:
    """The pasted text alone: without a second frame after it ("... scam or not?") or the closing quote mark."""
    quoted = quoted.strip()
    after = FRAME.search(quoted)
    if after and after.start() >= 8:
        quoted = quoted[: after.start()]
    close = _CLOSING.search(quoted)
    if close and close.start() >= 8:
        quoted = quoted[: close.start()]
    return quoted.strip(' \t\n"“”「」『』:：,，')


def sender_marks(text: str) -> int:
    return sum(1 for p in SENDER_MARKS if p.search(text))


def read_pasted(text: str) -> Pasted:
    """Decide whether ``text`` is a pasted message and cut out the sender's words."""
    text = text.strip()
    if not text:
        return Pasted(False)
    quoted_marks = QUOTED.search(text)
    if quoted_marks:  # the sender's words in quotation marks: pasted, even inside a story
        return Pasted(True, next(g for g in quoted_marks.groups() if g).strip())
    handover = _HANDOVER.search(text)
    if handover and len(text) - handover.end() >= 10:
        return Pasted(True, _trim(text[handover.end() :]))
    frame = FRAME.search(text)
    if frame:
        rest = text[frame.end() :]
        lead = _LEAD_IN.match(rest)
        quoted = _trim(rest[lead.end() :] if lead else rest)
        if len(quoted) < 8:  # the text before the frame: "【XX】您的... 这是诈骗吗？"
            quoted = _trim(text[: frame.start()])
        if len(quoted) < 8:
            return Pasted(False)
        marks = sender_marks(quoted)
        if _REPORTED.match(quoted) and marks < 2:
            return Pasted(False)  # "收到短信说我的ETC停用了": told in the user's words
        if (marks >= 1 or _SELF_INTRO.match(quoted)) and not STORY.search(quoted):
            return Pasted(True, quoted)
        return Pasted(False)
    if (sender_marks(text) >= 2 or _SELF_INTRO.match(text)) and not STORY.search(text):
        return Pasted(True, text)
    return Pasted(False)


def is_forwarded(text: str) -> bool:
    return read_pasted(text).forwarded

"""Onboarding and the plain commands: /start (language, then who you are; with a class's join link, joining it:
``students``; with a campaign link, ``enrolment``; with a family invite, ``family``), /lang, /help, /hotline, and
the language and audience buttons. Choosing a language or an audience is where the learner's row is written."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.assistant import teach
from bot.i18n import DEFAULT_LANG, LANGS, t
from bot.quiz.model import Audience
from bot.quiz.present import audience_name
from bot.shared.lang import Lang
from bot.telegram import enrolment, family, students
from bot.telegram.learners import CHANNEL, is_private, language, learner_key
from bot.telegram.replies import pressed, send
from bot.telegram.services import db, services

#: ``lang:<language>:<then>``: ``then`` is ``start`` (onboarding: the audience comes next) or ``done`` (/lang).
LANGUAGE_BUTTON = re.compile(r"^lang:(?P<lang>[^:]*)(?::(?P<then>[^:]*))?")
#: ``aud:<audience>``
AUDIENCE_BUTTON = re.compile(rf"^aud:(?P<audience>{'|'.join(re.escape(a.value) for a in Audience)})\Z")


def lang_keyboard(then: str) -> InlineKeyboardMarkup:
    """Each language by its own name."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("telegram.language_name", lang), callback_data=f"lang:{lang}:{then}")
                for lang in LANGS
            ]
        ]
    )


def audience_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(audience_name(a, lang), callback_data=f"aud:{a.value}")] for a in Audience]
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not is_private(chat):
        await send(chat.id, context, t("telegram.group_intro", await language(update, context)))
        return
    payload = context.args[0] if context.args else ""
    if payload.startswith(students.LINK_PAYLOAD):  # a teacher's join link: https://t.me/<bot>?start=c_<token>
        await students.join_by_link(update, context, payload.removeprefix(students.LINK_PAYLOAD))
        return
    if payload.startswith(enrolment.CAMPAIGN_PAYLOAD):  # a campaign link: https://t.me/<bot>?start=k_<token>
        await enrolment.join_by_link(update, context, payload.removeprefix(enrolment.CAMPAIGN_PAYLOAD))
        return
    if payload.startswith(family.INVITE_PAYLOAD):  # a student's family invite: ?start=f_<token>
        await family.invite_screen(update, context, payload.removeprefix(family.INVITE_PAYLOAD))
        return
    await send(chat.id, context, t("telegram.choose_lang", await language(update, context)), lang_keyboard("start"))


async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send(chat.id, context, t("telegram.choose_lang", await language(update, context)), lang_keyboard("done"))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    await send(chat.id, context, t("telegram.help" if is_private(chat) else "telegram.group_intro", lang))


async def hotline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = await language(update, context)
    reply = teach.hotline_reply(services(context).kb, "", teach.Context(lang=Lang(lang)))
    await send(chat.id, context, "\n\n".join(reply.messages))


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button: the language is stored; in onboarding (or with no audience yet) the audience is next."""
    if not await pressed(update) or context.match is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    lang = context.match["lang"] if context.match["lang"] in LANGS else DEFAULT_LANG
    then = context.match["then"] or ""
    profile = await db(services(context).quiz.profile, CHANNEL, learner_key(user.id), lang=lang)
    if then == "start" or not profile.audiences:
        await send(chat.id, context, t("telegram.choose_audience", lang), audience_keyboard(lang))
    else:
        await send(chat.id, context, t("telegram.lang_set", lang))


async def choose_audience(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An audience button: stored (the quizzes are chosen for it), then the welcome."""
    if not await pressed(update) or context.match is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    profile = await db(
        services(context).quiz.profile, CHANNEL, learner_key(user.id), audiences=[context.match["audience"]]
    )
    await send(chat.id, context, t("telegram.welcome", profile.lang))

"""Who acts in a classroom, as the Telegram callbacks see it: a user's learner id (the classroom engine keys people
by it, teachers and students alike), the class a teacher's command is about, the chats to write to, and a refused
action said in one line from the catalog (``classroom.<key>``, the engine's :class:`ClassroomError` keys)."""

from __future__ import annotations

from telegram import Update, User
from telegram.ext import ContextTypes

from bot.classroom.records import ClassInfo, ClassroomError, SessionInfo
from bot.i18n import t
from bot.telegram import store
from bot.telegram.learners import CHANNEL, guess_language, is_private, language, learner_key
from bot.telegram.replies import send
from bot.telegram.services import Services, db, services

#: Catalog prefix of the engine's refusals: ``classroom.<ClassroomError key>`` (bot/i18n/classroom.yml).
ERROR_PREFIX = "classroom."


async def learner_id(context: ContextTypes.DEFAULT_TYPE, user: User) -> int:
    """The user's learner id, created (in the language of their Telegram settings) the first time; kept in memory
    afterwards, as it never changes."""
    svc = services(context)
    known = svc.learner_ids.get(user.id)
    if known is not None:
        return known
    found = await db(_learner_id, svc, user.id, guess_language(user))
    svc.learner_ids[user.id] = found
    return found


def _learner_id(svc: Services, user_id: int, lang: str) -> int:
    return svc.classroom.learner_id(CHANNEL, learner_key(user_id), lang=lang)


async def chat_ids(svc: Services, learner_ids: list[int]) -> dict[int, int]:
    """learner id -> their private chat with the bot (their Telegram user id); kept in memory once read."""
    missing = [i for i in learner_ids if i not in svc.chats]
    if missing:

        def read() -> dict[int, int]:
            with svc.quiz.db.read() as s:
                return store.telegram_ids(s, missing)

        svc.chats.update(await db(read))
    return {i: svc.chats[i] for i in learner_ids if i in svc.chats}


async def session_info(svc: Services, session_id: int) -> SessionInfo:
    """The session as it started: only what never changes in it may be read from this (not its phase)."""
    known = svc.sessions.get(session_id)
    if known is None:
        known = svc.sessions[session_id] = await db(svc.classroom.session, session_id)
    return known


async def refuse(chat_id: int, context: ContextTypes.DEFAULT_TYPE, lang: str, error: ClassroomError) -> None:
    """The engine refused: one line (the first problem; options report them all, one a line)."""
    lines = [t(ERROR_PREFIX + key, lang, **params) for key, params in error.problems]
    await send(chat_id, context, "\n".join(lines))


async def teacher_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[int, User, str] | None:
    """A teacher's command: (chat id, user, language) in a private chat. In a group the sender is told, in one line,
    that teacher commands work in private; without a user nothing is said. None: the command goes no further."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if user is None:
        return None
    lang = await language(update, context)
    if not is_private(chat):
        await send(chat.id, context, t("telegram.class_teacher_private", lang))
        return None
    return chat.id, user, lang


def words(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return list(context.args or [])


async def teacher_class(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, teacher: int, args: list[str], example: str
) -> tuple[ClassInfo | None, list[str]]:
    """The class a teacher's command is about: named by its code as the first word, else their only class. When
    it cannot be told, the teacher is told how (one line) and None comes back. Returns the other words too."""
    chat = update.effective_chat
    assert chat is not None
    classes = await db(services(context).classroom.teacher_classes, teacher)
    if not classes:
        await send(chat.id, context, t("telegram.class_none", lang))
        return None, args
    if args:
        wanted = args[0].replace(" ", "").upper()
        for info in classes:
            if info.join_code == wanted:
                return info, args[1:]
    if len(classes) == 1:
        return classes[0], args
    codes = ", ".join(f"{c.name} {c.join_code}" for c in classes)
    await send(chat.id, context, t("telegram.class_which", lang, example=example, codes=codes))
    return None, args


def join_link(context: ContextTypes.DEFAULT_TYPE, info: ClassInfo) -> str:
    """The deep link students open: ``/start c_<join_token>`` in a private chat with the bot."""
    return f"https://t.me/{context.bot.username}?start=c_{info.join_token}"

"""/session: the teacher sets up a class quiz with inline buttons, one step a message edit: the class (if several),
which questions (all for the class, its weakest scam types, or by scam type / audience / bank), how many, the seconds
per question, the mode (speed or accuracy only), where the polls go (the class group or each student's chat).

The wizard keeps its state in the buttons' data, ``ses:<class>:<source>:<count>:<seconds>:<mode>:<delivery>``
(each step adds a field; indexes keep it within Telegram's 64 bytes), so any worker can take the next click and a
restart loses nothing. The last click starts the session in its lobby and sends the projector link and the controls.
"""

from __future__ import annotations

from functools import cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.classroom.records import ClassInfo, ClassroomError, Delivery, Mode, SessionOptions
from bot.i18n import t
from bot.quiz.bank import load_banks
from bot.quiz.model import SCAM_TYPES, Audience
from bot.quiz.present import audience_name, scam_name
from bot.telegram import lesson
from bot.telegram.learners import language
from bot.telegram.replies import pressed, send
from bot.telegram.roles import learner_id, refuse, teacher_chat
from bot.telegram.services import db, services
from bot.telegram.teacher import projector_link

SESSION_BUTTON = r"^ses:"
COUNTS = (5, 10, 15, 20, 30)
SECONDS = (10, 20, 30, 60, 120)
AUDIENCES = tuple(Audience)
MODES = {"s": Mode.SPEED, "a": Mode.ACCURACY}
DELIVERIES = {"g": Delivery.GROUP, "p": Delivery.PRIVATE}


@cache
def bank_ids() -> tuple[tuple[str, str, str], ...]:
    """(id, zh title, en title) of each bank, in file order: the buttons name a bank by its index."""
    return tuple((b.id, b.title_zh, b.title_en) for b in load_banks().banks)


async def session_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/session: the first step (the class, when the teacher has several)."""
    found = await teacher_chat(update, context)
    if found is None:
        return
    chat_id, user, lang = found
    classes = await db(services(context).classroom.teacher_classes, await learner_id(context, user))
    if not classes:
        await send(chat_id, context, t("telegram.class_none", lang))
        return
    if len(classes) == 1:
        text, markup = step([str(classes[0].id)], classes[0], lang)
    else:
        text = t("telegram.class_wizard_class", lang)
        markup = _rows([(c.name, f"ses:{c.id}") for c in classes])
    await send(chat_id, context, text, markup)


async def session_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A wizard button: the next step replaces this one, or (all chosen) the session starts."""
    if not await pressed(update):
        return
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    lang = await language(update, context)
    fields = (query.data or "").split(":")[1:]
    teacher = await learner_id(context, user)
    classes = await db(services(context).classroom.teacher_classes, teacher)
    info = next((c for c in classes if fields and str(c.id) == fields[0]), None)
    if info is None:
        await refuse(chat.id, context, lang, ClassroomError.one("not_teacher"))
        return
    if len(fields) == 5 and info.group_chat_id is None:
        fields.append("p")  # no group bound: private chats it is
    if len(fields) < 6:
        text, markup = step(fields, info, lang)
        await query.edit_message_text(text, reply_markup=markup)
        return
    await query.edit_message_reply_markup(None)  # the wizard is done: no second session from a double tap
    try:
        options = options_of(fields)
        session = await db(services(context).classroom.start_session, info.id, teacher, options)
    except ClassroomError as error:
        await refuse(chat.id, context, lang, error)
        return
    except (ValueError, IndexError, KeyError):  # forged or stale button data
        await refuse(chat.id, context, lang, ClassroomError.one("not_teacher"))
        return
    text = t(
        "telegram.class_session_ready",
        lang,
        questions=session.size,
        seconds=session.seconds,
        members=info.members,
        link=projector_link(session),
    )
    await send(chat.id, context, text, lesson.controls(session, lang))


def step(fields: list[str], info: ClassInfo, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The prompt and buttons of the step after ``fields``."""
    base = "ses:" + ":".join(fields)
    if len(fields) == 1:
        return t("telegram.class_wizard_source", lang), _rows(
            [
                (t("telegram.class_source_all", lang), f"{base}:all"),
                (t("telegram.class_source_weakest", lang), f"{base}:weak"),
                (t("telegram.class_source_type", lang), f"{base}:t"),
                (t("telegram.class_source_audience", lang), f"{base}:a"),
                (t("telegram.class_source_bank", lang), f"{base}:b"),
            ]
        )
    if len(fields) == 2 and fields[1] in ("t", "a", "b"):
        prefix = ":".join(["ses", fields[0], fields[1]])
        if fields[1] == "t":
            names = [scam_name(s.value, lang) for s in SCAM_TYPES]
            return t("telegram.class_wizard_type", lang), _rows([(n, f"{prefix}{i}") for i, n in enumerate(names)])
        if fields[1] == "a":
            names = [audience_name(a, lang) for a in AUDIENCES]
            return t("telegram.class_wizard_audience", lang), _rows([(n, f"{prefix}{i}") for i, n in enumerate(names)])
        names = [zh if lang == "zh" else en for _, zh, en in bank_ids()]
        return t("telegram.class_wizard_bank", lang), _rows([(n, f"{prefix}{i}") for i, n in enumerate(names)])
    if len(fields) == 2:
        return t("telegram.class_wizard_count", lang), _grid([(str(n), f"{base}:{n}") for n in COUNTS])
    if len(fields) == 3:
        return t("telegram.class_wizard_seconds", lang), _grid(
            [(t("telegram.class_seconds", lang, seconds=n), f"{base}:{n}") for n in SECONDS]
        )
    if len(fields) == 4:
        return t("telegram.class_wizard_mode", lang), _rows(
            [
                (t("telegram.class_mode_speed", lang), f"{base}:s"),
                (t("telegram.class_mode_accuracy", lang), f"{base}:a"),
            ]
        )
    return t("telegram.class_wizard_delivery", lang), _rows(
        [
            (t("telegram.class_delivery_group", lang), f"{base}:g"),
            (t("telegram.class_delivery_private", lang), f"{base}:p"),
        ]
    )


def options_of(fields: list[str]) -> SessionOptions:
    """The teacher's choices from the buttons' fields (``ClassroomError`` for values out of range)."""
    source, count, seconds, mode, delivery = fields[1:6]
    scam_types: tuple[str, ...] = ()
    audience = bank = None
    if source.startswith("t") and source != "t":
        scam_types = (SCAM_TYPES[int(source[1:])].value,)
    elif source.startswith("a") and source not in ("a", "all"):
        audience = AUDIENCES[int(source[1:])].value
    elif source.startswith("b") and source != "b":
        bank = bank_ids()[int(source[1:])][0]
    return SessionOptions(
        count=int(count),
        seconds=int(seconds),
        mode=MODES[mode],
        delivery=DELIVERIES[delivery],
        scam_types=scam_types,
        audience=audience,
        bank=bank,
        weakest=source == "weak",
    )


def _rows(buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, callback_data=data)] for title, data in buttons])


def _grid(buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, callback_data=data) for title, data in buttons]])

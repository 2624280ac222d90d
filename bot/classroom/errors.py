"""Every problem the classroom reports (:class:`ClassroomError` keys) and its catalog text, so that each front end
says it in one clear line in the user's language: ``describe(error, lang)``.

The catalog keys are written out here, each in its own ``t(...)`` call (not built from a prefix), so that the
catalog's tests find them; ``tests/bot/classroom/test_classroom_errors.py`` checks that every key raised in
``bot/classroom`` is listed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.classroom.records import ClassroomError
from bot.i18n import t

#: ClassroomError key -> its text (bot/i18n/classroom.yml ``classroom.<key>``) in a language, with its parameters.
MESSAGES: dict[str, Callable[[object, dict[str, Any]], str]] = {
    # options (bot.classroom.records.SessionOptions)
    "bad_count": lambda lang, p: t("classroom.bad_count", lang, **p),
    "bad_seconds": lambda lang, p: t("classroom.bad_seconds", lang, **p),
    "bad_mode": lambda lang, p: t("classroom.bad_mode", lang, **p),
    "bad_delivery": lambda lang, p: t("classroom.bad_delivery", lang, **p),
    # classes
    "unknown_class": lambda lang, p: t("classroom.unknown_class", lang, **p),
    "unknown_code": lambda lang, p: t("classroom.unknown_code", lang, **p),
    "not_teacher": lambda lang, p: t("classroom.not_teacher", lang, **p),
    "group_taken": lambda lang, p: t("classroom.group_taken", lang, **p),
    "class_name_length": lambda lang, p: t("classroom.class_name_length", lang, **p),
    "bad_lang": lambda lang, p: t("classroom.bad_lang", lang, **p),
    "bad_audience": lambda lang, p: t("classroom.bad_audience", lang, **p),
    # members
    "name_taken": lambda lang, p: t("classroom.name_taken", lang, **p),
    "name_length": lambda lang, p: t("classroom.name_length", lang, **p),
    "name_link": lambda lang, p: t("classroom.name_link", lang, **p),
    "name_phone": lambda lang, p: t("classroom.name_phone", lang, **p),
    "removed": lambda lang, p: t("classroom.removed", lang, **p),
    "not_member": lambda lang, p: t("classroom.not_member", lang, **p),
    "unknown_member": lambda lang, p: t("classroom.unknown_member", lang, **p),
    # sessions
    "session_running": lambda lang, p: t("classroom.session_running", lang, **p),
    "no_questions": lambda lang, p: t("classroom.no_questions", lang, **p),
    "no_group": lambda lang, p: t("classroom.no_group", lang, **p),
    "bad_scam_type": lambda lang, p: t("classroom.bad_scam_type", lang, **p),
    "unknown_session": lambda lang, p: t("classroom.unknown_session", lang, **p),
    "question_open": lambda lang, p: t("classroom.question_open", lang, **p),
    "moved_on": lambda lang, p: t("classroom.moved_on", lang, **p),
    "session_ended": lambda lang, p: t("classroom.session_ended", lang, **p),
    "paused": lambda lang, p: t("classroom.paused", lang, **p),
    "not_paused": lambda lang, p: t("classroom.not_paused", lang, **p),
    "cannot_pause": lambda lang, p: t("classroom.cannot_pause", lang, **p),
    "bad_answer": lambda lang, p: t("classroom.bad_answer", lang, **p),
}


def describe(error: ClassroomError, lang: object) -> str:
    """Every problem of ``error``, one line each, in ``lang``."""
    return "\n".join(MESSAGES[key](lang, params) for key, params in error.problems)

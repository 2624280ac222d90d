"""Classes and their members: creating a class (its join code and deep-link token), finding it by code, token or
group, binding its Telegram group, joining with a display name, renaming and removing members.

Display names: 2-20 characters after trimming and squeezing spaces, no link, no phone number, unique in the class
case-insensitively (``class_members.name_key`` under a unique constraint: two students racing for one name get
one ``name_taken``). A removed student keeps their row (their answers stay in the report) but loses the name and
cannot join again by themselves.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.classroom.common import bump_running, check_teacher, class_info, class_row
from bot.classroom.records import MAX_NAME, MIN_NAME, ClassInfo, ClassroomError, Joined, Member
from bot.db.models import ClassMember, Classroom
from bot.i18n import LANGS
from bot.quiz.model import Audience

#: Join codes: no 0/O, 1/I/L look-alikes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_CLASS_NAME = 64
_LINK = re.compile(r"(https?://|www\.|t\.me/|@\w{3,}|\w\.(com|net|org|cn|io|me|ru|top|xyz|info|cc)\b)", re.I)
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_SPACES = re.compile(r"\s+")


def clean_name(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


def name_key(name: str) -> str:
    """What must be unique in a class: the name case-folded, spaces squeezed."""
    return clean_name(name).casefold()


def check_name(name: str) -> str:
    """The cleaned display name, or :class:`ClassroomError` (name_length, name_link, name_phone)."""
    cleaned = clean_name(name)
    if not MIN_NAME <= len(cleaned) <= MAX_NAME:
        raise ClassroomError.one("name_length", low=MIN_NAME, high=MAX_NAME)
    if _LINK.search(cleaned):
        raise ClassroomError.one("name_link")
    if sum(c.isdigit() for c in cleaned) >= 7 or _PHONE.search(cleaned):
        raise ClassroomError.one("name_phone")
    return cleaned


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_class(s: Session, teacher_id: int, name: str, lang: str, audience: str, *, now: datetime) -> ClassInfo:
    problems: list[tuple[str, dict[str, object]]] = []
    cleaned = clean_name(name)
    if not 1 <= len(cleaned) <= MAX_CLASS_NAME:
        problems.append(("class_name_length", {"high": MAX_CLASS_NAME}))
    if lang not in LANGS:
        problems.append(("bad_lang", {"value": lang}))
    if audience not in {a.value for a in Audience}:
        problems.append(("bad_audience", {"value": audience}))
    if problems:
        raise ClassroomError(problems)
    for _ in range(20):  # a code collision is rare (31^6 codes): try another
        row = Classroom(
            teacher_id=teacher_id,
            name=cleaned,
            lang=lang,
            audience=audience,
            join_code=new_code(),
            join_token=secrets.token_urlsafe(12),
            created_at=now,
        )
        try:
            with s.begin_nested():
                s.add(row)
                s.flush()
        except IntegrityError:
            continue
        return class_info(s, row)
    raise RuntimeError("no free join code after 20 tries")


def teacher_classes(s: Session, teacher_id: int) -> list[ClassInfo]:
    rows = s.scalars(
        select(Classroom)
        .where(Classroom.teacher_id == teacher_id, Classroom.archived_at.is_(None))
        .order_by(Classroom.created_at, Classroom.id)
    )
    return [class_info(s, row) for row in rows]


def all_classes(s: Session) -> list[ClassInfo]:
    """Every class not archived, oldest first (the operator's ``antifraud class list``)."""
    rows = s.scalars(select(Classroom).where(Classroom.archived_at.is_(None)).order_by(Classroom.id))
    return [class_info(s, row) for row in rows]


def class_by_id(s: Session, class_id: int) -> ClassInfo:
    return class_info(s, class_row(s, class_id))


def class_by_code(s: Session, code: str) -> ClassInfo:
    """Case-insensitive, spaces and dashes ignored."""
    wanted = re.sub(r"[\s-]+", "", code).upper()
    row = s.scalar(select(Classroom).where(Classroom.join_code == wanted, Classroom.archived_at.is_(None)))
    if row is None:
        raise ClassroomError.one("unknown_code")
    return class_info(s, row)


def class_by_token(s: Session, token: str) -> ClassInfo:
    row = s.scalar(select(Classroom).where(Classroom.join_token == token.strip(), Classroom.archived_at.is_(None)))
    if row is None:
        raise ClassroomError.one("unknown_code")
    return class_info(s, row)


def class_by_group(s: Session, chat_id: int) -> ClassInfo | None:
    row = s.scalar(select(Classroom).where(Classroom.group_chat_id == chat_id, Classroom.archived_at.is_(None)))
    return class_info(s, row) if row else None


def bind_group(s: Session, class_id: int, teacher_id: int, chat_id: int) -> ClassInfo:
    """The class's Telegram group; a group serves one class (``group_taken``), a class one group (re-binding moves
    it)."""
    row = class_row(s, class_id)
    check_teacher(row, teacher_id)
    other = s.scalar(select(Classroom.id).where(Classroom.group_chat_id == chat_id))
    if other is not None and other != class_id:
        raise ClassroomError.one("group_taken")
    row.group_chat_id = chat_id
    try:
        with s.begin_nested():
            s.flush()
    except IntegrityError:  # bound concurrently to another class
        raise ClassroomError.one("group_taken") from None
    return class_info(s, row)


def _member(row: ClassMember) -> Member:
    return Member(row.learner_id, row.display_name, row.joined_at)


def join(s: Session, class_id: int, learner_id: int, display_name: str | None, *, now: datetime) -> Joined:
    """Join the class. Without a name: joined only if already a member, else ``name_needed`` (nothing stored)."""
    classroom = class_row(s, class_id)
    existing = s.get(ClassMember, (class_id, learner_id))
    if existing is not None:
        if existing.removed_at is not None:
            raise ClassroomError.one("removed")
        return Joined(class_info(s, classroom), _member(existing), already=True, name_needed=False)
    if display_name is None:
        return Joined(class_info(s, classroom), None, already=False, name_needed=True)
    name = check_name(display_name)
    row = ClassMember(
        class_id=class_id, learner_id=learner_id, display_name=name, name_key=name_key(name), joined_at=now
    )
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:
        again = s.get(ClassMember, (class_id, learner_id))
        if again is not None and again.removed_at is None:  # the same student, joined concurrently
            return Joined(class_info(s, classroom), _member(again), already=True, name_needed=False)
        raise ClassroomError.one("name_taken", name=name) from None
    bump_running(s, class_id, now)
    return Joined(class_info(s, classroom), _member(row), already=False, name_needed=False)


def _rename(s: Session, row: ClassMember, new_name: str, now: datetime) -> Member:
    name = check_name(new_name)
    key = name_key(name)
    taken = s.scalar(
        select(ClassMember.learner_id).where(ClassMember.class_id == row.class_id, ClassMember.name_key == key)
    )
    if taken is not None and taken != row.learner_id:
        raise ClassroomError.one("name_taken", name=name)
    row.display_name, row.name_key = name, key
    try:
        with s.begin_nested():
            s.flush()
    except IntegrityError:
        raise ClassroomError.one("name_taken", name=name) from None
    bump_running(s, row.class_id, now)
    return _member(row)


def set_name(s: Session, class_id: int, learner_id: int, name: str, *, now: datetime) -> Member:
    """A student changes their own display name."""
    row = s.get(ClassMember, (class_id, learner_id))
    if row is None or row.removed_at is not None:
        raise ClassroomError.one("not_member")
    return _rename(s, row, name, now)


def _by_name(s: Session, class_id: int, name: str) -> ClassMember:
    row = s.scalar(select(ClassMember).where(ClassMember.class_id == class_id, ClassMember.name_key == name_key(name)))
    if row is None:
        raise ClassroomError.one("unknown_member", name=clean_name(name))
    return row


def rename(s: Session, class_id: int, teacher_id: int, old_name: str, new_name: str, *, now: datetime) -> Member:
    check_teacher(class_row(s, class_id), teacher_id)
    return _rename(s, _by_name(s, class_id, old_name), new_name, now)


def remove(s: Session, class_id: int, teacher_id: int, name: str, *, now: datetime) -> Member:
    """The teacher removes a student: the name is freed, their answers stay, they cannot join again by themselves."""
    check_teacher(class_row(s, class_id), teacher_id)
    row = _by_name(s, class_id, name)
    row.removed_at, row.name_key = now, None
    s.flush()
    bump_running(s, class_id, now)
    return _member(row)


def members(s: Session, class_id: int) -> list[Member]:
    """The class's members (not removed), in joining order."""
    rows = s.scalars(
        select(ClassMember)
        .where(ClassMember.class_id == class_id, ClassMember.removed_at.is_(None))
        .order_by(ClassMember.joined_at, ClassMember.learner_id)
    )
    return [_member(row) for row in rows]


def memberships(s: Session, learner_id: int) -> list[ClassInfo]:
    """The classes a student is in (not removed)."""
    rows = s.scalars(
        select(Classroom)
        .join(ClassMember, ClassMember.class_id == Classroom.id)
        .where(ClassMember.learner_id == learner_id, ClassMember.removed_at.is_(None), Classroom.archived_at.is_(None))
        .order_by(Classroom.id)
    )
    return [class_info(s, row) for row in rows]


def is_member(s: Session, class_id: int, learner_id: int) -> bool:
    found = s.scalar(
        select(func.count())
        .select_from(ClassMember)
        .where(ClassMember.class_id == class_id, ClassMember.learner_id == learner_id, ClassMember.removed_at.is_(None))
    )
    return bool(found)

"""The classroom as the front ends use it: one call per action, each in its own transaction.

:class:`ClassroomService` owns the transactions (``Database.write_retrying`` for changes, ``Database.read`` for
looks) and the clock; the engine functions below it (``classes``, ``sessions``, ``answers``, ``projector``,
``reports``) take the session and ``now`` as parameters and never commit. Telegram calls it in a thread
(``await db(svc.classroom.method, ...)``); the web app and the CLI call it directly.

Ids: ``teacher_id`` and ``learner_id`` are ``learners.id`` (the quiz engine's learners: a Telegram user is
channel ``telegram`` + the user id); :meth:`learner_id` finds or creates one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.classroom import answers, classes, projector, reports, sessions
from bot.classroom.records import (
    ClassInfo,
    ClassReport,
    ClassroomError,
    Joined,
    Member,
    OpenQuestion,
    ProjectorView,
    Recorded,
    Reveal,
    SessionInfo,
    SessionOptions,
    Standing,
)
from bot.db import Database
from bot.db.models import Channel
from bot.quiz import engine

T = TypeVar("T")

#: One answer of a batch: (session, position, learner, chosen options, when it arrived or None for now).
AnswerItem = tuple[int, int, int, Sequence[int], datetime | None]


def utcnow() -> datetime:
    return datetime.now(UTC)


class ClassroomService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        seeds: Callable[[], int] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.seeds = seeds or (lambda: random.SystemRandom().randrange(2**31))

    def _write(self, work: Callable[[Session], T]) -> T:
        return self.db.write_retrying(work)

    def _read(self, work: Callable[[Session], T]) -> T:
        with self.db.read() as s:
            return work(s)

    # --- learners (teachers and students are the quiz engine's learners)

    def learner_id(self, channel: Channel | str, external_id: str, *, lang: str = "zh") -> int:
        return self._write(lambda s: engine.learner_id(s, channel, external_id, now=self.clock(), lang=lang))

    # --- classes

    def create_class(self, teacher_id: int, name: str, lang: str, audience: str) -> ClassInfo:
        return self._write(lambda s: classes.create_class(s, teacher_id, name, lang, audience, now=self.clock()))

    def teacher_classes(self, teacher_id: int) -> list[ClassInfo]:
        return self._read(lambda s: classes.teacher_classes(s, teacher_id))

    def all_classes(self) -> list[ClassInfo]:
        return self._read(classes.all_classes)

    def class_by_id(self, class_id: int) -> ClassInfo:
        return self._read(lambda s: classes.class_by_id(s, class_id))

    def class_by_code(self, code: str) -> ClassInfo:
        return self._read(lambda s: classes.class_by_code(s, code))

    def class_by_token(self, token: str) -> ClassInfo:
        return self._read(lambda s: classes.class_by_token(s, token))

    def class_by_group(self, chat_id: int) -> ClassInfo | None:
        return self._read(lambda s: classes.class_by_group(s, chat_id))

    def bind_group(self, class_id: int, teacher_id: int, chat_id: int) -> ClassInfo:
        return self._write(lambda s: classes.bind_group(s, class_id, teacher_id, chat_id))

    def join(self, class_id: int, learner_id: int, display_name: str | None) -> Joined:
        return self._write(lambda s: classes.join(s, class_id, learner_id, display_name, now=self.clock()))

    def set_name(self, class_id: int, learner_id: int, name: str) -> Member:
        return self._write(lambda s: classes.set_name(s, class_id, learner_id, name, now=self.clock()))

    def rename(self, class_id: int, teacher_id: int, old_name: str, new_name: str) -> Member:
        return self._write(lambda s: classes.rename(s, class_id, teacher_id, old_name, new_name, now=self.clock()))

    def remove(self, class_id: int, teacher_id: int, name: str) -> Member:
        return self._write(lambda s: classes.remove(s, class_id, teacher_id, name, now=self.clock()))

    def members(self, class_id: int) -> list[Member]:
        return self._read(lambda s: classes.members(s, class_id))

    def memberships(self, learner_id: int) -> list[ClassInfo]:
        return self._read(lambda s: classes.memberships(s, learner_id))

    # --- sessions

    def start_session(
        self, class_id: int, teacher_id: int, options: SessionOptions, *, seed: int | None = None
    ) -> SessionInfo:
        chosen_seed = self.seeds() if seed is None else seed
        return self._write(
            lambda s: sessions.start_session(s, class_id, teacher_id, options, now=self.clock(), seed=chosen_seed)
        )

    def running_session(self, class_id: int) -> SessionInfo | None:
        return self._read(lambda s: sessions.running_session(s, class_id))

    def session(self, session_id: int) -> SessionInfo:
        return self._read(lambda s: sessions.get_session(s, session_id))

    def session_by_token(self, projector_token: str) -> SessionInfo:
        return self._read(lambda s: sessions.session_by_token(s, projector_token))

    def open_next(self, session_id: int, teacher_id: int | None, *, after: int | None = None) -> OpenQuestion | None:
        """``after``: the position the caller saw (-1: the lobby); moved on since: ``moved_on``, nothing changes."""
        return self._write(lambda s: sessions.open_next(s, session_id, teacher_id, now=self.clock(), after=after))

    def current_question(self, session_id: int) -> OpenQuestion | None:
        return self._read(lambda s: sessions.current_question(s, session_id))

    def record_answer(
        self, session_id: int, position: int, learner_id: int, chosen: Iterable[int], *, at: datetime | None = None
    ) -> Recorded:
        """``at``: when the answer arrived (Telegram: the update's arrival time), default now."""
        picked = tuple(chosen)
        return self._write(
            lambda s: answers.record_answer(s, session_id, position, learner_id, picked, now=at or self.clock())
        )

    def record_answers(self, items: Sequence[AnswerItem]) -> list[Recorded | ClassroomError]:
        """Several answers in one transaction (a batch of poll answers), each with its own result; a bad one (its
        error in its place) does not stop the others."""

        def work(s: Session) -> list[Recorded | ClassroomError]:
            out: list[Recorded | ClassroomError] = []
            for session_id, position, learner_id, chosen, at in items:
                try:
                    out.append(
                        answers.record_answer(s, session_id, position, learner_id, chosen, now=at or self.clock())
                    )
                except ClassroomError as error:  # raised before anything of this answer is written
                    out.append(error)
            return out

        return self._write(work)

    def close_question(self, session_id: int, position: int) -> Reveal | None:
        return self._write(lambda s: sessions.close_question(s, session_id, position, now=self.clock()))

    def due(self) -> list[tuple[int, int]]:
        return self._read(lambda s: sessions.due(s, now=self.clock()))

    def skip(self, session_id: int, teacher_id: int | None, *, position: int | None = None) -> OpenQuestion | None:
        """``position``: the question the teacher's button was for (pressed twice: skipped once, then
        ``moved_on``)."""
        return self._write(lambda s: sessions.skip(s, session_id, teacher_id, now=self.clock(), position=position))

    def pause(self, session_id: int, teacher_id: int) -> SessionInfo:
        return self._write(lambda s: sessions.pause(s, session_id, teacher_id, now=self.clock()))

    def resume(self, session_id: int, teacher_id: int) -> SessionInfo:
        return self._write(lambda s: sessions.resume(s, session_id, teacher_id, now=self.clock()))

    def end(self, session_id: int, teacher_id: int | None) -> tuple[Standing, ...]:
        return self._write(lambda s: sessions.end(s, session_id, teacher_id, now=self.clock()))

    def leaderboard(self, session_id: int) -> tuple[Standing, ...]:
        return self._read(lambda s: answers.leaderboard(s, session_id))

    # --- the projector and the polls

    def projector_view(self, projector_token: str) -> ProjectorView:
        return self._read(lambda s: projector.projector_view(s, projector_token, now=self.clock()))

    def version(self, projector_token: str) -> int:
        return self._read(lambda s: projector.version(s, projector_token))

    def save_poll(
        self, poll_id: str, session_id: int, position: int, chat_id: int, message_id: int, learner_id: int | None
    ) -> None:
        self._write(
            lambda s: projector.save_poll(
                s, poll_id, session_id, position, chat_id, message_id, learner_id, now=self.clock()
            )
        )

    def poll(self, poll_id: str) -> tuple[int, int, int | None] | None:
        return self._read(lambda s: projector.poll(s, poll_id))

    def polls_for(self, session_id: int, position: int) -> list[tuple[int, int]]:
        return self._read(lambda s: projector.polls_for(s, session_id, position))

    # --- reports

    def class_report(self, class_id: int, teacher_id: int | None, *, session_id: int | None = None) -> ClassReport:
        """The teacher's report (``bot.classroom.reports``); ``teacher_id`` None: the operator (the CLI)."""
        return self._read(
            lambda s: reports.class_report(s, class_id, teacher_id, now=self.clock(), session_id=session_id)
        )

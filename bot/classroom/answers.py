"""Answers in a live session: recording one (the first counts), the leaderboard and the reveal of a closed question.

Concurrency (several workers, one class): the answer is inserted with ``INSERT ... ON CONFLICT DO NOTHING`` on the
primary key (session, position, learner), so a replayed update, a changed vote or a second worker's copy of the same
answer is stored once and reported ``duplicate``. On PostgreSQL the answer reads its question ``FOR SHARE``: closing
it (an ``UPDATE``) waits for the answers in flight, and an answer that starts after the close sees it closed
(``late``). Locks are taken in one order everywhere (the question row, then the session row), so that answering,
closing, skipping and ending do not deadlock each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from bot.classroom.common import member_count
from bot.classroom.records import ClassroomError, Outcome, Phase, Recorded, Reveal, Standing
from bot.classroom.scoring import score
from bot.db.models import ClassMember, ClassSession, SessionAnswer, SessionQuestion
from bot.quiz import engine
from bot.quiz.engine import dialect_insert, engine_cache, table
from bot.quiz.model import Question as QuestionRecord

#: How many of the leaderboard the reveal and the projector show.
TOP = 5


class _Statements:
    """The answer path's statements, built once per database (the quiz engine's cache): reading the question, the
    student's membership, their previous streak and the class size is one statement; then the insert, the quiz
    engine's two, the version bump and the count of answers."""

    def __init__(self, dialect: str) -> None:
        sq, cs, sa, cm = table(SessionQuestion), table(ClassSession), table(SessionAnswer), table(ClassMember)
        everyone = cm.alias("everyone")
        members = (
            select(func.count())
            .select_from(everyone)
            .where(everyone.c.class_id == cs.c.class_id, everyone.c.removed_at.is_(None))
            .scalar_subquery()
        )
        earlier_q, earlier_a = sq.alias("earlier_q"), sa.alias("earlier_a")
        previous_position = (
            select(func.max(earlier_q.c.position))
            .where(
                earlier_q.c.session_id == bindparam("b_session"),
                earlier_q.c.position < bindparam("b_position"),
                earlier_q.c.skipped.is_(False),
            )
            .scalar_subquery()
        )
        previous_streak = (
            select(earlier_a.c.streak)
            .where(
                earlier_a.c.session_id == bindparam("b_session"),
                earlier_a.c.learner_id == bindparam("b_learner"),
                earlier_a.c.position == previous_position,
            )
            .scalar_subquery()
        )
        member = and_(
            cm.c.class_id == cs.c.class_id, cm.c.learner_id == bindparam("b_learner"), cm.c.removed_at.is_(None)
        )
        self.question = (
            select(
                sq.c.question_id,
                sq.c.opened_at,
                sq.c.closes_at,
                sq.c.closed_at,
                sq.c.skipped,
                cs.c.class_id,
                cs.c.mode,
                cs.c.seconds,
                cs.c.state,
                cs.c.paused_from,
                cm.c.learner_id.label("member"),
                previous_streak.label("previous_streak"),
                members.label("members"),
            )
            .select_from(sq.join(cs, cs.c.id == sq.c.session_id).outerjoin(cm, member))
            .where(sq.c.session_id == bindparam("b_session"), sq.c.position == bindparam("b_position"))
            .with_for_update(read=True, of=sq)
        )
        self.insert = (
            dialect_insert(dialect)(sa)
            .on_conflict_do_nothing(index_elements=["session_id", "position", "learner_id"])
            .returning(sa.c.learner_id)
        )
        self.existing = select(sa.c.correct, sa.c.points, sa.c.credit, sa.c.response_ms, sa.c.streak).where(
            sa.c.session_id == bindparam("b_session"),
            sa.c.learner_id == bindparam("b_learner"),
            sa.c.position == bindparam("b_position"),
        )
        self.bump = (
            update(cs)
            .where(cs.c.id == bindparam("b_session"))
            .values(version=cs.c.version + 1, updated_at=bindparam("b_now"))
        )
        self.answered = (
            select(func.count())
            .select_from(sa)
            .where(sa.c.session_id == bindparam("b_session"), sa.c.position == bindparam("b_position"))
        )


def record_answer(
    s: Session, session_id: int, position: int, learner_id: int, chosen: Iterable[int], *, now: datetime
) -> Recorded:
    """Record a student's answer to the question at ``position`` (0-based); see :class:`Outcome` for what can become
    of it. A counted answer also goes to the quiz engine (key ``class:<session>:<position>``): a lesson is practice,
    it feeds the student's mastery and spaced review."""
    cache = engine_cache(s)
    sql = cache.built(_Statements, s)
    connection = s.connection()
    key = {"b_session": session_id, "b_position": position, "b_learner": learner_id}
    row = connection.execute(sql.question, key).one_or_none()
    if row is None or row.skipped or row.opened_at is None:
        return Recorded(Outcome.NO_QUESTION)
    if row.member is None:
        return Recorded(Outcome.NOT_MEMBER)
    picked = tuple(sorted({int(i) for i in chosen}))
    if not picked:  # a retracted vote: the first answer (if any) stands
        return Recorded(Outcome.RETRACTED)
    paused_in_question = row.state == Phase.PAUSED and row.paused_from == Phase.QUESTION
    if row.closed_at is not None or (now > row.closes_at and not paused_in_question):
        return Recorded(Outcome.LATE)
    question = cache.question(connection, row.question_id)
    if any(not 0 <= i < len(question.zh.options) for i in picked):
        raise ClassroomError.one("bad_answer")
    response_ms = max(0, int((now - row.opened_at).total_seconds() * 1000))
    result = score(row.mode, picked, question.answer, response_ms, row.seconds, row.previous_streak or 0)
    inserted = connection.execute(
        sql.insert,
        {
            "session_id": session_id,
            "position": position,
            "learner_id": learner_id,
            "chosen": list(picked),
            "correct": result.correct,
            "credit": result.credit,
            "response_ms": response_ms,
            "points": result.points,
            "streak": result.streak,
            "answered_at": now,
        },
    ).first()
    if inserted is None:  # answered before (or just now, by another worker): the first answer counts
        first = connection.execute(sql.existing, key).one()
        return Recorded(
            Outcome.DUPLICATE, first.correct, first.points, False, first.credit, first.response_ms, first.streak
        )
    engine.record_answer(
        s,
        learner_id=learner_id,
        question_id=row.question_id,
        chosen=picked,
        now=now,
        idempotency_key=f"class:{session_id}:{position}",
        response_ms=response_ms,
    )
    # The version bump locks the session row until commit: the answers of one session are counted one after the
    # other, so the count below (a fresh snapshot under READ COMMITTED) sees every earlier answer, and the last
    # answer of the class learns that everyone has answered.
    connection.execute(sql.bump, {"b_session": session_id, "b_now": now})
    everyone = connection.execute(sql.answered, key).scalar_one() >= row.members
    return Recorded(Outcome.COUNTED, result.correct, result.points, everyone, result.credit, response_ms, result.streak)


def leaderboard(s: Session, session_id: int, class_id: int | None = None) -> tuple[Standing, ...]:
    """Every member (not removed) by points, ties broken by total response time (lower first), then by name."""
    if class_id is None:
        class_id = s.scalar(select(ClassSession.class_id).where(ClassSession.id == session_id))
    sa, cm = table(SessionAnswer), table(ClassMember)
    rows = s.execute(
        select(
            cm.c.learner_id,
            cm.c.display_name,
            func.coalesce(func.sum(sa.c.points), 0),
            func.coalesce(func.sum(case((sa.c.correct.is_(True), 1), else_=0)), 0),
            func.count(sa.c.learner_id),
            func.coalesce(func.sum(sa.c.response_ms), 0),
        )
        .select_from(cm.outerjoin(sa, and_(sa.c.learner_id == cm.c.learner_id, sa.c.session_id == session_id)))
        .where(cm.c.class_id == class_id, cm.c.removed_at.is_(None))
        .group_by(cm.c.learner_id, cm.c.display_name)
    ).all()
    ordered = sorted(rows, key=lambda r: (-int(r[2]), int(r[5]), r[1].casefold(), r[0]))
    return tuple(
        Standing(rank, learner, name, int(points), int(right), int(answered), int(total_ms))
        for rank, (learner, name, points, right, answered, total_ms) in enumerate(ordered, start=1)
    )


def reveal(
    s: Session, session_id: int, position: int, question: QuestionRecord, *, class_id: int, show_top: bool
) -> Reveal:
    """The distribution of a question's answers, its right options, the misconception and the top of the board."""
    chosen_lists = s.scalars(
        select(SessionAnswer.chosen).where(SessionAnswer.session_id == session_id, SessionAnswer.position == position)
    ).all()
    counts, misconception = distribution(chosen_lists, question)
    return Reveal(
        position=position,
        question=question,
        counts=counts,
        right=question.answer,
        answered=len(chosen_lists),
        members=member_count(s, class_id),
        misconception=misconception,
        top=leaderboard(s, session_id, class_id)[:TOP] if show_top else (),
    )


def distribution(chosen_lists: Iterable[Iterable[int]], question: QuestionRecord) -> tuple[tuple[int, ...], int | None]:
    """Answers per option, and the most chosen wrong option (the lowest on a tie; None if nobody chose one)."""
    counts = [0] * len(question.zh.options)
    for chosen in chosen_lists:
        for option in chosen:
            if 0 <= option < len(counts):
                counts[option] += 1
    wrong = [(count, -i) for i, count in enumerate(counts) if i not in question.answer and count > 0]
    return tuple(counts), (-max(wrong)[1] if wrong else None)

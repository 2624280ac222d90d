"""The teacher's report of a class: one session in detail (default: the latest that started) and the class across
all its sessions.

- per student: rank, points, right answers, answers and response times (the session's leaderboard, ties by total
  time), their answer to each question, and their mastery per scam type of the session (the quiz engine's formula,
  from every answer they ever gave, lessons and their own practice);
- per question: share right, answers per option, the most chosen wrong option (the class's misconception) and the
  red flags the question is about, mean response time; a skipped question is listed, marked, with no answers;
- per red flag, over every session of the class: answers to its questions and the share right, weakest first;
- progress: every started session, oldest first, with its share of right answers.
A removed student is left out of the students (their answers still count in the question and red-flag figures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from bot.classroom.answers import distribution, leaderboard
from bot.classroom.common import check_teacher, class_answers, class_info, class_row, session_info
from bot.classroom.records import (
    AnswerCell,
    ClassReport,
    ClassroomError,
    FlagReport,
    ProgressPoint,
    QuestionReport,
    StudentReport,
)
from bot.db.models import ClassSession, QuestionRedFlag, SessionAnswer, SessionQuestion
from bot.quiz.engine import engine_cache, mastery_by_type, question_pool


def class_report(
    s: Session, class_id: int, teacher_id: int | None, *, now: datetime, session_id: int | None = None
) -> ClassReport:
    """The report (see the module docstring); ``teacher_id`` None: the operator (``antifraud class report``)."""
    classroom = class_row(s, class_id)
    check_teacher(classroom, teacher_id)
    started = s.scalars(
        select(ClassSession)
        .where(ClassSession.class_id == class_id, ClassSession.started_at.is_not(None))
        .order_by(ClassSession.started_at, ClassSession.id)
    ).all()
    if session_id is not None:
        chosen = next((row for row in started if row.id == session_id), None)
        if chosen is None:
            raise ClassroomError.one("unknown_session")
    else:
        chosen = started[-1] if started else None
    info = class_info(s, classroom)
    flags, progress = _red_flags(s, class_id), _progress(s, class_id, started)
    if chosen is None:
        return ClassReport(info, None, None, (), (), flags, progress)
    questions = _questions(s, chosen.id)
    students = _students(s, chosen.id, class_id, classroom.audience, questions, now)
    return ClassReport(info, session_info(chosen, classroom), chosen.started_at, students, questions, flags, progress)


def _questions(s: Session, session_id: int) -> tuple[QuestionReport, ...]:
    cache = engine_cache(s)
    items = s.scalars(
        select(SessionQuestion)
        .where(SessionQuestion.session_id == session_id, SessionQuestion.opened_at.is_not(None))
        .order_by(SessionQuestion.position)
    ).all()
    answers: dict[int, list[tuple[list[int], bool, int]]] = defaultdict(list)
    for position, chosen, correct, response_ms in s.execute(
        select(SessionAnswer.position, SessionAnswer.chosen, SessionAnswer.correct, SessionAnswer.response_ms).where(
            SessionAnswer.session_id == session_id
        )
    ):
        answers[position].append((chosen, correct, response_ms))
    out = []
    for item in items:
        question = cache.question(s.connection(), item.question_id)
        given = answers.get(item.position, [])
        counts, misconception = distribution((chosen for chosen, _, _ in given), question)
        out.append(
            QuestionReport(
                position=item.position,
                question=question,
                skipped=item.skipped,
                answered=len(given),
                right=sum(1 for _, correct, _ in given if correct),
                counts=counts,
                misconception=misconception,
                red_flags=question.red_flags,
                mean_ms=round(sum(ms for _, _, ms in given) / len(given)) if given else None,
            )
        )
    return tuple(out)


def _students(
    s: Session,
    session_id: int,
    class_id: int,
    audience: str,
    questions: tuple[QuestionReport, ...],
    now: datetime,
) -> tuple[StudentReport, ...]:
    cells: dict[int, dict[int, AnswerCell]] = defaultdict(dict)
    for row in s.scalars(select(SessionAnswer).where(SessionAnswer.session_id == session_id)):
        cells[row.learner_id][row.position] = AnswerCell(
            row.position, tuple(row.chosen), row.correct, row.credit, row.points, row.response_ms
        )
    asked = {q.question.scam_type.value for q in questions}
    pool = question_pool(s, [audience], None).available
    available = {scam: pool.get(scam, 1) for scam in sorted(asked)}
    out = []
    for standing in leaderboard(s, session_id, class_id):
        mine = cells.get(standing.learner_id, {})
        mastery = mastery_by_type(s, standing.learner_id, available, now) if available else {}
        out.append(
            StudentReport(
                learner_id=standing.learner_id,
                display_name=standing.display_name,
                rank=standing.rank,
                points=standing.points,
                right=standing.right,
                answered=standing.answered,
                total_ms=standing.total_ms,
                answers=tuple(mine.get(q.position) for q in questions),
                mastery=mastery,
            )
        )
    return tuple(out)


def _red_flags(s: Session, class_id: int) -> tuple[FlagReport, ...]:
    rows = s.execute(
        class_answers(class_id, QuestionRedFlag.red_flag, func.count(), func.sum(cast(SessionAnswer.correct, Integer)))
        .join(QuestionRedFlag, QuestionRedFlag.question_id == SessionQuestion.question_id)
        .group_by(QuestionRedFlag.red_flag)
    ).all()
    flags = [FlagReport(flag, int(n), int(right or 0)) for flag, n, right in rows]
    return tuple(sorted(flags, key=lambda f: (f.share_right, -f.answered, f.red_flag)))


def _progress(s: Session, class_id: int, started: Sequence[ClassSession]) -> tuple[ProgressPoint, ...]:
    totals = {
        session_id: (int(n), int(right or 0))
        for session_id, n, right in s.execute(
            select(SessionAnswer.session_id, func.count(), func.sum(cast(SessionAnswer.correct, Integer)))
            .join(ClassSession, ClassSession.id == SessionAnswer.session_id)
            .where(ClassSession.class_id == class_id)
            .group_by(SessionAnswer.session_id)
        )
    }
    points = []
    for row in started:
        assert row.started_at is not None
        n, right = totals.get(row.id, (0, 0))
        points.append(ProgressPoint(row.id, row.started_at, n, right))
    return tuple(points)

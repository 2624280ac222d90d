"""The teacher's report after two sessions, and its CSV and XLSX files in both languages."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from bot.classroom.export import flag_label, report_csv, report_xlsx, tables
from bot.classroom.records import ClassReport, ClassroomError, OpenQuestion
from bot.i18n import t
from tests.bot.classroom.conftest import Clock, Room


def wrong(q: OpenQuestion) -> tuple[int, ...]:
    return (next(i for i in range(len(q.question.zh.options)) if i not in q.question.answer),)


@dataclass
class Played:
    room: Room
    first: int
    second: int
    questions: list[OpenQuestion]  # the second session's


def play(room: Room, clock: Clock) -> Played:
    """Session 1: everyone right on everything. Session 2: Ann right twice (2 s, 4 s), Bob wrong on question 1 and
    right on question 2 (at 6 s), Cai does not answer; question 3 is skipped; then the session ends."""
    svc, (ann, bob, _cai) = room.svc, room.students
    first = room.start()
    for position in range(5):
        q = svc.open_next(first, room.teacher)
        assert q is not None
        for learner in room.students:
            svc.record_answer(first, position, learner, q.question.answer)
        svc.close_question(first, position)
    svc.end(first, room.teacher)
    clock.tick(86_400)
    second = room.start()
    questions = []
    for position in range(2):
        q = svc.open_next(second, room.teacher)
        assert q is not None
        questions.append(q)
        clock.tick(2)
        svc.record_answer(second, position, ann, q.question.answer)
        clock.tick(4)
        svc.record_answer(second, position, bob, wrong(q) if position == 0 else q.question.answer)
        svc.close_question(second, position)
    q = svc.open_next(second, room.teacher)
    assert q is not None
    questions.append(q)
    svc.record_answer(second, 2, ann, q.question.answer)
    svc.skip(second, room.teacher)
    svc.end(second, room.teacher)
    return Played(room, first, second, questions)


@pytest.fixture
def played(room: Room, clock: Clock) -> Played:
    return play(room, clock)


def test_the_report_of_the_latest_session(played: Played) -> None:
    room = played.room
    report = room.svc.class_report(room.info.id, room.teacher)
    assert report.session is not None and report.session.id == played.second
    names = [(s.display_name, s.rank, s.points, s.right, s.answered, s.total_ms) for s in report.students]
    assert names == [("Ann", 1, 2000, 2, 2, 4000), ("Bob", 2, 850, 1, 2, 12000), ("Cai", 3, 0, 0, 0, 0)]
    ann, bob, cai = report.students
    assert [c.correct if c else None for c in ann.answers] == [True, True, None, None]
    assert [c.correct if c else None for c in bob.answers] == [False, True, None, None]
    assert cai.answers == (None, None, None, None) and cai.mean_ms is None
    assert ann.answers[0] is not None and ann.answers[0].response_ms == 2000 and ann.mean_ms == 2000
    assert set(ann.mastery) == {q.question.scam_type.value for q in report.questions}
    assert all(0 <= v <= 1 for v in ann.mastery.values())
    q1, q2, q3, q4 = report.questions
    assert (q1.answered, q1.right, q1.share_right, q1.misconception) == (2, 1, 0.5, wrong(played.questions[0])[0])
    assert q1.red_flags == played.questions[0].question.red_flags and q1.mean_ms == 4000
    assert (q2.share_right, q2.misconception) == (1.0, None)
    assert q3.skipped and q3.answered == 0  # the skipped question's answer was dropped
    assert q4.position == 3 and q4.answered == 0 and not q4.skipped  # opened when the third was skipped, then ended
    assert [p.session_id for p in report.progress] == [played.first, played.second]
    assert [(p.answered, p.right) for p in report.progress] == [(15, 15), (4, 3)]
    assert report.red_flags[0].share_right <= report.red_flags[-1].share_right


def test_ann_and_bob_points(played: Played) -> None:
    """The exact points: Ann 2 s -> 950 (streak 1), 2 s -> 950 + 100; Bob wrong, then right at 6 s -> 850."""
    board = played.room.svc.leaderboard(played.second)
    assert [(s.display_name, s.points, s.total_ms) for s in board] == [
        ("Ann", 950 + 1050, 4000),
        ("Bob", 850, 12000),
        ("Cai", 0, 0),
    ]


def test_an_earlier_session_and_the_checks(played: Played) -> None:
    room = played.room
    report = room.svc.class_report(room.info.id, None, session_id=played.first)
    assert [s.right for s in report.students] == [5, 5, 5]
    with pytest.raises(ClassroomError, match="not_teacher"):
        room.svc.class_report(room.info.id, room.students[0])
    with pytest.raises(ClassroomError, match="unknown_session"):
        room.svc.class_report(room.info.id, room.teacher, session_id=999_999)


def test_a_class_without_sessions(room: Room) -> None:
    report = room.svc.class_report(room.info.id, room.teacher)
    assert report.session is None and report.students == () and report.progress == ()
    assert report_csv(report, "en").count("\n") >= 9  # the title and four empty tables


@pytest.mark.parametrize("lang", ["zh", "en"], ids=["zh", "en"])
def test_csv_has_the_four_tables(played: Played, lang: str) -> None:
    report = played.room.svc.class_report(played.room.info.id, played.room.teacher)
    rows = list(csv.reader(io.StringIO(report_csv(report, lang))))
    assert rows[0][0].startswith(t("classroom.report_title", lang, name="Class 7B", date="")[:4])
    titles = [t(f"classroom.report_{name}", lang) for name in ("students", "questions", "red_flags", "progress")]
    assert [row[0] for row in rows if len(row) == 1 and row[0] in titles] == titles
    students = rows.index([titles[0]])
    header, ann = rows[students + 1], rows[students + 2]
    assert header[:3] == [t("classroom.col_rank", lang), t("classroom.col_name", lang), t("classroom.col_points", lang)]
    assert ann[:5] == ["1", "Ann", "2000", "2", "2"]
    assert ann[6] == t("classroom.report_right", lang, points=950, seconds=2.0)
    assert ann[8] == t("classroom.report_no_answer", lang)
    questions = rows.index([titles[1]])
    first = rows[questions + 2]
    assert first[3] == "50.0" and first[5].startswith("ABCD"[wrong(played.questions[0])[0]] + ". ")
    flags = played.questions[0].question.red_flags
    assert first[6] == "; ".join(flag_label(f, lang) for f in flags)


def report_of(played: Played) -> ClassReport:
    return played.room.svc.class_report(played.room.info.id, played.room.teacher)


@pytest.mark.parametrize("lang", ["zh", "en"], ids=["zh", "en"])
def test_xlsx_has_a_sheet_per_table(played: Played, lang: str) -> None:
    report = report_of(played)
    book = load_workbook(io.BytesIO(report_xlsx(report, lang)))
    expected = [table.title for table in tables(report, lang)]
    assert book.sheetnames == expected
    students = book[expected[0]]
    assert [c.value for c in students[3]][:5] == [1, "Ann", 2000, 2, 2]  # numbers stay numbers
    progress = book[expected[3]]
    assert [c.value for c in progress[4]][1:] == [4, 75.0]

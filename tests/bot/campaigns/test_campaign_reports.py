"""Campaign quiz answers (the first counts, also in the quiz engine), their polls, and the organiser's report: the
funnel per campaign, week and class, each student's progress, the question results with the most chosen wrong
options, the parent share, only for the organiser, and the report as tables for CSV."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.campaigns.records import CampaignError, Role
from bot.db.models import Attempt
from bot.quiz.model import Question
from bot.quiz.synthetic import synthetic_banks
from tests.bot.campaigns.conftest import BANK_SIZE, WEEK1_BEIJING, Clock, School, question_id

QUESTIONS = {q.id: q for q in synthetic_banks(BANK_SIZE).questions}


def right(qid: str) -> list[int]:
    return list(QUESTIONS[qid].answer)


def wrong(qid: str, n: int = 0) -> list[int]:
    question: Question = QUESTIONS[qid]
    return [[i for i in range(len(question.zh.options)) if i not in question.answer][n]]


def deliver_week1(school: School, clock: Clock) -> None:
    clock.set(WEEK1_BEIJING)
    school.svc.plan_due()
    for out in school.svc.claim():
        school.svc.mark_sent(out.delivery_id, out.claim, 1)


def test_the_first_answer_counts_and_feeds_the_quiz_engine(school: School, clock: Clock) -> None:
    svc, ann, campaign = school.svc, school.students[0], school.campaign
    q1 = question_id(1)
    assert svc.record_answer(ann, campaign.id, 1, q1, wrong(q1)) == (False, True)
    assert svc.record_answer(ann, campaign.id, 1, q1, right(q1)) == (False, False)  # a changed vote: the first counts
    assert svc.record_answer(ann, campaign.id, 1, q1, wrong(q1)) == (False, False)
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attempt).where(Attempt.learner_id == ann)) == 1
    for week, qid, chosen, key in [
        (1, question_id(11), [0], "campaign.not_in_quiz"),  # a parent's question
        (2, q1, [0], "campaign.not_in_quiz"),  # another week's
        (9, q1, [0], "campaign.not_in_quiz"),  # no such week
        (1, question_id(2), [7], "campaign.bad_answer"),
        (1, question_id(2), [], "campaign.bad_answer"),
    ]:
        with pytest.raises(CampaignError) as error:
            svc.record_answer(ann, campaign.id, week, qid, chosen)
        assert error.value.key == key
    with pytest.raises(CampaignError) as outsider:
        svc.record_answer(school.teacher, campaign.id, 1, q1, right(q1))
    assert outsider.value.key == "campaign.not_enrolled"


def test_a_poll_finds_its_question(school: School) -> None:
    svc, ann, campaign = school.svc, school.students[0], school.campaign
    assert svc.poll("p1") is None
    svc.register_poll("p1", ann, campaign.id, 1, question_id(2), 1, 2000, 55)
    svc.register_poll("p1", ann, campaign.id, 1, question_id(2), 1, 2000, 55)  # again: nothing changes
    ref = svc.poll("p1")
    assert ref is not None
    assert (ref.learner_id, ref.campaign_id, ref.week, ref.question_id, ref.position, ref.chat_id) == (
        ann,
        campaign.id,
        1,
        question_id(2),
        1,
        2000,
    )


def test_the_report_funnel_progress_and_questions(school: School, clock: Clock) -> None:
    svc, campaign = school.svc, school.campaign
    ann, bob, cai = school.students
    mum = school.learner("5001")
    svc.accept_invite(svc.create_invite(ann, campaign.id).token, mum, lang="en", display_name="Mum")
    deliver_week1(school, clock)
    svc.lesson(ann, campaign.id, 1)
    svc.lesson(mum, campaign.id, 1)
    q1, q2, p1 = question_id(1), question_id(2), question_id(11)
    svc.record_answer(ann, campaign.id, 1, q1, right(q1))
    svc.record_answer(ann, campaign.id, 1, q2, right(q2))
    svc.record_answer(bob, campaign.id, 1, q1, wrong(q1))
    svc.record_answer(cai, campaign.id, 1, q1, wrong(q1))
    svc.record_answer(mum, campaign.id, 1, p1, right(p1))
    svc.plan_made(ann, campaign.id)
    svc.opt_out(cai, campaign.id)

    report = svc.report(school.teacher, campaign.id, "en")
    f = report.funnel
    assert (f.enrolled_students, f.enrolled_parents, f.students_with_parent) == (3, 1, 1)
    assert (f.lessons_delivered, f.lessons_opened, f.quizzes_answered, f.plans_made, f.opted_out) == (4, 2, 4, 2, 1)
    assert f.parent_share == pytest.approx(1 / 3)
    assert [w for w, _ in report.weeks] == [1, 2, 3, 4]
    assert report.weeks[0][1].lessons_delivered == 4 and report.weeks[1][1].lessons_delivered == 0
    ((klass),) = report.classes
    assert klass.class_name == "Class 7B"
    assert (klass.funnel.enrolled_students, klass.funnel.enrolled_parents) == (3, 1)  # Ann's mum counts in it
    assert [p.name for p in klass.students] == ["Ann", "Bob", "Cai"]
    ann_week1 = klass.students[0].weeks[0]
    assert (ann_week1.delivered, ann_week1.opened, ann_week1.quiz_answered, ann_week1.quiz_right) == (
        True,
        True,
        2,
        2,
    )
    assert ann_week1.quiz_total == 2 and klass.students[0].plan_made
    first = next(q for q in report.questions if q.question_id == q1)
    assert (first.week, first.role, first.answered, first.right) == (1, Role.STUDENT, 3, 1)
    assert first.prompt == QUESTIONS[q1].en.prompt
    assert first.top_wrong == ((QUESTIONS[q1].en.options[wrong(q1)[0]], 2),)
    parents_q = next(q for q in report.questions if q.question_id == p1)
    assert parents_q.role == Role.PARENT and parents_q.answered == 1
    assert len(report.questions) == 4 * 2 * 2  # every week's questions of both roles, answered or not
    zh = svc.report(school.teacher, campaign.id, "zh")
    assert next(q for q in zh.questions if q.question_id == q1).prompt == QUESTIONS[q1].zh.prompt


def test_only_the_organiser_sees_the_report(school: School) -> None:
    svc = school.svc
    for other in (school.students[0], school.learner("7777")):
        with pytest.raises(CampaignError) as error:
            svc.report(other, school.campaign.id, "en")
        assert error.value.key == "campaign.not_organiser"
    assert svc.report(None, school.campaign.id, "en").campaign == school.campaign  # the operator (CLI)
    with pytest.raises(CampaignError) as unknown:
        svc.report(school.teacher, 999_999, "en")
    assert unknown.value.key == "campaign.unknown_campaign"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_export_rows_has_every_sheet_with_its_columns(school: School, clock: Clock, lang: str) -> None:
    svc, campaign = school.svc, school.campaign
    deliver_week1(school, clock)
    svc.lesson(school.students[0], campaign.id, 1)
    q1 = question_id(1)
    svc.record_answer(school.students[1], campaign.id, 1, q1, wrong(q1))
    sheets = svc.export_rows(svc.report(school.teacher, campaign.id, lang), lang)
    assert list(sheets) == ["funnel", "classes", "students", "questions"]
    funnel = sheets["funnel"]
    assert len(funnel[0]) == 2 + 4 and len(funnel) == 1 + 9
    assert all(len(row) == len(funnel[0]) for row in funnel)
    students = sheets["students"]
    assert [row[1] for row in students[1:]] == ["Ann", "Bob", "Cai"]
    assert all(len(row) == len(students[0]) for row in students)
    questions = sheets["questions"]
    row = next(r for r in questions if r[2] == q1)
    assert row[4] == 1 and row[5] == 0.0
    assert QUESTIONS[q1].content(lang).options[wrong(q1)[0]] in str(row[6])
    header_text = " ".join(str(c) for sheet in sheets.values() for c in sheet[0])
    assert ("Week 1" in header_text) == (lang == "en") and ("第 1 周" in header_text) == (lang == "zh")

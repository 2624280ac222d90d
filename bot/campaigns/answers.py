"""The campaign quizzes: recording an answer (the first counts) and the Telegram polls that carry the questions.

An answer is inserted with ``INSERT ... ON CONFLICT DO NOTHING`` on (enrolment, week, question), so a replayed
update, a changed vote or a second worker's copy is stored once; the first one also goes to the quiz engine (key
``camp:<enrolment>:<week>:<question>``): a campaign quiz is practice, it feeds the learner's mastery and spaced
review like any other answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.campaigns.common import Definitions, campaign_row, definition, enrolment_row
from bot.campaigns.records import CampaignError, PollRef, Role
from bot.db.models import CampaignAnswer, CampaignEnrolment, CampaignPoll
from bot.quiz import engine
from bot.quiz.engine import dialect_insert, engine_cache, table


def record_answer(
    s: Session,
    definitions: Definitions,
    learner_id: int,
    campaign_id: int,
    week: int,
    question_id: str,
    chosen: Sequence[int],
    *,
    now: datetime,
) -> tuple[bool, bool]:
    """(correct, first): whether the answer that counts is right, and whether it is this one. The question must be
    in the week's quiz for the learner's role (``campaign.not_in_quiz``), the options in range
    (``campaign.bad_answer``)."""
    mine = enrolment_row(s, campaign_id, learner_id)
    plan = definition(definitions, campaign_row(s, campaign_id).definition_id)
    try:
        quiz = plan.week(week).quiz.get(Role(mine.role), ())
    except KeyError:
        quiz = ()
    if question_id not in quiz:
        raise CampaignError.one("campaign.not_in_quiz")
    connection = s.connection()
    question = engine_cache(s).question(connection, question_id)
    picked = tuple(sorted({int(i) for i in chosen}))
    if not picked or any(not 0 <= i < len(question.zh.options) for i in picked):
        raise CampaignError.one("campaign.bad_answer")
    correct = question.is_correct(picked)
    answers = table(CampaignAnswer)
    inserted = connection.execute(
        dialect_insert(s.get_bind().dialect.name)(answers)
        .on_conflict_do_nothing(index_elements=["enrolment_id", "week", "question_id"])
        .returning(answers.c.enrolment_id),
        {
            "enrolment_id": mine.id,
            "week": week,
            "question_id": question_id,
            "chosen": list(picked),
            "correct": correct,
            "answered_at": now,
        },
    ).first()
    if inserted is None:
        first = connection.execute(
            select(answers.c.correct).where(
                answers.c.enrolment_id == mine.id, answers.c.week == week, answers.c.question_id == question_id
            )
        ).scalar_one()
        return bool(first), False
    engine.record_answer(
        s,
        learner_id=learner_id,
        question_id=question_id,
        chosen=picked,
        now=now,
        idempotency_key=f"camp:{mine.id}:{week}:{question_id}",
    )
    return correct, True


def register_poll(
    s: Session,
    poll_id: str,
    learner_id: int,
    campaign_id: int,
    week: int,
    question_id: str,
    position: int,
    chat_id: int,
    message_id: int,
    *,
    now: datetime,
) -> None:
    """Remember which campaign question a Telegram poll carries (registering it again changes nothing)."""
    mine = enrolment_row(s, campaign_id, learner_id)
    polls = table(CampaignPoll)
    s.connection().execute(
        dialect_insert(s.get_bind().dialect.name)(polls)
        .on_conflict_do_nothing(index_elements=["poll_id"])
        .values(
            poll_id=poll_id,
            enrolment_id=mine.id,
            week=week,
            question_id=question_id,
            position=position,
            chat_id=chat_id,
            message_id=message_id,
            created_at=now,
        )
    )


def poll(s: Session, poll_id: str) -> PollRef | None:
    row = s.execute(
        select(CampaignPoll, CampaignEnrolment.learner_id, CampaignEnrolment.campaign_id)
        .join(CampaignEnrolment, CampaignEnrolment.id == CampaignPoll.enrolment_id)
        .where(CampaignPoll.poll_id == poll_id)
    ).first()
    if row is None:
        return None
    found, learner_id, campaign_id = row
    return PollRef(
        poll_id=found.poll_id,
        learner_id=learner_id,
        campaign_id=campaign_id,
        week=found.week,
        question_id=found.question_id,
        position=found.position,
        chat_id=found.chat_id,
    )

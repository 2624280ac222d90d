"""The weekly deliveries: planned once per enrolment and week, set-based; claimed by one worker, at most one per chat
in a batch; a stale claim changes nothing; reminders (at most two, three days apart, outside quiet hours) unless
the lesson is opened; retries and giving up; recovering a dead worker's claims; opted-out people get nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from bot.campaigns.records import CampaignError, DeliveryKind, DeliveryStatus, Role
from bot.campaigns.service import CampaignService
from bot.db.models import CampaignDelivery, CampaignEnrolment
from bot.quiz import engine
from tests.bot.campaigns.conftest import NAMES, WEEK1_BEIJING, Clock, School, crowd

WEEK2_BEIJING = WEEK1_BEIJING + timedelta(days=7)


def statuses(svc: CampaignService) -> dict[tuple[int, int, str], str]:
    """(learner, week, kind) -> status of every delivery."""
    with svc.db.read() as s:
        rows = s.execute(
            select(
                CampaignEnrolment.learner_id, CampaignDelivery.week, CampaignDelivery.kind, CampaignDelivery.status
            ).join(CampaignEnrolment, CampaignEnrolment.id == CampaignDelivery.enrolment_id)
        ).all()
    return {(learner, week, kind): status for learner, week, kind, status in rows}


def test_plan_due_creates_each_weeks_lesson_once_and_moves_on(school: School, clock: Clock) -> None:
    svc = school.svc
    clock.set(WEEK1_BEIJING - timedelta(seconds=1))
    assert svc.plan_due() == 0  # not due yet
    clock.set(WEEK1_BEIJING)
    assert svc.plan_due() == len(NAMES)
    assert svc.plan_due() == 0  # done: the enrolments moved on to week 2
    ((_, enrolment),) = svc.learner_enrolments(school.students[0])
    assert (enrolment.next_week, enrolment.next_due_at) == (2, WEEK2_BEIJING)
    assert set(statuses(svc).values()) == {DeliveryStatus.PENDING}
    clock.set(WEEK1_BEIJING + timedelta(days=30))  # weeks 2-4 come one after the other, then nothing
    assert [svc.plan_due() for _ in range(4)] == [3, 3, 3, 0]
    ((_, done),) = svc.learner_enrolments(school.students[0])
    assert (done.next_week, done.next_due_at) == (None, None)
    assert len(statuses(svc)) == 4 * len(NAMES)


def test_plan_due_is_set_based(svc: CampaignService, clock: Clock) -> None:
    """A few statements for a thousand enrolments, not a statement (or a transaction) per enrolment."""
    organiser = svc.db.write_retrying(lambda s: engine.learner_id(s, "cli", "organiser", now=clock()))
    crowd(svc, organiser, 1200)
    clock.set(WEEK1_BEIJING)
    executed: list[str] = []

    def count(*args: object) -> None:
        executed.append(str(args[2]))

    event.listen(svc.db.engine, "before_cursor_execute", count)
    try:
        assert svc.plan_due(limit=5000) == 1200
    finally:
        event.remove(svc.db.engine, "before_cursor_execute", count)
    assert len(executed) < 20, executed
    assert svc.plan_due(limit=5000) == 0


def test_claim_gives_each_delivery_once_oldest_first_one_per_chat(school: School, clock: Clock) -> None:
    svc = school.svc
    second = svc.start_campaign(school.teacher, "drill", class_ids=[school.info.id], lang="en")
    clock.set(WEEK1_BEIJING)
    assert svc.plan_due() == 2 * len(NAMES)
    first_batch = svc.claim(limit=30)
    assert len(first_batch) == len(NAMES)  # one per chat: each student's second campaign waits for the next batch
    assert len({o.external_id for o in first_batch}) == len(NAMES)
    assert {o.campaign_id for o in first_batch} == {school.campaign.id}  # the oldest first (by due time, then id)
    out = first_batch[0]
    assert out.kind == DeliveryKind.LESSON and out.week == 1 and out.role == Role.STUDENT and out.lang == "en"
    assert out.channel == "telegram" and out.external_id in {"2000", "2001", "2002"}
    assert out.theme.en == "Theme 1" and out.title.en == "Family drill" and out.weeks == 4
    assert out.lesson_delivery_id == out.delivery_id and len(out.claim) == 32
    second_batch = svc.claim(limit=30)
    assert {o.campaign_id for o in second_batch} == {second.id}
    assert svc.claim(limit=30) == []
    assert set(statuses(svc).values()) == {DeliveryStatus.SENDING}
    assert not {o.delivery_id for o in first_batch} & {o.delivery_id for o in second_batch}


def test_a_sent_lesson_gets_two_reminders_outside_quiet_hours(school: School, clock: Clock) -> None:
    svc = school.svc
    clock.set(WEEK1_BEIJING)
    svc.plan_due()
    batch = svc.claim()
    clock.set(datetime(2027, 3, 1, 13, 45, tzinfo=UTC))  # sent at 21:45 in Beijing (quiet from 21:30)
    assert svc.mark_sent_many([(out.delivery_id, out.claim, 100 + out.delivery_id) for out in batch]) == [True] * 3
    assert not svc.mark_sent(batch[0].delivery_id, batch[0].claim, 1)  # twice: nothing changes
    # Thursday 21:45 is quiet: Friday 08:00 (00:00 UTC); Sunday 21:45 likewise: Monday 08:00.
    reminder1, reminder2 = datetime(2027, 3, 5, 0, 0, tzinfo=UTC), datetime(2027, 3, 8, 0, 0, tzinfo=UTC)
    clock.set(reminder1 - timedelta(seconds=1))
    assert svc.claim() == []
    clock.set(reminder1)
    reminders = svc.claim()
    assert {(o.kind, o.week) for o in reminders} == {(DeliveryKind.REMINDER1, 1)}
    lesson_ids = {out.external_id: out.delivery_id for out in batch}
    assert all(o.lesson_delivery_id == lesson_ids[o.external_id] for o in reminders)
    for out in reminders:
        svc.mark_sent(out.delivery_id, out.claim, 1)
    clock.set(reminder2)
    assert {o.kind for o in svc.claim()} == {DeliveryKind.REMINDER2}
    clock.set(reminder2 + timedelta(days=30))
    assert [o.kind for o in svc.claim() if o.week == 1] == []  # at most two, then silence


def test_opening_the_lesson_skips_its_reminders(school: School, clock: Clock) -> None:
    svc = school.svc
    ann, bob = school.students[:2]
    with pytest.raises(CampaignError) as early:
        svc.lesson(ann, school.campaign.id, 1)
    assert early.value.key == "campaign.week_not_open"
    clock.set(WEEK1_BEIJING)
    svc.plan_due()
    batch = {o.external_id: o for o in svc.claim()}
    for out in batch.values():
        svc.mark_sent(out.delivery_id, out.claim, 7)
    clock.tick(hours=1)
    view = svc.delivery_lesson(ann, batch["2000"].delivery_id)  # the Open button
    assert (view.week, view.weeks, view.role, view.lang, view.theme) == (1, 4, Role.STUDENT, "en", "Theme 1")
    assert view.quiz == ("synthetic_00001", "synthetic_00002")
    with pytest.raises(CampaignError) as not_mine:
        svc.delivery_lesson(bob, batch["2000"].delivery_id)
    assert not_mine.value.key == "campaign.not_enrolled"
    with pytest.raises(CampaignError) as later:
        svc.lesson(ann, school.campaign.id, 2)
    assert later.value.key == "campaign.week_not_open"
    found = statuses(svc)
    assert found[(ann, 1, "reminder1")] == found[(ann, 1, "reminder2")] == DeliveryStatus.SKIPPED
    assert found[(bob, 1, "reminder1")] == DeliveryStatus.PENDING
    report = svc.report(school.teacher, school.campaign.id, "en")
    assert (report.funnel.lessons_delivered, report.funnel.lessons_opened) == (3, 1)
    progress = svc.progress(ann, school.campaign.id)
    assert progress.weeks[0].delivered and progress.weeks[0].opened and not progress.weeks[1].delivered


def test_an_opened_lesson_sent_late_gets_no_reminders(school: School, clock: Clock) -> None:
    """The lesson is due (so it can be opened) but its send is still in flight: no reminder follows it."""
    svc, ann = school.svc, school.students[0]
    clock.set(WEEK1_BEIJING)
    svc.plan_due()
    batch = svc.claim()
    svc.lesson(ann, school.campaign.id, 1)
    for out in batch:
        svc.mark_sent(out.delivery_id, out.claim, 1)
    assert (ann, 1, "reminder1") not in statuses(svc)
    assert (school.students[1], 1, "reminder1") in statuses(svc)


def test_retries_then_giving_up(school: School, clock: Clock) -> None:
    svc = school.svc
    clock.set(WEEK1_BEIJING)
    svc.plan_due()
    out = svc.claim(limit=1)[0]
    assert not svc.mark_retry(out.delivery_id, "stale-claim", clock.now, "boom")
    # A rate limit does not count as an attempt.
    assert svc.mark_retry(out.delivery_id, out.claim, clock.now + timedelta(seconds=5), "429", attempt=False)
    assert all(o.delivery_id != out.delivery_id for o in svc.claim())  # not before retry_at
    for _ in range(5):
        clock.tick(minutes=1)
        assert svc.mark_retry(out.delivery_id, _reclaim(svc, out.delivery_id), clock.now, "network error 13812345678")
    clock.tick(minutes=1)
    with pytest.raises(AssertionError):
        _reclaim(svc, out.delivery_id)
    with svc.db.read() as s:
        row = s.get(CampaignDelivery, out.delivery_id)
        assert row is not None
        assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 5)
        assert row.error is not None and "13812345678" not in row.error


def _reclaim(svc: CampaignService, delivery_id: int) -> str:
    for _ in range(5):
        for out in svc.claim(limit=30):
            if out.delivery_id == delivery_id:
                return out.claim
    raise AssertionError(f"delivery {delivery_id} was not claimed again")


def test_recover_returns_stale_claims(school: School, clock: Clock) -> None:
    svc = school.svc
    clock.set(WEEK1_BEIJING)
    svc.plan_due()
    dead = svc.claim(limit=2)
    clock.tick(seconds=200)
    alive = svc.claim(limit=2)
    clock.tick(seconds=150)  # the first claims are 350 s old, the second 150 s
    assert svc.recover(lease_seconds=300) == len(dead)
    assert not svc.mark_sent(dead[0].delivery_id, dead[0].claim, 1)  # the dead worker's claim is void
    assert all(svc.mark_sent(o.delivery_id, o.claim, 1) for o in alive)
    retaken = svc.claim()
    assert {o.delivery_id for o in retaken} == {o.delivery_id for o in dead}
    assert all(o.claim != dead[0].claim for o in retaken)


def test_opted_out_and_blocked_people_get_nothing(school: School, clock: Clock) -> None:
    svc = school.svc
    ann, bob = school.students[:2]
    clock.set(WEEK1_BEIJING)
    svc.plan_due()
    svc.opt_out(ann, None)
    assert svc.mark_blocked("telegram", "2001") == 1
    assert [o.external_id for o in svc.claim()] == ["2002"]
    found = statuses(svc)
    assert found[(ann, 1, "lesson")] == found[(bob, 1, "lesson")] == DeliveryStatus.SKIPPED
    clock.set(WEEK2_BEIJING)
    assert svc.plan_due() == 1  # only Cai goes on
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CampaignDelivery)) == 4

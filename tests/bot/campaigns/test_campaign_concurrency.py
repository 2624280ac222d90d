"""Several workers at once (threads on SQLite and PostgreSQL): every delivery planned once and claimed by one worker
only, a stale claim changes nothing, an answer counts once, a family link and an enrolment are made once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import func, select

from bot.campaigns.records import Outgoing
from bot.campaigns.service import CampaignService
from bot.db.models import CampaignDelivery
from bot.quiz import engine
from tests.bot.campaigns.conftest import WEEK1_BEIJING, Clock, School, crowd, question_id
from tests.racing import at_once

PEOPLE = 300
WORKERS = 8


def tagged(tag: str, call: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    return tag, call(*args)


def organiser(svc: CampaignService, clock: Clock) -> int:
    return svc.db.write_retrying(lambda s: engine.learner_id(s, "cli", "organiser", now=clock()))


def test_planners_racing_create_each_lesson_once(svc: CampaignService, clock: Clock) -> None:
    crowd(svc, organiser(svc, clock), PEOPLE)
    clock.set(WEEK1_BEIJING)
    created, errors = at_once([lambda: svc.plan_due(limit=70) for _ in range(WORKERS)])
    assert not errors, errors[:3]
    while more := svc.plan_due(limit=70):
        created.append(more)
    assert sum(created) == PEOPLE
    with svc.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CampaignDelivery)) == PEOPLE


def test_senders_racing_never_get_the_same_delivery(svc: CampaignService, clock: Clock) -> None:
    crowd(svc, organiser(svc, clock), PEOPLE)
    clock.set(WEEK1_BEIJING)
    assert svc.plan_due() == PEOPLE

    def drain() -> list[Outgoing]:
        mine: list[Outgoing] = []
        while batch := svc.claim(limit=7):
            mine += batch
        return mine

    results, errors = at_once([drain for _ in range(WORKERS)])
    assert not errors, errors[:3]
    claimed = Counter(o.delivery_id for batch in results for o in batch)
    assert len(claimed) == PEOPLE and set(claimed.values()) == {1}
    # Each worker marks its own as sent; another's claim (or a copy of its own) changes nothing.
    everything = [o for batch in results for o in batch]
    jobs: list[Callable[[], Any]] = []
    for o in everything:
        jobs.append(partial(svc.mark_sent, o.delivery_id, o.claim, 1))
        jobs.append(partial(svc.mark_sent, o.delivery_id, o.claim, 2))
    sent, errors = at_once(jobs[:200])
    assert not errors, errors[:3]
    assert sent.count(True) == 100 and sent.count(False) == 100


def test_a_recovered_claim_and_its_new_claim_race(school: School, clock: Clock) -> None:
    svc = school.svc
    clock.set(WEEK1_BEIJING)
    svc.plan_due()
    old = svc.claim()
    clock.tick(seconds=400)
    assert svc.recover(lease_seconds=300) == len(old)
    new = {o.delivery_id: o for o in svc.claim()}
    jobs: list[Callable[[], Any]] = []
    for o in old:
        jobs.append(partial(tagged, "old", svc.mark_sent, o.delivery_id, o.claim, 1))
        jobs.append(partial(tagged, "new", svc.mark_sent, o.delivery_id, new[o.delivery_id].claim, 2))
    results, errors = at_once(jobs)
    assert not errors, errors[:3]
    assert sorted(results) == sorted([("old", False), ("new", True)] * len(old))


def test_answers_invites_and_enrolments_racing_are_made_once(school: School) -> None:
    svc, campaign = school.svc, school.campaign
    ann = school.students[0]
    invite = svc.create_invite(ann, campaign.id)
    mum = school.learner("5001")
    newcomer = school.learner("6001")
    school.classroom.join(school.info.id, newcomer, "Dan")
    jobs: list[Callable[[], Any]] = []
    for chosen in ([0], [1], [0], [1]):
        jobs.append(partial(tagged, "answer", svc.record_answer, ann, campaign.id, 1, question_id(1), chosen))
        jobs.append(lambda: ("link", svc.accept_invite(invite.token, mum, lang="en", display_name="Mum").id))
        jobs.append(lambda: ("enrol", svc.enrol(campaign.id, newcomer, lang="en", display_name="Dan").id))
    results, errors = at_once(jobs)
    assert not errors, errors[:3]
    answers = [r for kind, r in results if kind == "answer"]
    assert sum(first for _, first in answers) == 1 and len({correct for correct, _ in answers}) == 1
    assert len({r for kind, r in results if kind == "link"}) == 1
    assert len({r for kind, r in results if kind == "enrol"}) == 1
    assert len(svc.family(mum)) == 1

"""Starting a campaign (the organiser must teach its classes; their students are enrolled), enrolling (idempotent,
class-only unless open, one role), time zones, opting out and back in, a blocked bot, ending a campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.campaigns.errors import describe
from bot.campaigns.records import CampaignError, OptOut, Role
from bot.campaigns.service import CampaignService
from bot.classroom.service import ClassroomService
from bot.db.models import CampaignEnrolment
from bot.quiz import engine
from tests.bot.campaigns.conftest import NAMES, WEEK1_BEIJING, Clock, School


def test_start_enrols_the_class_members_as_students(school: School) -> None:
    svc, campaign = school.svc, school.campaign
    assert campaign.class_ids == (school.info.id,)
    assert campaign.weeks == 4 and campaign.start == date(2027, 3, 1) and not campaign.open
    assert campaign.title.en == "Family drill"
    for learner in school.students:
        ((info, enrolment),) = svc.learner_enrolments(learner)
        assert info.id == campaign.id
        assert enrolment.role == Role.STUDENT and enrolment.lang == "en" and enrolment.zone == "beijing"
        assert enrolment.class_id == school.info.id
        assert (enrolment.next_week, enrolment.next_due_at) == (1, WEEK1_BEIJING)
    assert svc.learner_enrolments(school.teacher) == []
    assert svc.organiser_campaigns(school.teacher) == [campaign]
    assert svc.campaign_by_token(campaign.join_token) == campaign
    assert svc.campaign(campaign.id) == campaign


def test_only_the_teacher_of_every_class_may_start_a_campaign_for_it(
    svc: CampaignService, classroom: ClassroomService
) -> None:
    teacher, other = classroom.learner_id("telegram", "1"), classroom.learner_id("telegram", "2")
    mine = classroom.create_class(teacher, "Mine", "zh", "general")
    theirs = classroom.create_class(other, "Theirs", "zh", "general")
    with pytest.raises(CampaignError) as error:
        svc.start_campaign(teacher, "drill", class_ids=[mine.id, theirs.id, 999_999], lang="xx")
    assert [key for key, _ in error.value.problems] == [
        "campaign.not_class_teacher",
        "campaign.unknown_class",
        "campaign.bad_lang",
    ]
    assert describe(error.value, "en").count("\n") == 2  # one line per problem
    assert svc.organiser_campaigns(teacher) == []
    with pytest.raises(CampaignError) as unknown:
        svc.start_campaign(teacher, "no_such_plan")
    assert unknown.value.key == "campaign.unknown_definition"


def test_enrol_is_idempotent_and_a_class_campaign_takes_its_members_only(school: School) -> None:
    svc, campaign = school.svc, school.campaign
    again = svc.enrol(campaign.id, school.students[0], lang="zh", display_name="Someone else")
    first = svc.learner_enrolments(school.students[0])[0][1]
    assert again == first  # the same enrolment, its language and class name kept
    stranger = school.learner("3000")
    with pytest.raises(CampaignError) as error:
        svc.enrol(campaign.id, stranger, lang="en", display_name="Stranger")
    assert error.value.key == "campaign.class_only"
    # Joining the class later joins its running campaigns, with the class's name and language.
    school.classroom.join(school.info.id, stranger, "Dan")
    (joined,) = svc.enrol_class_member(school.info.id, stranger, "Dan")
    assert joined.campaign_id == campaign.id and joined.class_id == school.info.id and joined.lang == "en"
    assert svc.enrol_class_member(school.info.id, stranger, "Dan") == [joined]


def test_an_open_campaign_takes_anyone_and_names_are_masked(svc: CampaignService, clock: Clock) -> None:
    with svc.db.write() as s:
        organiser = engine.learner_id(s, "telegram", "42", now=clock())
        person = engine.learner_id(s, "telegram", "43", now=clock())
    campaign = svc.start_campaign(organiser, "drill", open=True, lang="zh")
    enrolment = svc.enrol(campaign.id, person, lang="zh", zone="london", display_name="Li 13812345678")
    assert enrolment.class_id is None and enrolment.zone == "london"
    report = svc.report(organiser, campaign.id, "en")
    assert report.funnel.enrolled_students == 1
    progress = svc.progress(person, campaign.id)
    assert "13812345678" not in progress.name and progress.name.startswith("Li ")
    with pytest.raises(CampaignError) as error:
        svc.enrol(campaign.id, person, role=Role.PARENT, lang="zh", display_name="Li")
    assert error.value.key == "campaign.role_taken"
    with pytest.raises(CampaignError) as zone_error:
        svc.enrol(campaign.id, person, lang="zh", zone="atlantis", display_name="Li")
    assert zone_error.value.key == "campaign.unknown_zone"


@pytest.mark.parametrize(
    ("joined_at", "week", "due"),
    [
        pytest.param(datetime(2027, 2, 25, 12, 0, tzinfo=UTC), 1, WEEK1_BEIJING, id="before-the-start"),
        pytest.param(
            datetime(2027, 3, 10, 3, 0, tzinfo=UTC),
            2,
            datetime(2027, 3, 10, 3, 0, tzinfo=UTC),
            id="late-joiner-gets-the-current-week-now",
        ),
        pytest.param(
            datetime(2027, 3, 10, 15, 0, tzinfo=UTC),  # 23:00 in Beijing: quiet until 08:00
            2,
            datetime(2027, 3, 11, 0, 0, tzinfo=UTC),
            id="late-joiner-at-night-waits-for-the-morning",
        ),
        pytest.param(datetime(2027, 4, 20, 12, 0, tzinfo=UTC), None, None, id="after-the-last-week"),
    ],
)
def test_a_new_enrolment_is_scheduled_from_when_it_joins(
    school: School, clock: Clock, joined_at: datetime, week: int | None, due: datetime | None
) -> None:
    clock.set(joined_at)
    dan = school.learner("3001")
    school.classroom.join(school.info.id, dan, "Dan")
    (enrolment,) = school.svc.enrol_class_member(school.info.id, dan, "Dan")
    assert (enrolment.next_week, enrolment.next_due_at) == (week, due)


def test_set_zone_reschedules_every_enrolment(school: School) -> None:
    svc, ann = school.svc, school.students[0]
    assert svc.set_zone(ann, "london") == 1
    ((_, enrolment),) = svc.learner_enrolments(ann)
    # Monday 1 March 2027 19:00 in London (GMT) is 19:00 UTC.
    assert enrolment.zone == "london" and enrolment.next_due_at == datetime(2027, 3, 1, 19, 0, tzinfo=UTC)
    assert svc.set_zone(ann, "london") == 0
    with pytest.raises(CampaignError) as error:
        svc.set_zone(ann, "mars")
    assert error.value.key == "campaign.unknown_zone"


def test_opt_out_then_back_in(school: School, clock: Clock) -> None:
    svc, ann, campaign = school.svc, school.students[0], school.campaign
    assert svc.opt_out(ann, campaign.id) == 1
    assert svc.opt_out(ann, campaign.id) == 0
    ((_, stopped),) = svc.learner_enrolments(ann)
    assert stopped.opted_out_at is not None and stopped.next_due_at is None
    clock.set(datetime(2027, 3, 16, 4, 0, tzinfo=UTC))  # week 3 is due (Monday 15 March)
    back = svc.enrol(campaign.id, ann, lang="en", display_name="Ann")
    assert back.opted_out_at is None and back.next_week == 3 and back.next_due_at == clock.now
    assert svc.report(school.teacher, campaign.id, "en").funnel.opted_out == 0


def test_a_blocked_bot_opts_out_of_everything(school: School, svc: CampaignService) -> None:
    other = svc.start_campaign(school.teacher, "drill", class_ids=[school.info.id], lang="en")
    assert svc.mark_blocked("telegram", "2000") == 2
    assert svc.mark_blocked("telegram", "no-such-user") == 0
    for _, enrolment in svc.learner_enrolments(school.students[0]):
        assert enrolment.opted_out_at is not None
    report = svc.report(school.teacher, other.id, "en")
    assert report.funnel.opted_out == 1 and report.funnel.enrolled_students == len(NAMES)
    with svc.db.read() as s:
        reasons = set(s.scalars(select(CampaignEnrolment.opt_out_reason)))
    assert reasons == {OptOut.BLOCKED.value, None}


def test_ending_a_campaign_is_the_organisers_and_stops_the_schedule(school: School, clock: Clock) -> None:
    svc, campaign = school.svc, school.campaign
    with pytest.raises(CampaignError) as error:
        svc.end_campaign(school.students[0], campaign.id)
    assert error.value.key == "campaign.not_organiser"
    clock.set(WEEK1_BEIJING)
    assert svc.plan_due() == len(NAMES)  # week 1 is planned, not sent yet
    ended = svc.end_campaign(school.teacher, campaign.id)
    assert ended.ended_at == clock.now
    assert svc.end_campaign(school.teacher, campaign.id).ended_at == ended.ended_at
    assert svc.learner_enrolments(school.students[0]) == []
    assert svc.claim() == []  # its pending deliveries are skipped
    clock.set(WEEK1_BEIJING + timedelta(days=7))
    assert svc.plan_due() == 0
    with pytest.raises(CampaignError) as late:
        svc.enrol(campaign.id, school.students[0], lang="en", display_name="Ann")
    assert late.value.key == "campaign.campaign_ended"
    with pytest.raises(CampaignError) as unknown:
        svc.campaign_by_token("nope")
    assert unknown.value.key == "campaign.unknown_campaign"

"""Families: a link only with both consents, several parents and children, either side unlinks, invites that are
unknown, revoked or expired say so, and a parent sees only their linked children's progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.campaigns.records import CampaignError, Role
from bot.db.models import FamilyInvite
from tests.bot.campaigns.conftest import Clock, School


def parent(school: School, n: int) -> int:
    return school.learner(str(5000 + n))


def test_a_link_needs_the_invite_and_the_acceptance(school: School, clock: Clock) -> None:
    svc, ann, campaign = school.svc, school.students[0], school.campaign
    mum = parent(school, 1)
    assert svc.family(ann) == [] and svc.family(mum) == []
    invite = svc.create_invite(ann, campaign.id)  # Ann's consent
    assert invite.expires_at == clock.now + timedelta(days=7)
    assert svc.family(ann) == []  # no link before the parent agrees
    info = svc.invite_info(invite.token)
    assert info.student_name == "Ann" and info.campaign.id == campaign.id
    clock.tick(hours=1)
    link = svc.accept_invite(invite.token, mum, lang="zh", zone="beijing", display_name="Mum")
    assert link.student.learner_id == ann and link.parent.learner_id == mum
    assert link.parent.role == Role.PARENT and link.parent.lang == "zh"
    assert (link.student_name, link.parent_name) == ("Ann", "Mum")
    assert svc.family(ann) == [link] and svc.family(mum) == [link]
    # Accepting again (a double tap, a second worker) changes nothing.
    assert svc.accept_invite(invite.token, mum, lang="zh", display_name="Mum") == link
    # The parent is enrolled and scheduled like everyone.
    ((_, enrolment),) = svc.learner_enrolments(mum)
    assert enrolment.role == Role.PARENT and enrolment.next_week == 1
    # Only the invite's hash is stored.
    with svc.db.read() as s:
        assert invite.token not in set(s.scalars(select(FamilyInvite.token_hash)))


def test_several_parents_several_children_and_either_side_unlinks(school: School) -> None:
    svc, campaign = school.svc, school.campaign
    ann, bob = school.students[:2]
    mum, dad = parent(school, 1), parent(school, 2)
    ann_invite = svc.create_invite(ann, campaign.id)
    bob_invite = svc.create_invite(bob, campaign.id)
    ann_mum = svc.accept_invite(ann_invite.token, mum, lang="en", display_name="Mum")
    ann_dad = svc.accept_invite(ann_invite.token, dad, lang="en", display_name="Dad")  # one invite, two parents
    bob_mum = svc.accept_invite(bob_invite.token, mum, lang="en", display_name="Mum")  # siblings
    assert {link.id for link in svc.family(ann)} == {ann_mum.id, ann_dad.id}
    assert {link.id for link in svc.family(mum)} == {ann_mum.id, bob_mum.id}
    # A stranger (or the other child) cannot unlink.
    for outsider in (bob, school.students[2], school.teacher):
        with pytest.raises(CampaignError) as error:
            svc.unlink(outsider, ann_dad.id)
        assert error.value.key == "campaign.not_yours"
    with pytest.raises(CampaignError) as missing:
        svc.unlink(ann, 999_999)
    assert missing.value.key == "campaign.not_yours"
    svc.unlink(dad, ann_dad.id)  # the parent side
    svc.unlink(ann, ann_mum.id)  # the student side
    svc.unlink(ann, ann_mum.id)  # again: nothing changes
    assert svc.family(ann) == [] and svc.family(dad) == []
    assert [link.id for link in svc.family(mum)] == [bob_mum.id]
    # Linked again only by a new acceptance.
    again = svc.accept_invite(ann_invite.token, mum, lang="en", display_name="Mum")
    assert again.id == ann_mum.id and {link.id for link in svc.family(mum)} == {ann_mum.id, bob_mum.id}


@pytest.mark.parametrize("case", ["unknown", "revoked", "expired", "own", "parent_invites", "outsider_invites"])
def test_invites_that_cannot_be_used_say_why(school: School, clock: Clock, case: str) -> None:
    svc, ann, campaign = school.svc, school.students[0], school.campaign
    mum = parent(school, 1)
    invite = svc.create_invite(ann, campaign.id)
    expected = {
        "unknown": "campaign.unknown_invite",
        "revoked": "campaign.unknown_invite",
        "expired": "campaign.invite_expired",
        "own": "campaign.own_invite",
        "parent_invites": "campaign.not_student",
        "outsider_invites": "campaign.not_enrolled",
    }[case]
    with pytest.raises(CampaignError) as error:
        if case == "unknown":
            svc.invite_info("not-a-token")
        elif case == "revoked":
            assert svc.revoke_invites(ann, campaign.id) == 1
            svc.accept_invite(invite.token, mum, lang="en", display_name="Mum")
        elif case == "expired":
            clock.tick(days=7, seconds=1)
            svc.invite_info(invite.token)
        elif case == "own":
            svc.accept_invite(invite.token, ann, lang="en", display_name="Ann")
        elif case == "parent_invites":
            svc.accept_invite(invite.token, mum, lang="en", display_name="Mum")
            svc.create_invite(mum, campaign.id)
        else:
            svc.create_invite(mum, campaign.id)
    assert error.value.key == expected
    if case in ("unknown", "revoked", "expired"):
        assert svc.family(mum) == []


def test_a_parent_sees_only_linked_childrens_progress(school: School, clock: Clock) -> None:
    svc, campaign = school.svc, school.campaign
    ann, bob = school.students[:2]
    mum, stranger = parent(school, 1), parent(school, 2)
    link = svc.accept_invite(svc.create_invite(ann, campaign.id).token, mum, lang="en", display_name="Mum")
    svc.accept_invite(svc.create_invite(bob, campaign.id).token, stranger, lang="en", display_name="Other")
    seen = svc.family_progress(mum)
    assert [p.enrolment.learner_id for p in seen] == [ann]
    assert seen[0].name == "Ann" and len(seen[0].weeks) == 4 and not seen[0].plan_made
    # The student sees their parent's progress (the "teach your parents" loop).
    assert [p.enrolment.learner_id for p in svc.family_progress(ann)] == [mum]
    assert svc.family_progress(school.students[2]) == []
    svc.unlink(ann, link.id)
    assert svc.family_progress(mum) == []


def test_plan_made_marks_the_family_and_returns_the_linked_members(school: School) -> None:
    svc, campaign = school.svc, school.campaign
    ann = school.students[0]
    mum, dad = parent(school, 1), parent(school, 2)
    invite = svc.create_invite(ann, campaign.id)
    svc.accept_invite(invite.token, mum, lang="zh", display_name="Mum")
    svc.accept_invite(invite.token, dad, lang="en", display_name="Dad")
    svc.opt_out(dad, campaign.id)
    members = svc.plan_made(ann, campaign.id)
    assert [(m.learner_id, m.lang) for m in members] == [(mum, "zh")]  # the opted-out parent gets no card
    assert svc.progress(ann, campaign.id).plan_made and svc.progress(mum, campaign.id).plan_made
    assert not svc.progress(school.students[1], campaign.id).plan_made
    assert svc.report(school.teacher, campaign.id, "en").funnel.plans_made == 3

"""Families: a student's invite link (their consent), a parent accepting it (theirs), the links, unlinking, and the
family safety plan being made.

Consent, as the issue sets it:
- a link exists only with both consents: the student's is given by creating the invite (they agree that the parents
  who accept it see their campaign progress), the parent's by accepting it (they agree to receive the campaign's
  messages); ``family_links`` keeps both times;
- either side can unlink at any time (:func:`unlink`); an unlinked pair is linked again only by a new acceptance;
- the invite token is a capability: only its sha256 is stored (a copy of the database cannot be used to join), it
  expires after :data:`INVITE_DAYS` and may be used by several parents until then (a student has two parents);
  an unknown or revoked token is ``campaign.unknown_invite``, an expired one ``campaign.invite_expired``;
- several parents per student and several children per parent; a student cannot accept their own invite.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.campaigns.common import Definitions, campaign_info, campaign_row, enrolment, enrolment_row
from bot.campaigns.enrol import enrol
from bot.campaigns.records import CampaignError, Enrolment, FamilyLink, Invite, InviteInfo, Role
from bot.db.models import CampaignEnrolment, FamilyInvite
from bot.db.models import FamilyLink as LinkRow
from bot.quiz.engine import dialect_insert, table

#: How long a family invite link can be used.
INVITE_DAYS = 7
#: Random bytes per invite token (URL-safe base64: 22 characters; the deep link is ``f_<token>``).
TOKEN_BYTES = 16


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(s: Session, learner_id: int, campaign_id: int, *, now: datetime) -> Invite:
    """A new invite link of the student (their consent); an earlier one stays valid until it expires."""
    campaign = campaign_row(s, campaign_id)
    if campaign.ended_at is not None:
        raise CampaignError.one("campaign.campaign_ended")
    student = enrolment_row(s, campaign_id, learner_id)
    if student.role != Role.STUDENT or student.opted_out_at is not None:
        raise CampaignError.one("campaign.not_student" if student.role != Role.STUDENT else "campaign.not_enrolled")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + timedelta(days=INVITE_DAYS)
    s.add(
        FamilyInvite(token_hash=token_hash(token), student_enrolment_id=student.id, created_at=now, expires_at=expires)
    )
    s.flush()
    return Invite(token=token, student_enrolment_id=student.id, expires_at=expires)


def _invite(s: Session, token: str, now: datetime) -> tuple[FamilyInvite, CampaignEnrolment]:
    row = s.get(FamilyInvite, token_hash(token.strip())) if token and len(token) <= 200 else None
    if row is None or row.revoked_at is not None:
        raise CampaignError.one("campaign.unknown_invite")
    if row.expires_at <= now:
        raise CampaignError.one("campaign.invite_expired")
    student = s.get(CampaignEnrolment, row.student_enrolment_id)
    if student is None or student.opted_out_at is not None:  # the student has stopped: their consent with it
        raise CampaignError.one("campaign.unknown_invite")
    if campaign_row(s, student.campaign_id).ended_at is not None:
        raise CampaignError.one("campaign.campaign_ended")
    return row, student


def invite_info(s: Session, definitions: Definitions, token: str, *, now: datetime) -> InviteInfo:
    """What the parent's consent screen shows: the campaign and the student's display name."""
    row, student = _invite(s, token, now)
    campaign = campaign_info(s, campaign_row(s, student.campaign_id), definitions)
    return InviteInfo(campaign=campaign, student_name=student.display_name, expires_at=row.expires_at)


def revoke_invites(s: Session, learner_id: int, campaign_id: int, *, now: datetime) -> int:
    """The student withdraws their invite links of the campaign (links already made stay: unlink ends those)."""
    student = enrolment_row(s, campaign_id, learner_id)
    invites = table(FamilyInvite)
    result = s.connection().execute(
        update(invites)
        .where(invites.c.student_enrolment_id == student.id, invites.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)


def accept_invite(
    s: Session,
    definitions: Definitions,
    token: str,
    parent_learner_id: int,
    *,
    lang: str,
    zone_id: str,
    name: str | None,
    now: datetime,
) -> FamilyLink:
    """The parent's consent: they are enrolled in the campaign as a parent (if they are not yet) and linked to the
    student. Accepting again (or a second worker's copy) returns the same link; an unlinked pair is linked anew."""
    invite, student = _invite(s, token, now)
    if student.learner_id == parent_learner_id:
        raise CampaignError.one("campaign.own_invite")
    parent = enrol(
        s,
        definitions,
        student.campaign_id,
        parent_learner_id,
        role=Role.PARENT,
        lang=lang,
        zone_id=zone_id,
        name=name,
        now=now,
    )
    links = table(LinkRow)
    values = {
        "student_enrolment_id": student.id,
        "parent_enrolment_id": parent.id,
        "student_consent_at": invite.created_at,
        "parent_consent_at": now,
        "linked_at": now,
    }
    s.connection().execute(
        dialect_insert(s.get_bind().dialect.name)(links)
        .on_conflict_do_nothing(index_elements=["student_enrolment_id", "parent_enrolment_id"])
        .values(**values)
    )
    # Linked before and unlinked since: both consents are given again now.
    s.connection().execute(
        update(links)
        .where(
            links.c.student_enrolment_id == student.id,
            links.c.parent_enrolment_id == parent.id,
            links.c.unlinked_at.is_not(None),
        )
        .values(**values, unlinked_at=None, unlinked_by=None)
    )
    row = s.scalar(
        select(LinkRow)
        .where(LinkRow.student_enrolment_id == student.id, LinkRow.parent_enrolment_id == parent.id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return _link(s, row)


def _link(s: Session, row: LinkRow) -> FamilyLink:
    student = s.get(CampaignEnrolment, row.student_enrolment_id)
    parent = s.get(CampaignEnrolment, row.parent_enrolment_id)
    assert student is not None and parent is not None
    return FamilyLink(
        id=row.id,
        campaign_id=student.campaign_id,
        student=enrolment(student),
        parent=enrolment(parent),
        linked_at=row.linked_at,
        student_name=student.display_name,
        parent_name=parent.display_name,
    )


def family(s: Session, learner_id: int) -> list[FamilyLink]:
    """The learner's active links, as a student or as a parent, oldest first."""
    student, parent = aliased(CampaignEnrolment), aliased(CampaignEnrolment)
    rows = s.scalars(
        select(LinkRow)
        .join(student, student.id == LinkRow.student_enrolment_id)
        .join(parent, parent.id == LinkRow.parent_enrolment_id)
        .where(LinkRow.unlinked_at.is_(None), or_(student.learner_id == learner_id, parent.learner_id == learner_id))
        .order_by(LinkRow.linked_at, LinkRow.id)
    ).all()
    return [_link(s, row) for row in rows]


def unlink(s: Session, learner_id: int, link_id: int, *, now: datetime) -> FamilyLink:
    """Either side ends the link (``campaign.not_yours`` for anyone else); unlinking again changes nothing."""
    row = s.get(LinkRow, link_id, populate_existing=True)
    if row is None:
        raise CampaignError.one("campaign.not_yours")
    link = _link(s, row)
    if learner_id not in (link.student.learner_id, link.parent.learner_id):
        raise CampaignError.one("campaign.not_yours")
    if row.unlinked_at is None:
        row.unlinked_at, row.unlinked_by = now, learner_id
        s.flush()
    return link


def linked_enrolments(s: Session, enrolment_ids: Sequence[int]) -> dict[int, list[int]]:
    """For each enrolment id: the enrolment ids linked to it now (a student's parents, a parent's children)."""
    ids = list(enrolment_ids)
    out: dict[int, list[int]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = s.execute(
        select(LinkRow.student_enrolment_id, LinkRow.parent_enrolment_id).where(
            LinkRow.unlinked_at.is_(None),
            or_(LinkRow.student_enrolment_id.in_(ids), LinkRow.parent_enrolment_id.in_(ids)),
        )
    ).all()
    for student_id, parent_id in rows:
        if student_id in out:
            out[student_id].append(parent_id)
        if parent_id in out:
            out[parent_id].append(student_id)
    return out


def plan_made(s: Session, learner_id: int, campaign_id: int, *, now: datetime) -> list[Enrolment]:
    """The learner's family made the safety plan: marked on their enrolment (the first time) and on those of the
    family members linked to them in the campaign (who get the card too); returns those members' enrolments
    (not opted out)."""
    mine = enrolment_row(s, campaign_id, learner_id)
    others = linked_enrolments(s, [mine.id])[mine.id]
    enrolments = table(CampaignEnrolment)
    s.connection().execute(
        update(enrolments)
        .where(enrolments.c.id.in_([mine.id, *others]), enrolments.c.plan_made_at.is_(None))
        .values(plan_made_at=now)
    )
    rows = s.scalars(
        select(CampaignEnrolment)
        .where(CampaignEnrolment.id.in_(others), CampaignEnrolment.opted_out_at.is_(None))
        .order_by(CampaignEnrolment.id)
        .execution_options(populate_existing=True)
    ).all()
    return [enrolment(row) for row in rows]

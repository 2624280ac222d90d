"""Campaigns and who takes part: starting a campaign for the organiser's classes (or open to anyone with its link),
finding it, ending it; enrolling a person with a role, their time zone, opting out and back in.

Rules:
- only the teacher of a class may start a campaign for it (``campaign.not_class_teacher``); its current members
  are enrolled as students at once (in the class's language, the default zone until they choose theirs), and a
  student who joins the class later joins its running campaigns (:func:`enrol_class_member`);
- a campaign that is not open takes students of its classes only (``campaign.class_only``); a parent joins
  through a student's family invite (:mod:`bot.campaigns.family`);
- one enrolment per person and campaign, with one role: enrolling again returns it (a second worker's insert of
  the same enrolment is ignored: ``ON CONFLICT DO NOTHING``); after ``/stop`` it opts them back in, from the
  current week; the other role is refused (``campaign.role_taken``);
- an enrolment's schedule is its ``next_week`` and ``next_due_at``: the first week they get (a late joiner gets
  the current week at once) and, after that, each week on the campaign's weekday and time in their own zone
  (:mod:`bot.campaigns.delivery` advances it). Opting out, a blocked bot and an ended campaign clear it and skip
  the pending deliveries.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.campaigns.common import (
    Definitions,
    campaign_info,
    campaign_row,
    check_organiser,
    definition,
    display_name,
    enrolment,
    first_due,
    week_due,
)
from bot.campaigns.records import CampaignError, CampaignInfo, DeliveryStatus, Enrolment, OptOut, Role
from bot.campaigns.zones import DEFAULT_ZONE, zone
from bot.db.models import (
    Campaign,
    CampaignClass,
    CampaignDelivery,
    CampaignEnrolment,
    Channel,
    ClassMember,
    Classroom,
    Learner,
)
from bot.i18n import LANGS
from bot.quiz.engine import dialect_insert, table


def start_campaign(
    s: Session,
    definitions: Definitions,
    organiser_id: int,
    definition_id: str,
    *,
    class_ids: Sequence[int] = (),
    open: bool = False,
    start: date | None = None,
    lang: str = "zh",
    now: datetime,
) -> CampaignInfo:
    """A new campaign running ``definition_id`` from ``start`` (default: the definition's start date)."""
    plan = definition(definitions, definition_id)
    wanted = sorted(set(class_ids))
    classes = {row.id: row for row in s.scalars(select(Classroom).where(Classroom.id.in_(wanted)))} if wanted else {}
    problems: list[tuple[str, dict[str, object]]] = []
    for class_id in wanted:
        found = classes.get(class_id)
        if found is None or found.archived_at is not None:
            problems.append(("campaign.unknown_class", {}))
        elif found.teacher_id != organiser_id:
            problems.append(("campaign.not_class_teacher", {"class_id": class_id}))
    if lang not in LANGS:
        problems.append(("campaign.bad_lang", {"lang": lang}))
    if problems:
        raise CampaignError(problems)
    row = Campaign(
        definition_id=definition_id,
        organiser_id=organiser_id,
        open=open,
        join_token=secrets.token_urlsafe(12),
        start_date=start or plan.start,
        weeks=len(plan.weeks),
        lang=lang,
        created_at=now,
    )
    s.add(row)
    s.flush()
    s.add_all(CampaignClass(campaign_id=row.id, class_id=class_id) for class_id in wanted)
    s.flush()
    week, due = first_due(plan, row.start_date, row.weeks, DEFAULT_ZONE, now)
    members = s.execute(
        select(ClassMember.learner_id, ClassMember.display_name, ClassMember.class_id, Classroom.lang)
        .join(Classroom, Classroom.id == ClassMember.class_id)
        .where(ClassMember.class_id.in_(wanted), ClassMember.removed_at.is_(None))
        .order_by(ClassMember.class_id, ClassMember.joined_at, ClassMember.learner_id)
    ).all()
    seen: set[int] = set()
    values = []
    for learner_id, name, class_id, class_lang in members:
        if learner_id in seen or learner_id == organiser_id:  # in two of the classes: enrolled through the first
            continue
        seen.add(learner_id)
        values.append(
            {
                "campaign_id": row.id,
                "learner_id": learner_id,
                "role": Role.STUDENT.value,
                "lang": class_lang,
                "zone": DEFAULT_ZONE,
                "class_id": class_id,
                "display_name": display_name(name),
                "enrolled_at": now,
                "next_week": week,
                "next_due_at": due,
            }
        )
    if values:
        s.connection().execute(_insert(s), values)
    return campaign_info(s, row, definitions)


def _insert(s: Session):  # type: ignore[no-untyped-def]
    """``INSERT`` of enrolments that leaves an existing one (same campaign and learner) alone."""
    dialect = s.get_bind().dialect.name
    return dialect_insert(dialect)(table(CampaignEnrolment)).on_conflict_do_nothing(
        index_elements=["campaign_id", "learner_id"]
    )


def organiser_campaigns(s: Session, definitions: Definitions, organiser_id: int) -> list[CampaignInfo]:
    """The organiser's campaigns, newest first."""
    rows = s.scalars(
        select(Campaign).where(Campaign.organiser_id == organiser_id).order_by(Campaign.created_at.desc(), Campaign.id)
    )
    return [campaign_info(s, row, definitions) for row in rows]


def all_campaigns(s: Session, definitions: Definitions) -> list[CampaignInfo]:
    """Every campaign, oldest first (the operator's ``antifraud campaign list``)."""
    return [campaign_info(s, row, definitions) for row in s.scalars(select(Campaign).order_by(Campaign.id))]


def get_campaign(s: Session, definitions: Definitions, campaign_id: int) -> CampaignInfo:
    return campaign_info(s, campaign_row(s, campaign_id), definitions)


def campaign_by_token(s: Session, definitions: Definitions, token: str) -> CampaignInfo:
    row = s.scalar(select(Campaign).where(Campaign.join_token == token.strip()))
    if row is None:
        raise CampaignError.one("campaign.unknown_campaign")
    return campaign_info(s, row, definitions)


def end_campaign(
    s: Session, definitions: Definitions, organiser_id: int | None, campaign_id: int, *, now: datetime
) -> CampaignInfo:
    """End it: nothing more is planned or sent (pending deliveries are skipped). Ending it again changes nothing."""
    row = campaign_row(s, campaign_id)
    check_organiser(row, organiser_id)
    if row.ended_at is None:
        row.ended_at = now
        s.flush()
        enrolments = table(CampaignEnrolment)
        s.connection().execute(
            update(enrolments).where(enrolments.c.campaign_id == campaign_id).values(next_week=None, next_due_at=None)
        )
        _skip_pending(s, select(enrolments.c.id).where(enrolments.c.campaign_id == campaign_id))
    return campaign_info(s, row, definitions)


def _skip_pending(s: Session, enrolment_ids) -> int:  # type: ignore[no-untyped-def]
    """Pending deliveries of these enrolments (a subquery of ids) become ``skipped``."""
    deliveries = table(CampaignDelivery)
    result = s.connection().execute(
        update(deliveries)
        .where(deliveries.c.enrolment_id.in_(enrolment_ids), deliveries.c.status == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.SKIPPED.value)
    )
    return int(result.rowcount)


def _class_member(s: Session, campaign_id: int, learner_id: int) -> tuple[int, str, str] | None:
    """(class id, display name, class language) of the learner in one of the campaign's classes, or None."""
    row = s.execute(
        select(ClassMember.class_id, ClassMember.display_name, Classroom.lang)
        .join(CampaignClass, CampaignClass.class_id == ClassMember.class_id)
        .join(Classroom, Classroom.id == ClassMember.class_id)
        .where(
            CampaignClass.campaign_id == campaign_id,
            ClassMember.learner_id == learner_id,
            ClassMember.removed_at.is_(None),
        )
        .order_by(ClassMember.class_id)
        .limit(1)
    ).first()
    return (int(row[0]), str(row[1]), str(row[2])) if row else None


def enrol(
    s: Session,
    definitions: Definitions,
    campaign_id: int,
    learner_id: int,
    *,
    role: Role = Role.STUDENT,
    lang: str,
    zone_id: str = DEFAULT_ZONE,
    name: str | None,
    class_id: int | None = None,
    now: datetime,
) -> Enrolment:
    """Enrol the learner (see the module docstring). A student of one of the campaign's classes is enrolled with
    that class and the display name they have in it."""
    row = campaign_row(s, campaign_id)
    if row.ended_at is not None:
        raise CampaignError.one("campaign.campaign_ended")
    zone(zone_id)  # campaign.unknown_zone
    plan = definition(definitions, row.definition_id)
    role = Role(role)
    if role == Role.STUDENT and class_id is None:
        member = _class_member(s, campaign_id, learner_id)
        if member is not None:
            class_id, name, _ = member
        elif not row.open:
            raise CampaignError.one("campaign.class_only")
    existing = _existing(s, campaign_id, learner_id)
    if existing is None:
        week, due = first_due(plan, row.start_date, row.weeks, zone_id, now)
        s.connection().execute(
            _insert(s),
            {
                "campaign_id": campaign_id,
                "learner_id": learner_id,
                "role": role.value,
                "lang": lang if lang in LANGS else row.lang,
                "zone": zone_id,
                "class_id": class_id,
                "display_name": display_name(name),
                "enrolled_at": now,
                "next_week": week,
                "next_due_at": due,
            },
        )
        existing = _existing(s, campaign_id, learner_id)  # ours, or a concurrent worker's
        assert existing is not None
    if existing.role != role.value:
        raise CampaignError.one("campaign.role_taken")
    if existing.opted_out_at is not None:  # back after /stop (or a blocked bot): from the current week on
        week, due = first_due(plan, row.start_date, row.weeks, existing.zone, now)
        existing.opted_out_at, existing.opt_out_reason = None, None
        existing.next_week, existing.next_due_at = week, due
        s.flush()
    return enrolment(existing)


def _existing(s: Session, campaign_id: int, learner_id: int) -> CampaignEnrolment | None:
    return s.scalar(
        select(CampaignEnrolment)
        .where(CampaignEnrolment.campaign_id == campaign_id, CampaignEnrolment.learner_id == learner_id)
        .execution_options(populate_existing=True)
    )


def enrol_class_member(
    s: Session, definitions: Definitions, class_id: int, learner_id: int, name: str | None, *, now: datetime
) -> list[Enrolment]:
    """A student who joined the class joins its running campaigns (as a student, in the class's language); a
    campaign where they take part as a parent is left as it is."""
    campaign_ids = s.scalars(
        select(Campaign.id)
        .join(CampaignClass, CampaignClass.campaign_id == Campaign.id)
        .where(CampaignClass.class_id == class_id, Campaign.ended_at.is_(None))
        .order_by(Campaign.id)
    ).all()
    lang = s.scalar(select(Classroom.lang).where(Classroom.id == class_id)) or "zh"
    out = []
    for campaign_id in campaign_ids:
        try:
            out.append(enrol(s, definitions, campaign_id, learner_id, lang=lang, name=name, class_id=class_id, now=now))
        except CampaignError as error:
            if error.key != "campaign.role_taken":
                raise
    return out


def learner_enrolments(s: Session, definitions: Definitions, learner_id: int) -> list[tuple[CampaignInfo, Enrolment]]:
    """The learner's enrolments in campaigns that have not ended (opted out ones too: see ``opted_out_at``), in
    the order they enrolled."""
    rows = s.execute(
        select(Campaign, CampaignEnrolment)
        .join(CampaignEnrolment, CampaignEnrolment.campaign_id == Campaign.id)
        .where(CampaignEnrolment.learner_id == learner_id, Campaign.ended_at.is_(None))
        .order_by(CampaignEnrolment.enrolled_at, CampaignEnrolment.id)
    ).all()
    return [(campaign_info(s, c, definitions), enrolment(e)) for c, e in rows]


def set_zone(s: Session, definitions: Definitions, learner_id: int, zone_id: str, *, now: datetime) -> int:
    """The learner's time zone in all their enrolments; the next week of each is rescheduled in it (a week already
    due stays due now). Returns how many enrolments changed."""
    zone(zone_id)  # campaign.unknown_zone
    rows = s.execute(
        select(CampaignEnrolment, Campaign)
        .join(Campaign, Campaign.id == CampaignEnrolment.campaign_id)
        .where(CampaignEnrolment.learner_id == learner_id)
        .with_for_update(of=CampaignEnrolment)
        .execution_options(populate_existing=True)
    ).all()
    changed = 0
    for row, campaign in rows:
        if row.zone == zone_id:
            continue
        row.zone = zone_id
        changed += 1
        plan = definitions.get(campaign.definition_id)
        if row.next_week is None or row.next_due_at is None or plan is None or row.next_due_at <= now:
            continue
        due = week_due(plan, campaign.start_date, row.next_week, campaign.weeks, zone_id)
        row.next_due_at = max(due, now) if due is not None else None
    s.flush()
    return changed


def opt_out(
    s: Session, learner_id: int, campaign_id: int | None, reason: OptOut = OptOut.STOP, *, now: datetime
) -> int:
    """The learner stops receiving one campaign (None: all of theirs): nothing more is planned, pending deliveries
    are skipped. Returns how many enrolments were opted out now."""
    enrolments = table(CampaignEnrolment)
    mine = [enrolments.c.learner_id == learner_id, enrolments.c.opted_out_at.is_(None)]
    if campaign_id is not None:
        mine.append(enrolments.c.campaign_id == campaign_id)
    ids = list(s.connection().execute(select(enrolments.c.id).where(*mine)).scalars())
    if not ids:
        return 0
    s.connection().execute(
        update(enrolments)
        .where(enrolments.c.id.in_(ids))
        .values(opted_out_at=now, opt_out_reason=OptOut(reason).value, next_week=None, next_due_at=None)
    )
    _skip_pending(s, ids)
    return len(ids)


def mark_blocked(s: Session, channel: Channel | str, external_id: str, *, now: datetime) -> int:
    """The person blocked the bot (Telegram answered 403): opted out of everything, reason ``blocked``."""
    learner_id = s.scalar(
        select(Learner.id).where(Learner.channel == Channel(channel), Learner.external_id == str(external_id))
    )
    if learner_id is None:
        return 0
    return opt_out(s, learner_id, None, OptOut.BLOCKED, now=now)

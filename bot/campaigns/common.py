"""What the campaign engine's modules share: loading a campaign or an enrolment, the records built from rows, the
definition a campaign runs, and the time rules applied to one enrolment (its zone, the campaign's start and
length).

Like the rest of the engine these take the caller's session (and ``now`` where time matters) and never commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.campaigns import schedule
from bot.campaigns.records import Bilingual, CampaignError, CampaignInfo, Definition, Enrolment, Role
from bot.campaigns.zones import zone
from bot.db.models import Campaign, CampaignClass, CampaignEnrolment
from bot.shared.privacy import mask

Definitions = Mapping[str, Definition]

#: Display names: at most this long (the column's size), personal numbers masked.
MAX_DISPLAY_NAME = 40
_SPACES = re.compile(r"\s+")


def display_name(name: str | None) -> str:
    """The name the family and the organiser see: spaces squeezed, personal numbers masked, at most 40 characters;
    ``-`` when there is none."""
    cleaned = _SPACES.sub(" ", mask(name or "")).strip()
    return cleaned[:MAX_DISPLAY_NAME] or "-"


def definition(definitions: Definitions, definition_id: str) -> Definition:
    found = definitions.get(definition_id)
    if found is None:
        raise CampaignError.one("campaign.unknown_definition", definition=definition_id)
    return found


def title(definitions: Definitions, definition_id: str) -> Bilingual:
    """The campaign's title; its definition's id when the definition is no longer loaded."""
    found = definitions.get(definition_id)
    return found.title if found is not None else Bilingual(zh=definition_id, en=definition_id)


def campaign_row(s: Session, campaign_id: int) -> Campaign:
    row = s.get(Campaign, campaign_id)
    if row is None:
        raise CampaignError.one("campaign.unknown_campaign")
    return row


def class_ids(s: Session, campaign_id: int) -> tuple[int, ...]:
    return tuple(
        s.scalars(
            select(CampaignClass.class_id)
            .where(CampaignClass.campaign_id == campaign_id)
            .order_by(CampaignClass.class_id)
        )
    )


def campaign_info(s: Session, row: Campaign, definitions: Definitions) -> CampaignInfo:
    return CampaignInfo(
        id=row.id,
        definition_id=row.definition_id,
        title=title(definitions, row.definition_id),
        organiser_id=row.organiser_id,
        class_ids=class_ids(s, row.id),
        open=row.open,
        join_token=row.join_token,
        start=row.start_date,
        weeks=row.weeks,
        created_at=row.created_at,
        ended_at=row.ended_at,
        lang=row.lang,
    )


def check_organiser(row: Campaign, organiser_id: int | None) -> None:
    """``organiser_id`` None is the operator (the CLI); anyone else must be the campaign's organiser."""
    if organiser_id is not None and row.organiser_id != organiser_id:
        raise CampaignError.one("campaign.not_organiser")


def enrolment(row: CampaignEnrolment) -> Enrolment:
    return Enrolment(
        id=row.id,
        campaign_id=row.campaign_id,
        learner_id=row.learner_id,
        role=Role(row.role),
        lang=row.lang,
        zone=row.zone,
        class_id=row.class_id,
        enrolled_at=row.enrolled_at,
        opted_out_at=row.opted_out_at,
        next_week=row.next_week,
        next_due_at=row.next_due_at,
    )


def enrolment_row(s: Session, campaign_id: int, learner_id: int, *, lock: bool = False) -> CampaignEnrolment:
    """The learner's enrolment in the campaign; ``campaign.not_enrolled`` if there is none. ``lock``: ``SELECT ...
    FOR UPDATE`` (PostgreSQL), read afresh."""
    statement = select(CampaignEnrolment).where(
        CampaignEnrolment.campaign_id == campaign_id, CampaignEnrolment.learner_id == learner_id
    )
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    row = s.scalar(statement)
    if row is None:
        raise CampaignError.one("campaign.not_enrolled")
    return row


# --- the time rules for one enrolment (bot.campaigns.schedule does the calendar)


def first_due(
    plan: Definition, start: date, weeks: int, zone_id: str, now: datetime
) -> tuple[int | None, datetime | None]:
    """The first week someone enrolling ``now`` gets and when: week 1 on schedule, or a late joiner's current week
    at once (out of quiet hours); (None, None) once the campaign's weeks are over."""
    week, due = schedule.first_week(start, plan.schedule, zone(zone_id).tz, now)
    if week > weeks:
        return None, None
    return week, due


def week_due(plan: Definition, start: date, week: int, weeks: int, zone_id: str) -> datetime | None:
    """When week ``week``'s lesson is due in the zone; None past the campaign's last week."""
    if week > weeks:
        return None
    return schedule.lesson_due(start, week, plan.schedule, zone(zone_id).tz)

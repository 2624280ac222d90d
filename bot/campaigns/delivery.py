"""The weekly deliveries: planning the due lessons, claiming a batch to send, recording what became of each send,
and opening a lesson (which ends its reminders).

A delivery is one message to one enrolment (``lesson``, ``reminder1``, ``reminder2`` of a week), stored before it
is sent, so that a restart resumes without losing or repeating anything:

- :func:`plan_due` turns the enrolments whose ``next_due_at`` has come into lesson deliveries and advances them to
  their next week. It is set-based (one ``SELECT`` of up to ``limit`` due enrolments, one batched ``INSERT``,
  one ``UPDATE`` per campaign, zone and week), the insert is ``ON CONFLICT DO NOTHING`` on (enrolment, week,
  kind) and the update is conditional on the week read, so two planners (or a planner and a retry) create each
  delivery once; on PostgreSQL the enrolments are read ``FOR UPDATE SKIP LOCKED``, so concurrent planners share the
  work instead of waiting;
- :func:`claim`: the oldest pending deliveries that are due, at most one per chat, move to ``sending`` under a
  fresh claim token (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite write transactions are exclusive): no
  delivery is given to two workers;
- :func:`mark_sent` / :func:`mark_retry` change a delivery only with its claim token (a worker whose claim was
  recovered changes nothing); a sent lesson schedules its two reminders (3 and 6 days later, out of quiet hours),
  and opening the lesson (:func:`open_lesson`) skips the reminders still pending;
- :func:`recover`: claims older than the lease (a killed worker) go back to pending. A worker killed after Telegram
  accepted its message but before ``mark_sent`` can cause that one message to be sent again: the only window.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, select, update
from sqlalchemy.orm import Session

from bot.campaigns import schedule
from bot.campaigns.common import Definitions, definition, enrolment_row, title, week_due
from bot.campaigns.lessons import lesson_view
from bot.campaigns.records import (
    Bilingual,
    CampaignError,
    DeliveryKind,
    DeliveryStatus,
    LessonView,
    Outgoing,
    Role,
)
from bot.campaigns.zones import zone
from bot.db.models import Campaign, CampaignDelivery, CampaignEnrolment, Learner
from bot.knowledge import KnowledgeBase
from bot.quiz.engine import dialect_insert, table
from bot.shared.privacy import mask

#: After this many failed attempts a delivery is given up (``failed``).
MAX_ATTEMPTS = 5
#: Candidates read per claimed delivery (several may be for one chat: only the oldest of a chat is taken).
_CANDIDATES = 4
REMINDERS = (DeliveryKind.REMINDER1, DeliveryKind.REMINDER2)


def _insert(s: Session):  # type: ignore[no-untyped-def]
    return dialect_insert(s.get_bind().dialect.name)(table(CampaignDelivery)).on_conflict_do_nothing(
        index_elements=["enrolment_id", "week", "kind"]
    )


def _postgres(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def plan_due(s: Session, definitions: Definitions, *, now: datetime, limit: int = 1000) -> int:
    """Lesson deliveries for up to ``limit`` enrolments whose next week is due; returns how many were created."""
    e, c = table(CampaignEnrolment), table(Campaign)
    statement = (
        select(e.c.id, e.c.campaign_id, e.c.zone, e.c.next_week, e.c.next_due_at)
        .where(e.c.next_due_at <= now, e.c.next_week.is_not(None), e.c.opted_out_at.is_(None))
        .order_by(e.c.next_due_at, e.c.id)
        .limit(limit)
    )
    if _postgres(s):  # NO KEY UPDATE: the rows referring to these enrolments (answers, reminders) are not blocked
        statement = statement.with_for_update(skip_locked=True, key_share=True)
    connection = s.connection()
    due = connection.execute(statement).all()
    if not due:
        return 0
    campaigns = {
        row.id: row
        for row in connection.execute(
            select(c.c.id, c.c.definition_id, c.c.start_date, c.c.weeks, c.c.ended_at).where(
                c.c.id.in_({r.campaign_id for r in due})
            )
        )
    }
    groups: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    values = []
    for row in due:
        campaign = campaigns[row.campaign_id]
        groups[(row.campaign_id, row.zone, row.next_week)].append(row.id)
        if campaign.ended_at is None and campaign.definition_id in definitions and row.next_week <= campaign.weeks:
            values.append(
                {
                    "enrolment_id": row.id,
                    "week": row.next_week,
                    "kind": DeliveryKind.LESSON.value,
                    "due_at": row.next_due_at,
                    "status": DeliveryStatus.PENDING.value,
                    "attempts": 0,
                }
            )
    created = 0
    if values:
        created = len(connection.execute(_insert(s).returning(table(CampaignDelivery).c.id), values).all())
    for (campaign_id, zone_id, week), ids in groups.items():
        campaign = campaigns[campaign_id]
        plan = definitions.get(campaign.definition_id)
        following: int | None = week + 1
        next_due = None
        if campaign.ended_at is None and plan is not None:
            next_due = week_due(plan, campaign.start_date, week + 1, campaign.weeks, zone_id)
        if next_due is None:
            following = None
        for chunk in _chunks(ids):
            connection.execute(
                update(e)
                .where(e.c.id.in_(chunk), e.c.next_week == week)
                .values(next_week=following, next_due_at=next_due)
            )
    return created


def _chunks(ids: Sequence[int], size: int = 1000) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def claim(s: Session, definitions: Definitions, *, now: datetime, limit: int = 30) -> list[Outgoing]:
    """Up to ``limit`` due pending deliveries, oldest first, at most one per chat, now ``sending`` under a fresh
    claim token: what the sender sends next."""
    d, e, learners, c = table(CampaignDelivery), table(CampaignEnrolment), table(Learner), table(Campaign)
    lesson = d.alias("lesson")
    lesson_id = (
        select(lesson.c.id)
        .where(
            lesson.c.enrolment_id == d.c.enrolment_id,
            lesson.c.week == d.c.week,
            lesson.c.kind == DeliveryKind.LESSON.value,
        )
        .scalar_subquery()
    )
    statement = (
        select(
            d.c.id,
            d.c.kind,
            d.c.week,
            d.c.enrolment_id,
            e.c.campaign_id,
            learners.c.channel,
            learners.c.external_id,
            e.c.lang,
            e.c.role,
            c.c.definition_id,
            c.c.weeks,
            lesson_id.label("lesson_id"),
        )
        .select_from(
            d.join(e, e.c.id == d.c.enrolment_id)
            .join(learners, learners.c.id == e.c.learner_id)
            .join(c, c.c.id == e.c.campaign_id)
        )
        .where(d.c.status == DeliveryStatus.PENDING.value, d.c.due_at <= now)
        .order_by(d.c.due_at, d.c.id)
        .limit(limit * _CANDIDATES)
    )
    if _postgres(s):
        statement = statement.with_for_update(of=d, skip_locked=True, key_share=True)
    connection = s.connection()
    chats: set[tuple[str, str]] = set()
    chosen = []
    for row in connection.execute(statement):
        if (row.channel, row.external_id) in chats:
            continue
        chats.add((row.channel, row.external_id))
        chosen.append(row)
        if len(chosen) == limit:
            break
    if not chosen:
        return []
    token = secrets.token_hex(16)
    connection.execute(
        update(d)
        .where(d.c.id.in_([row.id for row in chosen]), d.c.status == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.SENDING.value, claim=token, claimed_at=now)
    )
    out = []
    for row in chosen:
        plan = definitions.get(row.definition_id)
        theme = plan.week(row.week).theme if plan is not None and row.week <= len(plan.weeks) else None
        name = title(definitions, row.definition_id)
        out.append(
            Outgoing(
                delivery_id=row.id,
                claim=token,
                kind=DeliveryKind(row.kind),
                week=row.week,
                enrolment_id=row.enrolment_id,
                campaign_id=row.campaign_id,
                channel=str(row.channel),
                external_id=row.external_id,
                lang=row.lang,
                role=Role(row.role),
                definition_id=row.definition_id,
                theme=theme or Bilingual(zh=name.zh, en=name.en),
                weeks=row.weeks,
                title=name,
                lesson_delivery_id=row.lesson_id or row.id,
            )
        )
    return out


def mark_sent(
    s: Session, definitions: Definitions, delivery_id: int, claim_token: str, message_id: int | None, *, now: datetime
) -> bool:
    """The delivery was sent (with the claim it was given); a lesson schedules its reminders unless it was opened.
    False, and nothing changes, with a stale or wrong claim."""
    d = table(CampaignDelivery)
    result = s.connection().execute(
        update(d)
        .where(d.c.id == delivery_id, d.c.claim == claim_token, d.c.status == DeliveryStatus.SENDING.value)
        .values(status=DeliveryStatus.SENT.value, sent_at=now, message_id=message_id, claim=None, error=None)
    )
    if result.rowcount != 1:
        return False
    row = s.execute(
        select(d.c.kind, d.c.week, d.c.enrolment_id, d.c.opened_at, CampaignEnrolment.zone, Campaign.definition_id)
        .join(CampaignEnrolment, CampaignEnrolment.id == d.c.enrolment_id)
        .join(Campaign, Campaign.id == CampaignEnrolment.campaign_id)
        .where(d.c.id == delivery_id, CampaignEnrolment.opted_out_at.is_(None), Campaign.ended_at.is_(None))
    ).first()
    plan = definitions.get(row.definition_id) if row is not None else None
    if row is None or plan is None or row.kind != DeliveryKind.LESSON or row.opened_at is not None:
        return True
    tz = zone(row.zone).tz
    s.connection().execute(
        _insert(s),
        [
            {
                "enrolment_id": row.enrolment_id,
                "week": row.week,
                "kind": kind.value,
                "due_at": schedule.reminder_due(now, n, plan.schedule, tz),
                "status": DeliveryStatus.PENDING.value,
                "attempts": 0,
            }
            for n, kind in enumerate(REMINDERS, start=1)
        ],
    )
    return True


def mark_retry(
    s: Session,
    delivery_id: int,
    claim_token: str,
    retry_at: datetime,
    error: str,
    *,
    now: datetime,
    attempt: bool = True,
) -> bool:
    """The send failed: back to pending at ``retry_at`` (``attempt``: it counts as an attempt; after
    :data:`MAX_ATTEMPTS` the delivery is ``failed``). A rate limit (429) is not the message's fault: the sender
    passes ``attempt=False``. False, and nothing changes, with a stale or wrong claim."""
    d = table(CampaignDelivery)
    status: Any = DeliveryStatus.PENDING.value
    if attempt:
        status = case((d.c.attempts + 1 >= MAX_ATTEMPTS, DeliveryStatus.FAILED.value), else_=status)
    result = s.connection().execute(
        update(d)
        .where(d.c.id == delivery_id, d.c.claim == claim_token, d.c.status == DeliveryStatus.SENDING.value)
        .values(
            status=status,
            due_at=max(retry_at, now),
            attempts=d.c.attempts + (1 if attempt else 0),
            claim=None,
            error=mask(error)[:200],
        )
    )
    return bool(result.rowcount == 1)


def recover(s: Session, *, now: datetime, lease_seconds: float = 300) -> int:
    """Claims older than the lease (their worker died or hung) go back to pending; returns how many."""
    d = table(CampaignDelivery)
    result = s.connection().execute(
        update(d)
        .where(d.c.status == DeliveryStatus.SENDING.value, d.c.claimed_at < now - timedelta(seconds=lease_seconds))
        .values(status=DeliveryStatus.PENDING.value, claim=None)
    )
    return int(result.rowcount)


def open_lesson(
    s: Session,
    definitions: Definitions,
    kb: KnowledgeBase,
    learner_id: int,
    campaign_id: int,
    week: int,
    *,
    now: datetime,
) -> LessonView:
    """The week's lesson for the learner, in their language and role. The week must have been delivered to them or
    be due (``campaign.week_not_open``); the first opening is recorded on the lesson delivery and skips its
    reminders still pending."""
    mine = enrolment_row(s, campaign_id, learner_id)
    campaign = s.get(Campaign, campaign_id)
    assert campaign is not None
    plan = definition(definitions, campaign.definition_id)
    if not 1 <= week <= campaign.weeks:
        raise CampaignError.one("campaign.week_not_open", week=week)
    d = table(CampaignDelivery)
    lesson = s.execute(
        select(d.c.id, d.c.status).where(
            d.c.enrolment_id == mine.id, d.c.week == week, d.c.kind == DeliveryKind.LESSON.value
        )
    ).first()
    due = week_due(plan, campaign.start_date, week, campaign.weeks, mine.zone)
    if (lesson is None or lesson.status == DeliveryStatus.SKIPPED) and (due is None or due > now):
        raise CampaignError.one("campaign.week_not_open", week=week)
    if lesson is not None:
        connection = s.connection()
        opened = connection.execute(
            update(d).where(d.c.id == lesson.id, d.c.opened_at.is_(None)).values(opened_at=now)
        ).rowcount
        if opened:
            connection.execute(
                update(d)
                .where(
                    and_(d.c.enrolment_id == mine.id, d.c.week == week),
                    d.c.kind.in_([k.value for k in REMINDERS]),
                    d.c.status == DeliveryStatus.PENDING.value,
                )
                .values(status=DeliveryStatus.SKIPPED.value)
            )
    return lesson_view(plan, week, Role(mine.role), mine.lang, kb, campaign_id=campaign_id)


def delivery_week(s: Session, learner_id: int, delivery_id: int) -> tuple[int, int]:
    """(campaign, week) of a delivery sent to the learner (the Open button carries the delivery id);
    ``campaign.not_enrolled`` if it is not theirs."""
    row = s.execute(
        select(CampaignEnrolment.campaign_id, CampaignDelivery.week)
        .join(CampaignEnrolment, CampaignEnrolment.id == CampaignDelivery.enrolment_id)
        .where(CampaignDelivery.id == delivery_id, CampaignEnrolment.learner_id == learner_id)
    ).first()
    if row is None:
        raise CampaignError.one("campaign.not_enrolled")
    return int(row[0]), int(row[1])

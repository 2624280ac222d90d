"""The campaigns as the front ends use them: one call per action, each in its own transaction.

:class:`CampaignService` owns the transactions (``Database.write_retrying`` for changes, ``Database.read`` for
looks), the clock and the loaded definitions; the engine functions below it (``enrol``, ``family``, ``delivery``,
``answers``, ``reports``) take the session and ``now`` and never commit. Telegram calls it in a thread; the web
app and the CLI call it directly. Every rule broken raises :class:`CampaignError` with a catalog key
(``bot.campaigns.errors.describe`` says it in the user's language).

Ids: ``organiser_id`` and ``learner_id`` are ``learners.id`` (the quiz engine's learners: a Telegram user is
channel ``telegram`` + the user id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.campaigns import answers, delivery, enrol, family, reports
from bot.campaigns.export import Cell, export_rows
from bot.campaigns.records import (
    CampaignInfo,
    CampaignReport,
    Definition,
    Enrolment,
    FamilyLink,
    Invite,
    InviteInfo,
    LessonView,
    OptOut,
    Outgoing,
    PollRef,
    Progress,
    Role,
)
from bot.campaigns.zones import DEFAULT_ZONE
from bot.db import Database
from bot.db.models import Channel
from bot.knowledge import KnowledgeBase

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class CampaignService:
    def __init__(
        self,
        db: Database,
        definitions: Mapping[str, Definition],
        kb: KnowledgeBase,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.plans = dict(definitions)
        self.kb = kb
        self.clock = clock

    def _write(self, work: Callable[[Session], T]) -> T:
        return self.db.write_retrying(work)

    def _read(self, work: Callable[[Session], T]) -> T:
        with self.db.read() as s:
            return work(s)

    # --- campaigns

    def definitions(self) -> list[Definition]:
        return [self.plans[key] for key in sorted(self.plans)]

    def start_campaign(
        self,
        organiser_id: int,
        definition_id: str,
        *,
        class_ids: Sequence[int] = (),
        open: bool = False,
        start: date | None = None,
        lang: str = "zh",
    ) -> CampaignInfo:
        return self._write(
            lambda s: enrol.start_campaign(
                s,
                self.plans,
                organiser_id,
                definition_id,
                class_ids=class_ids,
                open=open,
                start=start,
                lang=lang,
                now=self.clock(),
            )
        )

    def organiser_campaigns(self, organiser_id: int) -> list[CampaignInfo]:
        return self._read(lambda s: enrol.organiser_campaigns(s, self.plans, organiser_id))

    def all_campaigns(self) -> list[CampaignInfo]:
        """Every campaign (the operator's ``antifraud campaign list``)."""
        return self._read(lambda s: enrol.all_campaigns(s, self.plans))

    def campaign(self, campaign_id: int) -> CampaignInfo:
        return self._read(lambda s: enrol.get_campaign(s, self.plans, campaign_id))

    def campaign_by_token(self, token: str) -> CampaignInfo:
        return self._read(lambda s: enrol.campaign_by_token(s, self.plans, token))

    def end_campaign(self, organiser_id: int | None, campaign_id: int) -> CampaignInfo:
        return self._write(lambda s: enrol.end_campaign(s, self.plans, organiser_id, campaign_id, now=self.clock()))

    # --- people

    def enrol(
        self,
        campaign_id: int,
        learner_id: int,
        *,
        role: Role = Role.STUDENT,
        lang: str,
        zone: str = DEFAULT_ZONE,
        display_name: str | None,
        class_id: int | None = None,
    ) -> Enrolment:
        return self._write(
            lambda s: enrol.enrol(
                s,
                self.plans,
                campaign_id,
                learner_id,
                role=role,
                lang=lang,
                zone_id=zone,
                name=display_name,
                class_id=class_id,
                now=self.clock(),
            )
        )

    def enrol_class_member(self, class_id: int, learner_id: int, display_name: str | None) -> list[Enrolment]:
        return self._write(
            lambda s: enrol.enrol_class_member(s, self.plans, class_id, learner_id, display_name, now=self.clock())
        )

    def learner_enrolments(self, learner_id: int) -> list[tuple[CampaignInfo, Enrolment]]:
        return self._read(lambda s: enrol.learner_enrolments(s, self.plans, learner_id))

    def set_zone(self, learner_id: int, zone_id: str) -> int:
        return self._write(lambda s: enrol.set_zone(s, self.plans, learner_id, zone_id, now=self.clock()))

    def opt_out(self, learner_id: int, campaign_id: int | None, reason: OptOut = OptOut.STOP) -> int:
        return self._write(lambda s: enrol.opt_out(s, learner_id, campaign_id, reason, now=self.clock()))

    def mark_blocked(self, channel: Channel | str, external_id: str) -> int:
        return self._write(lambda s: enrol.mark_blocked(s, channel, external_id, now=self.clock()))

    # --- families

    def create_invite(self, learner_id: int, campaign_id: int) -> Invite:
        return self._write(lambda s: family.create_invite(s, learner_id, campaign_id, now=self.clock()))

    def invite_info(self, token: str) -> InviteInfo:
        return self._read(lambda s: family.invite_info(s, self.plans, token, now=self.clock()))

    def revoke_invites(self, learner_id: int, campaign_id: int) -> int:
        return self._write(lambda s: family.revoke_invites(s, learner_id, campaign_id, now=self.clock()))

    def accept_invite(
        self, token: str, parent_learner_id: int, *, lang: str, zone: str = DEFAULT_ZONE, display_name: str | None
    ) -> FamilyLink:
        return self._write(
            lambda s: family.accept_invite(
                s,
                self.plans,
                token,
                parent_learner_id,
                lang=lang,
                zone_id=zone,
                name=display_name,
                now=self.clock(),
            )
        )

    def family(self, learner_id: int) -> list[FamilyLink]:
        return self._read(lambda s: family.family(s, learner_id))

    def unlink(self, learner_id: int, link_id: int) -> FamilyLink:
        return self._write(lambda s: family.unlink(s, learner_id, link_id, now=self.clock()))

    def plan_made(self, learner_id: int, campaign_id: int) -> list[Enrolment]:
        return self._write(lambda s: family.plan_made(s, learner_id, campaign_id, now=self.clock()))

    # --- lessons, quizzes, progress

    def lesson(self, learner_id: int, campaign_id: int, week: int) -> LessonView:
        return self._write(
            lambda s: delivery.open_lesson(s, self.plans, self.kb, learner_id, campaign_id, week, now=self.clock())
        )

    def delivery_lesson(self, learner_id: int, delivery_id: int) -> LessonView:
        """The lesson of a delivery sent to the learner (the Open button ``cw:<delivery id>``), opened as by
        :meth:`lesson`."""

        def work(s: Session) -> LessonView:
            campaign_id, week = delivery.delivery_week(s, learner_id, delivery_id)
            return delivery.open_lesson(s, self.plans, self.kb, learner_id, campaign_id, week, now=self.clock())

        return self._write(work)

    def progress(self, learner_id: int, campaign_id: int) -> Progress:
        return self._read(lambda s: reports.progress(s, self.plans, learner_id, campaign_id))

    def family_progress(self, learner_id: int) -> list[Progress]:
        return self._read(lambda s: reports.family_progress(s, self.plans, learner_id))

    def record_answer(
        self, learner_id: int, campaign_id: int, week: int, question_id: str, chosen: Sequence[int]
    ) -> tuple[bool, bool]:
        picked = tuple(chosen)
        return self._write(
            lambda s: answers.record_answer(
                s, self.plans, learner_id, campaign_id, week, question_id, picked, now=self.clock()
            )
        )

    def register_poll(
        self,
        poll_id: str,
        learner_id: int,
        campaign_id: int,
        week: int,
        question_id: str,
        position: int,
        chat_id: int,
        message_id: int,
    ) -> None:
        self._write(
            lambda s: answers.register_poll(
                s,
                poll_id,
                learner_id,
                campaign_id,
                week,
                question_id,
                position,
                chat_id,
                message_id,
                now=self.clock(),
            )
        )

    def poll(self, poll_id: str) -> PollRef | None:
        return self._read(lambda s: answers.poll(s, poll_id))

    # --- the delivery pump (several workers at once)

    def plan_due(self, now: datetime | None = None, limit: int = 1000) -> int:
        return self._write(lambda s: delivery.plan_due(s, self.plans, now=now or self.clock(), limit=limit))

    def claim(self, limit: int = 30, now: datetime | None = None) -> list[Outgoing]:
        return self._write(lambda s: delivery.claim(s, self.plans, now=now or self.clock(), limit=limit))

    def mark_sent(self, delivery_id: int, claim: str, message_id: int | None) -> bool:
        return self._write(
            lambda s: delivery.mark_sent(s, self.plans, delivery_id, claim, message_id, now=self.clock())
        )

    def mark_sent_many(self, sent: Sequence[tuple[int, str, int | None]]) -> list[bool]:
        """:meth:`mark_sent` for a batch of (delivery id, claim, message id) in one transaction (each its own
        result)."""
        items = list(sent)
        return self._write(
            lambda s: [delivery.mark_sent(s, self.plans, d, c, m, now=self.clock()) for d, c, m in items]
        )

    def mark_retry(self, delivery_id: int, claim: str, retry_at: datetime, error: str, *, attempt: bool = True) -> bool:
        """``attempt=False`` for a rate limit (429): retried at ``retry_at`` without counting towards giving up."""
        return self._write(
            lambda s: delivery.mark_retry(s, delivery_id, claim, retry_at, error, now=self.clock(), attempt=attempt)
        )

    def recover(self, lease_seconds: float = 300) -> int:
        return self._write(lambda s: delivery.recover(s, now=self.clock(), lease_seconds=lease_seconds))

    # --- reports

    def report(self, organiser_id: int | None, campaign_id: int, lang: str) -> CampaignReport:
        """``organiser_id`` None: the operator (``antifraud campaign report``)."""
        return self._read(lambda s: reports.campaign_report(s, self.plans, organiser_id, campaign_id, lang))

    def export_rows(self, report: CampaignReport, lang: str) -> dict[str, list[list[Cell]]]:
        return export_rows(report, lang)

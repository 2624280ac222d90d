"""Parent-student awareness campaigns (migration 0004): running campaigns and their classes, enrolments (one person
in one campaign with one role), family invites and links (both consents), the scheduled deliveries of lessons and
reminders, the campaign quiz answers and the Telegram polls that carry them.

Rules the schema itself enforces, so that several workers can serve one campaign at once:
- one enrolment per person and campaign: unique (campaign_id, learner_id);
- a message exists once: ``campaign_deliveries`` is unique per (enrolment, week, kind), and every insert of one is
  ``ON CONFLICT DO NOTHING``, so two workers planning the same week create it once;
- a delivery is sent by the worker holding its claim token (``status = 'sending' AND claim = ...``);
- one answer per enrolment, week and question, the first: the primary key of ``campaign_answers``;
- one link per student and parent enrolment: unique (student_enrolment_id, parent_enrolment_id);
- invite tokens are stored hashed (sha256), like the login links.
The due work is found through indexes: ``next_due_at`` (the weekly planner) and (status, due_at) (the sender).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The definition (``campaigns/<id>.yml``) it runs.
    definition_id: Mapped[str] = mapped_column(String(64))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    #: Open: anyone with the link may join (as a student); else the organiser's classes only.
    open: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The deep-link payload (``k_<join_token>``): URL-safe, unguessable.
    join_token: Mapped[str] = mapped_column(String(64), unique=True)
    start_date: Mapped[date]
    weeks: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class CampaignClass(Base):
    __tablename__ = "campaign_classes"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True, index=True)


class CampaignEnrolment(Base):
    __tablename__ = "campaign_enrolments"
    __table_args__ = (
        UniqueConstraint("campaign_id", "learner_id", name="uq_campaign_enrolments_campaign_id_learner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    #: ``student`` or ``parent``.
    role: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    #: A zone id of ``bot.campaigns.zones`` (the recipient's time zone).
    zone: Mapped[str] = mapped_column(String(32))
    #: The class they joined through (None: the open link, or a parent).
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classrooms.id", ondelete="SET NULL"))
    #: The name the family and the organiser see (masked: no personal number).
    display_name: Mapped[str] = mapped_column(String(40))
    enrolled_at: Mapped[datetime]
    opted_out_at: Mapped[datetime | None]
    #: ``stop`` (/stop) or ``blocked`` (Telegram answered 403).
    opt_out_reason: Mapped[str | None] = mapped_column(String(16))
    #: The next week to send and when (None: nothing more to send).
    next_week: Mapped[int | None]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    plan_made_at: Mapped[datetime | None]


class FamilyInvite(Base):
    """A student's invite link for their parents (the student's consent): usable by several parents until it
    expires or is revoked; only the token's sha256 is stored."""

    __tablename__ = "family_invites"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    student_enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_enrolments.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class FamilyLink(Base):
    """A student and a parent of one campaign, linked with both consents; ``unlinked_at`` once either side ends it."""

    __tablename__ = "family_links"
    __table_args__ = (
        UniqueConstraint("student_enrolment_id", "parent_enrolment_id", name="uq_family_links_student_enrolment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_enrolment_id: Mapped[int] = mapped_column(ForeignKey("campaign_enrolments.id", ondelete="CASCADE"))
    parent_enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_enrolments.id", ondelete="CASCADE"), index=True
    )
    student_consent_at: Mapped[datetime]
    parent_consent_at: Mapped[datetime]
    linked_at: Mapped[datetime]
    unlinked_at: Mapped[datetime | None]
    #: The learner who ended the link.
    unlinked_by: Mapped[int | None]


class CampaignDelivery(Base):
    """One scheduled message to one enrolment: a week's lesson notice or a reminder of it."""

    __tablename__ = "campaign_deliveries"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "week", "kind", name="uq_campaign_deliveries_enrolment_id_week_kind"),
        Index("ix_campaign_deliveries_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("campaign_enrolments.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    #: ``lesson``, ``reminder1``, ``reminder2``.
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    #: ``pending`` -> ``sending`` (claimed) -> ``sent`` | ``failed``; or ``skipped``.
    status: Mapped[str] = mapped_column(String(16))
    #: The claim token of the worker sending it (while ``sending``).
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    #: A lesson: when its recipient first opened it.
    opened_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(200))


class CampaignAnswer(Base):
    """The answer that counts to a campaign quiz question: the first (the primary key refuses a second)."""

    __tablename__ = "campaign_answers"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_enrolments.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    chosen: Mapped[list[int]]
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime]


class CampaignPoll(Base):
    """A Telegram quiz poll carrying a campaign question: its answer finds the enrolment, week and question."""

    __tablename__ = "campaign_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("campaign_enrolments.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int] = mapped_column(Integer)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]

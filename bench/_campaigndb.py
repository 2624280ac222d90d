"""Campaigns with many recipients for the campaign benchmarks (not a benchmark itself), inserted set-based: one
``INSERT ... SELECT`` over a generated series per table, so that a million enrolments take seconds and no Python
list of them is ever built.

The campaigns run the shipped definitions (``campaigns/*.yml``), else the tests' small one; every recipient is a
Telegram learner whose chat id is ``FIRST_CHAT + n``, a student of one campaign, Chinese or English in turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, func, select, text

from bot.campaigns.definition import CAMPAIGNS_DIR, definition_files, load_definitions
from bot.campaigns.records import Definition
from bot.db import Database
from bot.db.models import Campaign, CampaignEnrolment
from bot.db.models.base import UTCDateTime
from bot.settings import ROOT

FIRST_CHAT = 10_000_000
TEST_DEFINITION = ROOT / "tests" / "bot" / "campaigns" / "data" / "family_drill.yml"


def definitions() -> dict[str, Definition]:
    shipped = CAMPAIGNS_DIR.is_dir() and definition_files(CAMPAIGNS_DIR)
    return load_definitions(CAMPAIGNS_DIR) if shipped else load_definitions(TEST_DEFINITION)


@dataclass(frozen=True)
class Population:
    campaigns: int
    per_campaign: int
    first_chat: int

    @property
    def recipients(self) -> int:
        return self.campaigns * self.per_campaign

    def chats(self) -> range:
        return range(self.first_chat, self.first_chat + self.recipients)


def populate(
    db: Database,
    plans: dict[str, Definition],
    *,
    campaigns: int,
    per_campaign: int,
    due_now: int,
    now: datetime | None = None,
) -> Population:
    """``campaigns`` open campaigns of ``per_campaign`` students each; the first ``due_now`` campaigns have their
    week 1 due now (a minute ago), the others later, one campaign an hour from tomorrow on (their week 1 has not
    come: they wait in the database, as most of a large deployment does at any moment)."""
    now = now or datetime.now(UTC)
    definition = sorted(plans.values(), key=lambda d: d.id)[0]
    monday = (now - timedelta(days=now.weekday())).date()
    n = campaigns * per_campaign
    series = _series(db, n)
    stamp = bindparam("now", now, type_=UTCDateTime())
    with db.write() as s:
        s.execute(
            text(
                f"{series} INSERT INTO learners (channel, external_id, lang, created_at) "
                "SELECT 'telegram', CAST(:first + g AS VARCHAR(32)), CASE WHEN g % 2 = 0 THEN 'zh' ELSE 'en' END, :now "
                "FROM seq"
            ).bindparams(stamp, first=FIRST_CHAT - 1, n=n + 1)  # g = 0 is the organiser
        )
        organiser = s.scalar(text("SELECT id FROM learners WHERE external_id = :e"), {"e": str(FIRST_CHAT - 1)})
        first_learner = organiser + 1
        for k in range(campaigns):
            campaign = Campaign(
                definition_id=definition.id,
                organiser_id=organiser,
                open=True,
                join_token=f"bench{k}",
                start_date=_start(monday, k, due_now),
                weeks=len(definition.weeks),
                lang="en",
                created_at=now,
            )
            s.add(campaign)
            s.flush()
            due = now - timedelta(minutes=1) if k < due_now else now + timedelta(days=1, hours=k)
            low = first_learner + k * per_campaign
            s.execute(
                text(
                    "INSERT INTO campaign_enrolments (campaign_id, learner_id, role, lang, zone, display_name, "
                    "enrolled_at, next_week, next_due_at) "
                    "SELECT :campaign, id, 'student', lang, 'beijing', 'S', :now, 1, :due FROM learners "
                    "WHERE id >= :low AND id < :high"
                ).bindparams(stamp, bindparam("due", due, type_=UTCDateTime())),
                {"campaign": campaign.id, "low": low, "high": low + per_campaign},
            )
        count = s.scalar(select(func.count()).select_from(CampaignEnrolment))
    assert count == n, (count, n)
    if not db.is_sqlite:
        with db.engine.connect() as c:
            c.exec_driver_sql("ANALYZE")
    return Population(campaigns, per_campaign, FIRST_CHAT)


def _start(monday: date, k: int, due_now: int) -> date:
    return monday if k < due_now else monday + timedelta(days=7 * (1 + k // 24))


def _series(db: Database, n: int) -> str:
    """A CTE ``seq(g)`` of 0 .. :n - 1 in the database's dialect."""
    if db.is_sqlite:
        return "WITH RECURSIVE seq(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM seq WHERE g < :n - 1)"
    return "WITH seq(g) AS (SELECT generate_series(0, :n - 1))"

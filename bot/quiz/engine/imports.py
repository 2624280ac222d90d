"""Importing the question banks into the database: add, update, retire and restore questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Question, QuestionAudience, QuestionBank, QuestionRedFlag, ReviewState
from bot.quiz.bank import Banks
from bot.quiz.model import Question as QuestionRecord


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    retired: int
    restored: int

    def __str__(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.retired} retired, {self.restored} restored"
        )


def import_banks(session: Session, banks: Banks, *, now: datetime, partial: bool = False) -> ImportResult:
    """Insert or update every question of ``banks``; retire the ones no longer there.

    ``partial``: ``banks`` is only some of the bank files, so only questions of *those* banks that are missing are
    retired (a whole-directory import retires every question not in it). Retired questions keep their attempts and
    come back (``restored``) if they reappear. Runs in the caller's transaction: call it in one ``Database.write()``
    so that a failure leaves the database as it was.
    """
    existing = {q.id: q for q in session.scalars(select(Question))}
    known_banks = {b.id: b for b in session.scalars(select(QuestionBank))}
    added = updated = unchanged = restored = 0
    incoming: set[str] = set()
    for bank in banks.banks:
        row_bank = known_banks.get(bank.id)
        if row_bank is None:
            row_bank = QuestionBank(
                id=bank.id, title_zh=bank.title_zh, title_en=bank.title_en, path=bank.path, imported_at=now
            )
            session.add(row_bank)
        else:
            row_bank.title_zh, row_bank.title_en, row_bank.path, row_bank.imported_at = (
                bank.title_zh,
                bank.title_en,
                bank.path,
                now,
            )
    session.flush()
    for record in banks.questions:
        incoming.add(record.id)
        row = existing.get(record.id)
        if row is None:
            row = Question(id=record.id, created_at=now, retired_at=None)
            _fill(row, record, now)
            session.add(row)
            added += 1
            continue
        if row.retired_at is not None:
            row.retired_at = None
            restored += 1
        if row.content_hash == record.content_hash:
            unchanged += 1
            continue
        if row.scam_type != record.scam_type.value:  # keep the copy in the review states in step
            session.execute(
                update(ReviewState)
                .where(ReviewState.question_id == row.id)
                .values(scam_type=record.scam_type.value)
                .execution_options(synchronize_session=False)
            )
        _fill(row, record, now)
        updated += 1
    retired = 0
    scope = {b.id for b in banks.banks} if partial else None
    for row in existing.values():
        if row.id in incoming or row.retired_at is not None:
            continue
        if scope is not None and row.bank_id not in scope:
            continue
        row.retired_at = now
        retired += 1
    session.flush()
    return ImportResult(added, updated, unchanged, retired, restored)


def _fill(row: Question, record: QuestionRecord, now: datetime) -> None:
    row.bank_id = record.bank
    row.type = record.type.value
    row.scam_type = record.scam_type.value
    row.content = record.to_record()
    row.content_hash = record.content_hash
    row.updated_at = now
    row.audiences = [QuestionAudience(audience=a) for a in sorted(x.value for x in record.audiences)]
    row.red_flags = [QuestionRedFlag(red_flag=f) for f in record.red_flags]

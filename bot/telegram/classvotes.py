"""Answers to class polls, recorded in arrival order and in batches.

Poll answers are handled concurrently, so two answers of one student (a changed vote, a replay) could reach the
database in either order; the first to arrive must be the one that counts. Each handler hands its answer to the
queue here before it waits on anything, so the queue holds them in arrival order; one worker takes whatever has
queued up, finds which polls are class polls and records their answers in one transaction
(``ClassroomService.record_answers``), in that order, each with its arrival time. A class of 1,000 answering at
once costs a few transactions, not 1,000."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.classroom.records import ClassroomError, Recorded
from bot.classroom.service import ClassroomService
from bot.db.models import Channel
from bot.telegram.answers import Batcher


@dataclass(frozen=True)
class ClassVote:
    poll_id: str
    user_id: int
    chosen: tuple[int, ...]
    arrived: datetime
    lang: str  # for a learner seen for the first time


@dataclass(frozen=True)
class ClassAnswer:
    """A vote on a class poll: where it went and what the engine made of it (None: a retracted vote)."""

    session_id: int
    position: int
    learner_id: int
    in_group: bool  # the group's poll (anyone may answer), not a student's own
    recorded: Recorded | ClassroomError | None


class ClassVoteBatcher(Batcher[ClassVote, ClassAnswer | None]):
    """Class poll votes in batches; ``submit`` gives the vote's fate, None when the poll is not a class poll (the
    one-learner quiz's, or unknown)."""

    def __init__(self, classroom: ClassroomService, learner_ids: dict[int, int], max_batch: int = 500) -> None:
        super().__init__(self.record, max_batch)
        self.classroom = classroom
        self.learner_ids = learner_ids  # shared with the callbacks: Telegram user id -> learner id

    def record(self, votes: list[ClassVote]) -> list[ClassAnswer | None]:
        """Blocking: look the polls up, then record the class answers in one transaction, in order."""
        polls = {poll_id: self.classroom.poll(poll_id) for poll_id in {v.poll_id for v in votes}}
        out: list[ClassAnswer | None] = []
        items = []
        for vote in votes:
            found = polls[vote.poll_id]
            if found is None:
                out.append(None)
                continue
            session_id, position, owner = found
            learner = owner if owner is not None else self.learner_id(vote)
            out.append(ClassAnswer(session_id, position, learner, owner is None, None))
            if vote.chosen:  # a retracted vote changes nothing
                items.append((len(out) - 1, (session_id, position, learner, vote.chosen, vote.arrived)))
        if items:
            recorded = self.classroom.record_answers([item for _, item in items])
            for (index, _), result in zip(items, recorded):
                answer = out[index]
                assert answer is not None
                out[index] = ClassAnswer(answer.session_id, answer.position, answer.learner_id, answer.in_group, result)
        return out

    def learner_id(self, vote: ClassVote) -> int:
        known = self.learner_ids.get(vote.user_id)
        if known is None:
            known = self.classroom.learner_id(Channel.TELEGRAM, str(vote.user_id), lang=vote.lang)
            self.learner_ids[vote.user_id] = known
        return known

"""Poll answers, written in batches: the answers that arrive together (a class answering a question, a burst of
updates after a restart) are recorded in one transaction, in arrival order, each with its own result."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from bot.db.models import Channel
from bot.quiz.engine import QuizError
from bot.quiz.service import Answered, QuizService, RoundAnswer, SingleAnswer
from bot.telegram import store
from bot.telegram.store import PollInfo

logger = logging.getLogger(__name__)

CHANNEL = Channel.TELEGRAM

V = TypeVar("V")
R = TypeVar("R")


@dataclass(frozen=True)
class PollVote:
    poll_id: str
    user_id: int
    chosen: tuple[int, ...]


@dataclass(frozen=True)
class Recorded:
    poll: PollInfo
    answered: Answered


def record_votes(quiz: QuizService, votes: list[PollVote]) -> list[Recorded | None]:
    """One transaction: each vote's poll is looked up; votes for unknown or closed polls, or refused by the
    engine, give None. A private poll closes with its first answer (a replay finds it closed)."""

    def work(s: Session) -> list[Recorded | None]:
        out: list[Recorded | None] = []
        polls: dict[str, PollInfo | None] = {}
        for vote in votes:
            if vote.poll_id not in polls:
                polls[vote.poll_id] = store.find_poll(s, vote.poll_id)
            poll = polls[vote.poll_id]
            if poll is None or poll.closed:
                out.append(None)
                continue
            try:
                if poll.is_group:
                    answered = quiz.record_single(
                        s,
                        SingleAnswer(
                            CHANNEL,
                            str(vote.user_id),
                            poll.question_id,
                            vote.chosen,
                            key=f"poll:{poll.poll_id}",
                            since=poll.sent_at,
                        ),
                    )
                elif poll.run_id is None or poll.position is None:
                    out.append(None)
                    continue
                else:
                    answered = quiz.record_round(
                        s, RoundAnswer(CHANNEL, str(vote.user_id), poll.run_id, poll.position, vote.chosen)
                    )
                    store.close_poll(s, poll.poll_id)
                    polls[vote.poll_id] = None  # closed: a second vote in this batch is a replay
            except QuizError as error:  # another user's private poll, an option out of range ...
                logger.warning("poll answer ignored: %s", error)
                out.append(None)
                continue
            out.append(Recorded(poll, answered))
        return out

    return quiz.db.write_retrying(work)


class Batcher(Generic[V, R]):
    """Queues items from concurrent handlers in arrival order (a handler hands its item over before it awaits
    anything); one worker passes whatever has queued up to ``record`` (blocking: run in a thread, one transaction)
    and gives each handler its own result. A class answering at once costs a few transactions, not one each."""

    def __init__(self, record: Callable[[list[V]], list[R]], max_batch: int = 500) -> None:
        self.record_batch = record
        self.max_batch = max_batch
        self.queue: asyncio.Queue[tuple[V, asyncio.Future[Any]]] | None = None
        self.worker: asyncio.Task[None] | None = None

    async def submit(self, item: V) -> R:
        if self.queue is None or self.worker is None or self.worker.done():
            self.queue = asyncio.Queue()
            self.worker = asyncio.create_task(self._run(self.queue))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((item, future))
        return await future

    async def _run(self, queue: asyncio.Queue[tuple[V, asyncio.Future[Any]]]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                results = await asyncio.to_thread(self.record_batch, [item for item, _ in batch])
            except Exception as error:  # the database failed: every waiting handler gets the error
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results):
                if not future.done():
                    future.set_result(result)

    async def close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):  # stopping: its outcome is of no use
                await self.worker
            self.worker = None


class VoteBatcher(Batcher[PollVote, Recorded | None]):
    """The one-learner quiz's poll answers (:func:`record_votes`), in batches."""

    def __init__(self, quiz: QuizService, max_batch: int = 500) -> None:
        super().__init__(lambda votes: record_votes(quiz, votes), max_batch)
        self.quiz = quiz

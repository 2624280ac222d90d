"""Record 1,000 answers from 1,000 learners: one big class answering one question (target <= 1 s), on SQLite and
on PostgreSQL.

Each answer goes through the engine's ``record_answer`` (idempotency check, correctness, attempt row, FSRS review
state) exactly as the chat layers call it. Two ways are timed:
- ``per-answer``: every answer in its own transaction, one after another (the worst case: a commit per answer);
- ``concurrent``: every answer in its own transaction, from 8 writer threads at once (how the Telegram front end
  records a burst of poll answers: several handlers in flight, commits overlapping);
- ``batched``: the answers that arrived together committed in one transaction (how a live classroom session
  records a question's answers at the end of its timer).
The learners exist beforehand (they joined the class); their creation is not timed.
Usage: .venv/bin/python bench/quiz_answers.py [--backend sqlite|postgres|both] [--answers 1000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from _common import verdict, write_results
from _quizdb import scratch

from bot.quiz import engine
from bot.quiz.synthetic import synthetic_banks

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TARGET_S = 1.0
WRITERS = 8


def run(backend: str, answers: int) -> dict:
    out = {}
    for mode in ("per-answer", "concurrent", "batched"):
        with scratch(backend, f"bench_answers_{mode.replace('-', '_')}") as db:
            banks = synthetic_banks(50)
            question = banks.questions[0]
            with db.write() as s:
                engine.import_banks(s, banks, now=NOW)
                learners = [engine.ensure_learner(s, "telegram", f"student{i}", now=NOW).id for i in range(answers)]
            rng = random.Random(1)
            chosen = [(rng.randrange(len(question.zh.options)),) for _ in range(answers)]

            def record(  # type: ignore[no-untyped-def]
                s, i: int, learners=learners, question_id=question.id, chosen=chosen
            ) -> None:
                engine.record_answer(
                    s,
                    learner_id=learners[i],
                    question_id=question_id,
                    chosen=chosen[i],
                    now=NOW + timedelta(milliseconds=i),
                    idempotency_key=f"poll-answer-{i}",
                    response_ms=4000 + i,
                )

            started = time.perf_counter()
            if mode == "per-answer":
                for i in range(answers):
                    with db.write() as s:
                        record(s, i)
            elif mode == "concurrent":
                from concurrent.futures import ThreadPoolExecutor

                def one(i: int) -> None:
                    db.write_retrying(lambda s: record(s, i))

                with ThreadPoolExecutor(WRITERS) as pool:
                    list(pool.map(one, range(answers)))
            else:
                with db.write() as s:
                    for i in range(answers):
                        record(s, i)
            elapsed = time.perf_counter() - started
            with db.read() as s:
                from sqlalchemy import func, select

                from bot.db.models import Attempt

                stored = s.scalar(select(func.count()).select_from(Attempt))
            assert stored == answers, f"{stored} stored, {answers} sent"
            out[mode] = {"seconds": round(elapsed, 3), "per_answer_ms": round(elapsed / answers * 1000, 2)}
            print(
                f"{backend:<9} {mode:<10} {answers} answers in {elapsed:.3f} s "
                f"({elapsed / answers * 1000:.2f} ms each)  {verdict(elapsed, TARGET_S, 's')}"
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = {b: run(b, args.answers) for b in backends}
    path = write_results("quiz_answers", {"answers": args.answers, "target_s": TARGET_S, "results": results})
    print(f"results: {path}")
    best = max(min(r[m]["seconds"] for m in r) for r in results.values())
    return 0 if best <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())

"""Next-question selection with 5,000 questions and a learner with 2,000 attempts: target p95 <= 5 ms.

Set-up (not timed): 5,000 synthetic questions over the 14 scam types and the 6 audiences; one learner (audiences
parent + elderly, plus general) answers 2,000 of them, 80 % right, spread over 60 days, so that some reviews are due
and mastery differs by type; then PostgreSQL's statistics are updated (``ANALYZE``, as autovacuum does on a live
database). Then 20 rounds of 20 questions are served: each ``next_question`` call in its own transaction (open,
choose, record the run item, commit), as the chat layers call it. Even rounds run at the end of the 60 days (many
reviews due: the "due" path), odd rounds on the day before the first answer (nothing due: mastery per type is
computed and a new question of the weakest type chosen). Both the call alone and the whole transaction are timed.
Usage: .venv/bin/python bench/quiz_next.py [--backend sqlite|postgres|both] [--calls 400]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from _common import summary_ms, verdict, write_results
from _quizdb import scratch

from bot.db.models import Learner, QuizRun
from bot.quiz import engine
from bot.quiz.synthetic import synthetic_banks

START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
NOW = START + timedelta(days=60)
TARGET_MS = 5.0
QUESTIONS = 5_000
ATTEMPTS = 2_000


def run(backend: str, calls: int) -> dict:
    with scratch(backend, "bench_next") as db:
        banks = synthetic_banks(QUESTIONS, seed=11)
        t0 = time.perf_counter()
        with db.write() as s:
            engine.import_banks(s, banks, now=START)
        imported = time.perf_counter() - t0
        rng = random.Random(5)
        with db.write() as s:
            learner = engine.ensure_learner(s, "telegram", "heavy", now=START, audiences=["parent", "elderly"])
            learner_id = learner.id
            pool = [q for q in banks.questions if {a.value for a in q.audiences} & {"parent", "elderly", "general"}]
            for i in range(ATTEMPTS):
                q = rng.choice(pool)
                right = rng.random() < 0.8
                chosen = q.answer if right else tuple(j for j in range(len(q.zh.options)) if j not in q.answer)[:1]
                engine.record_answer(
                    s,
                    learner_id=learner_id,
                    question_id=q.id,
                    chosen=chosen,
                    now=START + timedelta(minutes=i * 43),
                    idempotency_key=f"a{i}",
                )
        if backend == "postgres":
            with db.engine.connect() as c:
                c.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        print(
            f"{backend}: imported {QUESTIONS} questions in {imported:.1f} s; {ATTEMPTS} attempts recorded "
            f"({len(pool)} questions in the learner's pool)"
        )
        by_reason: dict[str, list[float]] = {}
        call_times: list[float] = []
        txn_times: list[float] = []
        reasons: dict[str, int] = {}
        run_id = None
        when = NOW
        for k in range(calls):
            if k % 20 == 0:  # a new round of 20 questions
                when = NOW if (k // 20) % 2 == 0 else START - timedelta(days=1)
                with db.write() as s:
                    run_id = engine.start_run(s, s.get(Learner, learner_id), now=when, seed=k).id
            t_txn = time.perf_counter()
            with db.write() as s:
                run = s.get(QuizRun, run_id)
                t_call = time.perf_counter()
                served = engine.next_question(s, run, now=when + timedelta(seconds=k))
                call_times.append(time.perf_counter() - t_call)
            txn_times.append(time.perf_counter() - t_txn)
            assert served is not None
            reasons[served.reason] = reasons.get(served.reason, 0) + 1
            by_reason.setdefault(served.reason, []).append(call_times[-1])
        call, txn = summary_ms(call_times), summary_ms(txn_times)
        print(
            f"{backend}: next_question p50 {call['p50_ms']} ms, p95 {call['p95_ms']} ms, max {call['max_ms']} ms "
            f"{verdict(call['p95_ms'], TARGET_MS, 'ms')}"
        )
        paths = {reason: summary_ms(times) for reason, times in by_reason.items()}
        print(
            f"{backend}: by path: "
            + ", ".join(f"{r} p50 {v['p50_ms']} / p95 {v['p95_ms']} ms" for r, v in paths.items())
        )
        print(f"{backend}: whole transaction p50 {txn['p50_ms']} ms, p95 {txn['p95_ms']} ms; reasons {reasons}")
        return {"call": call, "transaction": txn, "reasons": reasons, "by_path": paths, "import_s": round(imported, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--calls", type=int, default=400)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = {b: run(b, args.calls) for b in backends}
    path = write_results(
        "quiz_next", {"questions": QUESTIONS, "attempts": ATTEMPTS, "target_p95_ms": TARGET_MS, "results": results}
    )
    print(f"results: {path}")
    return 0 if all(r["call"]["p95_ms"] <= TARGET_MS for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

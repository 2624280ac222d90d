"""Projector page: the time from an answer recorded (the ClassroomService call returns: the answer is committed) to
the live count changing on the page, measured in the browser (target p95 <= 400 ms).

The web app (bot.web) runs under uvicorn in this process on a scratch database (SQLite by default) with the shipped
banks; headless Chromium (Playwright, Debian's chromium) opens the projector page of a running session at
1920x1080 and keeps it open on the live stream (server-sent events; the stream polls the session's version every
200 ms, so the expected latency is about half of that plus the page's work). A MutationObserver on the count
records, in the page, when each new value is drawn (``performance.timeOrigin + performance.now()``, the same wall
clock as this process's ``time.time()``). Answers are spread at random intervals (150-450 ms) so that they do not
fall in step with the poll.
Usage: .venv/bin/python bench/projector_latency.py [--answers 50] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time

from _common import summary_ms, verdict, write_results
from _quizdb import scratch

from bot.classroom.records import Mode, SessionOptions
from bot.classroom.service import ClassroomService
from bot.quiz.service import sync_banks
from bot.runtime import free_ports
from bot.web.app import create_app, stop_streams

TARGET_P95_MS = 400.0
CHROMIUM = "/usr/bin/chromium"
WATCH = """() => {
  window.__changes = [];
  const node = document.getElementById("answered-count");
  const now = () => performance.timeOrigin + performance.now();
  const seen = () => window.__changes.push({v: Number(node.textContent), t: now()});
  new MutationObserver(seen).observe(node, {childList: true, characterData: true, subtree: true});
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    import uvicorn
    from playwright.sync_api import sync_playwright

    rng = random.Random(7)
    latencies: list[float] = []
    with scratch(args.backend, "bench_projector_latency") as db:
        sync_banks(db)
        svc = ClassroomService(db)
        teacher = svc.learner_id("telegram", "teacher")
        info = svc.create_class(teacher, "Bench class", "en", "general")
        students = [svc.learner_id("telegram", f"s{i}") for i in range(args.answers)]
        for i, learner in enumerate(students):
            svc.join(info.id, learner, f"Student {i + 1}")
        session = svc.start_session(info.id, teacher, SessionOptions(count=5, seconds=120, mode=Mode.SPEED))
        opened = svc.open_next(session.id, teacher)
        assert opened is not None

        app = create_app(svc, db, bot_username="bench_bot")
        (port,) = free_ports(1)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(f"http://127.0.0.1:{port}/p/{session.projector_token}")
                page.wait_for_selector("#question:not([hidden])")
                page.evaluate(WATCH)
                for n, learner in enumerate(students, start=1):
                    time.sleep(rng.uniform(0.15, 0.45))
                    svc.record_answer(session.id, 0, learner, opened.question.answer)
                    recorded = time.time() * 1000
                    page.wait_for_function("n => window.__changes.some(c => c.v >= n)", arg=n, timeout=10_000)
                    shown = page.evaluate("n => window.__changes.find(c => c.v >= n).t", n)
                    latencies.append((shown - recorded) / 1000)
                browser.close()
        finally:
            stop_streams(app)
            server.should_exit = True
            thread.join(timeout=10)
    figures = summary_ms(latencies)
    print(
        f"projector latency, answer recorded -> count on the page ({args.backend}): n {figures['n']}, "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms  "
        f"{verdict(figures['p95_ms'], TARGET_P95_MS, 'ms')}"
    )
    out = write_results(
        "projector_latency",
        {"database": args.backend, "answers": args.answers, "target_p95_ms": TARGET_P95_MS, **figures},
    )
    print(f"results: {out}")
    return 0 if figures["p95_ms"] <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())

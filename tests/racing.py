"""Several workers at once, for the concurrency tests (classroom, campaigns, chat channels): each job in its own
thread, all released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any


def at_once(jobs: Sequence[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run every job in its own thread, released together (each thread a worker); the results in job order and the
    errors raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors

"""`antifraud serve --workers N`: what it needs that is missing is said in one line, before anything starts (the
running layout: tests/stack/test_layout_concurrency.py)."""

from __future__ import annotations

import subprocess

from bot.runtime import ROOT, free_ports

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")


def serve(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ANTIFRAUD, "serve", *options], capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_serve_without_redis_says_so_in_one_line() -> None:
    (port,) = free_ports(1)
    done = serve("--workers", "2", "--redis-url", f"redis://127.0.0.1:{port}/0")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"No Redis server at 127.0.0.1:{port} (Connection refused): start one (redis-server --daemonize yes)."
    ]


def test_serve_without_postgres_says_so_in_one_line(redis_url: str) -> None:
    (port,) = free_ports(1)
    done = serve(
        "--workers", "2", "--redis-url", redis_url, "--tracker-url", f"postgresql://postgres@127.0.0.1:{port}/t"
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"No PostgreSQL server for the tracker at 127.0.0.1:{port}"), lines

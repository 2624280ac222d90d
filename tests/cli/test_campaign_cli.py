"""`antifraud campaign validate | list | report` as an operator runs them: the definitions checked with every problem
by file and line, and the campaigns of a scratch SQLite file (one running with enrolments, deliveries and answers
made through the service; one ended) listed and reported in the terminal and as CSV."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.runtime import ROOT

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")
DRILL = ROOT / "tests" / "bot" / "campaigns" / "data" / "family_drill.yml"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ANTIFRAUD, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "ANTIFRAUD_VAR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT)}
    environment.pop("DATABASE_URL", None)
    return environment


def test_validate_a_good_file(env: dict[str, str]) -> None:
    done = run(env, "campaign", "validate", str(DRILL))
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("ok: 1 campaign(s), 4 weeks, 8 lessons, 16 quiz questions")
        and "family_drill" in done.stdout
    )


def test_validate_reports_every_problem_with_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    lines = DRILL.read_text(encoding="utf-8").splitlines()
    broken = [
        line.replace('"19:00"', '"22:00"')
        .replace("police_transfer_call", "no_such_flag")
        .replace("parents_001", "parents_999")
        for line in lines
    ]
    path = tmp_path / "family_drill.yml"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    done = run(env, "campaign", "validate", str(path))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    wanted = {
        "the send time 22:00 is inside the quiet hours": next(i for i, x in enumerate(lines, 1) if "quiet_hours" in x),
        "no_such_flag": next(i for i, x in enumerate(lines, 1) if "police_transfer_call" in x),
        "parents_999": next(i for i, x in enumerate(lines, 1) if "parents_001" in x),
    }
    for words, line in wanted.items():
        assert any(f"{path}:{line}:" in x and words in x for x in done.stderr.splitlines()), (words, done.stderr)
    assert "problem(s) in the campaign definitions" in done.stderr and "ok:" not in done.stdout

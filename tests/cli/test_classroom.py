"""`antifraud class list` and `antifraud class report` as an operator runs them, on a scratch SQLite file holding a
class that has played a session."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from bot.classroom.records import SessionOptions
from bot.classroom.service import ClassroomService
from bot.db import Database
from bot.quiz import engine
from bot.quiz.synthetic import synthetic_banks
from bot.runtime import ROOT

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ANTIFRAUD, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "ANTIFRAUD_VAR": str(tmp_path / "var")}
    environment.pop("DATABASE_URL", None)
    return environment


@pytest.fixture
def played(sqlite_db: Database) -> tuple[str, str]:
    """(database URL, join code) of a class whose one session Ann answered right and Bob wrong."""
    with sqlite_db.write() as s:
        engine.import_banks(s, synthetic_banks(42), now=NOW)
    svc = ClassroomService(sqlite_db, clock=lambda: NOW)
    teacher = svc.learner_id("telegram", "t")
    info = svc.create_class(teacher, "Class 7B", "zh", "general")
    ann, bob = svc.learner_id("telegram", "a"), svc.learner_id("telegram", "b")
    svc.join(info.id, ann, "Ann")
    svc.join(info.id, bob, "Bob")
    session = svc.start_session(info.id, teacher, SessionOptions(count=5), seed=1)
    q = svc.open_next(session.id, teacher)
    assert q is not None
    svc.record_answer(session.id, 0, ann, q.question.answer)
    svc.record_answer(
        session.id, 0, bob, [i for i in range(len(q.question.zh.options)) if i not in q.question.answer][:1]
    )
    svc.end(session.id, teacher)
    return str(sqlite_db.url), info.join_code


def test_list_the_classes(env: dict[str, str], played: tuple[str, str]) -> None:
    url, code = played
    done = run(env, "class", "list", "--db", url)
    assert done.returncode == 0, done.stderr
    assert code in done.stdout and "Class 7B" in done.stdout and "general" in done.stdout


def test_report_files_in_the_chosen_language(env: dict[str, str], played: tuple[str, str], tmp_path: Path) -> None:
    url, code = played
    csv_file, xlsx_file = tmp_path / "r.csv", tmp_path / "r.xlsx"
    done = run(
        env,
        "class",
        "report",
        code.lower(),
        "--csv",
        str(csv_file),
        "--xlsx",
        str(xlsx_file),
        "--lang",
        "en",
        "--db",
        url,
    )
    assert done.returncode == 0, done.stderr
    assert f"wrote {csv_file}" in done.stdout and f"wrote {xlsx_file}" in done.stdout
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Class report: Class 7B (2026-12-07 09:00)"]
    assert rows[4][:5] == ["1", "Ann", "1000", "1", "1"]
    assert load_workbook(xlsx_file).sheetnames == ["Students", "Questions", "Red flags", "Progress"]


def test_report_on_stdout_by_class_id_in_its_language(env: dict[str, str], played: tuple[str, str]) -> None:
    url, _code = played
    done = run(env, "class", "report", "1", "--db", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("班级报告：Class 7B")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("NOCODE",), "NOCODE: unknown code"),
        (("999",), "999: unknown class"),
        (("1", "--lang", "fr"), "--lang is zh or en"),
    ],
    ids=["unknown-code", "unknown-id", "bad-lang"],
)
def test_bad_input_gets_one_line(
    env: dict[str, str], played: tuple[str, str], args: tuple[str, ...], message: str
) -> None:
    done = run(env, "class", "report", *args, "--db", played[0])
    assert done.returncode != 0 and message in done.stderr and "Traceback" not in done.stderr

"""`antifraud campaign validate | list | report` as an operator runs them: the definitions checked with every problem
by file and line, and the campaigns of a scratch SQLite file (one running with enrolments, deliveries and answers
made through the service; one ended) listed and reported in the terminal and as CSV."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.campaigns.definition import load_definitions
from bot.campaigns.export import sheet_title
from bot.campaigns.records import Role
from bot.campaigns.service import CampaignService
from bot.classroom.service import ClassroomService
from bot.db import Database
from bot.i18n import t
from bot.knowledge import load_knowledge
from bot.quiz.bank import load_banks
from bot.quiz.service import sync_banks
from bot.runtime import ROOT

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")
DRILL = ROOT / "tests" / "bot" / "campaigns" / "data" / "family_drill.yml"
#: Monday 2026-12-07 09:00 UTC; the drill's first lesson is due at 19:00 Beijing time (11:00 UTC).
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ANTIFRAUD, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "ANTIFRAUD_VAR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT)}
    environment.pop("DATABASE_URL", None)
    return environment


def test_validate_the_shipped_campaigns(env: dict[str, str]) -> None:
    done = run(env, "campaign", "validate")  # what scripts/check.sh runs
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 2 campaign(s), 12 weeks") and "overseas_families, school_home" in done.stdout


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


@dataclass
class Played:
    url: str
    running: int
    ended: int
    wrong_option: str


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def played(sqlite_db: Database) -> Played:
    """Two campaigns of the drill: one running for Class 7B (Ann, Bob, Cai; Ann's mother linked; week 1 delivered to
    all four, Ann right and Bob wrong on its first question), one open campaign that has ended."""
    sync_banks(sqlite_db, now=NOW)
    clock = Clock()
    classroom = ClassroomService(sqlite_db, clock=clock)
    campaigns = CampaignService(sqlite_db, load_definitions(DRILL), load_knowledge(), clock=clock)
    teacher = classroom.learner_id("telegram", "t")
    info = classroom.create_class(teacher, "Class 7B", "en", "general")
    students = [classroom.learner_id("telegram", name) for name in ("ann", "bob", "cai")]
    for learner, name in zip(students, ("Ann", "Bob", "Cai"), strict=True):
        classroom.join(info.id, learner, name)
    running = campaigns.start_campaign(teacher, "family_drill", class_ids=[info.id], start=NOW.date(), lang="en")
    mother = classroom.learner_id("telegram", "mother")
    invite = campaigns.create_invite(students[0], running.id)
    campaigns.accept_invite(invite.token, mother, lang="zh", zone="beijing", display_name="Mei Ling")
    clock.now += timedelta(hours=4)
    campaigns.plan_due()
    while batch := campaigns.claim(limit=100):
        for out in batch:
            campaigns.mark_sent(out.delivery_id, out.claim, 1)
    first = load_definitions(DRILL)["family_drill"].week(1).quiz[Role.STUDENT][0]
    question = next(q for q in load_banks().questions if q.id == first)
    wrong = next(i for i in range(len(question.en.options)) if i not in question.answer)
    for learner, chosen in ((students[0], question.answer), (students[1], (wrong,))):
        campaigns.lesson(learner, running.id, 1)
        campaigns.record_answer(learner, running.id, 1, first, chosen)
    ended = campaigns.start_campaign(teacher, "family_drill", open=True, start=NOW.date(), lang="zh")
    campaigns.end_campaign(teacher, ended.id)
    return Played(str(sqlite_db.url), running.id, ended.id, question.en.options[wrong])


def test_list_the_running_campaigns(env: dict[str, str], played: Played) -> None:
    done = run(env, "campaign", "list", "--definitions", str(DRILL), "--db", played.url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == "id definition organiser classes start weeks students parents status".split()
    assert len(lines) == 2 and lines[1].split() == [
        str(played.running),
        "family_drill",
        "1",
        "1",
        "2026-12-07",
        "4",
        "3",
        "1",
        "running",
    ]
    every = run(env, "campaign", "list", "--all", "--definitions", str(DRILL), "--db", played.url)
    assert every.returncode == 0, every.stderr
    ended = every.stdout.splitlines()[2].split()
    assert ended[:4] == [str(played.ended), "family_drill", "1", "open"] and ended[-2:] == ["ended", "2026-12-07"]


def test_report_in_the_terminal(env: dict[str, str], played: Played) -> None:
    done = run(env, "campaign", "report", str(played.running), "--definitions", str(DRILL), "--db", played.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Family scam drill  [#{played.running} family_drill, from 2026-12-07, running]")
    for sheet in ("funnel", "classes", "students", "questions"):
        assert f"\n{sheet_title(sheet, 'en')}\n" in done.stdout
    students = done.stdout[done.stdout.index(sheet_title("students", "en")) :]
    assert all(name in students for name in ("Ann", "Bob", "Cai")) and "Mei Ling" not in done.stdout
    assert played.wrong_option[:20] in done.stdout


def test_report_as_csv_in_another_language(env: dict[str, str], played: Played, tmp_path: Path) -> None:
    target = tmp_path / "campaign.csv"
    done = run(
        env,
        "campaign",
        "report",
        str(played.running),
        "--csv",
        str(target),
        "--lang",
        "zh",
        "--definitions",
        str(DRILL),
        "--db",
        played.url,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {target}"
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [r[0] for r in rows if len(r) == 1] == [
        sheet_title(s, "zh") for s in ("funnel", "classes", "students", "questions")
    ]
    funnel = rows[1 : rows.index([])]
    assert funnel[1][:2] == [t("campaign.funnel_students", "zh"), "3"]  # the measure and its total
    names = [r[1] for r in rows if len(r) > 2 and r[0] == "Class 7B"]
    assert {"Ann", "Bob", "Cai"} <= set(names)


@pytest.mark.parametrize(
    ("args", "message"),
    [(("999",), "999: unknown campaign"), (("1", "--lang", "fr"), "--lang is zh or en")],
    ids=["unknown-id", "bad-lang"],
)
def test_bad_input_gets_one_line(env: dict[str, str], played: Played, args: tuple[str, ...], message: str) -> None:
    done = run(env, "campaign", "report", *args, "--definitions", str(DRILL), "--db", played.url)
    assert done.returncode != 0 and message in done.stderr and "Traceback" not in done.stderr

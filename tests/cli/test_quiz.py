"""`antifraud quiz ...` and `antifraud db ...` as a user runs them: validate, import, stats, the terminal quiz,
the report; all on a scratch SQLite file (the default kind of database)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.quiz.bank import BANKS_DIR, load_banks
from bot.quiz.model import QuestionType
from bot.runtime import ROOT

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "ANTIFRAUD_VAR": str(tmp_path / "var")}
    environment.pop("DATABASE_URL", None)
    return environment


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ANTIFRAUD, *args], input=stdin, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env
    )


def test_validate_the_shipped_banks(env: dict[str, str]) -> None:
    done = run(env, "quiz", "validate", "--coverage")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ") and "questions in 6 bank(s)" in done.stdout


def test_validate_reports_problems_with_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    text = (BANKS_DIR / "general.yml").read_text(encoding="utf-8")
    text = text.replace("scam_type: investment", "scam_type: investmnt", 1)
    bad.write_text(text, encoding="utf-8")
    done = run(env, "quiz", "validate", str(bad))
    assert done.returncode == 1
    assert "bad.yml:" in done.stderr and "unknown value 'investmnt'" in done.stderr
    assert "nothing was changed" in done.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("bank: x\nquestions: [\n", encoding="utf-8")
    done = run(env, "quiz", "validate", str(broken))
    assert done.returncode == 1 and "YAML syntax error" in done.stderr and "Traceback" not in done.stderr


def test_validate_warns_and_strict_fails(env: dict[str, str], tmp_path: Path) -> None:
    general = BANKS_DIR / "general.yml"
    question = next(
        q
        for q in load_banks(general).questions
        if q.type is QuestionType.SINGLE and len(q.en.options[q.answer[0]]) < 80
    )
    right = question.en.options[question.answer[0]]
    text = general.read_text(encoding="utf-8")
    assert text.count(f'"{right}"') == 1
    bank = tmp_path / "gameable.yml"
    bank.write_text(text.replace(f'"{right}"', f'"{right}, because it is safer"'), encoding="utf-8")
    warned = run(env, "quiz", "validate", str(bank))
    assert warned.returncode == 0, warned.stderr
    assert "warning(s))" in warned.stdout
    assert "gameable.yml:" in warned.stderr and f"{question.id}: en: right option" in warned.stderr
    strict = run(env, "quiz", "validate", "--strict", str(bank))
    assert strict.returncode == 1 and "failing (--strict)" in strict.stderr


def test_import_is_idempotent_and_retires_removed_questions(env: dict[str, str], tmp_path: Path) -> None:
    banks = tmp_path / "quizzes"
    shutil.copytree(BANKS_DIR, banks)
    first = run(env, "quiz", "import", str(banks))
    assert first.returncode == 0, first.stderr
    assert "0 updated" in first.stdout and "0 retired" in first.stdout
    again = run(env, "quiz", "import", str(banks))
    assert "0 added, 0 updated" in again.stdout and "0 retired" in again.stdout
    parents = len(load_banks(banks / "parents.yml").questions)
    (banks / "parents.yml").unlink()
    third = run(env, "quiz", "import", str(banks))
    assert f"{parents} retired" in third.stdout
    stats = json.loads(run(env, "quiz", "stats", "--json").stdout)
    assert stats["retired"] == parents


def test_a_bad_bank_changes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    banks = tmp_path / "quizzes"
    shutil.copytree(BANKS_DIR, banks)
    assert run(env, "quiz", "import", str(banks)).returncode == 0
    before = run(env, "quiz", "stats", "--json").stdout
    broken = banks / "general.yml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("answer: A", "answer: Z", 1), encoding="utf-8")
    (banks / "parents.yml").unlink()
    done = run(env, "quiz", "import", str(banks))
    assert done.returncode == 1 and "answer 'Z' is not a letter" in done.stderr
    assert run(env, "quiz", "stats", "--json").stdout == before


def test_stats_json(env: dict[str, str]) -> None:
    assert run(env, "quiz", "import").returncode == 0
    stats = json.loads(run(env, "quiz", "stats", "--json").stdout)
    assert stats["questions"] >= 240 and stats["languages"] == ["zh", "en"]
    assert min(stats["by_scam_type"].values()) >= 12 and min(stats["by_audience"].values()) >= 30
    files = json.loads(run(env, "quiz", "stats", "--json", "--files").stdout)
    assert files["questions"] == stats["questions"]


def test_terminal_quiz_and_report(env: dict[str, str]) -> None:
    # English, parent + elderly, three questions: a bad answer first, then letters.
    answers = "2\n2 3\nZ\nA\nB\nA\n"  # "A" and "B" are valid for every question type
    done = run(env, "quiz", "--size", "3", "--learner", "tester", "--seed", "7", stdin=answers)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Question 1/3" in out and "Question 3/3" in out
    assert "Please answer with the option letters" in out
    assert out.count("[") >= 3 and ("✅ Right!" in out or "❌ Not quite." in out)
    assert "Round over:" in out and "Mastery per scam type" in out
    report = json.loads(run(env, "quiz", "report", "--learner", "tester", "--json").stdout)
    assert report["attempts"] == 3
    again = run(env, "quiz", "--size", "3", "--learner", "tester", "--seed", "7", stdin=answers)
    assert "Who are you?" not in again.stdout  # the audiences were kept


def test_terminal_quiz_quits_cleanly(env: dict[str, str]) -> None:
    done = run(env, "quiz", "--lang", "zh", "--audience", "job_seeker", "--learner", "q", stdin="/quit\n")
    assert done.returncode == 0 and "再见" in done.stdout
    eof = run(env, "quiz", "--lang", "en", "--audience", "general", "--learner", "q2", stdin="")
    assert eof.returncode == 0 and "Traceback" not in eof.stderr


def test_bad_options(env: dict[str, str]) -> None:
    assert run(env, "quiz", "--lang", "fr").returncode == 2
    done = run(env, "quiz", "--audience", "kids", stdin="")
    assert done.returncode == 2 and "--audience is one of" in done.stderr
    missing = run(env, "quiz", "report", "--learner", "nobody")
    assert missing.returncode == 1 and "no learner" in missing.stderr


def test_db_upgrade_and_a_bad_url(env: dict[str, str]) -> None:
    done = run(env, "db", "upgrade")
    from bot.db.migrate import head

    assert done.returncode == 0 and f"at revision {head()}" in done.stdout
    bad = run(env, "quiz", "stats", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert bad.returncode == 1 and "cannot open the database" in bad.stderr and "Traceback" not in bad.stderr

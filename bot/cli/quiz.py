"""``antifraud quiz ...``: the terminal quiz, and validating, importing and counting the question banks, and a
learner's report."""

from __future__ import annotations

import getpass
import json
import time
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.terminal import DB_HELP, QUIT, clean_input, err, load_banks, open_database, quiz_service
from bot.i18n import DEFAULT_LANG, t

if TYPE_CHECKING:  # imported where used: `antifraud --help` does not load the quiz engine
    from bot.quiz.model import Audience
    from bot.quiz.service import QuizService

app = typer.Typer(
    help="Quizzes: `antifraud quiz` practises in the terminal; the subcommands manage the question banks.",
    invoke_without_command=True,
)


@app.command("validate")
def validate(
    path: Path | None = typer.Argument(None, help="A bank file or directory (default: quizzes/)."),
    coverage: bool = typer.Option(
        False, help="Also require the minimums: 240 questions, 12 per scam type, 30 per audience."
    ),
    strict: bool = typer.Option(
        False, help="Fail (exit 1) on warnings too: gameable questions and near-duplicates (docs/QUIZ_BANKS.md)."
    ),
) -> None:
    """Check the banks; report every problem with file and line; exit 1 if there is any.

    Then warn about what makes a quiz gameable (the right option is the longest too often, a right option gives
    its own reason, spot questions always have the same number of non-flags, near-duplicates).
    """
    from bot.quiz.bank import coverage_problems
    from bot.quiz.lint import lint

    banks = load_banks(path)
    stats = banks.stats()
    if coverage and (lacking := coverage_problems(banks)):
        for line in lacking:
            err(line)
        raise typer.Exit(1)
    warnings = lint(banks)
    for warning in warnings:
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
    if warnings and strict:
        err(f"{len(warnings)} warning(s), failing (--strict)")
        raise typer.Exit(1)
    note = f" ({len(warnings)} warning(s))" if warnings else ""
    typer.echo(f"ok: {stats['questions']} questions in {len(banks.banks)} bank(s){note}")


@app.command("import")
def import_(
    path: Path | None = typer.Argument(None, help="A bank file or directory (default: quizzes/)."),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Import the banks (idempotent): new questions added, changed ones updated, removed ones retired.

    Everything is validated first and written in one transaction: a bad bank changes nothing.
    """
    from bot.quiz import engine
    from bot.quiz.service import utcnow

    banks = load_banks(path)
    db = open_database(db_url)
    partial = path is not None and Path(path).is_file()
    typer.secho(
        f"importing {len(banks.questions)} questions from {len(banks.banks)} bank(s) ...",
        err=True,
        fg=typer.colors.BRIGHT_BLACK,
    )
    result = db.write_retrying(lambda s: engine.import_banks(s, banks, now=utcnow(), partial=partial))
    typer.echo(f"ok: {result}")


@app.command("stats")
def stats(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
    files: bool = typer.Option(False, "--files", help="Count the bank files instead of the database."),
) -> None:
    """Questions per scam type, audience and language (in the database, or in the files with --files)."""
    from bot.quiz import engine

    if files:
        data = load_banks(None).stats()
    else:
        db = open_database(db_url)
        with db.read() as s:
            data = engine.stats(s)
        if not data["questions"]:
            err("no questions in the database yet: run `antifraud quiz import`")
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{data['questions']} questions; languages: {', '.join(data['languages']) or '-'}")
    for title, key in (("by scam type", "by_scam_type"), ("by audience", "by_audience")):
        typer.echo(f"\n{title}:")
        for name, n in data[key].items():
            typer.echo(f"  {name:<26} {n}")


@app.command("report")
def report_cmd(
    learner: str = typer.Option(getpass.getuser(), help="Whose report (terminal learners are keyed by this name)."),
    lang: str = typer.Option("zh", help="zh or en."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """A terminal learner's progress: mastery per scam type, accuracy, streak, due reviews, weakest red flags."""
    from bot.quiz.present import format_report
    from bot.quiz.service import QuizService

    service = QuizService(open_database(db_url))
    report = service.report("cli", learner)
    if report is None:
        err(f"no learner {learner!r} yet: run `antifraud quiz --learner {learner}`")
        raise typer.Exit(1)
    typer.echo(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
        if as_json
        else format_report(report, lang, tz=local_zone())
    )


def _round_size() -> int:
    from bot.settings import settings

    return settings().round_size


@app.callback()
def quiz(
    ctx: typer.Context,
    lang: str | None = typer.Option(None, help="zh or en (asked if not given)."),
    audience: list[str] | None = typer.Option(
        None,
        help="overseas_student, parent, elderly, online_shopper, job_seeker or general; "
        "repeat for several (asked the first time).",
    ),
    size: int = typer.Option(
        default_factory=_round_size,
        min=1,
        max=100,
        show_default="ANTIFRAUD_ROUND_SIZE or 5",
        help="Questions in the round.",
    ),
    learner: str = typer.Option(getpass.getuser(), help="Your name here: progress is kept per name."),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
    seed: int | None = typer.Option(None, help="Fix the random choices (for a reproducible round)."),
) -> None:
    """Practise in the terminal: pick language and audience, answer, read why, see your progress."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.quiz.model import Audience

    if lang not in (None, "zh", "en"):
        err("--lang is zh or en")
        raise typer.Exit(2)
    try:
        wanted = [Audience(a) for a in audience] if audience else None
    except ValueError:
        err("--audience is one of: " + ", ".join(a.value for a in Audience))
        raise typer.Exit(2) from None
    service = quiz_service(db_url)
    try:
        _play(service, learner, lang, wanted, size, seed)
    except (KeyboardInterrupt, EOFError):
        typer.echo("\n" + t("terminal.bye", DEFAULT_LANG))


def local_zone() -> tzinfo | None:
    """This machine's time zone: a terminal learner's times are shown in it."""
    return datetime.now().astimezone().tzinfo


def _ask(prompt: str) -> str:
    raw = clean_input(input(prompt))
    if raw.lower() in QUIT:
        raise EOFError
    return raw


def _play(
    service: QuizService, learner: str, lang: str | None, audiences: list[Audience] | None, size: int, seed: int | None
) -> None:
    from bot.quiz.model import Audience
    from bot.quiz.present import audience_name, format_feedback, format_question, format_report, parse_choice

    profile = service.profile("cli", learner)
    if lang is None:
        typer.echo(t("terminal.choose_language", DEFAULT_LANG))  # bilingual: the language is not known yet
        answer = _ask("> ")
        lang = "en" if answer.strip() in ("2", "en", "English", "english") else "zh"
    if audiences is None and (profile.is_new or not profile.audiences):
        names = list(Audience)
        typer.echo(t("terminal.quiz_who", lang))
        for i, a in enumerate(names, 1):
            typer.echo(f"  [{i}] {audience_name(a, lang)}")
        picked = []
        for token in _ask("> ").replace(",", " ").split():
            if token.isdigit() and 1 <= int(token) <= len(names):
                picked.append(names[int(token) - 1])
        audiences = picked or [Audience.GENERAL]
    profile = service.profile("cli", learner, lang=lang, audiences=audiences)
    typer.echo(t("terminal.quiz_how", lang))
    served = service.start("cli", learner, lang=lang, size=size, resume=False, seed=seed)
    if served is None:
        typer.echo(t("terminal.quiz_no_questions", lang))
        return
    answered = None
    while served is not None:
        typer.echo("\n" + format_question(served.question, lang, served.position, size))
        shown = time.perf_counter()
        while True:
            choice = parse_choice(_ask("> "), served.question, lang)
            if choice.problem is None:
                break
            typer.secho(choice.problem, fg=typer.colors.YELLOW)
        elapsed = int((time.perf_counter() - shown) * 1000)
        answered = service.answer("cli", learner, served, choice.indices, response_ms=elapsed)
        colour = typer.colors.GREEN if answered.result.correct else typer.colors.RED
        typer.secho("\n" + format_feedback(served.question, answered.result.correct, lang), fg=colour)
        typer.secho(f"[{answered.right}/{answered.total}]", fg=typer.colors.BRIGHT_BLACK)
        served = answered.next
    if answered is not None:
        typer.echo("\n" + t("quiz.summary", lang, right=answered.right, total=answered.total))
    report = service.report("cli", learner)
    if report is not None:
        typer.echo("\n" + format_report(report, lang, tz=local_zone()))

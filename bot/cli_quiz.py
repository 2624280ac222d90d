"""``antifraud quiz ...`` (the terminal quiz; validate, import, stats and report) and ``antifraud db ...``."""

from __future__ import annotations

import getpass
import json
import time
from pathlib import Path
from typing import Optional

import typer

from bot.quiz.bank import BankError, coverage_problems, load_banks

quiz_app = typer.Typer(
    help="Quizzes: `antifraud quiz` practises in the terminal; the subcommands manage the question banks.",
    invoke_without_command=True,
)
db_app = typer.Typer(no_args_is_help=True, help="The database (SQLite by default, or $DATABASE_URL).")

QUIT = {"/quit", "/exit", "/q", "退出"}
DB_HELP = "Database URL (default: $DATABASE_URL, else the SQLite file var/antifraud.db)."


def _err(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)


def _load(path: Optional[Path]):  # type: ignore[no-untyped-def]
    try:
        return load_banks(path)
    except BankError as error:
        for problem in error.problems:
            _err(str(problem))
        _err(f"{len(error.problems)} problem(s); nothing was changed.")
        raise typer.Exit(1) from None


def _database(url: Optional[str]):  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db import Database

    try:
        db = Database(url)
        db.migrate()
    except (SQLAlchemyError, OSError, ValueError) as error:
        _err(f"cannot open the database {url or ''}: {str(error).splitlines()[0]}")
        raise typer.Exit(1) from None
    return db


@quiz_app.command("validate")
def validate(
    path: Optional[Path] = typer.Argument(None, help="A bank file or directory (default: quizzes/)."),
    coverage: bool = typer.Option(False, help="Also require the minimums: 240 questions, 12 per scam type, 30 per audience."),
) -> None:
    """Check the banks; report every problem with file and line; exit 1 if there is any."""
    banks = _load(path)
    stats = banks.stats()
    if coverage and (lacking := coverage_problems(banks)):
        for line in lacking:
            _err(line)
        raise typer.Exit(1)
    typer.echo(f"ok: {stats['questions']} questions in {len(banks.banks)} bank(s)")


@quiz_app.command("import")
def import_(
    path: Optional[Path] = typer.Argument(None, help="A bank file or directory (default: quizzes/)."),
    db_url: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Import the banks (idempotent): new questions added, changed ones updated, removed ones retired.

    Everything is validated first and written in one transaction: a bad bank changes nothing.
    """
    from bot.quiz import engine
    from bot.quiz.service import utcnow

    banks = _load(path)
    db = _database(db_url)
    partial = path is not None and Path(path).is_file()
    typer.secho(f"importing {len(banks.questions)} questions from {len(banks.banks)} bank(s) ...", err=True,
                fg=typer.colors.BRIGHT_BLACK)
    result = db.write_retrying(lambda s: engine.import_banks(s, banks, now=utcnow(), partial=partial))
    typer.echo(f"ok: {result}")


@quiz_app.command("stats")
def stats(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db_url: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    files: bool = typer.Option(False, "--files", help="Count the bank files instead of the database."),
) -> None:
    """Questions per scam type, audience and language (in the database, or in the files with --files)."""
    from bot.quiz import engine

    if files:
        data = _load(None).stats()
    else:
        db = _database(db_url)
        with db.read() as s:
            data = engine.stats(s)
        if not data["questions"]:
            _err("no questions in the database yet: run `antifraud quiz import`")
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{data['questions']} questions; languages: {', '.join(data['languages']) or '-'}")
    for title, key in (("by scam type", "by_scam_type"), ("by audience", "by_audience")):
        typer.echo(f"\n{title}:")
        for name, n in data[key].items():
            typer.echo(f"  {name:<26} {n}")


@quiz_app.command("report")
def report_cmd(
    learner: str = typer.Option(getpass.getuser(), help="Whose report (terminal learners are keyed by this name)."),
    lang: str = typer.Option("zh", help="zh or en."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db_url: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """A terminal learner's progress: mastery per scam type, accuracy, streak, due reviews, weakest red flags."""
    from bot.quiz.present import format_report
    from bot.quiz.service import QuizService

    service = QuizService(_database(db_url))
    report = service.report("cli", learner)
    if report is None:
        _err(f"no learner {learner!r} yet: run `antifraud quiz --learner {learner}`")
        raise typer.Exit(1)
    typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else format_report(report, lang))


@quiz_app.callback()
def quiz(
    ctx: typer.Context,
    lang: Optional[str] = typer.Option(None, help="zh or en (asked if not given)."),
    audience: Optional[list[str]] = typer.Option(None, help="overseas_student, parent, elderly, online_shopper, job_seeker or general; repeat for several (asked the first time)."),
    size: int = typer.Option(10, min=1, max=100, help="Questions in the round."),
    learner: str = typer.Option(getpass.getuser(), help="Your name here: progress is kept per name."),
    db_url: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    seed: Optional[int] = typer.Option(None, help="Fix the random choices (for a reproducible round)."),
) -> None:
    """Practise in the terminal: pick language and audience, answer, read why, see your progress."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.quiz.model import Audience
    from bot.quiz.service import QuizService

    if lang not in (None, "zh", "en"):
        _err("--lang is zh or en")
        raise typer.Exit(2)
    try:
        wanted = [Audience(a) for a in audience] if audience else None
    except ValueError:
        _err("--audience is one of: " + ", ".join(a.value for a in Audience))
        raise typer.Exit(2) from None
    service = QuizService(_database(db_url))
    try:
        service.prepare()
    except BankError as error:
        _err(str(error))
        raise typer.Exit(1) from None
    try:
        _play(service, learner, lang, wanted, size, seed)
    except (KeyboardInterrupt, EOFError):
        typer.echo("\n再见 / Bye.")


def _ask(prompt: str) -> str:
    from bot.cli import clean_input

    raw = clean_input(input(prompt))
    if raw.lower() in QUIT:
        raise EOFError
    return raw


def _play(service, learner: str, lang: Optional[str], audiences, size: int, seed: Optional[int]) -> None:  # type: ignore[no-untyped-def]
    from bot.quiz.model import Audience
    from bot.quiz.present import (
        audience_name,
        format_feedback,
        format_question,
        format_report,
        parse_choice,
        text,
    )

    profile = service.profile("cli", learner)
    if lang is None:
        typer.echo("语言 / Language:  [1] 中文  [2] English")
        answer = _ask("> ")
        lang = "en" if answer.strip() in ("2", "en", "English", "english") else "zh"
    if audiences is None and (profile.is_new or not profile.audiences):
        names = list(Audience)
        prompt = "你是？（可多选，如 1 3；回车=所有人）" if lang == "zh" else "Who are you? (several allowed, e.g. 1 3; Enter = everyone)"
        typer.echo(prompt)
        for i, a in enumerate(names, 1):
            typer.echo(f"  [{i}] {audience_name(a, lang)}")
        picked = []
        for token in _ask("> ").replace(",", " ").split():
            if token.isdigit() and 1 <= int(token) <= len(names):
                picked.append(names[int(token) - 1])
        audiences = picked or [Audience.GENERAL]
    profile = service.profile("cli", learner, lang=lang, audiences=audiences)
    typer.echo("（输入字母作答，/quit 退出）" if lang == "zh" else "(Type the letter(s) to answer, /quit to leave.)")
    served = service.start("cli", learner, lang=lang, size=size, resume=False, seed=seed)
    if served is None:
        typer.echo("题库里没有适合你的题目。" if lang == "zh" else "No questions for you in the banks.")
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
        typer.echo("\n" + text("summary", lang, right=answered.right, total=answered.total))
    report = service.report("cli", learner)
    if report is not None:
        typer.echo("\n" + format_report(report, lang))


@db_app.command("upgrade")
def db_upgrade(db_url: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create or migrate the schema to the newest version (Alembic upgrade head)."""
    from bot.db.database import redacted
    from bot.db.migrate import current

    db = _database(db_url)
    typer.echo(f"ok: {redacted(db.url)} at revision {current(db)}")


@db_app.command("revision")
def db_revision(message: str = typer.Option(..., "-m", help="What changed.")) -> None:
    """(Developers) Write a new migration: autogenerated against a scratch SQLite database, to read and edit."""
    import tempfile

    from bot.db import Database
    from bot.db.migrate import revision

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/scratch.db")
        db.migrate()
        revision(db, message)
        db.dispose()


def telegram(
    webhook_url: Optional[str] = typer.Option(None, "--webhook-url", help="Run behind this https webhook URL (with a secret token) instead of long polling."),
    listen: str = typer.Option("127.0.0.1", help="Webhook: the address to listen on."),
    port: int = typer.Option(8443, help="Webhook: the port to listen on."),
    rasa_url: Optional[str] = typer.Option(None, help="A running Rasa server (default: start Rasa and the action server)."),
    rasa_token: Optional[str] = typer.Option(None, help="The running Rasa server's auth token, if it has one."),
    db_url: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Run the Telegram bot. The token comes from TELEGRAM_BOT_TOKEN; TELEGRAM_API_BASE_URL points it at another
    Bot API server."""
    import logging

    from bot.privacy import MaskingFilter
    from bot.telegram.config import ConfigError, TelegramConfig

    try:
        config = TelegramConfig.from_env(webhook_url, listen, port)
    except ConfigError as error:
        _err(str(error))
        raise typer.Exit(2) from None
    from bot import runtime
    from bot.knowledge import load_knowledge
    from bot.quiz.service import QuizService
    from bot.telegram.app import build_application, run
    from bot.telegram.assistant import Assistant
    from bot.telegram.handlers import Services

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskingFilter())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the bot token
    quiz = QuizService(_database(db_url))
    try:
        quiz.prepare()
    except BankError as error:
        _err(str(error))
        raise typer.Exit(1) from None
    stack = None
    if rasa_url is None:
        try:
            stack = runtime.start_stack(database_url=quiz.db.url.render_as_string(hide_password=False),
                                        echo=lambda m: typer.secho(m, err=True, fg=typer.colors.BRIGHT_BLACK))
        except runtime.RuntimeProblem as problem:
            _err(str(problem))
            raise typer.Exit(1) from None
        rasa_url, rasa_token = stack.rasa_url, stack.token
    services = Services(quiz=quiz, assistant=Assistant(rasa_url, rasa_token), kb=load_knowledge())
    try:
        run(build_application(config, services), config)
    finally:
        if stack is not None:
            stack.stop()

"""What every ``antifraud`` command shares in the terminal: messages on stderr, cleaning typed input, starting the
servers, opening the database and loading the banks, each ending the command with a one-line reason on failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from bot import runtime
    from bot.db import Database
    from bot.quiz.bank import Banks
    from bot.quiz.service import QuizService

MAX_INPUT = 20_000  # characters of one message we pass on; longer input is cut (and the user told)
QUIT = {"/quit", "/exit", "/q", "退出"}
DB_HELP = "Database URL (default: $DATABASE_URL, else the SQLite file var/antifraud.db)."


def err(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)


def status(message: str) -> None:
    typer.secho(message, fg=typer.colors.BRIGHT_BLACK, err=True)


def clean_input(raw: str) -> str:
    """Drop control characters (binary junk) and surrounding space; keep every printable character."""
    return "".join(ch for ch in raw if ch.isprintable() or ch in "\n\t").strip()


def render(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The bot's messages as terminal text, with buttons as numbered choices; returns (text, buttons)."""
    parts: list[str] = []
    buttons: list[dict[str, Any]] = []
    for message in messages:
        if message.get("text"):
            parts.append(str(message["text"]))
        buttons += list(message.get("buttons") or [])
    text = "\n\n".join(parts)
    if buttons:
        text += "\n\n" + "\n".join(f"  [{i}] {button.get('title')}" for i, button in enumerate(buttons, 1))
    return text, buttons


@contextmanager
def starting() -> Iterator[None]:
    """Servers being started: a problem ends the command with the reason in one line, Ctrl-C with "Stopped."
    (``runtime.start_stack`` and ``layout.start_layout`` stop what they started before they raise)."""
    from bot import runtime

    try:
        yield
    except runtime.RuntimeProblem as problem:
        err(str(problem))
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err("Stopped.")
        raise typer.Exit(130) from None


def start_stack(tracker_db: Path | None = None, database_url: str | None = None) -> runtime.Stack:
    """Start the servers, or end the command with the reason in one line."""
    from bot import runtime

    with starting():
        return runtime.start_stack(tracker_db=tracker_db, database_url=database_url, echo=status)


def open_database(url: str | None) -> Database:
    """The database at ``url`` (default: the settings'), migrated; or end the command with the reason."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db import Database

    try:
        db = Database(url)
        db.migrate()
    except (SQLAlchemyError, OSError, ValueError) as error:
        err(f"cannot open the database {url or ''}: {str(error).splitlines()[0]}")
        raise typer.Exit(1) from None
    return db


def quiz_service(url: str | None) -> QuizService:
    """The quiz service on the database at ``url``, its banks imported if they changed; or every bank problem and
    exit 1."""
    from bot.quiz.bank import BankError
    from bot.quiz.service import QuizService

    service = QuizService(open_database(url))
    try:
        service.prepare()
    except BankError as error:
        err(str(error))
        raise typer.Exit(1) from None
    return service


def load_banks(path: Path | None) -> Banks:
    """The question banks at ``path`` (default: quizzes/), or every problem with file and line and exit 1."""
    from bot.quiz.bank import BankError
    from bot.quiz.bank import load_banks as load

    try:
        return load(path)
    except BankError as error:
        for problem in error.problems:
            err(str(problem))
        err(f"{len(error.problems)} problem(s); nothing was changed.")
        raise typer.Exit(1) from None

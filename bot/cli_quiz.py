"""``antifraud quiz ...``: the terminal quiz and the bank commands (validate, import, stats)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from bot.quiz.bank import BankError, load_banks

quiz_app = typer.Typer(help="Quizzes: practise in the terminal, or manage the question banks.")


def _err(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)


def _load(path: Optional[Path]):
    try:
        return load_banks(path)
    except BankError as error:
        for problem in error.problems:
            _err(str(problem))
        _err(f"{len(error.problems)} problem(s); nothing was changed.")
        raise typer.Exit(1) from None


@quiz_app.command("validate")
def validate(path: Optional[Path] = typer.Argument(None, help="A bank file or directory (default: quizzes/).")) -> None:
    """Check the banks; report every problem with file and line; exit 1 if there is any."""
    banks = _load(path)
    stats = banks.stats()
    typer.echo(f"ok: {stats['questions']} questions in {len(banks.banks)} bank(s)")

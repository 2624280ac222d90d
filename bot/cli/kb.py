"""``antifraud kb ...``: the scam knowledge base."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.terminal import err

app = typer.Typer(no_args_is_help=True, help="The scam knowledge base.")


@app.command("validate")
def validate(
    path: Path | None = typer.Argument(None, help="Knowledge-base directory (default: the built-in one)."),
) -> None:
    """Validate the knowledge base; report every problem with its file and line."""
    from bot.knowledge import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge(path)
    except KnowledgeError as error:
        err(str(error))
        raise typer.Exit(1) from None
    typer.echo(f"ok: {len(kb.scams)} scam types, {len(kb.red_flags)} red flags, {len(kb.countries)} countries")

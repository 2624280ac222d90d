"""The ``antifraud`` command: one module per command group, wired here.

- ``chat``: chat, check, serve (the assistant through the Rasa stack)
- ``model``: train, nlu-eval
- ``kb``: kb validate
- ``quiz``: quiz (the terminal quiz), quiz validate / import / stats / report
- ``db``: db upgrade / revision
- ``telegram``: telegram
- ``web``: web (the web app alone, with the web chat)
- ``classroom``: class list / report (classroom quiz sessions)
- ``campaign``: campaign validate / list / report (parent-student campaigns)
- ``terminal``: what they share (messages, input cleaning, starting the servers, opening the database)
"""

from __future__ import annotations

import typer

from bot.cli import campaign, chat, classroom, db, kb, model, quiz, telegram, web

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Anti-fraud education assistant (中文 / English).")
app.add_typer(kb.app, name="kb")
app.add_typer(quiz.app, name="quiz")
app.add_typer(db.app, name="db")
app.add_typer(classroom.app, name="class")
app.add_typer(campaign.app, name="campaign")
app.command("telegram")(telegram.telegram)
app.command("web")(web.web)
app.command("chat")(chat.chat)
app.command("check")(chat.check)
app.command("train")(model.train)
app.command("serve")(chat.serve)
app.command("nlu-eval")(model.nlu_eval)


def main() -> None:
    """The ``antifraud`` entry point: the settings are checked first, so that a bad one ends any command with every
    problem listed (exit code 2), not a traceback."""
    from bot.cli.terminal import err
    from bot.settings import SettingsError, settings

    try:
        settings()
    except SettingsError as error:
        err(f"{len(error.problems)} bad setting(s) (environment or .env):")
        for problem in error.problems:
            err(f"  {problem}")
        raise SystemExit(2) from None
    app()


if __name__ == "__main__":
    main()

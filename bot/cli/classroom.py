"""``antifraud class ...``: the operator's view of the classroom quiz sessions: the classes (``list``) and a class's
report (``report``) as CSV or XLSX files, in the class's language or another."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.terminal import DB_HELP, err, open_database

app = typer.Typer(help="Classroom quiz sessions: list the classes, export a class's report.", no_args_is_help=True)


@app.command("list")
def list_classes(db_url: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Every class: id, join code, members, language, audience, teacher (learner id), name, running session."""
    from bot.classroom.service import ClassroomService

    service = ClassroomService(open_database(db_url))
    found = service.all_classes()
    if not found:
        typer.echo("no classes yet (a teacher creates one in Telegram)")
        return
    typer.echo(f"{'id':>5}  {'code':<6}  {'members':>7}  lang  {'audience':<16}  {'teacher':>7}  name")
    for c in found:
        running = service.running_session(c.id)
        note = f"  [session {running.id}: {running.phase.value}]" if running else ""
        line = (
            f"{c.id:>5}  {c.join_code:<6}  {c.members:>7}  {c.lang:<4}  {c.audience:<16}  {c.teacher_id:>7}  {c.name}"
        )
        typer.echo(line + note)


@app.command("report")
def report(
    target: str = typer.Argument(..., metavar="CLASS", help="The class: its id or its join code."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the report as CSV (UTF-8, for Excel) here."),
    xlsx_file: Path | None = typer.Option(None, "--xlsx", help="Write the report as an XLSX workbook here."),
    session: int | None = typer.Option(None, help="The session in detail (default: the latest that started)."),
    lang: str | None = typer.Option(None, help="zh or en (default: the class's language)."),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """A class's report: per student, per question (with the class's misconception), per red flag, progress across
    sessions. Without --csv or --xlsx the CSV is printed."""
    from bot.classroom.export import report_csv, report_xlsx
    from bot.classroom.records import ClassroomError
    from bot.classroom.service import ClassroomService

    if lang not in (None, "zh", "en"):
        err("--lang is zh or en")
        raise typer.Exit(2)
    service = ClassroomService(open_database(db_url))
    try:
        info = service.class_by_id(int(target)) if target.strip().isdigit() else service.class_by_code(target)
        data = service.class_report(info.id, None, session_id=session)
    except ClassroomError as error:
        err(f"{target}: {error.key.replace('_', ' ')}")
        raise typer.Exit(1) from None
    language = lang or info.lang
    text = report_csv(data, language)
    if csv_file is None and xlsx_file is None:
        typer.echo(text, nl=False)
        return
    if csv_file is not None:
        csv_file.write_text(text, encoding="utf-8-sig")
        typer.echo(f"wrote {csv_file}")
    if xlsx_file is not None:
        xlsx_file.write_bytes(report_xlsx(data, language))
        typer.echo(f"wrote {xlsx_file}")

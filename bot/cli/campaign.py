"""``antifraud campaign ...``: the operator's view of the parent-student campaigns (issue 11): checking the definitions
(``validate``: every problem with file and line, as ``quiz validate`` does for the banks), the campaigns in the
database (``list``) and a campaign's report (``report``: its tables in the terminal, or as CSV for Excel)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.terminal import DB_HELP, err, load_banks, open_database

if TYPE_CHECKING:  # imported where used: `antifraud --help` does not load the campaign engine
    from bot.campaigns.records import Definition
    from bot.campaigns.service import CampaignService

app = typer.Typer(
    help="Parent-student campaigns: validate the definitions, list the campaigns, a campaign's report.",
    no_args_is_help=True,
)


def _definitions(path: Path | None) -> dict[str, Definition]:
    """The definitions at ``path`` (default: campaigns/), checked against the knowledge base and the banks; or every
    problem with file and line and exit 1."""
    from bot.campaigns.definition import DefinitionError, bank_questions, load_definitions

    banks = load_banks(None)  # a bank problem ends the command here, listed the same way
    try:
        return load_definitions(path, None, bank_questions(banks))
    except DefinitionError as error:
        for problem in error.problems:
            err(str(problem))
        err(f"{len(error.problems)} problem(s) in the campaign definitions.")
        raise typer.Exit(1) from None


@app.command("validate")
def validate(
    path: Path | None = typer.Argument(None, help="A campaign file or directory (default: campaigns/)."),
) -> None:
    """Check the campaign definitions against the knowledge base and the question banks; report every problem with
    file and line; exit 1 if there is any."""
    found = _definitions(path)
    weeks = sum(len(d.weeks) for d in found.values())
    lessons = sum(len(w.lessons) for d in found.values() for w in d.weeks)
    questions = sum(len(ids) for d in found.values() for w in d.weeks for ids in w.quiz.values())
    plans = sum(1 for d in found.values() for w in d.weeks if w.activity is not None)
    typer.echo(
        f"ok: {len(found)} campaign(s), {weeks} weeks, {lessons} lessons, {questions} quiz questions, "
        f"{plans} family activities ({', '.join(sorted(found))})"
    )


DEFINITIONS_HELP = "The campaign definitions: a file or directory (default: campaigns/)."


def _service(db_url: str | None, definitions: Path | None) -> CampaignService:
    from bot.campaigns.service import CampaignService
    from bot.knowledge import load_knowledge

    plans = _definitions(definitions)
    return CampaignService(open_database(db_url), plans, load_knowledge())


@app.command("list")
def list_campaigns(
    everything: bool = typer.Option(False, "--all", help="Also the campaigns that have ended."),
    definitions: Path | None = typer.Option(None, help=DEFINITIONS_HELP),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """The running campaigns: id, definition, organiser (learner id), classes (or open), start, weeks, enrolled
    students and parents."""
    service = _service(db_url, definitions)
    found = [c for c in service.all_campaigns() if everything or c.ended_at is None]
    if not found:
        typer.echo("no campaigns" + (" yet" if everything else " running") + " (an organiser starts one in Telegram)")
        return
    typer.echo(
        f"{'id':>5}  {'definition':<22}  {'organiser':>9}  {'classes':<12}  {'start':<10}  weeks  "
        f"{'students':>8}  {'parents':>7}  status"
    )
    for c in found:
        funnel = service.report(None, c.id, c.lang).funnel
        classes = ",".join(str(i) for i in c.class_ids) + (("," if c.class_ids else "") + "open" if c.open else "")
        status = f"ended {c.ended_at:%Y-%m-%d}" if c.ended_at else "running"
        typer.echo(
            f"{c.id:>5}  {c.definition_id:<22}  {c.organiser_id:>9}  {classes or '-':<12}  {c.start.isoformat():<10}  "
            f"{c.weeks:>5}  {funnel.enrolled_students:>8}  {funnel.enrolled_parents:>7}  {status}"
        )


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table_text(name: str, rows: list[list[Any]], max_column: int = 48) -> str:
    """One table as aligned columns under its name; numbers right-aligned, long cells cut with an ellipsis."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value).replace("\n", " ")
        if width(text) <= max_column:
            return text
        kept = ""
        for ch in text:
            if width(kept + ch) >= max_column:
                break
            kept += ch
        return kept + "…"

    cells = [[cell(v) for v in row] for row in rows]
    columns = max((len(r) for r in cells), default=0)
    widths = [max((width(r[i]) for r in cells if i < len(r)), default=0) for i in range(columns)]
    lines = [name, "=" * width(name)]
    for row, raw in zip(cells, rows, strict=True):
        parts = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - width(text))
            numeric = isinstance(raw[i], int | float) and not isinstance(raw[i], bool)
            parts.append(pad + text if numeric else text + pad)
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


@app.command("report")
def report(
    campaign_id: int = typer.Argument(..., metavar="ID", help="The campaign's id (see `antifraud campaign list`)."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the report's tables as CSV (UTF-8, for Excel)."),
    lang: str | None = typer.Option(None, help="zh or en (default: the campaign's language)."),
    definitions: Path | None = typer.Option(None, help=DEFINITIONS_HELP),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """A campaign's report: the funnel (enrolled, parents linked, lessons delivered, opened, quizzes answered,
    plans made, opted out), week by week, per class with each student's completion, and each week's quiz results
    with the most chosen wrong answers. In the terminal, and with --csv as a file."""
    from bot.campaigns.export import report_csv, sheet_title
    from bot.campaigns.records import CampaignError

    if lang not in (None, "zh", "en"):
        err("--lang is zh or en")
        raise typer.Exit(2)
    service = _service(db_url, definitions)
    try:
        info = service.campaign(campaign_id)
        language = lang or info.lang
        data = service.report(None, campaign_id, language)
    except CampaignError as error:
        err(f"{campaign_id}: {error.key.removeprefix('campaign.').replace('_', ' ')}")
        raise typer.Exit(1) from None
    if csv_file is not None:
        csv_file.write_text(report_csv(data, language), encoding="utf-8-sig")
        typer.echo(f"wrote {csv_file}")
        return
    status = f"ended {info.ended_at:%Y-%m-%d}" if info.ended_at else "running"
    typer.echo(f"{info.title.get(language)}  [#{info.id} {info.definition_id}, from {info.start}, {status}]")
    for sheet, rows in service.export_rows(data, language).items():
        typer.echo("\n" + table_text(sheet_title(sheet, language), rows))

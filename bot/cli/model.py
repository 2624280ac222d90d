"""``antifraud train`` and ``antifraud nlu-eval``: the Rasa model, trained from our data and evaluated held-out."""

from __future__ import annotations

from pathlib import Path

import typer

from bot import runtime
from bot.cli.terminal import err, start_stack
from bot.settings import ROOT


def train(force: bool = typer.Option(False, help="Train even if the model is up to date.")) -> None:
    """Train the Rasa model if the data or config changed."""
    try:
        runtime.train(force=force, echo=typer.echo)
    except runtime.RuntimeProblem as problem:
        err(str(problem))
        raise typer.Exit(1) from None


def nlu_eval(
    min_macro_f1: float | None = typer.Option(
        None, help="Fail when the scam-type macro-F1 is below this (default: the CI gate, bot/assistant/evaluate.py)."
    ),
    report: Path = typer.Option(ROOT / "results" / "nlu_eval.json", help="Where to write the full report."),
) -> None:
    """Evaluate the NLU on the held-out set (never trained on): per-class P/R/F1 for kind, scam type, urgency."""
    from bot.assistant import evaluate

    examples = evaluate.heldout_examples()
    stack = start_stack()
    try:
        result = evaluate.evaluate(examples, stack.parse)
    finally:
        stack.stop()
    evaluate.write_report(result, report)
    typer.echo(evaluate.format_report(result))
    typer.echo(f"\nfull report: {report}")
    failed = []
    floor = evaluate.MIN_SCAM_MACRO_F1 if min_macro_f1 is None else min_macro_f1
    for name, value, passed in evaluate.gates(result, floor):
        shown = "n/a (no slice file)" if value is None else f"{value:.3f}"
        typer.echo(f"  {'ok  ' if passed else 'FAIL'} {name}: {shown}")
        if not passed:
            failed.append(name)
    for name, value, met in evaluate.targets(result):
        typer.echo(f"  {'met ' if met else 'not met'} {name}: {value:.3f}")
    if failed:
        err("FAIL: " + "; ".join(failed))
        raise typer.Exit(1)

"""The ``antifraud`` command: chat in the terminal, check messages, train, validate."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Optional

import typer

from bot import runtime
from bot.analysis import analyse
from bot.cli_quiz import db_app, quiz_app, telegram
from bot.lang import reply_language
from bot.privacy import mask

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Anti-fraud education assistant (中文 / English).")
kb_app = typer.Typer(no_args_is_help=True, help="The scam knowledge base.")
app.add_typer(kb_app, name="kb")
app.add_typer(quiz_app, name="quiz")
app.add_typer(db_app, name="db")
app.command("telegram")(telegram)

MAX_INPUT = 20_000  # characters of one message we pass on; longer input is cut (and the user told)
QUIT = {"/quit", "/exit", "/q", "退出"}


def _err(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)


def _status(message: str) -> None:
    typer.secho(message, fg=typer.colors.BRIGHT_BLACK, err=True)


def _start(tracker_db: Path | None = None) -> runtime.Stack:
    """Start the servers, or end the command with the reason in one line."""
    try:
        return runtime.start_stack(tracker_db=tracker_db, echo=_status)
    except runtime.RuntimeProblem as problem:
        _err(str(problem))
        raise typer.Exit(1)
    except KeyboardInterrupt:  # Ctrl-C while the servers start: start_stack has already stopped them
        _err("Stopped.")
        raise typer.Exit(130)


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


@app.command()
def chat(
    sender: Optional[str] = typer.Option(None, help="Conversation id (default: a new one)."),
    tracker_db: Path = typer.Option(runtime.VAR / "tracker.db", help="SQLite file for the conversation history."),
) -> None:
    """Chat with the assistant in the terminal. /quit or Ctrl-C ends it."""
    stack = _start(tracker_db=tracker_db)
    sender = sender or stack.new_sender()
    buttons: list[dict[str, Any]] = []
    typer.secho("反诈助手 / Anti-fraud assistant — 输入 /quit 退出, type /quit to leave.", bold=True)
    try:
        first, buttons = render(stack.send(sender, "/greet"))
        typer.echo(f"\n🤖 {first}\n")
        while True:
            try:
                raw = input("你/you> ")
            except EOFError:
                break
            text = clean_input(raw)
            if not text:
                continue
            if text.lower() in QUIT:
                break
            if text.isdigit() and buttons and 1 <= int(text) <= len(buttons):
                text = str(buttons[int(text) - 1].get("payload"))
            elif len(text) > MAX_INPUT:
                _status(f"(Your message was {len(text)} characters; I read the first {MAX_INPUT}.)")
                text = text[:MAX_INPUT]
            try:
                reply, buttons = render(stack.send(sender, text))
            except Exception as error:  # the servers died or timed out: say so, keep the session
                _err(f"The assistant did not answer ({type(error).__name__}). Try again.")
                continue
            typer.echo(f"\n🤖 {reply or '…'}\n")
    except KeyboardInterrupt:
        typer.echo("")
    finally:
        stack.stop()
        typer.echo("再见 / Bye.")


def check_one(stack: runtime.Stack, text: str) -> dict[str, Any]:
    """Send ``text`` as the first message of a new conversation; report what the bot understood and replied."""
    text = clean_input(text)[:MAX_INPUT]
    sender = stack.new_sender()
    messages = stack.send(sender, text) if text else []
    tracker = stack.tracker(sender) if text else {"latest_message": {"text": ""}, "slots": {}}
    parse = tracker.get("latest_message") or {}
    analysis = analyse(parse)
    slots = tracker.get("slots") or {}
    lang, _ = reply_language(text, None)
    reply, buttons = render(messages)
    return {
        "text": str(parse.get("text") or ""),  # as the masking channel handed it to Rasa
        "lang": slots.get("lang") or lang.value,
        "kind": analysis.kind.value,
        "scam_type": analysis.scam_type.value,
        "urgent": bool(analysis.urgent),
        "confidence": round(analysis.confidence, 4),
        "red_flags": list(slots.get("red_flags") or []),
        "reply": reply,
        "buttons": [b.get("title") for b in buttons],
        "intent": analysis.intent,
    }


def print_verdict(result: dict[str, Any]) -> None:
    urgent = typer.style(" URGENT", fg=typer.colors.RED, bold=True) if result["urgent"] else ""
    typer.echo(
        f"kind: {result['kind']}   scam type: {result['scam_type']}   confidence: {result['confidence']:.2f}{urgent}"
    )
    if result["red_flags"]:
        typer.echo("red flags: " + ", ".join(result["red_flags"]))
    typer.echo("\n" + result["reply"])


@app.command()
def check(
    text: Optional[str] = typer.Argument(None, help="The message to check."),
    jsonl: bool = typer.Option(False, "--jsonl", help="Read one message per line on stdin; print one JSON object per line."),
) -> None:
    """Show what the assistant understands of a message and what it would reply."""
    if not jsonl and text is None:
        _err('Give a message: antifraud check "TEXT", or use --jsonl with messages on stdin.')
        raise typer.Exit(2)
    stack = _start()
    try:
        if not jsonl:
            print_verdict(check_one(stack, text or ""))
            return
        stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
        for number, line in enumerate(stdin, 1):
            line = line.rstrip("\n")
            try:
                result = check_one(stack, line)
            except Exception as error:
                result = {"text": mask(clean_input(line)), "error": f"line {number}: {type(error).__name__}"}
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    finally:
        stack.stop()


@app.command()
def train(force: bool = typer.Option(False, help="Train even if the model is up to date.")) -> None:
    """Train the Rasa model if the data or config changed."""
    try:
        runtime.train(force=force, echo=typer.echo)
    except runtime.RuntimeProblem as problem:
        _err(str(problem))
        raise typer.Exit(1)


@app.command()
def serve() -> None:
    """Run the Rasa server and the action server until Ctrl-C (prints their URLs)."""
    stack = _start(tracker_db=runtime.VAR / "tracker.db")
    typer.echo(f"Rasa server: {stack.rasa_url}  (REST: {stack.rasa_url}/webhooks/rest/webhook)")
    typer.echo(f"Action server: {stack.action_url}")
    try:
        while all(p.poll() is None for p in stack.processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


@app.command("nlu-eval")
def nlu_eval(
    min_macro_f1: float = typer.Option(0.85, help="Fail when the scam-type macro-F1 is below this."),
    report: Path = typer.Option(runtime.ROOT / "results" / "nlu_eval.json", help="Where to write the full report."),
) -> None:
    """Evaluate the NLU on the held-out set (never trained on): per-class P/R/F1 for kind, scam type, urgency."""
    from bot import evaluate

    examples = evaluate.heldout_examples()
    stack = _start()
    try:
        result = evaluate.evaluate(examples, stack.parse)
    finally:
        stack.stop()
    evaluate.write_report(result, report)
    typer.echo(evaluate.format_report(result))
    macro = result["scam_type"]["macro_f1"]
    typer.echo(f"\nscam type macro-F1 {macro:.3f} (minimum {min_macro_f1}); full report: {report}")
    if macro < min_macro_f1:
        _err(f"FAIL: scam-type macro-F1 {macro:.3f} is below {min_macro_f1}")
        raise typer.Exit(1)


@kb_app.command("validate")
def kb_validate(path: Optional[Path] = typer.Argument(None, help="Knowledge-base directory (default: the built-in one).")) -> None:
    """Validate the knowledge base; report every problem with its file and line."""
    from bot.knowledge import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge(path)
    except KnowledgeError as error:
        _err(str(error))
        raise typer.Exit(1)
    typer.echo(f"ok: {len(kb.scams)} scam types, {len(kb.red_flags)} red flags, {len(kb.countries)} countries")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

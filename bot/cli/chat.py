"""``antifraud chat``, ``antifraud check`` and ``antifraud serve``: the assistant through the Rasa stack."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

from bot import runtime
from bot.assistant.analysis import analyse
from bot.cli.terminal import MAX_INPUT, QUIT, clean_input, err, render, start_stack, status
from bot.i18n import DEFAULT_LANG, t
from bot.shared.lang import reply_language
from bot.shared.privacy import mask


def chat(
    sender: str | None = typer.Option(None, help="Conversation id (default: a new one)."),
    tracker_db: Path | None = typer.Option(
        None, help="SQLite file for the conversation history (default: tracker.db in $ANTIFRAUD_VAR, else var/)."
    ),
) -> None:
    """Chat with the assistant in the terminal. /quit or Ctrl-C ends it."""
    stack = start_stack(tracker_db=tracker_db or runtime.var_dir() / "tracker.db")
    sender = sender or stack.new_sender()
    buttons: list[dict[str, Any]] = []
    typer.secho(t("terminal.chat_banner", DEFAULT_LANG), bold=True)  # bilingual: the language is not known yet
    try:
        first, buttons = render(stack.send(sender, "/greet"))
        typer.echo(f"\n🤖 {first}\n")
        while True:
            try:
                raw = input(t("terminal.chat_prompt", DEFAULT_LANG))
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
                status(t("terminal.input_cut", "en", count=len(text), max=MAX_INPUT))
                text = text[:MAX_INPUT]
            try:
                reply, buttons = render(stack.send(sender, text))
            except Exception as error:  # the servers died or timed out: say so, keep the session
                err(t("terminal.no_answer", "en", error=type(error).__name__))
                continue
            typer.echo(f"\n🤖 {reply or '…'}\n")
    except KeyboardInterrupt:
        typer.echo("")
    finally:
        stack.stop()
        typer.echo(t("terminal.bye", DEFAULT_LANG))


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
        "forwarded": analysis.forwarded,
        "red_flags": list(slots.get("red_flags") or []),
        "reply": reply,
        "buttons": [b.get("title") for b in buttons],
        "intent": analysis.intent,
    }


def print_verdict(result: dict[str, Any]) -> None:
    urgent = typer.style(" URGENT", fg=typer.colors.RED, bold=True) if result["urgent"] else ""
    pasted = "   pasted message" if result.get("forwarded") else ""
    typer.echo(
        f"kind: {result['kind']}   scam type: {result['scam_type']}   confidence: {result['confidence']:.2f}"
        f"{pasted}{urgent}"
    )
    if result["red_flags"]:
        typer.echo("red flags: " + ", ".join(result["red_flags"]))
    typer.echo("\n" + result["reply"])


def check(
    text: str | None = typer.Argument(None, help="The message to check."),
    jsonl: bool = typer.Option(
        False, "--jsonl", help="Read one message per line on stdin; print one JSON object per line."
    ),
) -> None:
    """Show what the assistant understands of a message and what it would reply."""
    if not jsonl and text is None:
        err('Give a message: antifraud check "TEXT", or use --jsonl with messages on stdin.')
        raise typer.Exit(2)
    stack = start_stack()
    try:
        if not jsonl:
            print_verdict(check_one(stack, text or ""))
            return
        with open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False) as stdin:
            for number, raw in enumerate(stdin, 1):
                line = raw.rstrip("\n")
                try:
                    result = check_one(stack, line)
                except Exception as error:
                    result = {"text": mask(clean_input(line)), "error": f"line {number}: {type(error).__name__}"}
                sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
                sys.stdout.flush()
    finally:
        stack.stop()


def serve() -> None:
    """Run the Rasa server and the action server until Ctrl-C (prints their URLs)."""
    stack = start_stack(tracker_db=runtime.var_dir() / "tracker.db")
    typer.echo(f"Rasa server: {stack.rasa_url}  (REST: {stack.rasa_url}/webhooks/rest/webhook)")
    typer.echo(f"Action server: {stack.action_url}")
    try:
        while all(p.poll() is None for p in stack.processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()

"""``antifraud chat``, ``antifraud check`` and ``antifraud serve``: the assistant through the Rasa stack."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

from bot import layout, runtime
from bot.assistant.analysis import analyse
from bot.cli.terminal import DB_HELP, MAX_INPUT, QUIT, clean_input, err, render, start_stack, starting, status
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


def serve(
    workers: int = typer.Option(
        1,
        min=1,
        help="Rasa workers. 1: one Rasa server on SQLite, no balancer; more: behind HAProxy, sharing a "
        "PostgreSQL tracker store and a Redis lock store (docs/deploy.md).",
    ),
    action_workers: int | None = typer.Option(None, min=1, help="Action servers behind HAProxy (default: --workers)."),
    web_workers: int = typer.Option(
        0, min=0, help="Web app workers (antifraud web) behind HAProxy on --web-port (with --workers > 1)."
    ),
    port: int = typer.Option(5005, help="The balancer's port for Rasa (with --workers > 1)."),
    web_port: int | None = typer.Option(
        None, help="The balancer's port for the web workers (default: $ANTIFRAUD_WEB_PORT)."
    ),
    listen: str = typer.Option("127.0.0.1", help="The address the balancer listens on (with --workers > 1)."),
    tracker_url: str = typer.Option(
        layout.DEFAULT_TRACKER_URL, help="The shared tracker store (with --workers > 1); the database is created."
    ),
    redis_url: str = typer.Option(layout.DEFAULT_REDIS_URL, help="The Redis lock store (with --workers > 1)."),
    telegram_webhook_url: str | None = typer.Option(
        None, help="Web workers run the Telegram bot on this webhook URL (antifraud telegram --webhook-url)."
    ),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Run the assistant until Ctrl-C: the Rasa server and the action server; with --workers N, N Rasa workers and
    the action servers (and web workers) behind HAProxy, at one URL."""
    if workers == 1:
        stack = start_stack(tracker_db=runtime.var_dir() / "tracker.db")
        typer.echo(f"Rasa server: {stack.rasa_url}  (REST: {stack.rasa_url}/webhooks/rest/webhook)")
        typer.echo(f"Action server: {stack.action_url}")
        _run_until_stopped(stack)
        return
    from bot.settings import settings

    options = layout.LayoutOptions(
        workers=workers,
        action_workers=action_workers,
        web_workers=web_workers,
        tracker_url=tracker_url,
        redis_url=redis_url,
        rasa_port=port,
        web_port=web_port if web_port is not None else settings().web_port,
        listen=listen,
        database_url=db_url or settings().database_url,
        telegram_webhook_url=telegram_webhook_url,
    )
    with starting():
        running = layout.start_layout(options=options, echo=status)
    typer.echo(
        f"Rasa ({workers} workers behind HAProxy): {running.rasa_url}  (REST: {running.rasa_url}/webhooks/rest/webhook)"
    )
    typer.echo(f"Action servers: {options.actions}, behind {running.action_url}")
    if running.web_url:
        typer.echo(f"Web app ({web_workers} workers): {running.web_url}")
    typer.echo(f"Tracker store: {mask_password(tracker_url)}; lock store: {mask_password(redis_url)}")
    _run_until_stopped(running)


def mask_password(url: str) -> str:
    """``url`` with its password, if any, shown as ***."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def _run_until_stopped(stack: runtime.Stack) -> None:
    """Until Ctrl-C, SIGTERM or a server stops; then stop them all."""
    try:
        while all(p.poll() is None for p in stack.processes):
            time.sleep(0.5)
        err("A server stopped; stopping the others (see the logs in $ANTIFRAUD_VAR/logs).")
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()

"""``antifraud telegram``: the Telegram bot, by long polling or behind a webhook."""

from __future__ import annotations

import typer

from bot.cli.terminal import DB_HELP, err, quiz_service, start_stack


def telegram(
    webhook_url: str | None = typer.Option(
        None, "--webhook-url", help="Run behind this https webhook URL (with a secret token) instead of long polling."
    ),
    listen: str = typer.Option("127.0.0.1", help="Webhook: the address to listen on."),
    port: int = typer.Option(8443, help="Webhook: the port to listen on."),
    rasa_url: str | None = typer.Option(
        None, help="A running Rasa server (default: $ANTIFRAUD_RASA_URL, else start Rasa and the action server)."
    ),
    rasa_token: str | None = typer.Option(
        None, help="The running Rasa server's auth token, if it has one (default: $ANTIFRAUD_RASA_TOKEN)."
    ),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Run the Telegram bot. The token comes from TELEGRAM_BOT_TOKEN; TELEGRAM_API_BASE_URL points it at another
    Bot API server."""
    import logging

    from bot.settings import settings
    from bot.shared.privacy import MaskingFilter
    from bot.telegram.config import ConfigError, TelegramConfig

    defaults = settings()
    if rasa_url is None:
        rasa_url = defaults.rasa_url
    if rasa_token is None and defaults.rasa_token is not None:
        rasa_token = defaults.rasa_token.get_secret_value()
    try:
        config = TelegramConfig.from_settings(webhook_url, listen, port)
    except ConfigError as error:
        err(str(error))
        raise typer.Exit(2) from None
    from bot.knowledge import load_knowledge
    from bot.telegram.app import build_application, run
    from bot.telegram.assistant import Assistant
    from bot.telegram.services import Services

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskingFilter())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the bot token
    quiz = quiz_service(db_url)
    stack = None
    if rasa_url is None:
        stack = start_stack(database_url=quiz.db.url.render_as_string(hide_password=False))
        rasa_url, rasa_token = stack.rasa_url, stack.token
    services = Services(quiz=quiz, assistant=Assistant(rasa_url, rasa_token), kb=load_knowledge())
    try:
        run(build_application(config, services), config)
    finally:
        if stack is not None:
            stack.stop()

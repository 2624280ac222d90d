"""``antifraud web``: the web app alone, with the assistant: the web chat (``/chat``) for people without Telegram,
the projector and the teacher's pages, and (when configured) WeChat's callback routes; no Telegram bot.

It starts Rasa and the action server unless ``--rasa-url`` names a running one, like ``antifraud telegram``, and
serves :func:`bot.web.app.create_app` with uvicorn on the web settings. Behind a reverse proxy, uvicorn takes the
client address from ``X-Forwarded-For`` only when the proxy is one of ``--forwarded-allow-ips`` (the web chat's
per-IP limit counts that address).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import typer

from bot.cli.terminal import DB_HELP, err, quiz_service, start_stack

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from bot.db import Database
    from bot.web.wechat_config import WeChatConfig


def web(
    listen: str | None = typer.Option(
        None, help="The address the web app listens on (default: $ANTIFRAUD_WEB_LISTEN)."
    ),
    port: int | None = typer.Option(None, help="The port the web app listens on (default: $ANTIFRAUD_WEB_PORT)."),
    rasa_url: str | None = typer.Option(
        None, help="A running Rasa server (default: $ANTIFRAUD_RASA_URL, else start Rasa and the action server)."
    ),
    rasa_token: str | None = typer.Option(
        None, help="The running Rasa server's auth token, if it has one (default: $ANTIFRAUD_RASA_TOKEN)."
    ),
    bot_username: str | None = typer.Option(
        None, help="The Telegram bot's username, for the projector's join QR code (default: the code alone)."
    ),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1", help="Proxies whose X-Forwarded-For is trusted for the client's address (comma-separated)."
    ),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Run the web app alone: the web chat at /chat, the projector and the teacher's pages; with WECHAT_TOKEN (and
    the account's WECHAT_* settings) also the WeChat Official Account's callback URL, /wechat."""
    import logging

    from bot.settings import settings
    from bot.shared.privacy import MaskingFilter
    from bot.web.wechat_config import ConfigError, WeChatConfig

    defaults = settings()
    try:
        wechat = WeChatConfig.from_settings()
    except ConfigError as error:
        err(str(error))
        raise typer.Exit(2) from None
    if rasa_url is None:
        rasa_url = defaults.rasa_url
    if rasa_token is None and defaults.rasa_token is not None:
        rasa_token = defaults.rasa_token.get_secret_value()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskingFilter())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    quiz = quiz_service(db_url)
    stack = None
    if rasa_url is None:
        stack = start_stack(database_url=quiz.db.url.render_as_string(hide_password=False))
        rasa_url, rasa_token = stack.rasa_url, stack.token
    try:
        https = defaults.public_url.startswith("https://")
        app = build(quiz.db, rasa_url, rasa_token, bot_username, https, wechat=wechat)
        host, chosen_port = listen or defaults.web_listen, port if port is not None else defaults.web_port
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(app, host, chosen_port, defaults.public_url, forwarded_allow_ips))
    finally:
        if stack is not None:
            stack.stop()


def build(
    db: Database,
    rasa_url: str,
    rasa_token: str | None,
    bot_username: str | None,
    https: bool,
    *,
    wechat: WeChatConfig | None = None,
) -> Starlette:
    """The web app with the web chat on the assistant at ``rasa_url``, its limits from the settings; ``wechat``:
    also the WeChat account's callback routes, on the same assistant."""
    from bot.channels.assistant import Assistant
    from bot.classroom.service import ClassroomService
    from bot.settings import settings
    from bot.web.app import create_app
    from bot.web.chat import ChatOptions
    from bot.web.wechat import WeChat

    defaults = settings()
    chat = ChatOptions(
        Assistant(rasa_url, rasa_token),
        per_session=defaults.chat_per_minute,
        per_ip=defaults.chat_per_ip_minute,
        keep_days=defaults.chat_keep_days,
    )
    classroom = ClassroomService(db)
    routes = WeChat(wechat, db, chat.assistant).routes() if wechat is not None else []
    return create_app(classroom, db, bot_username=bot_username, secure_cookies=https, chat=chat, extra_routes=routes)


async def serve(app: Starlette, host: str, port: int, public_url: str, forwarded_allow_ips: str) -> None:
    """Serve ``app`` until Ctrl-C or SIGTERM; then the assistant's client is closed."""
    from bot.cli.telegram import _server_class

    server = _server_class()(
        app,
        f"web app listening on http://{host}:{port} (web chat: {public_url}/chat"
        + (f", WeChat: {public_url}/wechat)" if any(getattr(r, "path", "") == "/wechat" for r in app.routes) else ")"),
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    try:
        await server.serve()
    finally:
        await app.state.chat.assistant.close()

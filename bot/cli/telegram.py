"""``antifraud telegram``: the Telegram bot and the web app (projector, teacher pages) in one process on one port.

python-telegram-bot's "custom webhook" pattern: the :class:`~telegram.ext.Application` and uvicorn share one event
loop; with ``--webhook-url`` Telegram posts updates to a route of the web app at that URL's path (refused at start
when the web app serves the path itself), else the application long
polls while uvicorn serves the pages. Why one process: the projector and the bot read the same database, and a
classroom needs one address to open, not two servers to keep running.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.terminal import DB_HELP, err, quiz_service, start_stack

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute
    from telegram.ext import Application

    from bot.campaigns.service import CampaignService
    from bot.classroom.service import ClassroomService
    from bot.telegram.config import TelegramConfig
    from bot.web.wechat_config import WeChatConfig


def telegram(
    webhook_url: str | None = typer.Option(
        None, "--webhook-url", help="Run behind this https webhook URL (with a secret token) instead of long polling."
    ),
    listen: str | None = typer.Option(
        None, help="The address the web app (and the webhook) listens on (default: $ANTIFRAUD_WEB_LISTEN)."
    ),
    port: int | None = typer.Option(
        None, help="The port the web app (and the webhook) listens on (default: $ANTIFRAUD_WEB_PORT)."
    ),
    rasa_url: str | None = typer.Option(
        None, help="A running Rasa server (default: $ANTIFRAUD_RASA_URL, else start Rasa and the action server)."
    ),
    rasa_token: str | None = typer.Option(
        None, help="The running Rasa server's auth token, if it has one (default: $ANTIFRAUD_RASA_TOKEN)."
    ),
    db_url: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Run the Telegram bot and the web app. The token comes from TELEGRAM_BOT_TOKEN; TELEGRAM_API_BASE_URL points
    it at another Bot API server. With WECHAT_TOKEN (and the account's WECHAT_* settings) the web app also serves the
    WeChat Official Account's callback URL, /wechat."""
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
        config = TelegramConfig.from_settings(
            webhook_url,
            listen or defaults.web_listen,
            port if port is not None else defaults.web_port,
            reserved=web_paths(),
        )
    except ConfigError as error:
        err(str(error))
        raise typer.Exit(2) from None
    from bot.web.wechat_config import ConfigError as WeChatConfigError
    from bot.web.wechat_config import WeChatConfig

    try:
        wechat = WeChatConfig.from_settings()
    except WeChatConfigError as error:
        err(str(error))
        raise typer.Exit(2) from None
    from bot.channels.assistant import Assistant
    from bot.knowledge import load_knowledge
    from bot.telegram.app import build_application
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
        with contextlib.suppress(KeyboardInterrupt):
            application = build_application(config, services)
            asyncio.run(
                serve(
                    application,
                    services.classroom,
                    config,
                    defaults.public_url,
                    campaigns=services.campaigns,
                    wechat=wechat,
                )
            )
    finally:
        if stack is not None:
            stack.stop()


async def serve(
    application: Application,
    classroom: ClassroomService,
    config: TelegramConfig,
    public_url: str,
    campaigns: CampaignService | None = None,
    wechat: WeChatConfig | None = None,
) -> None:
    """Start the bot (long polling, or the webhook route), serve the web app until Ctrl-C or SIGTERM, then stop
    both in order: the web server first (no new updates), then the application (its pending updates finish).
    ``campaigns``: the campaign engine the organiser's pages show (the bot's own, ``Services.campaigns``).
    ``wechat``: also serve the WeChat Official Account's callback (``/wechat``) on the same assistant."""
    from telegram import Update

    from bot.telegram.webhook import webhook_route
    from bot.web.app import create_app
    from bot.web.wechat import WeChat

    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    routes: list[BaseRoute] = []
    if config.webhook_path is not None:
        routes.append(webhook_route(application, config.webhook_secret, config.webhook_path))
    if wechat is not None:
        routes += WeChat(wechat, classroom.db, application.bot_data["services"].assistant).routes()
    web = create_app(
        classroom,
        classroom.db,
        bot_username=application.bot.username,
        extra_routes=routes,
        secure_cookies=public_url.startswith("https://"),
        campaigns=campaigns,
    )
    how = f"webhook {config.webhook_url}" if config.webhook_url else "long polling"
    server = _server_class()(
        web,
        f"web app listening on http://{config.listen}:{config.port} (links: {public_url}); Telegram: {how}",
        host=config.listen,
        port=config.port,
        log_level="warning",
        lifespan="off",
    )
    try:
        await application.start()
        if config.webhook_url:
            await application.bot.set_webhook(
                config.webhook_url, secret_token=config.webhook_secret, allowed_updates=Update.ALL_TYPES
            )
        elif application.updater is not None:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await server.serve()
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def web_paths() -> frozenset[str]:
    """The first path segments the web app serves itself (its pages, the web chat, WeChat's callback): the webhook
    may not take one."""
    from bot.web.app import own_prefixes
    from bot.web.wechat import PATH as WECHAT_PATH

    return own_prefixes() | {WECHAT_PATH.strip("/").split("/")[0]}


def _server_class() -> type[Any]:
    import uvicorn

    from bot.web.app import stop_streams

    class Server(uvicorn.Server):
        """uvicorn's server that says where it listens once it does (the operator opens the links from there),
        ends the projectors' live streams when it stops, and only stops on a Ctrl-C or SIGTERM: uvicorn re-raises
        the signal after serving, which would interrupt the application's orderly stop."""

        def __init__(self, web: Starlette, announce: str, **options: Any) -> None:
            super().__init__(uvicorn.Config(web, **options))
            self.web, self.announce = web, announce

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            stop_streams(self.web)  # the projectors' streams end instead of holding the server open
            await super().shutdown(sockets)

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(self.announce, flush=True)

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            handled = (signal.SIGINT, signal.SIGTERM)
            original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in original.items():
                    signal.signal(sig, handler)

    return Server

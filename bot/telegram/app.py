"""The one wiring module: builds the Telegram ``Application`` (handlers, rate limiter, error handler) and runs
it with long polling or behind a webhook."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from bot.telegram import handlers
from bot.telegram.config import TelegramConfig
from bot.telegram.handlers import Services

COMMANDS = [
    ("start", "开始 / Start: language and who you are"),
    ("quiz", "防骗小测验 / Anti-scam quiz"),
    ("progress", "学习进度 / Your progress"),
    ("hotline", "报警和反诈热线 / Hotlines"),
    ("lang", "语言 / Language"),
    ("help", "帮助 / Help"),
    ("stopquiz", "停止小测验 / Stop the quiz"),
]


def rate_limiter() -> AIORateLimiter:
    """About 30 messages a second overall and 20 a minute per group (Telegram's limits); a 429 is retried after
    the time Telegram asks for, up to 5 times, so nothing is dropped."""
    return AIORateLimiter(overall_max_rate=30, overall_time_period=1, group_max_rate=20, group_time_period=60,
                          max_retries=5)


def build_application(config: TelegramConfig, services: Services, *, concurrent: int = 64) -> Application:
    builder = ApplicationBuilder().token(config.token).rate_limiter(rate_limiter()).concurrent_updates(concurrent)
    if config.base_url:
        builder = builder.base_url(config.base_url).base_file_url(config.file_base_url or config.base_url)
    builder = builder.post_init(_post_init).post_shutdown(_post_shutdown)
    application = builder.build()
    application.bot_data["services"] = services

    application.add_handler(TypeHandler(Update, handlers.drop_replays), group=-1)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("lang", handlers.lang_command))
    application.add_handler(CommandHandler("hotline", handlers.hotline))
    application.add_handler(CommandHandler("quiz", handlers.quiz_command))
    application.add_handler(CommandHandler("progress", handlers.progress))
    application.add_handler(CommandHandler("stopquiz", handlers.stop_quiz))
    application.add_handler(PollAnswerHandler(handlers.poll_answer))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text_message))
    application.add_error_handler(handlers.on_error)
    return application


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands([BotCommand(name, description) for name, description in COMMANDS])


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data["services"]
    await services.votes.close()
    await services.assistant.close()


def run(application: Application, config: TelegramConfig) -> None:
    """Long polling, or a webhook with a secret token when ``config.webhook_url`` is set. Returns on Ctrl-C."""
    if config.webhook_url:
        application.run_webhook(
            listen=config.listen, port=config.port, url_path="telegram", webhook_url=config.webhook_url,
            secret_token=config.webhook_secret, allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)

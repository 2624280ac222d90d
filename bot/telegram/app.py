"""The one wiring module: builds the Telegram ``Application`` (the callbacks, each button kind routed by its
pattern, the rate limiter, the replay guard and the one error handler); ``antifraud telegram`` (bot/cli/telegram.py)
runs it with long polling or behind the web app's webhook route. The callbacks live by job: ``onboarding`` (/start,
/lang, /help, /hotline), ``quiz`` (polls, /progress), ``conversation`` (the assistant), ``guards`` (replays,
errors); the classroom's: ``teacher`` (/newclass, /classes, /bindgroup, /projector, /rename, /remove),
``wizard`` (/session), ``students`` (joining, names), ``lesson`` (the session's controls, its polls and
their answers), ``classreport`` (/report, /login) and the ``ticker`` (started in post_init); the campaigns':
``campaigns`` (/campaign, /campaigns), ``campaignreport``, ``enrolment`` (the campaign link, /zone), ``family``
(invites, /family, /stop), ``weekly`` (a week's lesson and quiz), ``safetyplan`` (the family safety plan) and the
delivery pump ``sender`` (a JobQueue job, scheduled in post_init, stopped gracefully with the Application)."""

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

from bot.i18n import t
from bot.telegram import (
    campaignreport,
    campaigns,
    classreport,
    conversation,
    enrolment,
    family,
    guards,
    lesson,
    onboarding,
    quiz,
    replies,
    safetyplan,
    sender,
    students,
    teacher,
    ticker,
    weekly,
    wizard,
)
from bot.telegram.config import TelegramConfig
from bot.telegram.services import Services

#: The command menu, in this order; each description is "<Chinese> / <English>" (bot/i18n/telegram.yml).
COMMANDS = (
    "start",
    "quiz",
    "progress",
    "hotline",
    "lang",
    "help",
    "stopquiz",
    "join",
    "newclass",
    "session",
    "classes",
    # campaigns (issue 11)
    "family",
    "zone",
    "stop",
    "campaign",
    "campaigns",
)


def rate_limiter() -> AIORateLimiter:
    """About 30 messages a second overall and 20 a minute per group (Telegram's limits); a 429 is retried after
    the time Telegram asks for, up to 5 times, so nothing is dropped."""
    return AIORateLimiter(
        overall_max_rate=30, overall_time_period=1, group_max_rate=20, group_time_period=60, max_retries=5
    )


def build_application(config: TelegramConfig, services: Services, *, concurrent: int = 64) -> Application:
    builder = ApplicationBuilder().token(config.token).rate_limiter(rate_limiter()).concurrent_updates(concurrent)
    if config.base_url:
        builder = builder.base_url(config.base_url).base_file_url(config.file_base_url or config.base_url)
    builder = builder.post_init(_post_init).post_stop(_post_stop).post_shutdown(_post_shutdown)
    application = builder.build()
    application.bot_data["services"] = services

    application.add_handler(TypeHandler(Update, guards.drop_replays), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", onboarding.start),
            CommandHandler("help", onboarding.help_command),
            CommandHandler("lang", onboarding.lang_command),
            CommandHandler("hotline", onboarding.hotline),
            CommandHandler("quiz", quiz.quiz_command),
            CommandHandler("progress", quiz.progress),
            CommandHandler("stopquiz", quiz.stop_quiz),
            # The classroom (issue 10).
            CommandHandler("newclass", teacher.new_class),
            CommandHandler("classes", teacher.list_classes),
            CommandHandler("bindgroup", teacher.bind_group),
            CommandHandler("projector", teacher.projector),
            CommandHandler("rename", teacher.rename),
            CommandHandler("remove", teacher.remove),
            CommandHandler("session", wizard.session_command),
            CommandHandler("report", classreport.report_command),
            CommandHandler("login", classreport.login_command),
            CommandHandler("join", students.join_command),
            CommandHandler("name", students.name_command),
            # Campaigns (issue 11).
            CommandHandler("campaign", campaigns.campaign_command),
            CommandHandler("campaigns", campaigns.list_command),
            CommandHandler("campaignreport", campaignreport.report_command),
            CommandHandler("family", family.family_command),
            CommandHandler("zone", enrolment.zone_command),
            CommandHandler("stop", family.stop_command),
            # A class poll's answer goes to the classroom, any other to the quiz (lesson.poll_answer decides).
            PollAnswerHandler(lesson.poll_answer),
            # Buttons: the first pattern that matches takes it.
            CallbackQueryHandler(onboarding.choose_language, pattern=onboarding.LANGUAGE_BUTTON),
            CallbackQueryHandler(onboarding.choose_audience, pattern=onboarding.AUDIENCE_BUTTON),
            CallbackQueryHandler(quiz.start_button, pattern=quiz.START_BUTTON),
            CallbackQueryHandler(quiz.progress_button, pattern=quiz.PROGRESS_BUTTON),
            CallbackQueryHandler(quiz.stop_button, pattern=quiz.STOP_BUTTON),
            CallbackQueryHandler(teacher.new_class_button, pattern=teacher.NEWCLASS_BUTTON),
            CallbackQueryHandler(wizard.session_button, pattern=wizard.SESSION_BUTTON),
            CallbackQueryHandler(lesson.control_button, pattern=lesson.CONTROL_BUTTON),
            CallbackQueryHandler(students.name_button, pattern=students.NAME_BUTTON),
            CallbackQueryHandler(conversation.assistant_button, pattern=conversation.ASSISTANT_BUTTON),
            CallbackQueryHandler(campaigns.wizard_button, pattern=campaigns.WIZARD_BUTTON),
            CallbackQueryHandler(enrolment.zone_button, pattern=enrolment.ZONE_BUTTON),
            CallbackQueryHandler(family.family_button, pattern=family.FAMILY_BUTTON),
            CallbackQueryHandler(family.stop_button, pattern=family.STOP_BUTTON),
            CallbackQueryHandler(weekly.open_button, pattern=weekly.OPEN_BUTTON),
            CallbackQueryHandler(weekly.quiz_button, pattern=weekly.QUIZ_BUTTON),
            CallbackQueryHandler(safetyplan.plan_button, pattern=safetyplan.PLAN_BUTTON),
            CallbackQueryHandler(replies.other_button),
            # A reply to the campaign wizard's date prompt is the start date.
            MessageHandler(
                filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & campaigns.DATE_REPLY, campaigns.date_reply
            ),
            # A reply in private may be a student's name (to the name prompt); students.reply_message decides.
            MessageHandler(
                filters.TEXT & ~filters.COMMAND & filters.REPLY & filters.ChatType.PRIVATE, students.reply_message
            ),
            MessageHandler(filters.TEXT & ~filters.COMMAND, conversation.text_message),
        ]
    )
    application.add_error_handler(guards.on_error)
    return application


def command_menu() -> list[BotCommand]:
    return [
        BotCommand(name, f"{t(f'telegram.command_{name}', 'zh')} / {t(f'telegram.command_{name}', 'en')}")
        for name in COMMANDS
    ]


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands(command_menu())
    ticker.start(application)  # closes the class questions whose time is up; resumes after a restart
    sender.start(application)  # sends the campaigns' due lessons and reminders; resumes after a restart


async def _post_stop(application: Application) -> None:
    await ticker.stop(application)  # before the bot's HTTP client closes: no reveal is cut off mid-request
    await sender.stop(application)  # (Application.stop has let the sends in flight finish and be marked)


async def _post_shutdown(application: Application) -> None:
    await ticker.stop(application)  # (a host that does not run post_stop)
    await sender.stop(application)
    services: Services = application.bot_data["services"]
    await services.votes.close()
    await services.class_votes.close()
    await services.assistant.close()

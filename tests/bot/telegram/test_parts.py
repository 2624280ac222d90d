"""The Telegram front end's parts without a server: which callback each button reaches, the command menu, the
chart drawn in several threads at once, and long replies cut to Telegram's limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.channels.assistant import Assistant
from bot.db import Database
from bot.knowledge import load_knowledge
from bot.knowledge.model import ScamType
from bot.quiz.service import QuizService
from bot.telegram import (
    campaigns,
    conversation,
    enrolment,
    family,
    lesson,
    onboarding,
    quiz,
    replies,
    safetyplan,
    students,
    teacher,
    weekly,
    wizard,
)
from bot.telegram.app import build_application, command_menu
from bot.telegram.chart import mastery_chart
from bot.telegram.config import TelegramConfig
from bot.telegram.services import Services
from tests.bot.telegram.standin import TOKEN, callback_update, user


@pytest.fixture
def application(sqlite_db: Database):
    services = Services(quiz=QuizService(sqlite_db), assistant=Assistant("http://127.0.0.1:9"), kb=load_knowledge())
    return build_application(TelegramConfig(token=TOKEN), services)


@pytest.mark.parametrize(
    ("data", "callback"),
    [
        ("lang:en:start", onboarding.choose_language),
        ("lang:zh:done", onboarding.choose_language),
        ("lang:xx", onboarding.choose_language),  # an unknown language: Chinese, as before
        ("aud:overseas_student", onboarding.choose_audience),
        ("aud:nobody", replies.other_button),
        ("/start_quiz", quiz.start_button),
        ('/ask_progress{"scam_type":"investment"}', quiz.progress_button),
        ("/stop_quiz", quiz.stop_button),
        ('/inform_scam{"scam_type":"order_brushing"}', conversation.assistant_button),
        ("ncl:en", teacher.new_class_button),
        ("ncl:zh:parent", teacher.new_class_button),
        ("ses:3:all:10", wizard.session_button),
        ("run:next:12", lesson.control_button),
        ("run:explode:12", replies.other_button),
        ("nm:4", students.name_button),
        ("cn:0:c3:20270301:y", campaigns.wizard_button),
        ("cn:0:x", replies.other_button),
        ("cz:london", enrolment.zone_button),
        ("cf:u:12", family.family_button),
        ("cf:a:Tok_en-123", family.family_button),
        ("cs:all", family.stop_button),
        ("cw:77", weekly.open_button),
        ("cq:3:2", weekly.quiz_button),
        ("cp:3:2:17", safetyplan.plan_button),
        ("cp:3:9:0", replies.other_button),
        ("something old", replies.other_button),
    ],
)
def test_each_button_reaches_its_callback(application, data: str, callback) -> None:
    update = Update.de_json(callback_update(1, 501, user(501), data), application.bot)
    buttons = [h for h in application.handlers[0] if isinstance(h, CallbackQueryHandler)]
    taken = next(h for h in buttons if h.check_update(update))
    assert taken.callback is callback


def test_the_command_menu_in_both_languages() -> None:
    assert [(c.command, c.description) for c in command_menu()] == [
        ("start", "开始 / Start: language and who you are"),
        ("quiz", "防骗小测验 / Anti-scam quiz"),
        ("progress", "学习进度 / Your progress"),
        ("hotline", "报警和反诈热线 / Hotlines"),
        ("lang", "语言 / Language"),
        ("help", "帮助 / Help"),
        ("stopquiz", "停止小测验 / Stop the quiz"),
        ("join", "学生：加入班级 / Students: join a class"),
        ("newclass", "老师：创建班级 / Teachers: create a class"),
        ("session", "老师：开始课堂测验 / Teachers: start a class quiz"),
        ("classes", "老师：我的班级 / Teachers: your classes"),
        ("family", "家校活动：我的家庭 / Campaigns: your family"),
        ("zone", "家校活动：时区 / Campaigns: your time zone"),
        ("stop", "家校活动：不再接收 / Campaigns: stop the messages"),
        ("campaign", "组织者：发起家校防骗活动 / Organisers: start a family campaign"),
        ("campaigns", "组织者：我的活动 / Organisers: your campaigns"),
    ]


def test_charts_drawn_in_threads_at_once_are_each_whole() -> None:
    charts = [{scam.value: (i + n) % 10 / 10 for i, scam in enumerate(ScamType)} for n in range(8)]
    alone = [mastery_chart(m, "en") for m in charts]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda m: mastery_chart(m, "en"), charts))
    assert together == alone and all(png.startswith(b"\x89PNG") for png in alone)


def test_long_replies_are_cut_at_line_ends() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    parts = replies.split(text)
    assert len(parts) == 3 and all(len(p) <= replies.MAX_MESSAGE for p in parts)
    assert "\n".join(parts) == text
    assert replies.split("y" * 5000) == ["y" * 4096, "y" * 904]

"""The quiz engine stays free of the chat layers: importing it loads neither Telegram nor Rasa."""

from __future__ import annotations

import subprocess
import sys

from bot.runtime import ROOT

CODE = """
import sys
import bot.quiz.bank, bot.quiz.engine, bot.quiz.model, bot.quiz.present, bot.quiz.scheduling, bot.quiz.service
import bot.db.models, bot.db.database, bot.db.migrate
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'rasa', 'rasa_sdk', 'sanic', 'wechatpy'))
print(','.join(loaded))
"""


def test_engine_imports_no_chat_layer() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""

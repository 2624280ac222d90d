"""The quiz engine stays free of the chat layers: importing it (every module of the package) loads no front end,
no Rasa and no web framework."""

from __future__ import annotations

import subprocess
import sys

from bot.runtime import ROOT

CODE = """
import sys
import bot.quiz.engine.answers, bot.quiz.engine.cache, bot.quiz.engine.common, bot.quiz.engine.imports
import bot.quiz.engine.learners, bot.quiz.engine.reports, bot.quiz.engine.runs, bot.quiz.engine.selection
import bot.quiz.bank, bot.quiz.engine, bot.quiz.model, bot.quiz.present, bot.quiz.scheduling, bot.quiz.service
import bot.db.models, bot.db.database, bot.db.migrate
import pkgutil
package = [m.name for m in pkgutil.iter_modules(bot.quiz.engine.__path__, 'bot.quiz.engine.')]
unimported = [name for name in package if name not in sys.modules]
assert not unimported, f'add {unimported} to the imports above'
outside = ('telegram', 'rasa', 'rasa_sdk', 'sanic', 'wechatpy', 'aiohttp', 'fastapi', 'starlette', 'flask', 'typer')
front_ends = ('bot.telegram', 'bot.actions', 'bot.cli', 'bot.rasa_ext', 'bot.assistant')
loaded = sorted(m for m in sys.modules
                if m.split('.')[0] in outside or any(m == f or m.startswith(f + '.') for f in front_ends))
print(','.join(loaded))
"""


def test_engine_imports_no_chat_layer() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""

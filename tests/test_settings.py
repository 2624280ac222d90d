"""The settings (bot/settings.py): defaults, environment overrides, every problem at once, .env optional, the
``antifraud`` command's one message for bad settings, and the rule that nothing else in bot/ reads os.environ."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from bot.settings import ROOT, Settings, SettingsError, child_environ, load, settings
from bot.telegram.config import ConfigError, TelegramConfig

VARIABLES = (
    "ANTIFRAUD_VAR",
    "ANTIFRAUD_RASA_VENV",
    "DATABASE_URL",
    "ANTIFRAUD_RASA_URL",
    "ANTIFRAUD_RASA_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "ANTIFRAUD_ROUND_SIZE",
    "ANTIFRAUD_TIMEZONE",
)
TOKEN = "123456789:" + "A" * 35


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting in the environment (whatever the machine running the tests has exported)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(clean: pytest.MonkeyPatch) -> None:
    s = load(_env_file=None)
    assert s.var_dir == ROOT / "var" and s.sqlite_path == ROOT / "var" / "antifraud.db"
    assert s.rasa_venv == ROOT / ".venv-rasa"
    assert s.database_url is None and s.rasa_url is None and s.rasa_token is None
    assert s.telegram_bot_token is None and s.telegram_api_base_url is None and s.telegram_webhook_secret is None
    assert s.round_size == 5
    assert s.timezone == "Asia/Shanghai" and s.zone.key == "Asia/Shanghai"


def test_the_environment_overrides_the_defaults(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean.setenv("ANTIFRAUD_VAR", str(tmp_path))
    clean.setenv("ANTIFRAUD_RASA_VENV", str(tmp_path / "rasa"))
    clean.setenv("DATABASE_URL", "postgresql://someone@db.example/quiz")
    clean.setenv("ANTIFRAUD_RASA_URL", "http://127.0.0.1:5005")
    clean.setenv("ANTIFRAUD_RASA_TOKEN", "t0ken")
    clean.setenv("ANTIFRAUD_ROUND_SIZE", "10")
    clean.setenv("ANTIFRAUD_TIMEZONE", "Europe/London")
    s = load(_env_file=None)
    assert s.var_dir == tmp_path and s.sqlite_path == tmp_path / "antifraud.db"
    assert s.rasa_venv == tmp_path / "rasa"
    assert s.database_url == "postgresql://someone@db.example/quiz"
    assert s.rasa_url == "http://127.0.0.1:5005"
    assert s.rasa_token is not None and s.rasa_token.get_secret_value() == "t0ken"
    assert "t0ken" not in repr(s)  # secrets are not shown
    assert s.round_size == 10 and s.zone.key == "Europe/London"


def test_an_empty_variable_is_unset(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("DATABASE_URL", "")
    assert load(_env_file=None).database_url is None


def test_every_problem_at_once(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("ANTIFRAUD_ROUND_SIZE", "0")
    clean.setenv("ANTIFRAUD_TIMEZONE", "Mars/X")
    clean.setenv("DATABASE_URL", "not a url at all")
    with pytest.raises(SettingsError) as caught:
        load(_env_file=None)
    problems = caught.value.problems
    assert len(problems) == 3
    assert any(p.startswith("ANTIFRAUD_ROUND_SIZE:") and "'0'" in p for p in problems)
    assert any(p.startswith("ANTIFRAUD_TIMEZONE:") and "Mars/X" in p for p in problems)
    assert any(p.startswith("DATABASE_URL:") and "not a database URL" in p for p in problems)
    assert not any("not a url at all" in p for p in problems)  # a URL may hold a password: never echoed


def test_a_round_size_over_the_limit(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("ANTIFRAUD_ROUND_SIZE", "31")
    with pytest.raises(SettingsError, match="ANTIFRAUD_ROUND_SIZE"):
        load(_env_file=None)


def test_the_env_file_is_optional_and_read_when_there(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert load(_env_file=tmp_path / "missing.env").round_size == 5
    env_file = tmp_path / ".env"
    env_file.write_text("ANTIFRAUD_ROUND_SIZE=7\nANTIFRAUD_TIMEZONE=Asia/Tokyo\nSOMETHING_ELSE=1\n", encoding="utf-8")
    s = load(_env_file=env_file)
    assert s.round_size == 7 and s.timezone == "Asia/Tokyo"
    clean.setenv("ANTIFRAUD_ROUND_SIZE", "3")  # the environment wins over the file
    assert load(_env_file=env_file).round_size == 3


def test_settings_are_read_once_until_the_cache_is_cleared(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = settings()
    assert settings() is first
    clean.setenv("ANTIFRAUD_VAR", str(tmp_path))
    assert settings().var_dir == first.var_dir
    settings.cache_clear()
    assert settings().var_dir == tmp_path


def test_child_processes_get_a_copy_of_the_environment(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot import runtime

    clean.setenv("ANTIFRAUD_VAR", str(tmp_path))
    env = runtime.child_env(EXTRA="1")
    assert env["ANTIFRAUD_VAR"] == str(tmp_path) and env["EXTRA"] == "1" and env["PYTHONPATH"] == str(ROOT)
    env["ANTIFRAUD_VAR"] = "changed"
    assert child_environ()["ANTIFRAUD_VAR"] == str(tmp_path)


def test_a_bad_setting_ends_any_command_with_every_problem(
    clean: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    clean.setenv("ANTIFRAUD_ROUND_SIZE", "0")
    clean.setenv("ANTIFRAUD_TIMEZONE", "Mars/X")
    clean.setattr(sys, "argv", ["antifraud", "kb", "validate"])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "2 bad setting(s)" in err and "ANTIFRAUD_ROUND_SIZE" in err and "Mars/X" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------------------------------
# The Telegram configuration, built from the settings: each problem is one line.


def _telegram(**values: object) -> TelegramConfig:
    webhook_url = values.pop("webhook_url", None)
    return TelegramConfig.from_settings(webhook_url, settings=Settings(_env_file=None, **values))  # type: ignore[arg-type]


def test_telegram_configuration(clean: pytest.MonkeyPatch) -> None:
    config = _telegram(telegram_bot_token=TOKEN, telegram_api_base_url="http://127.0.0.1:8081/")
    assert config.token == TOKEN and config.base_url == "http://127.0.0.1:8081/bot"
    assert config.file_base_url == "http://127.0.0.1:8081/file/bot"
    hooked = _telegram(telegram_bot_token=TOKEN, webhook_url="https://example.org/hook")
    assert (
        hooked.webhook_secret
        and hooked.webhook_secret
        == _telegram(telegram_bot_token=TOKEN, webhook_url="https://example.org/hook").webhook_secret
    )  # stable across restarts
    given = _telegram(telegram_bot_token=TOKEN, webhook_url="https://example.org/hook", telegram_webhook_secret="s-1")
    assert given.webhook_secret == "s-1"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"telegram_bot_token": "not-a-token"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"telegram_bot_token": TOKEN, "telegram_api_base_url": "ftp://x"}, "TELEGRAM_API_BASE_URL is not an http"),
        ({"telegram_bot_token": TOKEN, "webhook_url": "http://example.org/hook"}, "--webhook-url must be https"),
        (
            {"telegram_bot_token": TOKEN, "webhook_url": "https://example.org/hook", "telegram_webhook_secret": "a b"},
            "TELEGRAM_WEBHOOK_SECRET may hold only",
        ),
    ],
    ids=["missing", "malformed", "base-url", "webhook-http", "secret"],
)
def test_telegram_problems_are_one_line(clean: pytest.MonkeyPatch, values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _telegram(**values)
    assert message in str(caught.value) and "\n" not in str(caught.value)


# --------------------------------------------------------------------------------------------------------------
# Nothing but bot/settings.py reads the environment.


def _reads_environment(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "putenv", "unsetenv"):
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in ("environ", "getenv", "environb") for alias in node.names)
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_settings_module_reads_the_environment() -> None:
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path == ROOT / "bot" / "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        lines = _reads_environment(ast.parse(text, filename=str(path)))
        lines += [n for n, line in enumerate(text.splitlines(), 1) if "os.environ" in line or "os.getenv" in line]
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n in sorted(set(lines))]
    assert not offenders, "read the environment through bot.settings instead: " + ", ".join(offenders)


def test_the_check_catches_a_reader() -> None:
    assert sorted(_reads_environment(ast.parse("import os\nx = os.environ.get('A')\ny = os.getenv('B')\n"))) == [2, 3]
    assert _reads_environment(ast.parse("from os import environ\n")) == [1]

"""The Telegram webhook as a route of the web app: at the webhook URL's own path (refused at start when the web app
serves it, or it is no path), the secret token is checked before anything is parsed, a good update is queued for
the Application, malformed bodies are refused. (Over real HTTP, as ``antifraud telegram`` runs it:
tests/cli/test_telegram.py.)"""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.settings import Settings
from bot.telegram.config import ConfigError, TelegramConfig
from bot.telegram.webhook import SECRET_HEADER, webhook_route
from tests.bot.telegram.standin import TOKEN, message_update, user

SECRET = "s3cret-for-tests"
PATH = "/hooks/abc/tg"
#: The web app's own first path segments, as ``antifraud telegram`` gives them (bot.cli.telegram.web_paths).
RESERVED = frozenset({"chat", "wechat", "teacher", "organiser", "static", "p"})


@pytest.fixture
def application() -> Application:
    return ApplicationBuilder().token(TOKEN).updater(None).build()


@pytest.fixture
def client(application: Application) -> TestClient:
    return TestClient(Starlette(routes=[webhook_route(application, SECRET, PATH)]))


UPDATE = json.dumps(message_update(7, 43, user(43), "/help"))


@pytest.mark.parametrize("header", [None, "wrong", SECRET + "x"], ids=["missing", "wrong", "longer"])
def test_a_forged_update_is_refused(client: TestClient, application: Application, header: str | None) -> None:
    headers = {SECRET_HEADER: header} if header else {}
    assert client.post(PATH, content=UPDATE, headers=headers).status_code == 403
    assert application.update_queue.empty()


def test_an_update_is_queued(client: TestClient, application: Application) -> None:
    assert client.post(PATH, content=UPDATE, headers={SECRET_HEADER: SECRET}).status_code == 200
    update = application.update_queue.get_nowait()
    assert isinstance(update, Update) and update.update_id == 7 and update.message and update.message.text == "/help"


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'], ids=["broken", "list", "string"])
def test_malformed_bodies(client: TestClient, application: Application, body: str) -> None:
    assert client.post(PATH, content=body, headers={SECRET_HEADER: SECRET}).status_code == 400
    assert application.update_queue.empty()


def test_only_post(client: TestClient) -> None:
    assert client.get(PATH).status_code == 405


def test_only_its_own_path(client: TestClient, application: Application) -> None:
    for other in ("/telegram", "/hooks/abc", "/hooks/abc/tg/more"):
        assert client.post(other, content=UPDATE, headers={SECRET_HEADER: SECRET}).status_code == 404
    assert application.update_queue.empty()


def _config(url: str) -> TelegramConfig:
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN)  # type: ignore[call-arg]
    return TelegramConfig.from_settings(url, settings=settings, reserved=RESERVED)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://example.org/tg", "/tg"),
        ("https://example.org/hooks/abc/telegram", "/hooks/abc/telegram"),
        ("https://example.org/telegram/", "/telegram/"),
        ("https://example.org/teachers?x=1", "/teachers"),
        ("http://127.0.0.1:8443/bot-7_a.b~c", "/bot-7_a.b~c"),
    ],
    ids=["short", "deep", "trailing-slash", "query", "characters"],
)
def test_the_route_takes_the_urls_path(url: str, path: str) -> None:
    assert _config(url).webhook_path == path


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://example.org", "needs a path of its own"),
        ("https://example.org/", "needs a path of its own"),
        ("https://example.org/teacher", "is the web app's own (/teacher)"),
        ("https://example.org/static/tg", "is the web app's own (/static)"),
        ("https://example.org/chat/", "is the web app's own (/chat)"),
        ("https://example.org/wechat", "is the web app's own (/wechat)"),
        ("https://example.org/p/tg", "is the web app's own (/p)"),
        ("https://example.org/organiser/x/y", "is the web app's own (/organiser)"),
        ("https://example.org/t%20g", "may hold only letters"),
        ("https://example.org/tg/{id}", "may hold only letters"),
        ("https://example.org/a//b", "may hold only letters"),
        ("https://example.org/a/../teacher", "may hold only letters"),
    ],
    ids=[
        "none",
        "root",
        "teacher",
        "static",
        "chat",
        "wechat",
        "projector",
        "organiser",
        "encoded",
        "braces",
        "empty-segment",
        "dot-dot",
    ],
)
def test_a_path_the_webhook_cannot_take_is_one_line(url: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _config(url)
    assert message in str(caught.value) and "\n" not in str(caught.value)

"""The Telegram webhook as a route of the web app: the secret token is checked before anything is parsed, a good
update is queued for the Application, malformed bodies are refused."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.telegram.webhook import PATH, SECRET_HEADER, webhook_route
from tests.bot.telegram.standin import TOKEN, message_update, user

SECRET = "s3cret-for-tests"


@pytest.fixture
def application() -> Application:
    return ApplicationBuilder().token(TOKEN).updater(None).build()


@pytest.fixture
def client(application: Application) -> TestClient:
    return TestClient(Starlette(routes=[webhook_route(application, SECRET)]))


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

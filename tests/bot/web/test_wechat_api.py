"""WeChat's API as the Official Account front end uses it, against the stand-in over real HTTP: the access token
shared through the database (fetched once for all workers, on SQLite and PostgreSQL), refreshed once on 40001 /
42001, 45015 given up on; the token storage's rules; the WECHAT_* settings checked at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.db import Database
from bot.settings import Settings
from bot.web.wechat_api import OutsideWindow, WeChatApi, WeChatApiError, who
from bot.web.wechat_config import ConfigError, WeChatConfig
from bot.web.wechat_store import DatabaseStorage
from tests.bot.web.wechat_standin import AES_KEY, APP_ID, APP_SECRET, TOKEN, WeChatStandIn, openid

USER = openid("api-1")
KEY = f"{APP_ID}_access_token"


@pytest.fixture
def standin() -> Iterator[WeChatStandIn]:
    with WeChatStandIn() as server:
        yield server


def config_for(standin: WeChatStandIn) -> WeChatConfig:
    return WeChatConfig(TOKEN, APP_ID, APP_SECRET, None, standin.base_url)


@pytest.fixture
def api(standin: WeChatStandIn, database: Database) -> WeChatApi:
    return WeChatApi(config_for(standin), DatabaseStorage(database))


# --------------------------------------------------------------------------------------------------------------
# The storage


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_storage_keeps_values_until_they_expire(database: Database) -> None:
    clock = Clock()
    storage = DatabaseStorage(database, clock)
    assert storage.get("k") is None and storage.get("k", "default") == "default"
    storage.set("k", "v1", 100)
    storage.set("k", "v2", 100)  # set again: replaced
    assert storage.get("k") == "v2" and storage.current("k", timedelta(seconds=50)) == "v2"
    clock.now += timedelta(seconds=60)
    assert storage.get("k") == "v2" and storage.current("k", timedelta(seconds=50)) is None  # expiring soon
    clock.now += timedelta(seconds=41)
    assert storage.get("k") is None  # expired
    storage.set("forever", "x")
    assert storage.get("forever") == "x"
    storage.delete("forever")
    assert storage.get("forever") is None


def test_a_refused_token_is_dropped_only_while_it_is_the_stored_one(database: Database) -> None:
    storage = DatabaseStorage(database)
    storage.set(KEY, "old", 7200)
    storage.set(KEY, "new", 7200)  # another worker refreshed
    assert storage.drop(KEY, "old") is False and storage.get(KEY) == "new"
    assert storage.drop(KEY, "new") is True and storage.get(KEY) is None


def test_refresh_uses_a_good_token_and_fetches_when_it_is_refused_or_expiring(database: Database) -> None:
    clock = Clock()
    storage = DatabaseStorage(database, clock)
    fetched: list[str] = []

    def fetch() -> tuple[str, int]:
        fetched.append(f"t{len(fetched) + 1}")
        return fetched[-1], 7200

    assert storage.refresh(KEY, fetch) == "t1"
    assert storage.refresh(KEY, fetch) == "t1" and fetched == ["t1"]  # still good
    assert storage.refresh(KEY, fetch, refused="t1") == "t2"  # WeChat refused it
    assert storage.refresh(KEY, fetch, refused="t1") == "t2"  # a second worker saw t1 refused: t2 is already there
    clock.now += timedelta(seconds=7200 - 60)  # within the margin of its expiry
    assert storage.refresh(KEY, fetch) == "t3" and fetched == ["t1", "t2", "t3"]


@pytest.mark.parametrize("workers", [8], ids=["8-workers"])
def test_one_worker_fetches_the_token_for_all(database: Database, workers: int) -> None:
    """Workers needing a token at the same moment: one fetches it under the lock, the others wait and use it."""
    fetches = 0
    guard = threading.Lock()

    def fetch() -> tuple[str, int]:
        nonlocal fetches
        with guard:
            fetches += 1
        time.sleep(0.2)  # WeChat's answer takes a while: the others pile up on the lock meanwhile
        return f"token-{fetches}", 7200

    storages = [DatabaseStorage(Database(database.url)) for _ in range(workers)]  # one engine per worker
    barrier = threading.Barrier(workers)

    def worker(storage: DatabaseStorage) -> str:
        barrier.wait()
        return storage.refresh(KEY, fetch)

    try:
        with ThreadPoolExecutor(workers) as pool:
            tokens = list(pool.map(worker, storages))
    finally:
        for storage in storages:
            storage.db.dispose()
    assert fetches == 1 and set(tokens) == {"token-1"}


# --------------------------------------------------------------------------------------------------------------
# The API client against the stand-in


def test_messages_share_one_token(api: WeChatApi, standin: WeChatStandIn, database: Database) -> None:
    for n in range(3):
        api.send_text(USER, f"message {n}")
    other_worker = WeChatApi(config_for(standin), DatabaseStorage(Database(database.url)))
    other_worker.send_text(USER, "from another worker")
    other_worker.storage.db.dispose()
    assert standin.texts_to(USER) == ["message 0", "message 1", "message 2", "from another worker"]
    assert standin.token_fetches == 1


@pytest.mark.parametrize("how", ["revoked-40001", "expired-42001"])
def test_a_refused_token_is_refreshed_once_and_the_message_sent(
    api: WeChatApi, standin: WeChatStandIn, how: str
) -> None:
    api.send_text(USER, "first")
    standin.revoke_tokens() if how.startswith("revoked") else standin.expire_tokens()
    api.send_text(USER, "second")
    api.send_text(USER, "third")
    assert standin.texts_to(USER) == ["first", "second", "third"]
    assert standin.token_fetches == 2
    refused = [s.errcode for s in standin.sent if s.errcode]
    assert refused == [40001 if how.startswith("revoked") else 42001]  # one refusal, then the new token


def test_a_token_refused_twice_is_an_error_not_a_loop(api: WeChatApi, standin: WeChatStandIn) -> None:
    standin.fail_next("message/custom/send", 40001, 40001, 40001)
    with pytest.raises(WeChatApiError) as caught:
        api.send_text(USER, "hello")
    assert caught.value.errcode == 40001
    assert standin.token_fetches == 2  # the first token, and one refresh
    assert len(standin.sent) == 2  # tried, then retried once


def test_outside_the_48_hour_window_is_given_up(api: WeChatApi, standin: WeChatStandIn) -> None:
    standin.outside_window.add(USER)
    with pytest.raises(OutsideWindow) as caught:
        api.send_text(USER, "too late")
    assert caught.value.errcode == 45015 and standin.token_fetches == 1 and standin.texts_to(USER) == []
    api.send_text(openid("api-2"), "someone else is fine")
    assert standin.texts_to(openid("api-2")) == ["someone else is fine"]


def test_an_image_is_uploaded_as_temporary_media_then_sent(api: WeChatApi, standin: WeChatStandIn) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    api.send_image(USER, png)
    (upload,) = standin.uploads
    assert upload.kind == "image" and upload.size == len(png) and upload.head == png[:8]
    (sent,) = standin.sent_to(USER)
    assert sent.kind == "image" and sent.body["image"]["media_id"] == upload.media_id


def test_a_wrong_secret_is_an_error(standin: WeChatStandIn, database: Database) -> None:
    config = WeChatConfig(TOKEN, APP_ID, "wrong-secret", None, standin.base_url)
    with pytest.raises(WeChatApiError) as caught:
        WeChatApi(config, DatabaseStorage(database)).send_text(USER, "x")
    assert caught.value.errcode == 40125 and standin.sent == []


def test_an_unreachable_api_is_an_error(database: Database) -> None:
    config = WeChatConfig(TOKEN, APP_ID, APP_SECRET, None, "http://127.0.0.1:9/cgi-bin/")
    with pytest.raises(WeChatApiError):
        WeChatApi(config, DatabaseStorage(database), timeout=2).send_text(USER, "x")


def test_an_openid_is_logged_only_hashed() -> None:
    assert USER not in who(USER) and who(USER) == who(USER) and who(USER) != who(openid("other"))


# --------------------------------------------------------------------------------------------------------------
# The settings


def _config(**values: object) -> WeChatConfig | None:
    return WeChatConfig.from_settings(Settings(_env_file=None, **values))  # type: ignore[arg-type]


def test_not_configured_without_a_token() -> None:
    assert _config() is None


def test_a_full_configuration() -> None:
    config = _config(
        wechat_token=TOKEN,
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_encoding_aes_key=AES_KEY,
        wechat_api_base_url="http://127.0.0.1:8099/cgi-bin",
        wechat_reply_deadline=3,
    )
    assert config is not None and config.safe_mode and config.api_base_url == "http://127.0.0.1:8099/cgi-bin/"
    assert config.reply_deadline == 3
    assert TOKEN not in repr(config) and APP_SECRET not in repr(config) and AES_KEY not in repr(config)
    plain = _config(wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret=APP_SECRET)
    assert plain is not None and not plain.safe_mode
    assert plain.api_base_url == "https://api.weixin.qq.com/cgi-bin/" and plain.reply_deadline == 4.5


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"wechat_token": "a b"}, "WECHAT_TOKEN is malformed"),
        ({"wechat_token": TOKEN}, "WECHAT_APP_ID and WECHAT_APP_SECRET not"),
        ({"wechat_token": TOKEN, "wechat_app_id": APP_ID}, "WECHAT_APP_SECRET not"),
        ({"wechat_token": TOKEN, "wechat_app_id": "x1", "wechat_app_secret": "s"}, "WECHAT_APP_ID is malformed"),
        (
            {"wechat_token": TOKEN, "wechat_app_id": APP_ID, "wechat_app_secret": "s", "wechat_encoding_aes_key": "k"},
            "WECHAT_ENCODING_AES_KEY is malformed",
        ),
    ],
    ids=["token", "no-app", "no-secret", "app-id", "aes-key"],
)
def test_configuration_problems_are_one_line(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _config(**values)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"wechat_reply_deadline": 5}, "WECHAT_REPLY_DEADLINE"),
        ({"wechat_reply_deadline": 0}, "WECHAT_REPLY_DEADLINE"),
        ({"wechat_api_base_url": "ftp://x"}, "WECHAT_API_BASE_URL"),
    ],
    ids=["deadline-5s", "deadline-0", "base-url"],
)
def test_bad_wechat_settings_are_reported(values: dict[str, object], name: str) -> None:
    from bot.settings import SettingsError, load

    env = {"WECHAT_REPLY_DEADLINE" if "deadline" in k else "WECHAT_API_BASE_URL": v for k, v in values.items()}
    with pytest.raises(SettingsError) as caught:
        load(_env_file=None, **env)
    assert any(p.startswith(name) for p in caught.value.problems)

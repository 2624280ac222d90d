"""`antifraud telegram` as it is run: token checks, long polling and the webhook with its secret token, as a real
process against the stand-in Bot API server and the running Rasa stack."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.runtime import ROOT, Stack, free_ports
from tests.bot.telegram.standin import TOKEN, StandIn, message_update, user

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ANTIFRAUD_VAR": str(tmp_path / "var"), **extra}
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "DATABASE_URL"):
        if name not in extra:
            env.pop(name, None)
    return env


@pytest.mark.parametrize(
    ("token", "message"),
    [(None, "TELEGRAM_BOT_TOKEN is not set"), ("not-a-token", "TELEGRAM_BOT_TOKEN is malformed")],
    ids=["missing", "malformed"],
)
def test_a_bad_token_is_one_line(tmp_path: Path, token: str | None, message: str) -> None:
    extra = {"TELEGRAM_BOT_TOKEN": token} if token else {}
    done = subprocess.run(
        [ANTIFRAUD, "telegram"], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env_for(tmp_path, **extra)
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and message in done.stderr and "Traceback" not in done.stderr


def test_a_bad_base_url(tmp_path: Path) -> None:
    done = subprocess.run(
        [ANTIFRAUD, "telegram"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env_for(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL="ftp://x"),
    )
    assert done.returncode == 2 and "TELEGRAM_API_BASE_URL" in done.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [("https://example.org/", "needs a path of its own"), ("https://example.org/teacher/tg", "web app's own")],
    ids=["root", "teacher"],
)
def test_a_webhook_path_the_web_app_serves_is_refused(tmp_path: Path, url: str, message: str) -> None:
    done = subprocess.run(
        [ANTIFRAUD, "telegram", "--webhook-url", url, "--rasa-url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env_for(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN),
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and message in done.stderr and "Traceback" not in done.stderr


def _post(url: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("path", ["/tg", "/hooks/abc/telegram"], ids=["short", "deep"])
def test_the_webhook_is_served_at_its_urls_path(tmp_path: Path, path: str) -> None:
    """Issue 13: ``--webhook-url https://host/tg`` registered /tg with Telegram but listened on /telegram (every
    update 404, the bot silently mute). The real process against the stand-in: the URL registered is the one given,
    an update posted to its path is answered, /telegram is not found, a forged update is refused."""
    (port,) = free_ports(1)
    secret = "s3cret-for-tests"
    base = f"http://127.0.0.1:{port}"
    url = base + path
    with StandIn() as standin:
        env = env_for(
            tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, TELEGRAM_WEBHOOK_SECRET=secret
        )
        process = subprocess.Popen(
            [ANTIFRAUD, "telegram", "--webhook-url", url, "--port", str(port), "--rasa-url", "http://127.0.0.1:9"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            hook = standin.wait_calls("setWebhook", 1, timeout=120)[0]
            assert hook.params["url"] == url and hook.params["secret_token"] == secret
            update = json.dumps(message_update(7, 43, user(43), "/help")).encode()
            deadline = time.monotonic() + 30
            status = None
            while status is None:
                try:
                    status = _post(url, update, "forged")
                except urllib.error.URLError:
                    assert time.monotonic() < deadline and process.poll() is None, "the web app did not start"
                    time.sleep(0.2)
            assert status == 403  # a forged update is refused
            assert _post(f"{base}/telegram", update, secret) == 404  # only the URL's path is the webhook
            assert _post(url, update, secret) == 200
            reply = standin.wait_calls("sendMessage", 1, 43, timeout=60)[0]
            assert "/quiz" in reply.params["text"]
            assert len(standin.sent("sendMessage", 43)) == 1  # the refused updates were never handled
        finally:
            out = _stop(process)
        assert process.returncode == 0, out


def _start(tmp_path: Path, standin: StandIn, stack: Stack, *args: str, **extra: str) -> subprocess.Popen[str]:
    env = env_for(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, **extra)
    return subprocess.Popen(
        [ANTIFRAUD, "telegram", "--rasa-url", stack.rasa_url, "--rasa-token", stack.token, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out


@pytest.mark.stack
def test_long_polling(tmp_path: Path, stack: Stack) -> None:
    with StandIn() as standin:
        process = _start(tmp_path, standin, stack)
        try:
            standin.push(message_update(standin.next_update_id(), 42, user(42), "/help"))
            reply = standin.wait_calls("sendMessage", 1, 42, timeout=120)[0]
            assert "/quiz" in reply.params["text"]
        finally:
            out = _stop(process)
        assert process.returncode == 0, out
        assert TOKEN not in out  # the token never reaches the log


@pytest.mark.stack
def test_webhook_with_secret_token(tmp_path: Path, stack: Stack) -> None:
    (port,) = free_ports(1)
    secret = "s3cret-for-tests"
    url = f"http://127.0.0.1:{port}/telegram"
    with StandIn() as standin:
        process = _start(
            tmp_path, standin, stack, "--webhook-url", url, "--port", str(port), TELEGRAM_WEBHOOK_SECRET=secret
        )
        try:
            hook = standin.wait_calls("setWebhook", 1, timeout=120)[0]
            assert hook.params["url"] == url and hook.params["secret_token"] == secret
            update = json.dumps(message_update(7, 43, user(43), "/help")).encode()

            def post(token: str | None) -> int:
                return _post(url, update, token)

            deadline = time.monotonic() + 30
            status = None
            while time.monotonic() < deadline:
                try:
                    status = post("wrong")
                    break
                except urllib.error.URLError:
                    time.sleep(0.2)
            assert status == 403  # a forged update is refused
            assert post(secret) == 200
            reply = standin.wait_calls("sendMessage", 1, 43, timeout=60)[0]
            assert "/quiz" in reply.params["text"]
        finally:
            _stop(process)


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
def test_one_process_one_port(tmp_path: Path, webhook: bool) -> None:
    """The bot and the web app in one process on one port (no Rasa needed: no message reaches the assistant): it
    says where it listens, serves the pages, takes the webhook there when it has one, and stops cleanly on Ctrl-C."""
    (port,) = free_ports(1)
    secret = "s3cret-for-tests"
    base = f"http://127.0.0.1:{port}"
    args = ["--port", str(port), "--rasa-url", "http://127.0.0.1:9"]
    if webhook:
        args += ["--webhook-url", f"{base}/telegram"]
    with StandIn() as standin:
        env = env_for(
            tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, TELEGRAM_WEBHOOK_SECRET=secret
        )
        process = subprocess.Popen(
            [ANTIFRAUD, "telegram", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert process.stdout is not None
            deadline = time.monotonic() + 120
            line = ""
            while "web app listening on" not in line:
                assert time.monotonic() < deadline and process.poll() is None, "the web app did not start"
                line = process.stdout.readline()
            assert f"http://127.0.0.1:{port}" in line
            assert urllib.request.urlopen(f"{base}/healthz", timeout=10).read() == b"ok"
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(f"{base}/p/no-such-session", timeout=10)
            assert missing.value.code == 404
            with pytest.raises(urllib.error.HTTPError) as organiser:  # the organiser's pages are served: log in first
                urllib.request.urlopen(f"{base}/organiser/campaigns", timeout=10)
            assert organiser.value.code == 401
            if webhook:
                hook = standin.wait_calls("setWebhook", 1, timeout=60)[0]
                assert hook.params["url"] == f"{base}/telegram" and hook.params["secret_token"] == secret
                request = urllib.request.Request(
                    f"{base}/telegram",
                    data=json.dumps(message_update(7, 43, user(43), "/help")).encode(),
                    headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
                    method="POST",
                )
                assert urllib.request.urlopen(request, timeout=10).status == 200
            else:
                standin.push(message_update(standin.next_update_id(), 42, user(42), "/help"))
            chat = 43 if webhook else 42
            reply = standin.wait_calls("sendMessage", 1, chat, timeout=60)[0]
            assert "/quiz" in reply.params["text"]
        finally:
            out = _stop(process)
        assert process.returncode == 0, out
        assert "Traceback" not in out and TOKEN not in out

"""`antifraud web` as it is run: the web app alone (no Telegram) on the web settings' port, with the web chat on a
running Rasa stack; it says where it listens and stops cleanly on Ctrl-C and on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from bot.runtime import ROOT, Stack, free_ports

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")


def _start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    (port,) = free_ports(1)
    env = {**os.environ, "ANTIFRAUD_VAR": str(tmp_path / "var"), "ANTIFRAUD_WEB_PORT": str(port)}
    for name in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ANTIFRAUD_RASA_URL"):
        env.pop(name, None)
    process = subprocess.Popen(
        [ANTIFRAUD, "web", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return process, f"http://127.0.0.1:{port}"


def _wait(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("antifraud web did not start")


def _stop(process: subprocess.Popen[str], sig: signal.Signals) -> str:
    process.send_signal(sig)
    try:
        out, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out


@pytest.mark.stack
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_web_chat_served_alone(tmp_path: Path, stack: Stack, sig: signal.Signals) -> None:
    process, base = _start(tmp_path, "--rasa-url", stack.rasa_url, "--rasa-token", stack.token)
    try:
        _wait(process, base)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = opener.open(f"{base}/chat", timeout=10)
        assert page.status == 200 and 'id="chat-config"' in page.read().decode()
        body = json.dumps({"id": "cli-test-0001", "text": "what are the red flags of a fake police call?"}).encode()
        request = urllib.request.Request(
            f"{base}/chat/api/send", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        replies = json.loads(opener.open(request, timeout=60).read())["replies"]
        assert replies and replies[0]["text"]
        history = json.loads(opener.open(f"{base}/chat/api/history", timeout=10).read())["messages"]
        assert history[0]["role"] == "user" and len(history) == 1 + len(replies)
    finally:
        out = _stop(process, sig)
    assert process.returncode == 0, out
    assert f"web app listening on {base}" in out and "/chat" in out
    assert "Traceback" not in out

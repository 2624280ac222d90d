"""`antifraud web` with the WeChat account configured: the web app serves /wechat on the same assistant as the web
chat (the stand-in of WeChat delivers a message and gets the passive reply); a WeChat setting that is wrong ends
the command with one line before anything starts."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from bot.runtime import ROOT, Stack, free_ports
from tests.bot.web.wechat_standin import APP_ID, APP_SECRET, TOKEN, WeChatStandIn, openid, text
from tests.cli.test_web import ANTIFRAUD, _stop, _wait


def _env(tmp_path: Path, port: int, **wechat: str) -> dict[str, str]:
    env = {**os.environ, "ANTIFRAUD_VAR": str(tmp_path / "var"), "ANTIFRAUD_WEB_PORT": str(port), **wechat}
    for name in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ANTIFRAUD_RASA_URL", "WECHAT_ENCODING_AES_KEY"):
        env.pop(name, None)
    return env


def test_a_wrong_wechat_setting_is_one_line(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    done = subprocess.run(
        [ANTIFRAUD, "web", "--rasa-url", "http://127.0.0.1:9"],
        cwd=ROOT,
        env=_env(tmp_path, port, WECHAT_TOKEN=TOKEN, WECHAT_APP_ID=APP_ID),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "WECHAT_APP_SECRET" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.stack
def test_antifraud_web_serves_the_wechat_callback(tmp_path: Path, stack: Stack) -> None:
    (port,) = free_ports(1)
    base = f"http://127.0.0.1:{port}"
    with WeChatStandIn() as standin:
        env = _env(
            tmp_path,
            port,
            WECHAT_TOKEN=TOKEN,
            WECHAT_APP_ID=APP_ID,
            WECHAT_APP_SECRET=APP_SECRET,
            WECHAT_API_BASE_URL=standin.base_url,
        )
        process = subprocess.Popen(
            [ANTIFRAUD, "web", "--rasa-url", stack.rasa_url, "--rasa-token", stack.token],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait(process, base)
            check = httpx.get(f"{base}/wechat", params=standin.params() | {"echostr": "hi-wechat"})
            assert check.status_code == 200 and check.text == "hi-wechat"
            delivery = standin.deliver(f"{base}/wechat", text(openid("cli"), "报警电话是多少"))
            assert delivery.content and "110" in delivery.content
        finally:
            out = _stop(process, signal.SIGTERM)
    assert process.returncode == 0, out
    assert f"web app listening on {base}" in out and "WeChat: " in out and "/wechat" in out
    assert "Traceback" not in out

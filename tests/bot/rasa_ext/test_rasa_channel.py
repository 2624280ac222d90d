"""Tests for bot.rasa_ext.channel: the REST channel hands Rasa masked text and masked metadata.

The channel runs in the Rasa environment (.venv-rasa), so the test runs it there, in a child process: a real Sanic
request with a JSON body goes through MaskedRestInput's ``_extract_message`` and ``get_metadata``, the methods Rasa's
REST webhook calls before it parses, logs or stores anything."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from bot import runtime

PROBE = """
import json, sys
from sanic import Sanic
from sanic.compat import Header
from sanic.request import Request
from bot.rasa_ext.channel import MaskedRestInput

app, channel, out = Sanic("probe"), MaskedRestInput(), []
for payload in json.loads(sys.stdin.read()):
    request = Request(b"/webhooks/rest/webhook", Header({"content-type": "application/json"}), "1.1", "POST", None, app)
    request.body = json.dumps(payload).encode()
    out.append({"text": channel._extract_message(request), "metadata": channel.get_metadata(request)})
print(json.dumps(out, ensure_ascii=False))
"""

# (id, message, what Rasa gets)
MESSAGES = [
    ("uk-bank", "sort code 12-34-56 account 12345678", "sort code [BANK_CODE] account [ACCOUNT]"),
    ("card-security-zh", "有效期 12/27 背面三位 123", "有效期 [EXPIRY] 背面三位 [CODE]"),
    ("iban", "IBAN DE89 3704 0044 0532 0130 00", "IBAN [ACCOUNT]"),
    ("otp-zh", "客服让我报验证码是 123456", "客服让我报验证码是 [CODE]"),
    ("wechat", "加我微信号: abc_123", "加我微信号: [ACCOUNT]"),
    (
        "hotline-kept",
        "验证码被骗了打96110，Action Fraud 0300 123 2040",
        "验证码被骗了打96110，Action Fraud 0300 123 2040",
    ),
    ("amount-kept", "转了5万元，¥50000", "转了5万元，¥50000"),
    ("quiz-letters", "AC", '/quiz_answer{"choice":"AC"}'),
]


@pytest.fixture(scope="module")
def through_channel() -> list[dict[str, Any]]:
    payloads = [{"sender": "u1", "message": text} for _, text, _ in MESSAGES]
    payloads.append(
        {"sender": "u1", "message": "hi", "metadata": {"note": "OTP 552901", "iban": "GB82WEST12345698765432"}}
    )
    python = runtime.rasa_bin().parent / "python"
    done = subprocess.run(
        [str(python), "-c", PROBE],
        input=json.dumps(payloads),
        env=runtime.child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("index", "expected"), [(i, c[2]) for i, c in enumerate(MESSAGES)], ids=[c[0] for c in MESSAGES]
)
def test_rasa_gets_the_masked_message(through_channel: list[dict[str, Any]], index: int, expected: str) -> None:
    assert through_channel[index]["text"] == expected


def test_metadata_is_masked(through_channel: list[dict[str, Any]]) -> None:
    assert through_channel[-1]["metadata"] == {"note": "OTP [CODE]", "iban": "[ACCOUNT]"}

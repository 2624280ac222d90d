"""`antifraud check`: the public contract (one JSON object per input line) and the readable verdict."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.knowledge import load_knowledge
from bot.runtime import ROOT
from bot.shared.labels import ScamType

pytestmark = pytest.mark.stack

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")
REQUIRED = {
    "text": str,
    "lang": str,
    "kind": str,
    "scam_type": str,
    "urgent": bool,
    "confidence": float,
    "forwarded": bool,
    "red_flags": list,
    "reply": str,
}

LINES = [
    "我儿子在英国留学，刚才有人说他被绑架了，要我马上转30万赎金，不然撕票",
    "can the police transfer my call to another police station?",
    "hi",
    "",
    "🙏🙏",
    "兼职刷单，先垫付300元做任务，说完成后返佣金，现在说要再充2000才能提现",
    "这是诈骗吗？【顺丰速运】您的包裹因地址不详被退回，请点击 http://sf-kd-fix.top 重新填写地址",
    "are we still doing hotpot for dinner tonight? I can book a table for 7",
    "someone sent me a video of my daughter in Manchester tied up, they want 200000 now or they will hurt her",
]


def run_check(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ANTIFRAUD, "check", *args], input=stdin, capture_output=True, text=True, timeout=600, cwd=ROOT
    )


@pytest.fixture(scope="module")
def jsonl_results(model: Path) -> list[dict]:
    done = run_check("--jsonl", stdin="\n".join(LINES) + "\n")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_one_object_per_line_with_the_contract_fields(jsonl_results: list[dict]) -> None:
    assert len(jsonl_results) == len(LINES)
    flags = set(load_knowledge().red_flags)
    for result in jsonl_results:
        for key, kind in REQUIRED.items():
            assert isinstance(result[key], kind), (key, result)
        assert result["lang"] in ("zh", "en")
        assert result["kind"] in ("experience", "question", "other")
        assert result["scam_type"] in {t.value for t in ScamType}
        assert 0.0 <= result["confidence"] <= 1.0
        assert set(result["red_flags"]) <= flags


def test_verdicts(jsonl_results: list[dict]) -> None:
    kidnap, police_q, hi, empty, emoji, brushing, pasted, dinner, _abroad = jsonl_results
    assert (kidnap["kind"], kidnap["scam_type"], kidnap["urgent"], kidnap["lang"]) == (
        "experience",
        "virtual_kidnapping",
        True,
        "zh",
    )
    assert kidnap["reply"].startswith("🚨")
    assert (police_q["kind"], police_q["scam_type"], police_q["lang"]) == ("question", "police_impersonation", "en")
    assert "police_transfer_call" in police_q["red_flags"]
    assert (hi["kind"], hi["scam_type"], hi["urgent"]) == ("other", "none", False)
    assert empty["reply"] == "" and empty["scam_type"] == "none"
    assert emoji["reply"]  # a sensible reply, not silence
    assert brushing["scam_type"] == "order_brushing" and "pay_to_unlock_withdrawal" in brushing["red_flags"]
    assert (pasted["forwarded"], pasted["kind"], pasted["scam_type"]) == (True, "question", "phishing_link")
    assert "已经转账" not in pasted["reply"], "a pasted message the user only asks about: no 'have you paid?'"
    assert (dinner["scam_type"], dinner["urgent"], dinner["forwarded"]) == ("none", False, False)
    assert not kidnap["forwarded"]


def test_personal_numbers_are_masked_in_the_output(model: Path) -> None:
    done = run_check("--jsonl", stdin="骗子让我把身份证号11010519491231002X发给他\n")
    result = json.loads(done.stdout)
    assert "11010519491231002X" not in done.stdout
    assert "[ID]" in result["text"]


def test_readable_verdict(model: Path) -> None:
    done = run_check("有人冒充淘宝客服说给我理赔，要我共享屏幕")
    assert done.returncode == 0, done.stderr
    assert "scam type: customer_service_refund" in done.stdout
    assert "screen_sharing" in done.stdout


def test_no_message_is_a_clear_error() -> None:
    done = run_check()
    assert done.returncode == 2
    assert "Give a message" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_parent_whose_child_is_abroad_is_not_told_to_dial_that_countrys_number_as_their_own(
    jsonl_results: list[dict],
) -> None:
    """The parent may be in China: 999 from a Chinese phone is not the British police. 999 is for someone in the UK."""
    abroad = jsonl_results[-1]
    assert (abroad["scam_type"], abroad["urgent"]) == ("virtual_kidnapping", True)
    lines = abroad["reply"].splitlines()
    them = [line for line in lines if line.startswith("🚓")]
    assert them and "999" in them[0] and "12308" in them[0]
    assert any("Which country are you in right now?" in line for line in lines), "asked where the parent is"

"""`antifraud chat`: the terminal chat a user opens with the README's first command."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from bot.runtime import ROOT

pytestmark = pytest.mark.stack


def action_servers() -> set[int]:
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"rasa_sdk" in cmdline or (b"rasa\x00run" in cmdline and b"--enable-api" in cmdline):
            found.add(int(pid))
    return found


def test_chat_session_with_numbered_buttons_and_quit(model: Path, tmp_path: Path) -> None:
    before = action_servers()
    typed = "\n".join(["你好", "", "1", "我在英国读书，有人打电话说是中国大使馆的，说我有个包裹里有假护照", "/quit"]) + "\n"
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "antifraud"), "chat", "--tracker-db", str(tmp_path / "t.db")],
        input=typed, capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[1]" in out  # buttons shown as numbered choices
    assert "96110" in out or "110" in out  # "1" chose the first button: the hotlines
    assert "冒充公检法" in out  # the story was understood
    assert "再见 / Bye." in out
    assert "Traceback" not in out + done.stderr
    deadline = time.monotonic() + 15
    while action_servers() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not action_servers() - before, "chat left its servers running"

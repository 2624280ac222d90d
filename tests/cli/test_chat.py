"""`antifraud chat`: the terminal chat a user opens with the README's first command, and how it ends: /quit,
Ctrl-C (also during start-up), a hard kill, a missing Rasa. It must never leave its servers behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bot.runtime import ROOT

pytestmark = pytest.mark.stack

ANTIFRAUD = str(ROOT / ".venv" / "bin" / "antifraud")


def servers() -> set[int]:
    """PIDs of every action server and Rasa server on the machine."""
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"rasa_sdk" in cmdline or (b"rasa\x00run" in cmdline and b"--enable-api" in cmdline):
            found.add(int(pid))
    return found


def assert_none_left(before: set[int], what: str) -> None:
    deadline = time.monotonic() + 20
    while servers() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not servers() - before, what


def launch_chat(tmp_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [ANTIFRAUD, "chat", "--tracker-db", str(tmp_path / "t.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def read_until_prompt(proc: subprocess.Popen[bytes]) -> bytes:
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + 300
    while b"you> " not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += os.read(proc.stdout.fileno(), 4096)
    assert b"you> " in seen, seen.decode(errors="replace")
    return seen


def test_chat_session_with_numbered_buttons_and_quit(model: Path, tmp_path: Path) -> None:
    before = servers()
    typed = (
        "\n".join(["你好", "", "1", "我在英国读书，有人打电话说是中国大使馆的，说我有个包裹里有假护照", "/quit"]) + "\n"
    )
    done = subprocess.run(
        [ANTIFRAUD, "chat", "--tracker-db", str(tmp_path / "t.db")],
        input=typed,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[1]" in out  # buttons shown as numbered choices
    assert "96110" in out or "110" in out  # "1" chose the first button: the hotlines
    assert "冒充公检法" in out  # the story was understood
    assert "再见 / Bye." in out
    assert "Traceback" not in out + done.stderr
    assert_none_left(before, "chat left its servers running")


def test_ctrl_c_ends_the_chat_and_stops_its_servers(model: Path, tmp_path: Path) -> None:
    before = servers()
    proc = launch_chat(tmp_path)
    seen = read_until_prompt(proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert "再见 / Bye." in (seen + out).decode()
    assert b"Traceback" not in err
    assert_none_left(before, "Ctrl-C left the servers running")


def test_a_chat_killed_hard_leaves_no_servers_behind(model: Path, tmp_path: Path) -> None:
    before = servers()
    proc = launch_chat(tmp_path)
    read_until_prompt(proc)
    assert servers() - before, "the chat did not start its servers"
    proc.send_signal(signal.SIGKILL)  # no chance to clean up: the children must go by themselves
    proc.communicate()
    assert_none_left(before, "servers outlived a killed chat")


def test_ctrl_c_during_start_up_stops_everything(model: Path, tmp_path: Path) -> None:
    before = servers()
    proc = launch_chat(tmp_path)
    deadline = time.monotonic() + 30
    while not servers() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # the servers are importing and binding: the awkward moment to be stopped
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode(errors="replace")
    assert b"Traceback" not in err
    assert_none_left(before, "servers outlived a chat stopped during start-up")


def test_missing_rasa_is_a_one_line_error_and_starts_nothing(model: Path, tmp_path: Path) -> None:
    before = servers()
    env = {**os.environ, "ANTIFRAUD_RASA_VENV": str(tmp_path / "no-such-venv")}
    done = subprocess.run([ANTIFRAUD, "check", "hi"], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1
    assert "Rasa is not installed" in done.stderr and "scripts/setup.sh" in done.stderr
    assert "Traceback" not in done.stderr
    assert not servers() - before

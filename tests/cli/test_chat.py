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


def test_ctrl_c_ends_the_chat_and_stops_its_servers(model: Path, tmp_path: Path) -> None:
    import signal

    before = action_servers()
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "antifraud"), "chat", "--tracker-db", str(tmp_path / "t.db")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + 300
    while b"you> " not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += os.read(proc.stdout.fileno(), 4096)
    assert b"you> " in seen, seen.decode(errors="replace")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert "再见 / Bye." in (seen + out).decode()
    assert b"Traceback" not in err
    deadline = time.monotonic() + 15
    while action_servers() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not action_servers() - before, "Ctrl-C left the servers running"


def test_a_chat_killed_hard_leaves_no_servers_behind(model: Path, tmp_path: Path) -> None:
    import signal

    before = action_servers()
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "antifraud"), "chat", "--tracker-db", str(tmp_path / "t.db")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + 300
    while b"you> " not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += os.read(proc.stdout.fileno(), 4096)
    assert action_servers() - before, "the chat did not start its servers"
    proc.send_signal(signal.SIGKILL)  # no chance to clean up: the children must go by themselves
    proc.wait()
    deadline = time.monotonic() + 20
    while action_servers() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not action_servers() - before, "servers outlived a killed chat"


def test_ctrl_c_during_start_up_stops_everything(model: Path, tmp_path: Path) -> None:
    import signal

    before = action_servers()
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "antifraud"), "chat", "--tracker-db", str(tmp_path / "t.db")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while not action_servers() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # the servers are importing and binding: the awkward moment to be stopped
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode(errors="replace")
    assert b"Traceback" not in err
    deadline = time.monotonic() + 20
    while action_servers() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not action_servers() - before, "servers outlived a chat stopped during start-up"


def test_missing_rasa_is_a_one_line_error_and_starts_nothing(model: Path, tmp_path: Path) -> None:
    before = action_servers()
    env = {**os.environ, "ANTIFRAUD_RASA_VENV": str(tmp_path / "no-such-venv")}
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "antifraud"), "check", "hi"], env=env, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1
    assert "Rasa is not installed" in done.stderr and "scripts/setup.sh" in done.stderr
    assert "Traceback" not in done.stderr
    assert not action_servers() - before

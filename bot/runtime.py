"""Running the assistant: the trained model, the Rasa server and the action server as child processes.

Rasa lives in its own environment (``.venv-rasa``); this module runs in the app environment and drives it through
its CLI and its HTTP API on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.settings import MODELS_DIR, ROOT, child_environ, settings

#: Everything the trained model depends on: change any of it and the model is retrained.
TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data", "bot/rasa_ext", "bot/shared", "requirements/rasa.lock")

#: Rasa's SQL tracker store, reading a bounded part of a conversation per message (not a training input).
TRACKER_STORE = "bot.rasa_serve.tracker_store.BoundedSQLTrackerStore"

CHILD_ENV = {
    "PYTHONPATH": str(ROOT),
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
    "LOG_LEVEL_LIBRARIES": "ERROR",
}


class RuntimeProblem(RuntimeError):
    """Something the user can act on (missing environment, failed training, server that did not start)."""


def var_dir() -> Path:
    """Where the servers' logs, the generated endpoints files and the SQLite files go (``ANTIFRAUD_VAR``)."""
    return settings().var_dir


def rasa_bin() -> Path:
    venv = settings().rasa_venv
    exe = venv / "bin" / "rasa"
    if not exe.exists():
        raise RuntimeProblem(f"Rasa is not installed at {venv}: run ./scripts/setup.sh first.")
    return exe


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: ours, plus the fixed settings above, plus ``extra``."""
    return {**child_environ(), **CHILD_ENV, **extra}


# --------------------------------------------------------------------------------------------------- training


def _files(paths: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = ROOT / name
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml", ".py"))
        elif path.exists():
            found.append(path)
    return found


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _files(TRAINING_INPUTS):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS_DIR / f"antifraud-{fingerprint()}.tar.gz"


def train(force: bool = False, echo: Callable[[str], None] = print) -> Path:
    """Train the Rasa model unless one for exactly these inputs exists. Streams Rasa's progress."""
    target = model_path()
    if target.exists() and not force:
        echo(f"Model is up to date: {target.relative_to(ROOT)}")
        return target
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    echo("Training the Rasa model (NLU + dialogue rules); this takes a minute or two...")
    started = time.monotonic()
    cmd = [
        str(rasa_bin()),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "nlu_data",
        "--out",
        str(MODELS_DIR),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
        "--force",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    tail: list[str] = []
    for line in proc.stdout:
        line = line.rstrip()
        tail = [*tail, line][-40:]
        if "Finished training component" in line or "Starting to train component" in line or "Epochs" in line:
            echo("  " + line.split(" - ", 1)[-1].strip())
    if proc.wait() != 0 or not target.exists():
        raise RuntimeProblem("Training failed:\n" + "\n".join(tail))
    for old in MODELS_DIR.glob("antifraud-*.tar.gz"):
        if old != target:
            old.unlink()
    echo(f"Trained in {time.monotonic() - started:.0f} s: {target.relative_to(ROOT)}")
    return target


# --------------------------------------------------------------------------------------------------- servers


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the parent dies, so a CLI killed hard (SIGKILL,
    a closed terminal) never leaves servers behind. Elsewhere, stop() and the signal handlers still stop them."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _signal_group(proc: subprocess.Popen[Any], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def free_ports(count: int) -> list[int]:
    """Distinct free ports on 127.0.0.1 (all held open together while choosing, so they cannot coincide)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_http(url: str, proc: subprocess.Popen[Any], timeout: float, what: str, log: Path) -> None:
    """Wait until ``url`` answers below 500; :class:`RuntimeProblem` if ``proc`` stops first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeProblem(f"The {what} stopped while starting; see {log}:\n" + _tail(log))
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeProblem(f"The {what} did not start within {timeout:.0f} s; see {log}.")


def stop_processes(processes: Iterable[subprocess.Popen[Any]]) -> None:
    """SIGTERM every process group (each child runs in its own), wait up to 10 s each, then SIGKILL what is left."""
    processes = list(processes)
    for proc in processes:
        _signal_group(proc, signal.SIGTERM)
    for proc in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        _signal_group(proc, signal.SIGKILL)  # whatever of the group is still there
        proc.wait()


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[Any]:
    """A server as a child: in the checkout, its own process group (stopped as a whole), output appended to ``log``,
    and SIGTERM when this process dies."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def action_server_command(port: int) -> list[str]:
    """Our action server (rasa_sdk, in this environment) on ``port`` of 127.0.0.1 (``SANIC_HOST`` in its env)."""
    return [sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)]


def rasa_command(model: Path, port: int, endpoints: Path, token: str, host: str = "127.0.0.1") -> list[str]:
    """``rasa run`` with the HTTP API (behind ``token``), the REST channel, on ``host:port``."""
    return [
        str(rasa_bin()),
        "run",
        "--enable-api",
        "--auth-token",
        token,
        "-m",
        str(model),
        "-i",
        host,
        "-p",
        str(port),
        "--endpoints",
        str(endpoints),
        "--credentials",
        "credentials.yml",
    ]


def new_token() -> str:
    """The Rasa API's auth token: hex, since a token_urlsafe may start with '-', which `rasa run` reads as an
    option."""
    return secrets.token_hex(16)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class Stack:
    """A running Rasa server and action server."""

    rasa_url: str
    action_url: str
    token: str
    processes: list[subprocess.Popen[Any]] = field(default_factory=list)
    tracker_db: Path | None = None
    endpoints: Path | None = None
    database_url: str | None = None  # the action server's quiz database, when given
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60.0))

    # -- talking to it
    def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """One user message through the REST channel; returns the bot's messages."""
        response = self.client.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict[str, Any]:
        response = self.client.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token, "include_events": "NONE"}
        )
        response.raise_for_status()
        return dict(response.json())

    def parse(self, text: str) -> dict[str, Any]:
        response = self.client.post(f"{self.rasa_url}/model/parse", params={"token": self.token}, json={"text": text})
        response.raise_for_status()
        return dict(response.json())

    @staticmethod
    def new_sender() -> str:
        return uuid.uuid4().hex

    # -- lifecycle
    def stop(self) -> None:
        """Stop both servers and everything they started (each runs in its own process group: sanic's worker,
        manager and resource tracker go with it, even when stopped halfway through start-up)."""
        self.client.close()
        stop_processes(self.processes)
        self.processes.clear()
        if self.endpoints is not None:
            self.endpoints.unlink(missing_ok=True)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def quote_yaml(value: object) -> str:
    """``value`` as a double-quoted YAML string."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def tracker_store_lines(url: str, store_type: str = TRACKER_STORE) -> list[str]:
    """Rasa's ``tracker_store:`` section for the database at ``url`` (SQLAlchemy's form: ``sqlite:///FILE``,
    ``postgresql://user:password@host:port/db``), of ``store_type`` (the bounded store, or ``SQL``: Rasa's own)."""
    from sqlalchemy.engine import make_url

    tracker = make_url(url)
    lines = ["tracker_store:", f"  type: {store_type}", f"  dialect: {tracker.get_backend_name()}"]
    if tracker.host:
        lines.append(f"  url: {quote_yaml(tracker.host)}")
    if tracker.port:
        lines.append(f"  port: {tracker.port}")
    lines.append(f"  db: {quote_yaml(tracker.database or '')}")
    if tracker.username:
        lines.append(f"  username: {quote_yaml(tracker.username)}")
    if tracker.password:
        lines.append(f"  password: {quote_yaml(tracker.password)}")
    if store_type == TRACKER_STORE:
        lines.append(f"  max_events: {settings().tracker_max_events}")
    return lines


def write_endpoints(action_port: int, tracker_db: Path | None, var: Path | None = None) -> Path:
    """Rasa's endpoints file for this action server (and tracker store), in ``var`` (default: the settings')."""
    var = var or var_dir()
    var.mkdir(parents=True, exist_ok=True)
    lines = ["action_endpoint:", f'  url: "http://127.0.0.1:{action_port}/webhook"']
    if tracker_db is not None:
        lines += tracker_store_lines(f"sqlite:///{tracker_db}")
    path = var / f"endpoints-{action_port}.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_stack(
    model: Path | None = None,
    *,
    tracker_db: Path | None = None,
    database_url: str | None = None,
    var: Path | None = None,
    timeout: float = 180.0,
    echo: Callable[[str], None] = lambda _: None,
) -> Stack:
    """Start the action server and the Rasa server on free ports of 127.0.0.1 and wait until both answer.

    ``tracker_db``: a SQLite file for Rasa's tracker store (conversations survive a restart); None keeps them in
    memory. ``database_url``: the quiz database of the action server (default: ``$DATABASE_URL`` or the SQLite file).
    ``var``: the scratch directory for logs and endpoints, passed on to the servers as ``ANTIFRAUD_VAR`` (default:
    the settings').
    """
    model = model or train(echo=echo)
    rasa_bin()  # before spawning anything: a missing Rasa must not leave an action server behind
    var = var or var_dir()
    scratch = {"ANTIFRAUD_VAR": str(var)}
    logs = var / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port = free_ports(2)
    token = new_token()
    endpoints = write_endpoints(action_port, tracker_db, var)
    action_log, rasa_log = logs / "actions.log", logs / "rasa.log"
    action_env = child_env(SANIC_HOST="127.0.0.1", **scratch)
    if database_url:
        action_env["DATABASE_URL"] = database_url
    actions = spawn(action_server_command(action_port), action_env, action_log)
    rasa_server = spawn(rasa_command(model, rasa_port, endpoints, token), child_env(**scratch), rasa_log)
    stack = Stack(
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{action_port}",
        token,
        [actions, rasa_server],
        tracker_db,
        endpoints,
        database_url,
    )
    try:
        echo("Starting the action server and the Rasa server...")
        wait_http(f"{stack.action_url}/health", actions, timeout, "action server", action_log)
        wait_http(f"{stack.rasa_url}/", rasa_server, timeout, "Rasa server", rasa_log)
    except BaseException:
        stack.stop()
        raise
    return stack

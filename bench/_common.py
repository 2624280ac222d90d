"""Shared helpers for the benchmarks in bench/ (not a benchmark itself). Importing it changes nothing.

A benchmark never touches ``var/`` that other people's runs use: its scratch directory (endpoints files, server
logs, tracker DBs) is ``bench/results/var``, which it passes explicitly -- ``ANTIFRAUD_VAR`` in the environment of
every child process (:func:`child_env`) and ``var=`` to ``runtime.start_stack`` (:func:`start_stack_retrying`).

The benchmarks run as ``.venv/bin/python bench/<name>.py`` from the checkout: ``bot`` is imported from the app
environment's editable install, these helpers from the script's own folder (Python puts it first on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.settings import ROOT

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BENCH_VAR = RESULTS / "var"

APP_PYTHON = ROOT / ".venv" / "bin" / "python"
ANTIFRAUD = ROOT / ".venv" / "bin" / "antifraud"


def scratch_var() -> Path:
    """The benchmarks' scratch directory (``bench/results/var``), created if needed."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    return BENCH_VAR


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process a benchmark starts: ours, with ``ANTIFRAUD_VAR`` set to the scratch
    directory, plus ``extra``."""
    return {**os.environ, "ANTIFRAUD_VAR": str(scratch_var()), **extra}


# --------------------------------------------------------------------------------------------------- figures


def model_missing() -> bool:
    """True (with the reason on stderr) when there is no model of the current inputs to benchmark."""
    from bot import runtime

    if runtime.model_path().exists():
        return False
    print(f"No trained model at {runtime.model_path()}: run `.venv/bin/antifraud train` first.", file=sys.stderr)
    return True


def percentile(values: Iterable[float], p: float) -> float:
    """Nearest-rank percentile (the smallest value with at least p % of the values at or below it)."""
    data = sorted(values)
    if not data:
        return float("nan")
    rank = max(1, math.ceil(p / 100.0 * len(data)))
    return data[rank - 1]


def summary_ms(values_s: list[float]) -> dict[str, Any]:
    """n, mean, p50, p95, p99, max of durations given in seconds, in milliseconds."""
    ms = [v * 1000.0 for v in values_s]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "mean_ms": round(statistics.fmean(ms), 1),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1),
        "min_ms": round(min(ms), 1),
    }


def machine() -> dict[str, Any]:
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {
        "cpus": os.cpu_count(),
        "loadavg_1_5_15": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), **data}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def verdict(value: float, target: float, unit: str) -> str:
    ok = value <= target
    return f"{'PASS' if ok else 'MISS'} ({value:.1f} {unit} vs target <= {target:g} {unit})"


# --------------------------------------------------------------------------------------------------- /proc


def read_status(pid: int) -> dict[str, str]:
    """/proc/<pid>/status as a dict; {} when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def status_mb(status: dict[str, str], key: str) -> float | None:
    value = status.get(key)
    if not value:
        return None
    number, _, unit = value.partition(" ")
    assert unit.strip() == "kB", value
    return round(int(number) / 1024.0, 1)


def pss_mb(pid: int) -> float | None:
    """Proportional set size (shared pages divided among the processes sharing them), from smaps_rollup."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        pass
    return None


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def start_ticks(pid: int) -> int | None:
    """Start time of a process (clock ticks since boot): tells a pid apart from a later process with the same pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def state(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc/<pid>/task/*/children)."""
    kids: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        tasks = list(task_dir.iterdir())
    except OSError:
        return kids
    for task in tasks:
        try:
            kids += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(set(kids))


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    stack = [pid]
    while stack:
        for kid in children(stack.pop()):
            if kid not in found:
                found.append(kid)
                stack.append(kid)
    return found


def role(argv: list[str]) -> str:
    """What a process of the stack is, from its command line."""
    joined = " ".join(argv)
    if "rasa_sdk" in joined:
        return "action server"
    if re.search(r"/rasa\b.* run\b", joined) or (len(argv) > 2 and argv[1].endswith("/rasa") and argv[2] == "run"):
        return "rasa server"
    if "antifraud" in joined:
        return "cli"
    return "other"


def port_of(argv: list[str]) -> int | None:
    for flag in ("--port", "-p"):
        if flag in argv:
            i = argv.index(flag)
            if i + 1 < len(argv) and argv[i + 1].isdigit():
                return int(argv[i + 1])
    return None


def listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on TCP ``port`` (from /proc/net/tcp and tcp6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(fields[9])
    return inodes


def holds_socket(pid: int, inodes: set[str]) -> bool:
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in inodes:
            return True
    return False


def redact(argv: list[str]) -> str:
    """A command line with the value after --auth-token hidden."""
    out = list(argv)
    for i, part in enumerate(out[:-1]):
        if part == "--auth-token":
            out[i + 1] = "***"
    return " ".join(out)


def foreign_stack_processes() -> list[str]:
    """Rasa / action-server / training processes on the machine that this benchmark did not start."""
    mine = set(descendants(os.getpid())) | {os.getpid()}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        argv = cmdline(int(entry.name))
        joined = " ".join(argv)
        if "rasa_sdk" in joined or re.search(r"bin/rasa (run|train|test|shell)", joined) or "bin/antifraud" in joined:
            found.append(f"{entry.name}: {redact(argv)[:120]}")
    return found


def cpu_busy(seconds: float = 1.0) -> float:
    """Fraction of all CPUs busy over ``seconds``, from /proc/stat."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    total = total1 - total0
    return 1.0 - (idle1 - idle0) / total if total else 0.0


def wait_quiet(max_wait: float = 300.0, busy_below: float = 0.5, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Wait (up to ``max_wait`` s) until the CPUs have been mostly idle for two consecutive 2-second samples.

    The machine is shared (2 cores): other people's tests start their own stacks and trainings. Idle processes do
    not matter (left-over servers can sit there for hours), so only CPU use counts; other Rasa / action-server /
    antifraud processes are listed in the result for the record. Returns what it saw, which goes into the results
    so a noisy measurement can be recognised.
    """
    started = time.monotonic()
    warned = False
    calm = 0
    while True:
        busy = cpu_busy(2.0)
        calm = calm + 1 if busy < busy_below else 0
        waited = round(time.monotonic() - started, 1)
        if calm >= 2:
            return {
                "waited_s": waited,
                "cpu_busy_before": round(busy, 2),
                "quiet": True,
                "other_stack_processes": foreign_stack_processes(),
            }
        if time.monotonic() - started > max_wait:
            echo(f"(machine still busy after {max_wait:.0f} s: cpu {busy:.0%}; measuring anyway)")
            return {
                "waited_s": waited,
                "cpu_busy_before": round(busy, 2),
                "quiet": False,
                "other_stack_processes": foreign_stack_processes(),
            }
        if not warned and busy >= busy_below:
            echo(f"(waiting for a quiet machine: cpu {busy:.0%})")
            warned = True


def cpu_ticks(pid: int) -> int | None:
    """utime + stime + cutime + cstime of a live process (clock ticks): its CPU and that of its waited-for children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(x) for x in fields[11:15])


class CpuMeter:
    """CPU use over a stretch of time: the whole machine (/proc/stat) and this benchmark -- this process, its live
    descendants (/proc/<pid>/stat deltas) and descendants that ended and were waited for (getrusage) -- so load from
    other people's work during a run can be told apart from ours."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.start = self._sample()
        self.own0 = self._rusage()
        self.live0 = {(pid, start_ticks(pid)): cpu_ticks(pid) for pid in descendants(os.getpid())}

    @staticmethod
    def _sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields[:8]), fields[3] + fields[4]

    @staticmethod
    def _rusage() -> float:
        import resource

        total = 0.0
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            usage = resource.getrusage(who)
            total += usage.ru_utime + usage.ru_stime
        return total

    def busy(self) -> float:
        total1, idle1 = self._sample()
        total = total1 - self.start[0]
        return round(1.0 - (idle1 - self.start[1]) / total, 3) if total else 0.0

    def report(self) -> dict[str, float]:
        hz = os.sysconf("SC_CLK_TCK")
        total1, idle1 = self._sample()
        machine = ((total1 - self.start[0]) - (idle1 - self.start[1])) / hz
        live = 0
        for pid in descendants(os.getpid()):
            now = cpu_ticks(pid)
            if now is not None:
                live += now - (self.live0.get((pid, start_ticks(pid))) or 0)
        own = self._rusage() - self.own0 + live / hz
        return {
            "wall_s": round(time.monotonic() - self.t0, 2),
            "machine_busy": self.busy(),
            "machine_cpu_s": round(machine, 2),
            "own_cpu_s": round(own, 2),
            "others_cpu_s": round(max(0.0, machine - own), 2),
        }


def start_stack_retrying(attempts: int = 3, **kwargs: Any) -> tuple[Any, list[str]]:
    """``runtime.start_stack(**kwargs)`` in the scratch directory, retried when a start fails; returns (stack,
    failures).

    A failed start is a finding (the benchmarks report it), not a reason to lose the whole measurement: e.g. the
    Rasa server refuses an ``--auth-token`` that starts with "-" (1 start in 64 with ``secrets.token_urlsafe``).
    """
    from bot import runtime

    kwargs.setdefault("var", scratch_var())
    failures: list[str] = []
    for attempt in range(attempts):
        try:
            return runtime.start_stack(**kwargs), failures
        except runtime.RuntimeProblem as problem:
            failures.append(start_failure_reason(str(problem)))
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def start_failure_reason(text: str) -> str:
    for line in reversed(text.splitlines()):
        if "error:" in line.lower() or "did not start" in line or "stopped while starting" in line:
            return line.strip()[:300]
    return text.strip().splitlines()[-1][:300] if text.strip() else "unknown"


def stop_stack(stack: Any) -> dict[str, Any]:
    """``stack.stop()``, timed, then check that every process of the stack (servers and their children, e.g.
    sanic's workers) is gone; reports any left running (and ends those, by pid, since this benchmark started them)."""
    tree: dict[int, tuple[int | None, str]] = {}
    for proc in stack.processes:
        for pid in [proc.pid, *descendants(proc.pid)]:
            tree[pid] = (start_ticks(pid), redact(cmdline(pid))[:100])
    t = time.monotonic()
    stack.stop()
    stop_s = time.monotonic() - t
    time.sleep(0.5)
    left = [
        pid
        for pid, (ticks, _) in tree.items()
        if ticks is not None and start_ticks(pid) == ticks and state(pid) not in (None, "Z")
    ]
    report = {"stop_s": round(stop_s, 2), "processes": len(tree), "left_running": [f"{p}: {tree[p][1]}" for p in left]}
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, 15)
    return report


# --------------------------------------------------------------------------------------------------- readiness


class ReadinessWatcher(threading.Thread):
    """Watches the descendants of ``root_pid`` and records, relative to ``t0`` (time.monotonic()):

    when the action server and the Rasa server processes appear, and when each first answers HTTP (action server
    ``/health`` 200, Rasa ``/`` < 500) -- the same checks ``bot.runtime.start_stack`` makes.
    """

    def __init__(self, root_pid: int, t0: float, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root_pid, self.t0, self.interval = root_pid, t0, interval
        self.events: dict[str, float] = {}
        self.pids: dict[str, int] = {}
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)

    def run(self) -> None:
        import httpx

        ports: dict[str, int] = {}
        with httpx.Client(timeout=0.2) as client:  # short: a request to a server still loading can hang
            while not self._halt.is_set() and not {"action_ready", "rasa_ready"} <= set(self.events):
                for pid in descendants(self.root_pid):
                    argv = cmdline(pid)
                    kind = role(argv)
                    key = {"action server": "action", "rasa server": "rasa"}.get(kind)
                    if key and key not in self.pids and port_of(argv):
                        self.pids[key] = pid
                        ports[key] = port_of(argv)  # type: ignore[assignment]
                        self.events[f"{key}_spawned"] = time.monotonic() - self.t0
                for key, path in (("action", "/health"), ("rasa", "/")):
                    if key in ports and f"{key}_ready" not in self.events:
                        try:
                            code = client.get(f"http://127.0.0.1:{ports[key]}{path}").status_code
                            if (key == "action" and code == 200) or (key == "rasa" and code < 500):
                                self.events[f"{key}_ready"] = time.monotonic() - self.t0
                        except httpx.HTTPError:
                            pass
                time.sleep(self.interval)


# --------------------------------------------------------------------------------------------------- the CLI


PROMPT = "你/you> "
BOT = "🤖"


class ChatProcess:
    """``antifraud chat`` as a subprocess with piped stdin/stdout/stderr, read by threads with timestamps."""

    def __init__(self, args: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [str(ANTIFRAUD), "chat", *(args or [])],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(PYTHONUNBUFFERED="1", **(env or {})),
        )
        self._out = bytearray()
        self._err = bytearray()
        self._cond = threading.Condition()
        self.stderr_lines: list[tuple[float, str]] = []
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self.pos = 0  # how far into stdout (characters) the caller has consumed

    def _pump(self, stream: Any, buffer: bytearray) -> None:
        fd = stream.fileno()
        while True:
            chunk = os.read(fd, 65536)
            now = time.monotonic() - self.t0
            with self._cond:
                if buffer is self._err and chunk:
                    for line in chunk.decode(errors="replace").splitlines():
                        if line.strip():
                            self.stderr_lines.append((now, line))
                buffer += chunk
                self._cond.notify_all()
            if not chunk:
                return

    @property
    def stdout(self) -> str:
        with self._cond:
            return self._out.decode(errors="replace")

    @property
    def stderr(self) -> str:
        with self._cond:
            return self._err.decode(errors="replace")

    def wait_for(self, needle: str, timeout: float) -> tuple[float, str]:
        """Wait until ``needle`` appears in stdout after the consumed position; returns (seconds since launch, text
        from the consumed position to the end of the needle) and consumes it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                text = self._out.decode(errors="replace")
                i = text.find(needle, self.pos)
                if i >= 0:
                    chunk = text[self.pos : i + len(needle)]
                    self.pos = i + len(needle)
                    return time.monotonic() - self.t0, chunk
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self._threads[0].is_alive()):
                    raise TimeoutError(
                        f"{needle!r} did not appear within {timeout:.0f} s (exit code {self.proc.poll()}).\n"
                        f"stdout tail: {text[-500:]!r}\nstderr tail: {self._err.decode(errors='replace')[-1500:]}"
                    )
                self._cond.wait(timeout=min(remaining, 0.5))

    def type(self, line: str) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        return time.monotonic() - self.t0

    def quit(self, timeout: float = 30.0) -> dict[str, Any]:
        """Send /quit, wait for the process to end; check that every descendant it had is gone."""
        tree = {pid: (start_ticks(pid), redact(cmdline(pid))[:100]) for pid in descendants(self.proc.pid)}
        sent = time.monotonic()
        try:
            self.type("/quit")
            self.proc.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        exit_s = time.monotonic() - sent
        for thread in self._threads:
            thread.join(timeout=5)
        leftover = []
        for pid, (ticks, argv) in tree.items():
            if ticks is not None and start_ticks(pid) == ticks and state(pid) not in (None, "Z"):
                leftover.append(f"{pid}: {argv}")
        for entry in leftover:  # we started them: end them, by pid
            with contextlib.suppress(OSError):
                os.kill(int(entry.split(":")[0]), 15)
        return {
            "exit_code": code,
            "exit_s": round(exit_s, 2),
            "children_seen": len(tree),
            "left_running": leftover,
            "said_bye": "Bye" in self.stdout,
        }

    def kill_tree(self) -> None:
        """Last resort (after a failure): end the CLI and the processes it started, by pid."""
        for pid in descendants(self.proc.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# --------------------------------------------------------------------------------------------------- messages

#: Follow-ups in a continuing conversation (hand-written; not in the NLU training or held-out data as such).
FOLLOWUPS = [
    "what should I do now",
    "我现在该怎么办",
    "what should i do now??",
    "那我现在应该怎么做",
    "yes",
    "no, I haven't paid anything yet",
    "是的，已经转了5000",
    "没有，还没转钱",
    "how do I report it",
    "怎么报警",
    "I'm in Canada",
    "我在日本",
    "is 95566 a real bank number?",
    "thanks",
    "谢谢你",
    "then what?",
    "他还在电话上，怎么办",
    "they're still on the phone with me",
    "我已经把验证码给他了",
    "can I get my money back",
]

#: Bad inputs: empty, blank, binary junk, emoji only, gibberish, a payload-looking string, other languages, very
#: long text (20 000 characters is what the CLI passes on at most).
BAD_INPUTS = [
    "",
    "   ",
    "\x00\x01\x02\x1b[31m\ufffd",
    "🙂🙂🙂",
    "asdf qwer zxcv",
    "/nonexistent_intent",
    "'; DROP TABLE events; --",
    "こんにちは、これは詐欺ですか",
    "我" * 5000,
    "x" * 20000,
    "?",
    "6222 0212 3456 7890 123",
]


def script_of(text: str) -> str:
    """zh, en, mixed (Chinese characters and Latin words), or other (no Chinese, no Latin words)."""
    han = bool(re.search(r"[\u3400-\u9fff]", text))
    latin = bool(re.search(r"[A-Za-z]{2,}", text))
    if han and latin:
        return "mixed"
    if han:
        return "zh"
    if latin:
        return "en"
    return "other"


def message_mix(n: int, seed: int = 20240601, cli: bool = False) -> list[dict[str, Any]]:
    """``n`` messages as conversations: held-out NLU examples (cycled, shuffled), follow-ups sent in the same
    conversation after an experience, conversational intents (thanks, yes, ...) that mostly continue the current
    conversation, and a bad input about every 40 messages (each of BAD_INPUTS once in 500).

    Each item: text, sender (a conversation id), continuing (bool), kind (experience / question / conversation /
    followup / bad), intent (held-out label or None), script, chars.
    ``cli``: for typing into ``antifraud chat`` -- one line each, nothing the CLI swallows without a reply (blank
    lines, /quit words), no pure digit strings (the CLI maps them to buttons).
    """
    from bot.assistant.evaluate import heldout_examples

    rng = random.Random(seed)
    examples = heldout_examples()
    rng.shuffle(examples)
    bad = list(BAD_INPUTS)
    if cli:
        bad = [b for b in bad if b.strip() and not b.strip().isdigit()]
    out: list[dict[str, Any]] = []
    sender = None
    conv_no = 0
    i = 0

    def add(text: str, kind: str, intent: str | None, new: bool) -> None:
        nonlocal sender, conv_no
        if cli:
            text = " ".join(text.split("\n"))
        if new or sender is None:
            conv_no += 1
            sender = f"bench-{seed}-{conv_no}"
            continuing = False
        else:
            continuing = True
        out.append(
            {
                "text": text,
                "sender": sender,
                "continuing": continuing,
                "kind": kind,
                "intent": intent,
                "script": script_of(text),
                "chars": len(text),
            }
        )

    next_bad, bad_no = 40, 0
    while len(out) < n:
        if len(out) >= next_bad:
            add(bad[bad_no % len(bad)], "bad", None, new=rng.random() < 0.5)
            next_bad, bad_no = next_bad + 40, bad_no + 1
            continue
        example = examples[i % len(examples)]
        i += 1
        intent = example.intent
        if intent.startswith("experience_"):
            kind = "experience"
        elif intent.startswith(("question_", "ask_")) or intent == "start_quiz":
            kind = "question"
        else:
            kind = "conversation"
        new = rng.random() < (0.35 if kind == "conversation" else 0.7)
        add(example.text, kind, intent, new)
        if kind == "experience" and rng.random() < 0.5:
            for _ in range(rng.choice((1, 1, 2))):
                if len(out) < n:
                    add(rng.choice(FOLLOWUPS), "followup", None, new=False)
    return out[:n]


def nlu_data_texts(seed: int = 13) -> list[str]:
    """Every training example of nlu_data (what users are expected to write: stories, questions, chat, quiz and
    location answers, in Chinese and English), shuffled with ``seed``: a realistic mix of messages."""
    from bot.assistant.evaluate import read_examples

    texts = [e.text for e in read_examples(sorted((ROOT / "nlu_data").rglob("*.yml")))]
    random.Random(seed).shuffle(texts)
    return texts

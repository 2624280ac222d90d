"""Cold start: from launching ``antifraud chat`` to its first answer to a message typed after the greeting.

Each run launches ``.venv/bin/antifraud chat`` as a subprocess (stdin a pipe; model already trained), waits for the
greeting and the prompt, types "hi", and stops the clock when the bot's answer appears on stdout; then types
"/quit" and checks that the CLI exited and every process it started is gone. 3 runs; the median is the figure.
Target: <= 30 s.

Breakdown, measured (not guessed):
  * within each CLI run, a watcher polls /proc and the servers' HTTP endpoints: CLI imported and model checked
    (first status line on stderr), servers spawned, action server answering /health, Rasa answering /, greeting
    shown, answer to "hi" shown;
  * ``runtime.start_stack()`` timed in this process, then the first and second ``Stack.send``;
  * components in fresh interpreters: CLI imports, action-server imports, ``import tensorflow``, and the stages of
    ``rasa run`` (entry-point imports, server imports, model load, first parse) via bench/_rasa_probe.py.

    .venv/bin/python bench/cold_start.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import _common as c

from bot import runtime
from bot.settings import settings

TARGET_S = 30.0
TRACKER_DB = c.BENCH_VAR / "cold-tracker.db"


class StartFailed(Exception):
    pass


def cli_run() -> dict:
    chat = c.ChatProcess(["--tracker-db", str(TRACKER_DB)])
    watcher = c.ReadinessWatcher(chat.proc.pid, chat.t0)
    watcher.start()
    try:
        try:
            t_greeting, _ = chat.wait_for(c.BOT, 240)
        except TimeoutError:
            if chat.proc.poll() is not None:  # the CLI gave up starting: a failed start
                raise StartFailed(c.start_failure_reason(chat.stderr)) from None
            raise
        t_prompt, _ = chat.wait_for(c.PROMPT, 60)
        t_typed = chat.type("hi")
        t_answer, _ = chat.wait_for(c.BOT, 120)
        t_answer_done, answer = chat.wait_for(c.PROMPT, 60)
        watcher.stop()
        quit_info = chat.quit()
    except BaseException:
        watcher.stop()
        chat.kill_tree()
        raise
    status = chat.stderr_lines
    events = {
        "cli_status_first_line": status[0][0] if status else None,  # imports done, model fingerprint checked
        **watcher.events,
        "greeting_shown": t_greeting,
        "prompt_shown": t_prompt,
        "hi_typed": t_typed,
        "answer_shown": t_answer,
        "answer_done": t_answer_done,
    }
    return {
        "first_answer_s": round(t_answer, 3),
        "events_s": {
            k: round(v, 3) for k, v in sorted(events.items(), key=lambda kv: kv[1] if kv[1] is not None else -1)
        },
        "first_answer_latency_s": round(t_answer - t_typed, 3),
        "answer": answer.replace(c.PROMPT, "").strip()[:120],
        "stderr_status": [f"{t:.2f}s {line}" for t, line in status][:6],
        "quit": quit_info,
    }


def in_process_run() -> dict:
    t0 = time.monotonic()
    watcher = c.ReadinessWatcher(c.os.getpid(), t0)
    watcher.start()
    model = runtime.model_path()
    try:
        stack, failures = c.start_stack_retrying(model=model, tracker_db=TRACKER_DB)
    finally:
        watcher.stop()
    t_started = time.monotonic() - t0
    # start_stack waits for the action server, then for Rasa, and returns as soon as Rasa answers: that moment is
    # Rasa's readiness (the watcher, polling every 50 ms, is often stopped before it sees it itself).
    watcher.events.setdefault("rasa_ready", t_started)
    try:
        sender = stack.new_sender()
        t = time.perf_counter()
        stack.send(sender, "/greet")
        greet = time.perf_counter() - t
        t = time.perf_counter()
        stack.send(sender, "hi")
        first = time.perf_counter() - t
        t = time.perf_counter()
        stack.send(sender, "what should I do now")
        second = time.perf_counter() - t
    finally:
        stopped = c.stop_stack(stack)
    return {
        "start_stack_s": round(t_started, 3),
        "events_s": {k: round(v, 3) for k, v in sorted(watcher.events.items(), key=lambda kv: kv[1])},
        "send_greet_s": round(greet, 3),
        "send_first_text_s": round(first, 3),
        "send_second_text_s": round(second, 3),
        "stop_s": stopped["stop_s"],
        "left_running_after_stop": stopped["left_running"],
        "failed_starts": failures,
    }


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=c.ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def components(reps: int) -> dict:
    app_py, rasa_py = str(c.APP_PYTHON), str(settings().rasa_venv / "bin" / "python")
    env = runtime.child_env(ANTIFRAUD_VAR=str(c.scratch_var()))
    endpoints = runtime.write_endpoints(0, TRACKER_DB, c.scratch_var())
    probes = {
        "app python startup (-c pass)": [app_py, "-c", "pass"],
        "CLI imports (import bot.cli)": [app_py, "-c", "import bot.cli"],
        "action server imports (rasa_sdk + bot.actions, loads KB)": [
            app_py,
            "-c",
            "import rasa_sdk.__main__, bot.actions",
        ],
        "rasa python startup (-c pass)": [rasa_py, "-c", "pass"],
        "import tensorflow (alone)": [rasa_py, "-c", "import tensorflow"],
        "rasa --version": [str(runtime.rasa_bin()), "--version"],
    }
    out: dict = {}
    for name, cmd in probes.items():
        times = [timed(cmd, env)[0] for _ in range(reps)]
        out[name] = {"median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times]}
    probe_runs = []
    for _ in range(reps):
        wall, stdout = timed([rasa_py, str(c.BENCH / "_rasa_probe.py"), str(runtime.model_path()), str(endpoints)], env)
        result = json.loads(stdout.strip().splitlines()[-1])
        result["wall_s"] = round(wall, 3)
        probe_runs.append(result)
    endpoints.unlink(missing_ok=True)
    stage_names = list(probe_runs[0]["stages_s"])
    out["rasa run stages (probe)"] = {
        "median_s": {s: round(statistics.median(r["stages_s"][s] for r in probe_runs), 3) for s in stage_names},
        "wall_median_s": round(statistics.median(r["wall_s"] for r in probe_runs), 3),
        "tensorflow_first_imported_by": probe_runs[0]["tensorflow_first_imported_by"],
        "runs": probe_runs,
    }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-components", action="store_true", help="skip the component timings")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()

    if c.model_missing():
        return 2
    quiet = {"quiet": None} if args.no_wait else c.wait_quiet()
    cpu = c.CpuMeter()

    runs = []
    failed_starts: list[str] = []
    while len(runs) < args.runs:
        try:
            run = cli_run()
        except StartFailed as failure:
            failed_starts.append(str(failure))
            print(f"  CLI start FAILED (counted, then retried): {failure}", flush=True)
            if len(failed_starts) > 3:
                raise
            continue
        runs.append(run)
        print(f"  CLI run {len(runs)}: first answer after {run['first_answer_s']:.2f} s", flush=True)
    in_process = [in_process_run() for _ in range(args.runs)]
    comps = {} if args.no_components else components(args.runs)
    failed_starts += [f"start_stack: {f}" for r in in_process for f in r["failed_starts"]]

    median = statistics.median(r["first_answer_s"] for r in runs)
    event_names = list(runs[0]["events_s"])
    event_medians = {
        k: round(statistics.median(r["events_s"][k] for r in runs if r["events_s"].get(k) is not None), 3)
        for k in event_names
        if any(r["events_s"].get(k) is not None for r in runs)
    }

    print('\nCold start: `antifraud chat` launched -> first answer to "hi" typed after the greeting')
    for i, r in enumerate(runs, 1):
        q = r["quit"]
        print(
            f"  run {i}: {r['first_answer_s']:6.2f} s   (/quit: exit code {q['exit_code']} after {q['exit_s']:.2f} s, "
            f"{q['children_seen']} child processes seen, left running: {len(q['left_running'])})"
        )
    if failed_starts:
        print(f"  FAILED starts (retried; not in the figures): {len(failed_starts)}: {failed_starts}")
    print(f"  median {median:.2f} s   target <= {TARGET_S:g} s: {c.verdict(median, TARGET_S, 's')}")
    print("  timeline of a CLI run (median over runs, seconds since launch):")
    labels = {
        "cli_status_first_line": "CLI imported, model checked",
        "action_spawned": "action server spawned",
        "rasa_spawned": "Rasa server spawned",
        "action_ready": "action server answers /health",
        "rasa_ready": "Rasa server answers / (model loaded)",
        "greeting_shown": "greeting shown (/greet answered)",
        "prompt_shown": "prompt shown",
        "hi_typed": '"hi" typed',
        "answer_shown": 'answer to "hi" shown',
        "answer_done": "next prompt shown",
    }
    for k, v in sorted(event_medians.items(), key=lambda kv: kv[1]):
        print(f"    {v:7.2f}  {labels.get(k, k)}")
    print("  runtime.start_stack() in this process, then sends (median):")
    for key in ("start_stack_s", "send_greet_s", "send_first_text_s", "send_second_text_s", "stop_s"):
        values = [r[key] for r in in_process]
        print(f"    {key:<20} {statistics.median(values):7.3f} s   runs: {values}")
    ip_events = {
        k: round(statistics.median(r["events_s"][k] for r in in_process if k in r["events_s"]), 3)
        for k in in_process[0]["events_s"]
    }
    print(f"    readiness during start_stack (median s): {ip_events}")
    if comps:
        print("  components, each in a fresh interpreter (median of runs):")
        for name, v in comps.items():
            if "median_s" in v and isinstance(v["median_s"], float):
                print(f"    {v['median_s']:7.3f} s  {name}")
        probe = comps["rasa run stages (probe)"]
        print(
            f"    rasa run stages in one process (probe wall {probe['wall_median_s']:.3f} s; "
            f'TensorFlow first imported by "{probe["tensorflow_first_imported_by"]}"):'
        )
        for stage, v in probe["median_s"].items():
            print(f"      {v:7.3f} s  {stage}")
    cpu_report = cpu.report()
    print(
        f"  machine CPU busy during the benchmark {cpu_report['machine_busy']:.0%} (this benchmark "
        f"{cpu_report['own_cpu_s']:.0f} CPU-s, other processes {cpu_report['others_cpu_s']:.0f} CPU-s)"
    )

    path = c.write_results(
        "cold_start",
        {
            "target_s": TARGET_S,
            "median_first_answer_s": median,
            "pass": median <= TARGET_S,
            "runs_first_answer_s": [r["first_answer_s"] for r in runs],
            "failed_starts": failed_starts,
            "timeline_median_s": event_medians,
            "cli_runs": runs,
            "in_process_start_stack": in_process,
            "components": comps,
            "cpu_during_run": cpu_report,
            "quiet_check": quiet,
        },
    )
    print(f"  -> {path.relative_to(c.ROOT)}")
    left = [r["quit"]["left_running"] for r in runs if r["quit"]["left_running"]]
    left += [r["left_running_after_stop"] for r in in_process if r["left_running_after_stop"]]
    if left:
        print(f"WARNING: processes left running after /quit: {left}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

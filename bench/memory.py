"""Peak memory of every process of a chat session, after 200 messages.

Launches ``antifraud chat`` (as a user would), types 200 messages of the benchmark mix (held-out NLU examples,
follow-ups, bad inputs, one line each) and waits for each answer, then reads VmHWM (peak resident set) and VmRSS
from /proc/<pid>/status of: the CLI process, the action server and each of its child processes (sanic's worker
manager forks workers), the Rasa server and any children. Also reads them once after the greeting, for
comparison. Then types /quit and checks everything stopped.

    .venv/bin/python bench/memory.py [--n 200]
"""

from __future__ import annotations

import argparse
import sys
import time

import _common as c


def snapshot(cli_pid: int) -> list[dict]:
    """The CLI and all its descendants: pid, parent, role, VmHWM and VmRSS in MB, command line."""
    rows = []
    for pid in [cli_pid, *c.descendants(cli_pid)]:
        status = c.read_status(pid)
        if not status:
            continue
        argv = c.cmdline(pid)
        rows.append(
            {
                "pid": pid,
                "ppid": int(status.get("PPid", "0")),
                "role": c.role(argv) if pid != cli_pid else "cli",
                "name": status.get("Name"),
                "vm_hwm_mb": c.status_mb(status, "VmHWM"),
                "vm_rss_mb": c.status_mb(status, "VmRSS"),
                "pss_mb": c.pss_mb(pid),
                "threads": int(status.get("Threads", "0")),
                "cmd": c.redact(argv)[:160],
                "port": c.port_of(argv),
            }
        )
    # Children are named after the server that started them and what they are: multiprocessing's resource
    # tracker, or a spawned process that does / does not hold the server's listening socket (sanic's worker
    # manager spawns the worker that serves HTTP, and a multiprocessing Manager process for shared worker state).
    by_pid = {r["pid"]: r for r in rows}
    for r in rows:
        if r["role"] != "other" or r["ppid"] not in by_pid:
            continue
        parent = by_pid[r["ppid"]]
        if "resource_tracker" in r["cmd"]:
            what = "mp resource tracker"
        elif parent.get("port") and c.holds_socket(r["pid"], c.listening_inodes(parent["port"])):
            what = "worker, serves HTTP"
        else:
            what = "spawned, no HTTP socket"
        r["role"] = f"{parent['role']}: {what}"
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="messages typed before measuring (default 200)")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()
    if c.model_missing():
        return 2
    quiet = {"quiet": None} if args.no_wait else c.wait_quiet()
    cpu = c.CpuMeter()

    db = c.scratch_var() / "memory-tracker.db"
    db.unlink(missing_ok=True)
    messages = c.message_mix(args.n, seed=4242, cli=True)
    failed_starts: list[str] = []
    while True:
        chat = c.ChatProcess(["--tracker-db", str(db)])
        try:
            chat.wait_for(c.PROMPT, 240)
            break
        except TimeoutError:
            chat.kill_tree()
            if chat.proc.poll() is None or len(failed_starts) >= 2:
                raise
            failed_starts.append(c.start_failure_reason(chat.stderr))  # a failed start: noted, then retried
    no_answer = 0
    try:
        after_start = snapshot(chat.proc.pid)
        t = time.monotonic()
        for m in messages:
            chat.type(m["text"])
            _, answer = chat.wait_for(c.PROMPT, 120)
            if c.BOT not in answer:
                no_answer += 1
        typing_s = time.monotonic() - t
        after = snapshot(chat.proc.pid)
        quit_info = chat.quit()
    except BaseException:
        chat.kill_tree()
        raise

    def total(rows: list[dict], key: str) -> float:
        return round(sum(r[key] or 0 for r in rows), 1)

    print(
        f"Peak memory (VmHWM) after {len(messages)} messages through `antifraud chat` "
        f"({typing_s:.1f} s, {no_answer} without an answer)"
    )
    print(f"  {'process':<40} {'pid':>7} {'VmHWM MB':>9} {'VmRSS MB':>9} {'Pss MB':>7} {'HWM at start':>13}  command")
    start_by_pid = {r["pid"]: r for r in after_start}
    for r in after:
        before = start_by_pid.get(r["pid"], {}).get("vm_hwm_mb")
        before_s = f"{before:.1f}" if before is not None else "-"
        print(
            f"  {r['role']:<40} {r['pid']:>7} {r['vm_hwm_mb']:>9.1f} {r['vm_rss_mb']:>9.1f}"
            f" {r['pss_mb'] or 0:>7.1f} {before_s:>13}  {r['cmd'][:60]}"
        )
    print(
        f"  {'sum of peaks':<40} {'':>7} {total(after, 'vm_hwm_mb'):>9.1f} {total(after, 'vm_rss_mb'):>9.1f}"
        f" {total(after, 'pss_mb'):>7.1f} {total(after_start, 'vm_hwm_mb'):>13.1f}"
    )
    print(
        "  (VmHWM/VmRSS count shared pages in every process that maps them, so their sums overstate the total;"
        " the Pss sum is the current total.)"
    )
    if failed_starts:
        print(f"  NOTE: `antifraud chat` failed to start {len(failed_starts)} time(s) first: {failed_starts}")
    print(
        f"  /quit: exit code {quit_info['exit_code']} after {quit_info['exit_s']:.2f} s, "
        f"left running: {quit_info['left_running'] or 'none'}"
    )

    groups: dict[str, float] = {}
    for r in after:
        top = r["role"].split(":")[0]
        groups[top] = round(groups.get(top, 0.0) + (r["vm_hwm_mb"] or 0), 1)
    path = c.write_results(
        "memory",
        {
            "messages": len(messages),
            "no_answer": no_answer,
            "typing_s": round(typing_s, 2),
            "processes_after_messages": after,
            "processes_after_start": after_start,
            "peak_mb_by_component": groups,
            "sum_vm_hwm_mb": total(after, "vm_hwm_mb"),
            "sum_vm_rss_mb": total(after, "vm_rss_mb"),
            "sum_pss_mb": total(after, "pss_mb"),
            "quit": quit_info,
            "failed_starts": failed_starts,
            "quiet_check": quiet,
            "cpu_during_run": cpu.report(),
        },
    )
    print(f"  -> {path.relative_to(c.ROOT)}")
    return 1 if quit_info["left_running"] else 0


if __name__ == "__main__":
    sys.exit(main())

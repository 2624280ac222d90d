"""`antifraud check --jsonl` on 200 messages: the model loads once; target: 200 messages in under 60 s after load.

Runs the real CLI as a user would, feeding 200 held-out messages on stdin, and timestamps each JSON line as it
arrives. "After load" is measured from the moment the CLI says the servers are starting + their start-up, i.e. from
the first result minus that message's own time, to the last result.

    .venv/bin/python bench/check_throughput.py
"""

from __future__ import annotations

import itertools
import json
import statistics
import subprocess
import time

from _common import ANTIFRAUD, RESULTS, ROOT, child_env

from bot.assistant.evaluate import heldout_examples

N = 200
TARGET_S = 60.0


def main() -> int:
    messages = [e.text.replace("\n", " ") for e in itertools.islice(itertools.cycle(heldout_examples()), N)]
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(ANTIFRAUD), "check", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=child_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("\n".join(messages) + "\n")
    proc.stdin.close()
    stamps: list[float] = []
    results = []
    for line in proc.stdout:
        stamps.append(time.monotonic() - started)
        results.append(json.loads(line))
    proc.wait()
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    per_message = statistics.median(gaps) if gaps else 0.0
    after_load = stamps[-1] - stamps[0] + per_message
    figures = {
        "benchmark": "check_throughput",
        "messages": len(results),
        "errors": sum("error" in r for r in results),
        "exit_code": proc.returncode,
        "total_s": round(stamps[-1], 2),
        "load_s": round(stamps[0] - per_message, 2),
        "after_load_s": round(after_load, 2),
        "per_message_median_ms": round(per_message * 1000, 1),
        "target_after_load_s": TARGET_S,
        "pass": len(results) == N and after_load <= TARGET_S and proc.returncode == 0,
    }
    out = RESULTS / "check_throughput.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=1))
    print(
        f"antifraud check --jsonl, {figures['messages']} messages ({figures['errors']} errors, exit {proc.returncode})"
    )
    print(f"  start-up (servers + model load): {figures['load_s']:.1f} s")
    print(f"  200 messages after load:         {figures['after_load_s']:.1f} s  (target < {TARGET_S:.0f} s)")
    print(f"  per message (median):            {figures['per_message_median_ms']:.0f} ms")
    print(f"  total:                           {figures['total_s']:.1f} s   {'PASS' if figures['pass'] else 'FAIL'}")
    return 0 if figures["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

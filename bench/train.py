"""Training time: ``runtime.train(force=True)`` (a full ``rasa train``; target <= 6 min on 2 cores), then a second
``runtime.train()`` with no data change, which must not retrain (it only fingerprints the inputs).

Overwrites models/antifraud-<fingerprint>.tar.gz with a freshly trained model of the same inputs. Waits first for
a quiet machine (other people's work on the 2 cores would slow training down).

    .venv/bin/python bench/train.py
"""

from __future__ import annotations

import argparse
import re
import sys
import time

import _common as c

from bot import runtime

TARGET_S = 6 * 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine first")
    args = parser.parse_args()
    quiet = {"quiet": None} if args.no_wait else c.wait_quiet(max_wait=600)

    fingerprint_before = runtime.fingerprint()
    lines: list[tuple[float, str]] = []
    cpu = c.CpuMeter()
    t0 = time.monotonic()
    model = runtime.train(force=True, echo=lambda line: lines.append((time.monotonic() - t0, line)))
    full_s = time.monotonic() - t0
    cpu_report = cpu.report()
    mtime = model.stat().st_mtime_ns
    size_mb = model.stat().st_size / 1e6

    second_lines: list[str] = []
    t = time.monotonic()
    again = runtime.train(echo=second_lines.append)
    second_s = time.monotonic() - t
    said_up_to_date = any("up to date" in line for line in second_lines)
    retrained = again != model or again.stat().st_mtime_ns != mtime or not said_up_to_date
    fingerprint_after = runtime.fingerprint()

    # Per-component durations from Rasa's "Starting to train component X" / "Finished training component X" lines
    # (timestamped as they arrived).
    components: dict[str, float] = {}
    starts: dict[str, float] = {}
    for at, line in lines:
        m = re.search(r"(Starting to train|Finished training) component '?([\w.]+)'?", line)
        if not m:
            continue
        if m.group(1).startswith("Starting"):
            starts[m.group(2)] = at
        elif m.group(2) in starts:
            components[m.group(2)] = round(at - starts.pop(m.group(2)), 2)
    first_line_s = lines[1][0] if len(lines) > 1 else None  # lines[0] is our own "Training ..." message

    print("Training time")
    print(
        f"  full training (train(force=True)) {full_s:8.1f} s   target <= {TARGET_S:g} s:"
        f" {c.verdict(full_s, TARGET_S, 's')}"
    )
    print(
        f"  second train(), no data change    {second_s * 1000:8.1f} ms"
        f"  retrained: {'YES (wrong)' if retrained else 'no'}"
        f"  ({second_lines[-1] if second_lines else ''})"
    )
    print(
        f"  model {model.relative_to(c.ROOT)} ({size_mb:.2f} MB); CPU busy (whole machine) during training "
        f"{cpu_report['machine_busy']:.0%}: training {cpu_report['own_cpu_s']:.0f} CPU-s, other processes "
        f"{cpu_report['others_cpu_s']:.0f} CPU-s"
    )
    if first_line_s is not None:
        print(f"  first component started after {first_line_s:.1f} s (rasa start-up, data loading, validation)")
    for name, secs in sorted(components.items(), key=lambda kv: -kv[1]):
        print(f"    {secs:8.2f} s  {name}")
    if fingerprint_before != fingerprint_after:
        print(
            "  NOTE: the training inputs changed during the benchmark (someone edited them); the second call's "
            "result is not meaningful."
        )

    path = c.write_results(
        "train",
        {
            "target_s": TARGET_S,
            "full_train_s": round(full_s, 2),
            "pass": full_s <= TARGET_S,
            "second_train_s": round(second_s, 4),
            "second_retrained": retrained,
            "second_output": second_lines,
            "model": str(model.relative_to(c.ROOT)),
            "model_mb": round(size_mb, 2),
            "first_component_started_s": first_line_s,
            "components_s": components,
            "progress": [f"{at:7.1f}s {line.strip()}" for at, line in lines],
            "cpu_during_training": cpu_report,
            "inputs_changed_during_run": fingerprint_before != fingerprint_after,
            "quiet_check": quiet,
        },
    )
    print(f"  -> {path.relative_to(c.ROOT)}")
    return 0 if not retrained else 1


if __name__ == "__main__":
    sys.exit(main())

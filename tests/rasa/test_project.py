"""The Rasa project itself: generated domain up to date, training data as the spec asks, `rasa data validate`,
test stories with `rasa test --fail-on-prediction-errors`, and the held-out NLU evaluation."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot import runtime
from bot.assistant import evaluate
from bot.shared.labels import SCAM_TYPES, all_intents, experience_intent, question_intent
from bot.shared.lang import Script, detect

ROOT = runtime.ROOT
HELDOUT = ROOT / "tests" / "rasa" / "nlu_heldout"


@pytest.fixture(scope="module")
def training() -> list[evaluate.Example]:
    return evaluate.read_examples(sorted((ROOT / "nlu_data").rglob("*.yml")))


def rasa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(runtime.rasa_bin()), *args], cwd=ROOT, env=runtime.child_env(), capture_output=True, text=True, timeout=900
    )


def test_generated_domain_and_rules_are_up_to_date() -> None:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "tools/gen_domain.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_training_data_size_coverage_and_languages(training: list[evaluate.Example]) -> None:
    assert len(training) >= 1500
    counts = Counter(e.intent for e in training)
    assert set(counts) == set(all_intents())
    for scam in SCAM_TYPES:
        assert counts[experience_intent(scam)] >= 40, scam
        assert counts[question_intent(scam)] >= 20, scam
    languages = Counter(detect(e.text) for e in training)
    assert languages[Script.ZH] / len(training) >= 0.40
    assert languages[Script.EN] / len(training) >= 0.40


def test_heldout_is_never_trained_on(training: list[evaluate.Example]) -> None:
    heldout = evaluate.heldout_examples()
    assert len(heldout) >= 300
    seen = {e.text.strip().lower() for e in training}
    assert not [e.text for e in heldout if e.text.strip().lower() in seen]
    assert {e.intent for e in heldout} == set(all_intents())


def test_rasa_data_validate() -> None:
    done = rasa(
        "data",
        "validate",
        "--data",
        "nlu_data",
        "--domain",
        "domain.yml",
        "--config",
        "config.yml",
        "--fail-on-warnings",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_rasa_test_stories_without_prediction_errors(model: Path, tmp_path: Path) -> None:
    done = rasa(
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        "tests/rasa/stories",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stdout[-5000:]
    assert "Correct:" in done.stdout + done.stderr


@pytest.fixture(scope="module")
def heldout_result(stack: runtime.Stack) -> dict[str, Any]:
    result = evaluate.evaluate(evaluate.heldout_examples(), stack.parse)
    evaluate.write_report(result, ROOT / "results" / "nlu_eval.json")
    print("\n" + evaluate.format_report(result))
    return result


def needs_slice(name: str) -> None:
    if not (HELDOUT / name).exists():
        pytest.skip(f"held-out slice {name} does not exist yet")


@pytest.mark.stack
def test_nlu_heldout_scam_type_macro_f1(heldout_result: dict[str, Any]) -> None:
    assert heldout_result["scam_type"]["macro_f1"] >= evaluate.MIN_SCAM_MACRO_F1


@pytest.mark.stack
def test_nlu_heldout_urgent_recall(heldout_result: dict[str, Any]) -> None:
    assert heldout_result["urgent"]["urgent"]["recall"] >= evaluate.MIN_URGENT_RECALL


@pytest.mark.stack
def test_nlu_heldout_lookalikes_are_not_called_scams(heldout_result: dict[str, Any]) -> None:
    needs_slice(evaluate.LOOKALIKE_FILE)
    share = heldout_result["trust"]["lookalike_called_scam"]
    assert share["n"] >= 60
    assert share["rate"] <= evaluate.MAX_LOOKALIKE_CALLED_SCAM, share


@pytest.mark.stack
def test_nlu_heldout_pasted_scams_typed_right(heldout_result: dict[str, Any]) -> None:
    needs_slice(evaluate.PASTED_FILE)
    share = heldout_result["trust"]["pasted_scam_typed_right"]
    assert share["n"] > 0
    assert share["rate"] >= evaluate.MIN_PASTED_SCAM_TYPED_RIGHT, share

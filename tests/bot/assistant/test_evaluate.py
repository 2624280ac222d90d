"""The held-out evaluation's issue-9 figures, on a stand-in parser (no Rasa): look-alike false alarms, pasted scam
messages typed right, pasted genuine notices called scams, forwarded detection, and the gates."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.assistant import evaluate
from bot.assistant.evaluate import Example

LOOK, PASTE = evaluate.LOOKALIKE_FILE, evaluate.PASTED_FILE

#: text -> (intent, scam type, urgent): what the stand-in "model" says.
ANSWERS: dict[str, tuple[str, str, bool]] = {
    "pickup code no link": ("ask_legitimate", "none", False),
    "dinner tonight": ("out_of_scope", "none", False),
    "96110 warning call": ("question_police_impersonation", "police_impersonation", False),
    "school notice no money": ("ask_legitimate", "none", True),
    "是诈骗吗？【快递】您的包裹异常 点击 http://a.cc": ("question_phishing_link", "phishing_link", False),
    "is this legit: Hi Mum, new number": ("question_accomplice_recruitment", "accomplice_recruitment", False),
    "这是诈骗吗？【菜鸟驿站】您的包裹已到驿站，凭取件码3-2-1234取件": ("ask_legitimate", "none", False),
    "I paid the fee they asked for": ("experience_fake_loan", "fake_loan", True),
}


def parse(text: str) -> Mapping[str, Any]:
    intent, scam, urgent = ANSWERS[text]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "scam_type": {"name": scam, "confidence": 0.9},
        "urgency": {"urgent": urgent, "confidence": 0.9 if urgent else 0.1},
    }


EXAMPLES = [
    Example("pickup code no link", "ask_legitimate", False, LOOK),
    Example("dinner tonight", "out_of_scope", False, LOOK),
    Example("96110 warning call", "ask_legitimate", False, LOOK),
    Example("school notice no money", "ask_legitimate", False, LOOK),
    Example("是诈骗吗？【快递】您的包裹异常 点击 http://a.cc", "question_phishing_link", False, PASTE, True),
    Example("is this legit: Hi Mum, new number", "question_fake_acquaintance", False, PASTE, True),
    Example("这是诈骗吗？【菜鸟驿站】您的包裹已到驿站，凭取件码3-2-1234取件", "ask_legitimate", False, PASTE, True),
    Example("I paid the fee they asked for", "experience_fake_loan", True, "fake_loan.yml", False),
]


def test_trust_slices_count_what_the_issue_defines() -> None:
    trust = evaluate.evaluate(EXAMPLES, parse)["trust"]
    assert trust["lookalike_called_scam"] == {"rate": 0.25, "count": 1, "n": 4}
    assert trust["lookalike_called_urgent"]["count"] == 1
    assert trust["lookalike_scam_or_urgent"]["rate"] == 0.5
    assert trust["pasted_scam_typed_right"] == {"rate": 0.5, "count": 1, "n": 2}
    assert trust["pasted_genuine_called_scam"] == {"rate": 0.0, "count": 0, "n": 1}
    assert trust["forwarded_accuracy"]["n"] == 4


def test_gates_pass_when_a_slice_is_missing_and_fail_on_a_bad_figure() -> None:
    only_stories = [e for e in EXAMPLES if e.source not in (LOOK, PASTE)]
    result = evaluate.evaluate(only_stories, parse)
    slice_gates = [g for g in evaluate.gates(result) if "look-alikes" in g[0] or "pasted" in g[0]]
    assert [(value, passed) for _, value, passed in slice_gates] == [(None, True), (None, True)]
    failing = {name for name, _, passed in evaluate.gates(evaluate.evaluate(EXAMPLES, parse)) if not passed}
    assert any("look-alikes" in name for name in failing) and any("pasted" in name for name in failing)


def test_report_prints_the_slices(tmp_path: Path) -> None:
    result = evaluate.evaluate(EXAMPLES, parse)
    text = evaluate.format_report(result)
    assert "look-alikes (lookalike.yml) called a scam" in text and "25.0%  (1/4)" in text
    evaluate.write_report(result, tmp_path / "r.json")
    assert '"lookalike_called_scam"' in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_forwarded_metadata_is_read(tmp_path: Path) -> None:
    path = tmp_path / "pasted.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: ask_legitimate\n  examples:\n  - text: |\n      hi\n'
        "    metadata:\n      urgent: false\n      forwarded: true\n  - text: |\n      yo\n",
        encoding="utf-8",
    )
    assert [e.forwarded for e in evaluate.read_examples([path])] == [True, None]

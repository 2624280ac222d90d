# mypy: disable-error-code="import-not-found,import-untyped"
# (jieba and scikit-learn live in the Rasa environment only; this script runs there)
"""Grouped k-fold cross-validation of the NLU classifier's heads on nlu_data (never on the held-out set).

Why: choices for ``bot/rasa_ext/classifier.py`` and ``config.yml`` (features, heads, C, the urgency threshold) must
be made without looking at ``tests/rasa/nlu_heldout``; a full ``rasa train`` per candidate takes minutes, this takes
seconds. It reproduces what the Rasa component sees (jieba tokens as Rasa's ``JiebaTokenizer`` makes them, the raw
text for the character n-grams) and reads urgency as the assistant does (``bot.assistant.analysis.cue_urgency`` on
top of the model, and the calm rule).

Near-duplicate paraphrases would leak between folds and flatter memorising models, so examples whose character
n-gram profiles are close (cosine >= ``--group-threshold``) are kept in one fold (connected components), and folds
are stratified by scam type (``StratifiedGroupKFold``).

Run in the Rasa environment (it has jieba and scikit-learn)::

    PYTHONPATH=$PWD .venv-rasa/bin/python tools/nlu_cv.py base nonesplit --seeds 0 1
    PYTHONPATH=$PWD .venv-rasa/bin/python tools/nlu_cv.py base nonesplit --by-directory

``base`` is the component before ``split_none``; ``nonesplit`` is what ``config.yml`` now trains. The intent head
here is a fast stand-in (see ``_intent_head``), so urgency precision can differ a little from a real model's.

Each variant prints scam-type macro-F1 and per-type F1, urgent recall / precision (model + cues), the share of
look-alikes and everyday chat (``ask_legitimate``, ``out_of_scope``) called a scam, and the share of pasted scam
scripts (``nlu_data/pasted``) typed right.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.assistant.analysis import cue_urgency  # noqa: E402  (after the path is set: run as a script)
from bot.shared.labels import ScamType, scam_type_of  # noqa: E402

CALM_INTENTS = ("ask_legitimate", "out_of_scope")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    urgent: bool
    source: str  # path relative to nlu_data

    @property
    def scam(self) -> str:
        return scam_type_of(self.intent).value


def read_examples(directory: Path) -> list[Example]:
    """Every ``- text:`` example of the Rasa NLU files under ``directory`` (the rules files hold none)."""
    found: list[Example] = []
    for path in sorted(directory.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent")
            items = block.get("examples") or []
            if not intent:
                continue
            if isinstance(items, str):
                items = [{"text": line.strip()[2:]} for line in items.splitlines() if line.strip().startswith("- ")]
            for item in items:
                text = str(item.get("text") or "").strip()
                if text:
                    urgent = bool((item.get("metadata") or {}).get("urgent"))
                    found.append(Example(text, intent, urgent, str(path.relative_to(directory))))
    return found


def near_duplicate_groups(texts: list[str], threshold: float) -> np.ndarray:
    """A group id per text: connected components of the graph 'character 1-3-gram cosine >= threshold'."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(texts)
    cosine = X @ X.T
    similar = cosine >= threshold
    _, labels = connected_components(similar, directed=False)
    return np.asarray(labels)


def jieba_tokens(texts: list[str]) -> list[str]:
    """Rasa's JiebaTokenizer (``jieba.tokenize``) followed by the component's ``token_string``."""
    import jieba

    jieba.setLogLevel(60)
    out = []
    for text in texts:
        tokens = [word.lower() for word, _, _ in jieba.tokenize(text) if word.strip()]
        out.append(" ".join(tokens) or text.lower())
    return out


# ------------------------------------------------------------------------------------------------ the candidates


@dataclass(frozen=True)
class Variant:
    """One candidate configuration of the classifier."""

    name: str
    char_analyzer: str = "char_wb"
    char_ngrams: tuple[int, int] = (1, 4)
    word_ngrams: tuple[int, int] = (1, 2)
    min_df: int = 1
    max_df: float = 1.0
    word_weight: float = 1.0
    binary: bool = False
    scam_head: str = "svm"  # svm | lr | ens (mean of svm and lr probabilities)
    scam_C: float = 4.0
    scam_lr_C: float = 20.0
    intent_C: float = 20.0
    urgency_head: str = "svm"  # svm | svm+scam (text features and the scam head's out-of-fold probabilities)
    urgency_C: float = 1.0
    urgency_threshold: float = 0.2
    thresholds: tuple[float, ...] = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
    extra: dict[str, Any] = field(default_factory=dict)


BASE = Variant("base")
VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        BASE,
        replace(BASE, name="char15", char_analyzer="char", char_ngrams=(1, 5)),
        replace(BASE, name="charwb15", char_ngrams=(1, 5)),
        replace(BASE, name="char14", char_analyzer="char"),
        replace(BASE, name="mindf2", min_df=2),
        replace(BASE, name="binary", binary=True),
        replace(BASE, name="word05", word_weight=0.5),
        replace(BASE, name="word15", word_weight=1.5),
        replace(BASE, name="words13", word_ngrams=(1, 3)),
        replace(BASE, name="svmC1", scam_C=1.0),
        replace(BASE, name="svmC2", scam_C=2.0),
        replace(BASE, name="svmC8", scam_C=8.0),
        replace(BASE, name="lr", scam_head="lr"),
        replace(BASE, name="lrC50", scam_head="lr", scam_lr_C=50.0),
        replace(BASE, name="ens", scam_head="ens"),
        replace(BASE, name="ens50", scam_head="ens", scam_lr_C=50.0),
        replace(BASE, name="urgscam", urgency_head="svm+scam"),
        replace(BASE, name="nonesplit", extra={"none_split": True}),
        replace(BASE, name="nonesplit_ens", scam_head="ens", extra={"none_split": True}),
        replace(BASE, name="urgC05", urgency_C=0.5),
        replace(BASE, name="urgC2", urgency_C=2.0),
    )
}


class Features:
    """The component's feature space: TF-IDF of jieba word n-grams and of character n-grams, side by side."""

    def __init__(self, v: Variant) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.v = v
        self.word = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",
            lowercase=False,
            sublinear_tf=True,
            ngram_range=v.word_ngrams,
            min_df=v.min_df,
            max_df=v.max_df,
            binary=v.binary,
        )
        self.char = TfidfVectorizer(
            analyzer=v.char_analyzer,
            lowercase=True,
            sublinear_tf=True,
            ngram_range=v.char_ngrams,
            min_df=v.min_df,
            max_df=v.max_df,
            binary=v.binary,
        )

    def fit_transform(self, words: list[str], chars: list[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([self.word.fit_transform(words) * self.v.word_weight, self.char.fit_transform(chars)]).tocsr()

    def transform(self, words: list[str], chars: list[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([self.word.transform(words) * self.v.word_weight, self.char.transform(chars)]).tocsr()


def _svm(C: float, seed: int = 42) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    return CalibratedClassifierCV(LinearSVC(C=C, class_weight="balanced", random_state=seed), cv=3)


def _lr(C: float, seed: int = 42) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)


def merge_none(classes: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum the probabilities of the ``none:<intent>`` classes into one ``none`` column."""
    names = [str(c) for c in classes]
    keep = [i for i, c in enumerate(names) if not c.startswith("none:")]
    merged = np.column_stack([p[:, keep], p[:, [i for i, c in enumerate(names) if c.startswith("none:")]].sum(1)])
    return np.array([names[i] for i in keep] + [ScamType.NONE.value]), merged


def scam_probabilities(
    v: Variant, X: Any, y: np.ndarray, X_test: Any, intents: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(classes, probabilities on X_test) of the scam-type head ``v.scam_head``. With ``none_split``, scam type
    ``none`` is learnt as one class per intent (chat, look-alike, general question, ...) and summed back."""
    if v.extra.get("none_split") and intents is not None:
        split = np.array([f"none:{i}" if s == ScamType.NONE.value else s for s, i in zip(y, intents)])
        return merge_none(*scam_probabilities(replace(v, extra={}), X, split, X_test))
    heads: list[Any] = []
    if v.scam_head in ("svm", "ens"):
        heads.append(_svm(v.scam_C).fit(X, y))
    if v.scam_head in ("lr", "ens"):
        heads.append(_lr(v.scam_lr_C).fit(X, y))
    classes = heads[0].classes_
    return classes, np.mean([h.predict_proba(X_test) for h in heads], axis=0)


def urgency_probabilities(v: Variant, X: Any, urgent: np.ndarray, scams: np.ndarray, X_test: Any) -> np.ndarray:
    """P(urgent) on X_test; ``svm+scam`` adds the scam head's probabilities as features (out-of-fold in training)."""
    if v.urgency_head == "svm":
        head = _svm(v.urgency_C).fit(X, urgent)
        return np.asarray(head.predict_proba(X_test)[:, 1])
    from scipy.sparse import csr_matrix, hstack
    from sklearn.model_selection import cross_val_predict

    weight = float(v.extra.get("scam_feature_weight", 1.0))
    oof = cross_val_predict(_svm(v.scam_C), X, scams, cv=3, method="predict_proba")
    _, test_p = scam_probabilities(replace(v, scam_head="svm"), X, scams, X_test)
    head = _svm(v.urgency_C).fit(hstack([X, csr_matrix(oof * weight)]).tocsr(), urgent)
    return np.asarray(head.predict_proba(hstack([X_test, csr_matrix(test_p * weight)]).tocsr())[:, 1])


# ------------------------------------------------------------------------------------------------ scoring


def f1_by_class(gold: list[str], pred: list[str]) -> dict[str, float]:
    """F1 of every gold class (the same definition as ``bot.assistant.evaluate.prf``)."""
    out = {}
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def recall_precision(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    tp = int(np.sum(gold & pred))
    return tp / max(1, int(gold.sum())), tp / max(1, int(pred.sum()))


@dataclass
class Outcome:
    scam_pred: list[str]
    intent_pred: list[str]
    urgent_p: np.ndarray


def _intent_head(v: Variant, exact: bool) -> Any:
    """The intent head only decides the calm rule here. The component's logistic regression over 46 intents takes
    about two minutes a fold on two cores; a linear SVM (same features, same balanced weights) picks the same top
    intent for nearly every message in seconds. ``--exact-intent`` uses the component's own head."""
    if exact:
        return _lr(v.intent_C)
    from sklearn.svm import LinearSVC

    return LinearSVC(C=1.0, class_weight="balanced", random_state=42)


def cross_validate(
    v: Variant,
    examples: list[Example],
    words: list[str],
    groups: np.ndarray,
    folds: int,
    seed: int,
    exact_intent: bool = False,
    by_directory: bool = False,
) -> Outcome:
    from sklearn.model_selection import StratifiedGroupKFold

    n = len(examples)
    scams = np.array([e.scam for e in examples])
    intents = np.array([e.intent for e in examples])
    urgent = np.array([e.urgent for e in examples], dtype=int)
    chars = [e.text for e in examples]
    scam_pred = np.empty(n, dtype=object)
    intent_pred = np.empty(n, dtype=object)
    urgent_p = np.zeros(n)
    if by_directory:
        places = np.array([e.source.split("/")[0] for e in examples])
        splits = [(np.flatnonzero(places != d), np.flatnonzero(places == d)) for d in sorted(set(places))]
    else:
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(np.zeros(n), scams, groups))
    for train, test in splits:
        feats = Features(v)
        X = feats.fit_transform([words[i] for i in train], [chars[i] for i in train])
        X_test = feats.transform([words[i] for i in test], [chars[i] for i in test])
        classes, p = scam_probabilities(v, X, scams[train], X_test, intents[train])
        scam_pred[test] = classes[p.argmax(axis=1)]
        intent_pred[test] = _intent_head(v, exact_intent).fit(X, intents[train]).predict(X_test)
        urgent_p[test] = urgency_probabilities(v, X, urgent[train], scams[train], X_test)
    return Outcome(list(scam_pred), list(intent_pred), urgent_p)


def report(v: Variant, examples: list[Example], out: Outcome, log: Callable[[str], None]) -> dict[str, float]:
    gold = [e.scam for e in examples]
    f1 = f1_by_class(gold, out.scam_pred)
    macro = float(np.mean(list(f1.values())))
    cues = np.array([cue_urgency(e.text) for e in examples])
    calm = np.array(
        [i in CALM_INTENTS and s == ScamType.NONE.value for i, s in zip(out.intent_pred, out.scam_pred)], dtype=bool
    )
    gold_urgent = np.array([e.urgent for e in examples], dtype=bool)
    lookalike = [i for i, e in enumerate(examples) if e.intent in CALM_INTENTS]
    pasted = [i for i, e in enumerate(examples) if e.source.startswith("pasted/") and e.scam != ScamType.NONE.value]
    look_scam = float(np.mean([out.scam_pred[i] != ScamType.NONE.value for i in lookalike]))
    pasted_right = float(np.mean([out.scam_pred[i] == examples[i].scam for i in pasted]))
    accuracy = float(np.mean([g == p for g, p in zip(gold, out.scam_pred)]))
    log(f"== {v.name}: scam macro-F1 {macro:.4f}  accuracy {accuracy:.4f}")
    pairs = Counter((g, p) for g, p in zip(gold, out.scam_pred) if g != p).most_common(8)
    log("   most confused (gold -> predicted): " + "; ".join(f"{g}->{p} {n}" for (g, p), n in pairs))
    log("   per type: " + "  ".join(f"{k[:14]} {f:.3f}" for k, f in f1.items()))
    log(
        f"   look-alikes/chat called a scam {look_scam:.1%} (n={len(lookalike)}); pasted typed right {pasted_right:.1%}"
    )
    line = []
    for t in sorted({*v.thresholds, v.urgency_threshold}):
        pred = ((out.urgent_p >= t) & ~calm) | cues
        r, p = recall_precision(gold_urgent, pred)
        line.append(f"t={t:.2f} R {r:.3f} P {p:.3f}")
    log("   urgent (model + cues): " + "; ".join(line))
    pred = ((out.urgent_p >= v.urgency_threshold) & ~calm) | cues
    r, p = recall_precision(gold_urgent, pred)
    return {"macro_f1": macro, "urgent_recall": r, "urgent_precision": p, "lookalike_scam": look_scam}


def write_errors(path: Path, v: Variant, examples: list[Example], out: Outcome) -> None:
    """Training examples the cross-validated model got wrong: scam type, or urgent and not flagged."""
    rows = ["what\tgold\tpredicted\tp_urgent\tsource\ttext"]
    for i, e in enumerate(examples):
        if out.scam_pred[i] != e.scam:
            rows.append(f"type\t{e.scam}\t{out.scam_pred[i]}\t{out.urgent_p[i]:.2f}\t{e.source}\t{e.text!r}")
        elif e.urgent and out.urgent_p[i] < v.urgency_threshold and not cue_urgency(e.text):
            rows.append(f"urgent\t{e.intent}\tcalm\t{out.urgent_p[i]:.2f}\t{e.source}\t{e.text!r}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", default=["base"], help=f"any of: {', '.join(VARIANTS)}")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="fold shuffles (figures are averaged)")
    parser.add_argument("--group-threshold", type=float, default=0.5)
    parser.add_argument("--errors", type=Path, help="write the first seed's cross-validated mistakes here (TSV)")
    parser.add_argument(
        "--by-directory",
        action="store_true",
        help="leave one part of nlu_data out at a time (scams/, more/, asked/, pasted/, lookalikes/, conversation):"
        " each part was written apart from the others, like the held-out set, so this measures how a choice carries"
        " to new writing rather than to paraphrases",
    )
    parser.add_argument("--exact-intent", action="store_true", help="the component's slow intent head (see above)")
    args = parser.parse_args(argv)
    examples = read_examples(ROOT / "nlu_data")
    groups = near_duplicate_groups([e.text for e in examples], args.group_threshold)
    sizes = np.bincount(groups)
    print(f"{len(examples)} examples, {len(sizes)} near-duplicate groups (largest {sizes.max()}), {args.folds} folds")
    words = jieba_tokens([e.text for e in examples])
    for name in args.variants:
        v = VARIANTS[name]
        started = time.monotonic()
        outcomes = [
            cross_validate(v, examples, words, groups, args.folds, s, args.exact_intent, args.by_directory)
            for s in args.seeds
        ]
        runs = [report(v, examples, out, print) for out in outcomes]
        if args.errors:
            write_errors(args.errors.with_suffix(f".{v.name}.tsv"), v, examples, outcomes[0])
        if len(runs) > 1:
            mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
            print(f"   mean over seeds {args.seeds}: " + ", ".join(f"{k} {val:.4f}" for k, val in mean.items()))
        print(f"   ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()

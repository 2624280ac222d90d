"""A bilingual (zh/en) text classifier for the Rasa pipeline: intent, scam type and urgency from one set of features.

Why not Rasa's own LogisticRegressionClassifier on CountVectorsFeaturizer output: on our held-out set it reached a
scam-type macro-F1 of 0.785 (raw counts, a fixed C=1, 42 intents whose experience/question split dilutes the scam
signal). Measured alternatives are in the README ("NLU: what was measured").

What this component does:
- features: TF-IDF (sublinear tf) of the Rasa tokens (jieba words, 1-2-grams) and of character 1-4-grams within word
  boundaries (robust to typos, to Chinese written without spaces and to mixed zh/en text);
- ``intent`` head: logistic regression over all intents -> ``intent`` and ``intent_ranking`` (what the dialogue
  rules and the FallbackClassifier use);
- ``scam_type`` head: a calibrated linear SVM trained directly on the 15 scam types (experience and question
  examples of a type pooled) -> ``scam_type: {"name", "confidence", "ranking"}``. Scam type ``none`` is learnt as
  one class per intent (``split_none``: everyday chat, a look-alike, a hotline question and "my son is in Sydney" have
  little in common, and one linear boundary around all of them pulls scam words into ``none`` and place names out of
  it) and summed back into ``none``. Grouped 5-fold cross-validation on nlu_data (``tools/nlu_cv.py``, two fold
  shuffles): macro-F1 0.8837 -> 0.8866, look-alikes and chat called a scam 8.6% -> 5.9%, urgent recall unchanged
  (0.981 -> 0.980); police impersonation 0.842 -> 0.864, virtual kidnapping 0.870 -> 0.888 (first shuffle).
  Measured and not taken (same CV): logistic regression 0.872, the mean of SVM and LR probabilities 0.883, char
  n-grams 1-5 0.881, char_wb 1-5 0.887, min_df 2 0.883, binary tf 0.887, word block x0.5 / x1.5 0.880 / 0.881,
  word 1-3-grams 0.879, C 2 / 8 0.883 / 0.884 (base 0.884; one shuffle moves it by about 0.005);
- ``urgency`` head: a calibrated linear SVM on the examples' ``metadata: {urgent: true}`` ->
  ``urgency: {"urgent", "confidence"}``. The threshold is low (recall first: a missed emergency costs more than an
  unneeded stop-now block), and a message that both the intent head and the scam-type head read as calm (a
  legitimate look-alike or everyday chat, scam type ``none``) is never urgent. Cross-validated with the live cues
  (``tools/nlu_cv.py``): urgent recall 0.980, precision 0.625 at 0.2 on grouped folds; leaving one part of nlu_data
  out at a time (``--by-directory``, closer to new writing) 0.958 / 0.574. Not taken: the scam head's probabilities
  as extra urgency features (recall 0.960 by directory), urgency C 0.5 / 2 (no change).
"""

from __future__ import annotations

import logging
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_EXAMPLE, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from bot.shared.labels import LOOKALIKE_INTENT, ScamType, scam_type_of

logger = logging.getLogger(__name__)

MODEL_FILE = "bilingual_classifier.joblib"

#: With ``split_none`` the scam-type head learns scam type ``none`` as one class per intent (``none:greet``,
#: ``none:ask_legitimate``, ...) and sums them back into ``none`` when it predicts.
NONE_PART = "none:"

#: Intents that are never urgent when the scam-type head agrees (scam type ``none``): look-alikes and everyday chat.
CALM_INTENTS: tuple[str, ...] = (LOOKALIKE_INTENT, "out_of_scope")


def example_is_urgent(message: Message) -> bool:
    metadata = message.get(METADATA) or {}
    example = metadata.get(METADATA_EXAMPLE) or {}
    return bool(isinstance(example, dict) and example.get("urgent"))


def token_string(message: Message) -> str:
    tokens = message.get(TEXT_TOKENS) or []
    return " ".join(t.text.lower() for t in tokens if t.text.strip()) or (message.get(TEXT) or "").lower()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BilingualClassifier(IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_C": 20.0,
            "scam_C": 4.0,
            "split_none": True,
            "urgency_C": 1.0,
            "urgency_threshold": 0.2,
            "calm_intents": list(CALM_INTENTS),
            "calibration_folds": 3,
            "char_ngrams": [1, 4],
            "word_ngrams": [1, 2],
            "ranking_length": 10,
            "random_state": 42,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: dict[str, Any] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BilingualClassifier:
        return cls(config, model_storage, resource)

    # ------------------------------------------------------------------------------------------------ features
    def _vectorizers(self) -> dict[str, TfidfVectorizer]:
        return {
            "word": TfidfVectorizer(
                analyzer="word",
                token_pattern=r"\S+",
                lowercase=False,
                sublinear_tf=True,
                ngram_range=tuple(self.config["word_ngrams"]),
            ),
            "char": TfidfVectorizer(
                analyzer="char_wb",
                lowercase=True,
                sublinear_tf=True,
                ngram_range=tuple(self.config["char_ngrams"]),
            ),
        }

    def _features(self, messages: list[Message], fit: bool = False) -> Any:
        assert self.model is not None
        words = [token_string(m) for m in messages]
        chars = [(m.get(TEXT) or "") for m in messages]
        vec = self.model["vectorizers"]
        if fit:
            return hstack([vec["word"].fit_transform(words), vec["char"].fit_transform(chars)]).tocsr()
        return hstack([vec["word"].transform(words), vec["char"].transform(chars)]).tocsr()

    # ------------------------------------------------------------------------------------------------ training
    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if not examples:
            logger.warning("BilingualClassifier: no training examples; skipped.")
            return self._resource
        self.model = {"vectorizers": self._vectorizers()}
        X = self._features(examples, fit=True)
        intents = np.array([m.get(INTENT) for m in examples])
        scams = np.array([scam_type_of(m.get(INTENT)).value for m in examples])
        urgent = np.array([example_is_urgent(m) for m in examples], dtype=int)
        seed = self.config["random_state"]
        folds = self.config["calibration_folds"]

        self.model["intent"] = LogisticRegression(
            C=self.config["intent_C"], max_iter=3000, class_weight="balanced", random_state=seed
        ).fit(X, intents)
        if self.config["split_none"]:
            scams = np.array([f"{NONE_PART}{i}" if s == ScamType.NONE.value else s for s, i in zip(scams, intents)])
        self.model["scam"] = CalibratedClassifierCV(
            LinearSVC(C=self.config["scam_C"], class_weight="balanced", random_state=seed), cv=folds
        ).fit(X, scams)
        if urgent.min() != urgent.max():
            self.model["urgency"] = CalibratedClassifierCV(
                LinearSVC(C=self.config["urgency_C"], class_weight="balanced", random_state=seed), cv=folds
            ).fit(X, urgent)
        self.persist()
        return self._resource

    # ------------------------------------------------------------------------------------------------ inference
    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None or not messages:
            return messages
        X = self._features(messages)
        length = self.config["ranking_length"]
        intent_p = self.model["intent"].predict_proba(X)
        scam_classes, scam_p = merge_none(self.model["scam"].classes_, self.model["scam"].predict_proba(X))
        urgency = self.model.get("urgency")
        urgent_p = urgency.predict_proba(X)[:, list(urgency.classes_).index(1)] if urgency is not None else None
        for i, message in enumerate(messages):
            ranking = _ranking(self.model["intent"].classes_, intent_p[i], length)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
            scams = _ranking(scam_classes, scam_p[i], length)
            message.set(
                "scam_type",
                {"name": scams[0]["name"], "confidence": scams[0]["confidence"], "ranking": scams},
                add_to_output=True,
            )
            if urgent_p is not None:
                p = float(urgent_p[i])
                calm = ranking[0]["name"] in self.config["calm_intents"] and scams[0]["name"] == ScamType.NONE.value
                message.set(
                    "urgency",
                    {"urgent": p >= self.config["urgency_threshold"] and not calm, "confidence": round(p, 4)},
                    add_to_output=True,
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    # ------------------------------------------------------------------------------------------------ storage
    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            joblib.dump(self.model, model_dir / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> BilingualClassifier:
        try:
            with model_storage.read_from(resource) as model_dir:
                model = joblib.load(model_dir / MODEL_FILE)  # our own artefact, written by train() above
        except (ValueError, FileNotFoundError):
            logger.warning("BilingualClassifier: no trained model found.")
            model = None
        if model is not None:
            fortran_weights(model)
        return cls(config, model_storage, resource, model)


def fortran_weights(model: dict[str, Any]) -> None:
    """Store the weights of every linear model of ``model`` column-major (speed only: the same numbers).

    A linear model's scores are ``X @ coef_.T``; with ``X`` sparse, scipy hands ``coef_.T`` to its kernel as one
    row-major block, so a row-major ``coef_`` (n_classes x n_features, as sklearn makes it) is copied whole on every
    call: 7 calls per message (the intent head, 3 calibration folds each for scam type and urgency), most of the
    classifier's time. Column-major, ``coef_.T`` is already that block. The kernel and the order of the sums do not
    change, so neither do the scores.
    """
    heads = [model.get(name) for name in ("intent", "scam", "urgency")]
    for head in heads:
        estimators = [head] + [
            getattr(c, "estimator", None) or getattr(c, "base_estimator", None)
            for c in getattr(head, "calibrated_classifiers_", [])
        ]
        for estimator in estimators:
            if hasattr(estimator, "coef_"):
                estimator.coef_ = np.asfortranarray(estimator.coef_)


def merge_none(classes: Any, probabilities: Any) -> tuple[Any, Any]:
    """The scam-type head's classes and probabilities with every ``none:<intent>`` column summed into ``none``
    (a model trained with ``split_none``); a head trained on plain ``none`` is returned as it is."""
    names = [str(c) for c in classes]
    parts = [j for j, c in enumerate(names) if c.startswith(NONE_PART)]
    if not parts:
        return np.asarray(classes), probabilities
    keep = [j for j in range(len(names)) if j not in parts]
    merged = np.column_stack([probabilities[:, keep], probabilities[:, parts].sum(axis=1)])
    return np.array([names[j] for j in keep] + [ScamType.NONE.value]), merged


def _ranking(classes: Any, probabilities: Any, length: int) -> list[dict[str, Any]]:
    order = np.argsort(-probabilities)
    if length > 0:
        order = order[:length]
    return [{"name": str(classes[j]), "confidence": float(probabilities[j])} for j in order]

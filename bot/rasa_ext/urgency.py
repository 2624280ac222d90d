"""A trainable NLU component that decides whether a message is urgent.

Urgent: money is about to move or has just moved, the person is still on the line or being instructed, or is
isolated, controlled or threatened. The label comes from each training example's metadata (``urgent: true``);
examples without it count as not urgent. The classifier reads the sentence-level sparse features that the
featurizers before it produced (the same ones the intent classifier uses) and adds to the parse result::

    "urgency": {"urgent": true, "confidence": 0.91}
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.linear_model import LogisticRegression

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

URGENCY_KEY = "urgency"


def example_is_urgent(message: Message) -> bool:
    metadata = message.get(METADATA) or {}
    example = metadata.get(METADATA_EXAMPLE) or {}
    return bool(isinstance(example, dict) and example.get("urgent"))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UrgencyClassifier(GraphComponent):
    """Binary logistic regression over the sentence features: urgent or not."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.5, "C": 1.0, "max_iter": 1000, "random_state": 42}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        clf: Optional[LogisticRegression] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.clf = clf

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UrgencyClassifier":
        return cls(config, model_storage, resource)

    @staticmethod
    def _features(messages: List[Message]) -> csr_matrix:
        rows = []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            rows.append(
                hstack(
                    [
                        csr_matrix(sparse.features if sparse else []),
                        csr_matrix(dense.features if dense else []),
                    ]
                )
            )
        return vstack(rows)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = np.array([example_is_urgent(m) for m in examples], dtype=int)
        if not examples or labels.min() == labels.max():
            logger.warning("UrgencyClassifier: training data needs both urgent and non-urgent examples; skipped.")
            return self._resource
        self.clf = LogisticRegression(
            C=self.config["C"],
            max_iter=self.config["max_iter"],
            class_weight="balanced",
            random_state=self.config["random_state"],
        )
        self.clf.fit(self._features(examples), labels)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.clf is None or not messages:
            return messages
        probabilities = self.clf.predict_proba(self._features(messages))[:, 1]
        for message, probability in zip(messages, probabilities):
            message.set(
                URGENCY_KEY,
                {"urgent": bool(probability >= self.config["threshold"]), "confidence": round(float(probability), 4)},
                add_to_output=True,
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.clf, model_dir / "urgency.skops")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "UrgencyClassifier":
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / "urgency.skops"
                clf = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        except (ValueError, FileNotFoundError):
            logger.warning("UrgencyClassifier: no trained model found; urgency will not be predicted.")
            clf = None
        return cls(config, model_storage, resource, clf)

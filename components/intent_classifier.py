"""Pause's intent classifier: logistic regression over TF-IDF-weighted sparse features.

Rasa's stock logistic regression reads raw n-gram counts with a fixed regularisation (C = 1),
which on Pause's data gave soft, low-confidence predictions that the fallback turned into "I
didn't understand". Here the counts from the featurizers are weighted as TF-IDF (sublinear term
frequency, inverse document frequency learnt in training, rows scaled to unit length) and the
regularisation is configurable; docs/understanding.md compares the choices.

A message without features (an empty or blank message) gets the nlu_fallback intent instead of
crashing the turn, so the user gets a polite reply.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize

from bot.nlp.input_check import is_blank

IDF_FILE = "idf.npy"
REGULARISATION_KEY = "C"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class PauseIntentClassifier(LogisticRegressionClassifier):
    """Logistic regression over TF-IDF-weighted sparse features; a blank message is a fallback."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {**LogisticRegressionClassifier.get_default_config(), REGULARISATION_KEY: 1.0}

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
        idf: Optional[np.ndarray] = None,
    ) -> None:
        """Construct a new classifier, with the inverse document frequencies once learnt."""
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config[REGULARISATION_KEY]))
        self.idf = idf

    def _weighted(self, counts: csr_matrix) -> csr_matrix:
        """TF-IDF with sublinear term frequency, each row scaled to unit length."""
        weighted = csr_matrix(counts, dtype=np.float64, copy=True)
        weighted.data = 1.0 + np.log(np.maximum(weighted.data, 1e-12))
        if self.idf is not None and self.idf.shape[0] == weighted.shape[1]:
            weighted = weighted.multiply(self.idf).tocsr()
        return normalize(weighted)

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        return self._weighted(super()._create_X(messages))

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the inverse document frequencies, then train the classifier on the weighted features."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        counts = LogisticRegressionClassifier._create_X(self, examples)
        documents = counts.shape[0]
        frequency = np.bincount(csr_matrix(counts).indices, minlength=counts.shape[1])
        self.idf = np.log((1.0 + documents) / (1.0 + frequency)) + 1.0
        self.clf.fit(self._weighted(counts), [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Store the classifier (as Rasa does) and the inverse document frequencies beside it."""
        super().persist()
        if self.idf is not None:
            with self._model_storage.write_to(self._resource) as model_dir:
                np.save(model_dir / IDF_FILE, self.idf, allow_pickle=False)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "PauseIntentClassifier":
        """Load the classifier and its inverse document frequencies."""
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                component.idf = np.load(model_dir / IDF_FILE, allow_pickle=False)
        except (ValueError, FileNotFoundError):
            component.idf = None
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        readable = []
        for message in messages:
            if is_blank(message.get(TEXT) or ""):
                message.set(INTENT, {INTENT_NAME_KEY: FALLBACK, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            else:
                readable.append(message)
        if readable:
            super().process(readable)
        return messages

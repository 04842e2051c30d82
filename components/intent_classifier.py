"""Rasa's logistic regression intent classifier, made safe for messages with nothing to classify.

The stock classifier raises on a message without features (an empty or blank message), which
loses the whole turn. Such messages get the nlu_fallback intent here instead, so the user gets a
polite reply.
"""
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
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

from bot.nlp.input_check import is_blank


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class PauseIntentClassifier(LogisticRegressionClassifier):
    """Logistic regression over sparse features; a blank message is a fallback, not a crash."""

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

"""Rasa adapter for the deterministic crisis rules in ``bot.nlp.safety``.

Placed after the intent classifier, before or after the FallbackClassifier: either way a crisis
the rules see can never be hidden by a misclassification or by a low-confidence fallback, and a
crisis the model itself predicted is never lowered.
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Dict, List, Optional, Text, Tuple, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.tokens import Doc

from bot.nlp.safety import SafetySignal, assess

CRISIS_INTENT = "crisis"
COLLEAGUE_AT_RISK_INTENT = "colleague_at_risk"
SAFETY_NET_KEY = "safety_net"
PROTECT_MODEL_INTENTS_KEY = "protect_model_intents"
PROTECT_MIN_CONFIDENCE_KEY = "protect_min_confidence"

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SafetyNet(GraphComponent, IntentClassifier):
    """Overrides the predicted intent when the crisis rules fire; never lowers a crisis."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Components that should be included in the pipeline before this component."""
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # When the classifier's own top intent is one of these, its confidence is raised to
            # 1.0: a later FallbackClassifier cannot turn it into nlu_fallback, and an earlier
            # one's nlu_fallback is undone.
            PROTECT_MODEL_INTENTS_KEY: [CRISIS_INTENT, COLLEAGUE_AT_RISK_INTENT],
            # Below these the model's guess is noise ("is it going to rain" at 0.2): the rules,
            # not a near-random guess, then decide. 0.0 protects every top-ranked guess. The
            # colleague-at-risk bar is higher: managers describing ordinary conduct ("she was
            # rude to her") drew weak guesses of it, and the rules catch its explicit language.
            PROTECT_MIN_CONFIDENCE_KEY: {CRISIS_INTENT: 0.3, COLLEAGUE_AT_RISK_INTENT: 0.4},
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Constructs a new safety net."""
        self.component_config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Creates a new component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data untouched: the rules are not trained."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Runs the crisis rules on each message and overrides its intent when they fire."""
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        signal = self._assess(message, text)
        model_intent, model_ranking = _classifier_prediction(message)
        model_intent_name = (model_intent or {}).get(INTENT_NAME_KEY)
        override = self._override_for(signal, model_intent_name)
        if override is not None:
            _set_intent(message, override)
            logger.debug(f"Safety net set intent '{override}' (rules: {list(signal.matches)}).")
        elif model_intent_name in self.component_config[PROTECT_MODEL_INTENTS_KEY] and (
            (model_intent or {}).get(PREDICTED_CONFIDENCE_KEY, 0.0) >= self._min_confidence(model_intent_name)
        ):
            _set_intent(message, model_intent_name)
        message.set(
            SAFETY_NET_KEY,
            {
                "rule_matches": list(signal.matches),
                "override": override,
                "model_intent": model_intent,
                "model_intent_ranking": model_ranking,
            },
            add_to_output=True,
        )

    def _min_confidence(self, intent_name: Text) -> float:
        """The confidence from which the model's guess of this intent is protected."""
        bar = self.component_config[PROTECT_MIN_CONFIDENCE_KEY]
        if isinstance(bar, dict):
            return float(bar.get(intent_name, 0.0))
        return float(bar)

    @staticmethod
    def _assess(message: Message, text: Text) -> SafetySignal:
        doc = message.get(SPACY_DOCS[TEXT])
        if isinstance(doc, Doc):
            return assess(doc)
        return assess(text)

    @staticmethod
    def _override_for(signal: SafetySignal, model_intent_name: Optional[Text]) -> Optional[Text]:
        if signal.crisis:
            return CRISIS_INTENT
        if signal.colleague_at_risk and model_intent_name != CRISIS_INTENT:
            return COLLEAGUE_AT_RISK_INTENT
        return None


def _classifier_prediction(message: Message) -> Tuple[Optional[Dict[Text, Any]], List[Dict[Text, Any]]]:
    """The intent classifier's own prediction, from before any FallbackClassifier."""
    intent = copy.deepcopy(message.get(INTENT))
    ranking = copy.deepcopy(message.get(INTENT_RANKING_KEY, []))
    fell_back = (intent or {}).get(INTENT_NAME_KEY) == DEFAULT_NLU_FALLBACK_INTENT_NAME
    if fell_back and len(ranking) > 1 and ranking[0].get(INTENT_NAME_KEY) == DEFAULT_NLU_FALLBACK_INTENT_NAME:
        return ranking[1], ranking[1:]
    return intent, ranking


def _set_intent(message: Message, intent_name: Text) -> None:
    # A certain intent leaves nothing else in the ranking, so the FallbackClassifier's
    # ambiguity check has no runner-up to compare against.
    intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent)], add_to_output=True)

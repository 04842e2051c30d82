"""Rasa adapter for the safety net: the crisis rules and the risk model, graded (``bot.nlp``).

Placed after the intent classifier and the input guard, before the FallbackClassifier:

- a clear risk (a rule fired, or the risk model is confident) sets the ``crisis`` or
  ``colleague_at_risk`` intent with full confidence, so no misclassification, fallback or
  unreadable-input mark can hide it;
- a possible risk keeps the intent the classifier chose, and marks the message so that the
  normal answer is followed by a direct, kind check-in in the same turn
  (``components/safety_dialogue.py``);
- otherwise the classifier's own guess of a safety intent is not acted on: the dedicated risk
  model, not one class among many, decides. The next intent it ranked is used instead, and the
  FallbackClassifier after this component judges its confidence as usual.

The risk model is trained with the rest of the model, from ``bot/nlp/risk/`` plus the NLU
training examples (crisis and colleague-at-risk examples as risks, every other intent's as
ordinary messages), and stored in the trained model.
"""
from __future__ import annotations

import copy
import logging
from pathlib import Path
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

from bot.nlp.grading import CLEAR, SafetyAssessment, Thresholds, grade
from bot.nlp.input_check import MARKUP_TAG, without_markup
from bot.nlp.risk import (
    COLLEAGUE,
    NONE,
    RISK_DATA_DIR,
    WRITER,
    RiskModel,
    RiskScores,
    load_risk_examples,
    risk_data_fingerprint,
    training_set,
)
from bot.nlp.safety import SafetySignal, assess

CRISIS_INTENT = "crisis"
COLLEAGUE_AT_RISK_INTENT = "colleague_at_risk"
SAFETY_INTENTS = (CRISIS_INTENT, COLLEAGUE_AT_RISK_INTENT)
INTENT_OF = {WRITER: CRISIS_INTENT, COLLEAGUE: COLLEAGUE_AT_RISK_INTENT}
LABEL_OF_INTENT = {CRISIS_INTENT: WRITER, COLLEAGUE_AT_RISK_INTENT: COLLEAGUE}
SAFETY_NET_KEY = "safety_net"
RISK_DATA_KEY = "risk_data"
POSSIBLE_KEY = "possible_threshold"
CLEAR_KEY = "clear_threshold"
REGULARISATION_KEY = "regularisation"
SECONDED_KEY = "seconded_by_classifier"

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyNet(GraphComponent, IntentClassifier):
    """Grades every message for risk; a clear risk sets the safety intent, a possible one marks it."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """None for training; at prediction it reads the intent classifier's output (config.yml order)."""
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The risk model's examples, relative to the project root.
            RISK_DATA_KEY: str(RISK_DATA_DIR.relative_to(RISK_DATA_DIR.parents[2])),
            # Chosen on a tuning split by `python -m bot.nlp.risk tune`, never on evaluation sets.
            POSSIBLE_KEY: 0.5,
            CLEAR_KEY: 0.9,
            REGULARISATION_KEY: RiskModel.DEFAULT_REGULARISATION,
            # The risk model takes over on its own only when the intent classifier also gives
            # the safety intents at least this much confidence; otherwise it asks the check-in.
            SECONDED_KEY: 0.1,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The risk examples' files: a change to them retrains the model."""
        return risk_data_fingerprint(_risk_data_dir(config))

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[RiskModel] = None,
    ) -> None:
        """Constructs a safety net, with its risk model once trained or loaded."""
        self.component_config = config
        self.thresholds = Thresholds(possible=float(config[POSSIBLE_KEY]), clear=float(config[CLEAR_KEY]))
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Creates a new, untrained component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyNet:
        """Loads the trained risk model from the model storage."""
        with model_storage.read_from(resource) as model_dir:
            model = RiskModel.load(Path(model_dir))
        return cls({**cls.get_default_config(), **config}, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        """Trains the risk model on its own examples and the NLU examples, and stores it."""
        examples = load_risk_examples(_risk_data_dir(self.component_config))
        from_nlu = [
            (message.get(TEXT), LABEL_OF_INTENT.get(message.get(INTENT), NONE))
            for message in training_data.intent_examples
            if message.get(TEXT)
        ]
        texts, labels = training_set(examples, from_nlu)
        self.model = RiskModel.train(texts, labels, float(self.component_config[REGULARISATION_KEY]))
        with self._model_storage.write_to(self._resource) as model_dir:
            self.model.save(Path(model_dir))
        logger.info(f"Risk model trained on {len(texts)} messages.")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data untouched."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Grades each message and sets or marks its intent accordingly."""
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text or text.startswith("/"):
            return
        doc = message.get(SPACY_DOCS[TEXT])
        source = doc if isinstance(doc, Doc) else text
        if MARKUP_TAG.search(text):
            # Tags glued to words ("<div>i want ...") hide the words from the rules: read them apart.
            source = without_markup(text)
        signal = assess(source)
        scores = self._scores(source, signal)
        model_intent, model_ranking = _classifier_prediction(message)
        seconded = _safety_confidence(model_ranking) >= float(self.component_config[SECONDED_KEY])
        assessment = grade(signal, scores, self.thresholds, words=_word_count(source), seconded=seconded)
        if assessment.level == CLEAR:
            _set_certain_intent(message, INTENT_OF[assessment.about])
            logger.debug(f"Safety net: clear risk about the {assessment.about} (rules: {list(signal.matches)}).")
        elif (model_intent or {}).get(INTENT_NAME_KEY) in SAFETY_INTENTS:
            _set_next_intent(message, model_ranking)
        message.set(SAFETY_NET_KEY, _report(assessment, signal, scores, model_intent, model_ranking), add_to_output=True)

    def _scores(self, source: Any, signal: SafetySignal) -> Optional[RiskScores]:
        """The risk model's scores; where a rule fired, its highest over the message's sentences.

        Whether the model agrees with a rule is judged on the sentence that says it, so a crisis
        in one line of a long message is not diluted by the rest.
        """
        if self.model is None:
            return None
        if signal.crisis or signal.colleague_at_risk:
            return self.model.highest_score(source)
        return self.model.score(source)


def _safety_confidence(ranking: List[Dict[Text, Any]]) -> float:
    """How much the intent classifier itself believes the message is a crisis or colleague at risk."""
    return sum(float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for entry in ranking if entry.get(INTENT_NAME_KEY) in SAFETY_INTENTS)


def _word_count(text_or_doc: Any) -> int:
    if isinstance(text_or_doc, Doc):
        return sum(1 for token in text_or_doc if token.is_alpha)
    return len([word for word in str(text_or_doc).split() if any(ch.isalpha() for ch in word)])


def _risk_data_dir(config: Dict[str, Any]) -> Path:
    path = Path(config.get(RISK_DATA_KEY) or RISK_DATA_DIR)
    return path if path.is_absolute() else RISK_DATA_DIR.parents[2] / path


def _report(
    assessment: SafetyAssessment,
    signal: SafetySignal,
    scores: Optional[RiskScores],
    model_intent: Optional[Dict[Text, Any]],
    model_ranking: List[Dict[Text, Any]],
) -> Dict[Text, Any]:
    """What the safety net saw, for the dialogue and for audit: rule names and scores, never words."""
    return {
        **assessment.as_dict(),
        "rule_matches": list(signal.matches),
        "risk_scores": scores.as_dict() if scores is not None else None,
        "model_intent": model_intent,
        "model_intent_ranking": model_ranking,
    }


def _classifier_prediction(message: Message) -> Tuple[Optional[Dict[Text, Any]], List[Dict[Text, Any]]]:
    """The intent classifier's own prediction, from before any fallback mark."""
    intent = copy.deepcopy(message.get(INTENT))
    ranking = copy.deepcopy(message.get(INTENT_RANKING_KEY, []))
    fell_back = (intent or {}).get(INTENT_NAME_KEY) == DEFAULT_NLU_FALLBACK_INTENT_NAME
    if fell_back and ranking:
        ranked = [entry for entry in ranking if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]
        return (ranked[0] if ranked else intent), ranked
    return intent, ranking


def _set_certain_intent(message: Message, intent_name: Text) -> None:
    # A certain intent leaves nothing else in the ranking, so the FallbackClassifier's
    # ambiguity check has no runner-up to compare against.
    intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent)], add_to_output=True)


def _set_next_intent(message: Message, ranking: List[Dict[Text, Any]]) -> None:
    """The classifier's best guess that is not a safety intent (the input guard's mark kept)."""
    if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == DEFAULT_NLU_FALLBACK_INTENT_NAME:
        return
    others = [entry for entry in ranking if entry.get(INTENT_NAME_KEY) not in SAFETY_INTENTS]
    if not others:
        others = [{INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}]
    message.set(INTENT, dict(others[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, others, add_to_output=True)

"""The Rasa SafetyNet component, run on real Rasa messages (no trained model needed)."""
from typing import Any, Dict, List, Optional

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.pipeline import get_nlp
from components.safety_net import SAFETY_NET_KEY, SafetyNet


def safety_net(**config: Any) -> SafetyNet:
    return SafetyNet.create({**SafetyNet.get_default_config(), **config}, None, None, None)


def fallback() -> FallbackClassifier:
    config = {**FallbackClassifier.get_default_config(), "threshold": 0.7, "ambiguity_threshold": 0.1}
    return FallbackClassifier.create(config, None, None, None)


def classified(text: str, ranking: List[Dict[str, Any]], with_doc: Optional[str] = None) -> Message:
    """A message as DIETClassifier leaves it: intent and ranking in the output."""
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(entry) for entry in ranking], add_to_output=True)
    if with_doc is not None:
        message.set(SPACY_DOCS[TEXT], get_nlp()(with_doc))
    return message


def intent(name: str, confidence: float) -> Dict[str, Any]:
    return {"name": name, "confidence": confidence}


def test_component_is_registered_as_an_intent_classifier() -> None:
    registered = DefaultV1Recipe._from_registry("SafetyNet")
    assert registered.clazz is SafetyNet
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert not registered.is_trainable


def test_crisis_rules_override_a_confident_wrong_intent() -> None:
    message = classified("honestly i just want to end it all", [intent("greet", 0.95), intent("crisis", 0.03)])
    safety_net().process([message])

    output = message.as_dict(only_output_properties=True)
    assert output[INTENT] == intent("crisis", 1.0)
    assert output[INTENT_RANKING_KEY] == [intent("crisis", 1.0)]
    assert output[SAFETY_NET_KEY] == {
        "rule_matches": ["writer:end_it_all"],
        "override": "crisis",
        "model_intent": intent("greet", 0.95),
        "model_intent_ranking": [intent("greet", 0.95), intent("crisis", 0.03)],
    }


def test_the_fallback_classifier_cannot_hide_a_rule_crisis() -> None:
    without_net = classified("kill myslef", [intent("greet", 0.5), intent("thank", 0.45)])
    fallback().process([without_net])
    assert without_net.get(INTENT)["name"] == "nlu_fallback"

    with_net = classified("kill myslef", [intent("greet", 0.5), intent("thank", 0.45)])
    fallback().process(safety_net().process([with_net]))
    assert with_net.get(INTENT) == intent("crisis", 1.0)


def test_a_low_confidence_model_crisis_is_protected_from_the_fallback() -> None:
    message = classified("I feel grey and flat all the time", [intent("crisis", 0.41), intent("staff_support", 0.39)])
    fallback().process(safety_net().process([message]))
    assert message.get(INTENT) == intent("crisis", 1.0)
    assert message.get(SAFETY_NET_KEY)["override"] is None
    assert message.get(SAFETY_NET_KEY)["model_intent"] == intent("crisis", 0.41)


def test_a_weak_colleague_at_risk_guess_is_not_protected_but_a_weak_crisis_is() -> None:
    colleague = classified("no, but the HCA was rude to her", [intent("colleague_at_risk", 0.36), intent("deny", 0.3)])
    crisis = classified("I feel grey and flat all the time", [intent("crisis", 0.36), intent("staff_support", 0.3)])
    fallback().process(safety_net().process([colleague, crisis]))
    assert colleague.get(INTENT)["name"] == "nlu_fallback"
    assert crisis.get(INTENT) == intent("crisis", 1.0)


def test_a_single_protection_bar_still_works() -> None:
    message = classified("no, but the HCA was rude to her", [intent("colleague_at_risk", 0.36), intent("deny", 0.3)])
    fallback().process(safety_net(protect_min_confidence=0.3).process([message]))
    assert message.get(INTENT) == intent("colleague_at_risk", 1.0)


def test_protection_can_be_switched_off() -> None:
    message = classified("I feel grey and flat all the time", [intent("crisis", 0.41), intent("staff_support", 0.39)])
    fallback().process(safety_net(protect_model_intents=[]).process([message]))
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_colleague_at_risk_overrides_when_the_model_missed_it() -> None:
    message = classified("my colleague said she wants to die", [intent("raise_concern", 0.8)])
    safety_net().process([message])
    assert message.get(INTENT) == intent("colleague_at_risk", 1.0)
    assert message.get(SAFETY_NET_KEY)["rule_matches"] == ["other:want_to_die"]


def test_a_model_crisis_is_never_lowered_to_colleague_at_risk() -> None:
    ranking = [intent("crisis", 0.9), intent("colleague_at_risk", 0.1)]
    message = classified("my colleague said she wants to die", ranking)
    safety_net().process([message])
    assert message.get(INTENT) == intent("crisis", 1.0)
    assert message.get(SAFETY_NET_KEY)["override"] is None


def test_nothing_changes_when_the_rules_are_quiet() -> None:
    ranking = [intent("raise_concern", 0.8), intent("consider_suspension", 0.2)]
    message = classified("this rota is killing me", ranking)
    safety_net().process([message])
    assert message.get(INTENT) == ranking[0]
    assert message.get(INTENT_RANKING_KEY) == ranking
    assert message.get(SAFETY_NET_KEY) == {
        "rule_matches": [],
        "override": None,
        "model_intent": ranking[0],
        "model_intent_ranking": ranking,
    }


def test_the_spacy_doc_made_by_spacy_nlp_is_used() -> None:
    message = classified("placeholder", [intent("greet", 0.9)], with_doc="i carnt go on")
    safety_net().process([message])
    assert message.get(INTENT)["name"] == "crisis"


def test_messages_without_text_are_left_alone() -> None:
    message = Message(data={INTENT: intent("greet", 1.0)})
    safety_net().process([message])
    assert message.get(SAFETY_NET_KEY) is None


def test_training_data_passes_through_untouched() -> None:
    training_data = TrainingData([Message(data={TEXT: "kill myself", INTENT: "crisis"})])
    assert safety_net().process_training_data(training_data) is training_data


@pytest.mark.parametrize("text", ["/crisis", "/greet"])
def test_button_payloads_are_not_read_as_words(text: str) -> None:
    message = classified(text, [intent("greet", 1.0)])
    safety_net().process([message])
    assert message.get(SAFETY_NET_KEY)["override"] is None


def test_after_the_fallback_classifier_a_rule_crisis_still_wins() -> None:
    message = classified("i want to die tbh", [intent("greet", 0.3), intent("thank", 0.28)])
    safety_net().process(fallback().process([message]))
    assert message.get(INTENT) == intent("crisis", 1.0)
    assert message.get(SAFETY_NET_KEY)["model_intent"] == intent("greet", 0.3)


def test_after_the_fallback_classifier_a_model_crisis_is_restored() -> None:
    message = classified("I feel grey and flat all the time", [intent("crisis", 0.41), intent("staff_support", 0.39)])
    safety_net().process(fallback().process([message]))
    assert message.get(INTENT) == intent("crisis", 1.0)
    assert message.get(SAFETY_NET_KEY)["model_intent"] == intent("crisis", 0.41)


def test_after_the_fallback_classifier_an_ordinary_fallback_stays() -> None:
    message = classified("purple monkey dishwasher", [intent("greet", 0.3), intent("thank", 0.28)])
    safety_net().process(fallback().process([message]))
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(SAFETY_NET_KEY)["model_intent"] == intent("greet", 0.3)

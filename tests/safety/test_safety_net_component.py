"""The Rasa SafetyNet component, run on real Rasa messages.

Most tests give the component fixed risk scores, to pin down how the rules, the scores and the
classifier's guess combine; one trains the real risk model through Rasa's model storage.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.pipeline import get_nlp
from bot.nlp.risk import RiskScores
from components.safety_net import SAFETY_NET_KEY, SafetyNet


class FixedScores:
    """Stands in for the risk model: the same scores for every message."""

    def __init__(self, writer: float = 0.0, colleague: float = 0.0) -> None:
        self.scores = RiskScores(writer, colleague)

    def score(self, _text_or_doc: Any) -> RiskScores:
        return self.scores

    def highest_score(self, _text_or_doc: Any) -> RiskScores:
        return self.scores


def safety_net(writer: float = 0.0, colleague: float = 0.0, **config: Any) -> SafetyNet:
    net = SafetyNet.create({**SafetyNet.get_default_config(), **config}, None, None, None)
    net.model = FixedScores(writer, colleague)
    return net


def fallback() -> FallbackClassifier:
    config = {**FallbackClassifier.get_default_config(), "threshold": 0.4, "ambiguity_threshold": 0.05}
    return FallbackClassifier.create(config, None, None, None)


def classified(text: str, ranking: List[Dict[str, Any]], with_doc: Optional[str] = None) -> Message:
    """A message as the intent classifier leaves it: intent and ranking in the output."""
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(entry) for entry in ranking], add_to_output=True)
    if with_doc is not None:
        message.set(SPACY_DOCS[TEXT], get_nlp()(with_doc))
    return message


def intent(name: str, confidence: float) -> Dict[str, Any]:
    return {"name": name, "confidence": confidence}


def test_component_is_registered_as_a_trainable_intent_classifier() -> None:
    registered = DefaultV1Recipe._from_registry("SafetyNet")
    assert registered.clazz is SafetyNet
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert registered.is_trainable


def test_a_rule_crisis_overrides_a_confident_wrong_intent() -> None:
    message = classified("honestly i just want to end it all", [intent("greet", 0.95), intent("crisis", 0.03)])
    safety_net(writer=0.6).process([message])

    output = message.as_dict(only_output_properties=True)
    assert output[INTENT] == intent("crisis", 1.0)
    assert output[INTENT_RANKING_KEY] == [intent("crisis", 1.0)]
    assert output[SAFETY_NET_KEY] == {
        "level": "clear",
        "about": "writer",
        "by_rules": True,
        "by_model": True,
        "rule_matches": ["writer:end_it_all"],
        "risk_scores": {"writer": 0.6, "colleague": 0.0},
        "model_intent": intent("greet", 0.95),
        "model_intent_ranking": [intent("greet", 0.95), intent("crisis", 0.03)],
    }


def test_the_fallback_classifier_cannot_hide_a_clear_risk() -> None:
    without_net = classified("kill myslef", [intent("greet", 0.3), intent("thank", 0.28)])
    fallback().process([without_net])
    assert without_net.get(INTENT)["name"] == "nlu_fallback"

    with_net = classified("kill myslef", [intent("greet", 0.3), intent("thank", 0.28)])
    fallback().process(safety_net(writer=0.9).process([with_net]))
    assert with_net.get(INTENT) == intent("crisis", 1.0)


def test_a_confident_risk_model_seconded_by_the_classifier_takes_over_without_any_rule() -> None:
    message = classified("i have picked the place", [intent("out_of_scope", 0.6), intent("crisis", 0.3)])
    safety_net(writer=0.97).process([message])
    assert message.get(INTENT) == intent("crisis", 1.0)
    assert message.get(SAFETY_NET_KEY)["by_model"] is True


def test_a_confident_risk_model_the_classifier_does_not_second_asks_the_check_in() -> None:
    ranking = [intent("stop", 0.95), intent("crisis", 0.05)]
    message = classified("i need to stop here sorry", ranking)
    safety_net(writer=0.97).process([message])
    assert message.get(INTENT) == ranking[0]
    assert message.get(SAFETY_NET_KEY)["level"] == "possible"


def test_a_confident_model_about_a_colleague_gives_the_colleague_reply() -> None:
    message = classified("she has picked the place", [intent("raise_concern", 0.6), intent("colleague_at_risk", 0.3)])
    safety_net(colleague=0.97).process([message])
    assert message.get(INTENT) == intent("colleague_at_risk", 1.0)


def test_a_possible_risk_keeps_the_normal_intent_and_is_marked_for_the_check_in() -> None:
    ranking = [intent("staff_support", 0.7), intent("crisis", 0.2)]
    message = classified("everything feels heavy since the hearing", ranking)
    safety_net(writer=0.6).process([message])
    assert message.get(INTENT) == ranking[0]
    report = message.get(SAFETY_NET_KEY)
    assert (report["level"], report["about"]) == ("possible", "writer")


def test_the_classifiers_crisis_guess_alone_is_not_acted_on() -> None:
    ranking = [intent("crisis", 0.55), intent("greet", 0.3), intent("staff_support", 0.15)]
    message = classified("hi im a band 7 on acute medicine", ranking)
    fallback().process(safety_net().process([message]))
    # The next reading is used and the fallback judges its confidence as usual.
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)][:2] == ["nlu_fallback", "greet"]
    assert message.get(SAFETY_NET_KEY)["level"] == "none"


def test_a_demoted_guess_keeps_a_confident_runner_up() -> None:
    ranking = [intent("colleague_at_risk", 0.45), intent("raise_concern", 0.44)]
    message = classified("ive had two staff saying a colleague has been bullying them on nights", ranking)
    fallback().process(safety_net().process([message]))
    assert message.get(INTENT) == intent("raise_concern", 0.44)


def test_a_rule_about_someone_else_gives_the_colleague_reply() -> None:
    message = classified("my colleague said she wants to die", [intent("raise_concern", 0.8)])
    safety_net(colleague=0.6).process([message])
    assert message.get(INTENT) == intent("colleague_at_risk", 1.0)
    assert message.get(SAFETY_NET_KEY)["rule_matches"] == ["other:want_to_die"]


def test_the_writers_own_risk_comes_first() -> None:
    message = classified("my colleague said she wants to die", [intent("raise_concern", 0.8), intent("crisis", 0.2)])
    safety_net(writer=0.99).process([message])
    assert message.get(INTENT) == intent("crisis", 1.0)


def test_nothing_changes_when_nothing_is_at_risk() -> None:
    ranking = [intent("raise_concern", 0.8), intent("consider_suspension", 0.2)]
    message = classified("this rota is killing me", ranking)
    safety_net(writer=0.01).process([message])
    assert message.get(INTENT) == ranking[0]
    assert message.get(INTENT_RANKING_KEY) == ranking
    assert message.get(SAFETY_NET_KEY)["level"] == "none"


def test_the_input_guards_unreadable_mark_stays_unless_the_risk_is_clear() -> None:
    marked = classified("x" * 20, [intent("crisis", 0.5), intent("greet", 0.2)])
    marked.set(INTENT, intent("nlu_fallback", 1.0), add_to_output=True)
    safety_net(writer=0.6).process([marked])
    assert marked.get(INTENT) == intent("nlu_fallback", 1.0)
    assert marked.get(SAFETY_NET_KEY)["model_intent"] == intent("crisis", 0.5)
    huge = classified("report " * 2000 + " i want to kill myself", [intent("out_of_scope", 0.5)])
    huge.set(INTENT, intent("nlu_fallback", 1.0), add_to_output=True)
    safety_net(writer=0.5).process([huge])
    assert huge.get(INTENT) == intent("crisis", 1.0)


def test_the_spacy_doc_made_by_spacy_nlp_is_used() -> None:
    message = classified("placeholder", [intent("greet", 0.9)], with_doc="i carnt go on")
    safety_net(writer=0.5).process([message])
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
    safety_net(writer=1.0).process([message])
    assert message.get(INTENT) == intent("greet", 1.0)
    assert message.get(SAFETY_NET_KEY) is None


@pytest.mark.parametrize("bad", [{"possible_threshold": 0.9, "clear_threshold": 0.5}, {"possible_threshold": 0.0}])
def test_thresholds_out_of_order_are_refused(bad: Dict[str, float]) -> None:
    with pytest.raises(ValueError):
        safety_net(**bad)


def test_the_risk_model_trains_persists_and_loads_through_rasas_storage(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("safety_net")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = SafetyNet.create(SafetyNet.get_default_config(), storage, resource, context)
    examples = [
        Message(data={TEXT: "i just want to die", INTENT: "crisis"}),
        Message(data={TEXT: "my colleague told me she wants to end her life", INTENT: "colleague_at_risk"}),
        Message(data={TEXT: "hello there", INTENT: "greet"}),
    ]
    trained.train(TrainingData(examples))
    loaded = SafetyNet.load(SafetyNet.get_default_config(), storage, resource, context)
    text = "i cant see a way out and want to die"
    assert loaded.model.score(text) == trained.model.score(text)
    assert loaded.model.score(text).writer > 0.5
    assert loaded.model.score("what are the alternatives to an investigation").any < 0.5


def test_a_change_to_the_risk_examples_changes_the_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "writer.yml").write_text("label: writer\nkinds:\n  direct:\n    - i want to die\n")
    config = {**SafetyNet.get_default_config(), "risk_data": str(tmp_path)}
    before = SafetyNet.fingerprint_addon(config)
    (tmp_path / "writer.yml").write_text("label: writer\nkinds:\n  direct:\n    - i want to die tonight\n")
    assert SafetyNet.fingerprint_addon(config) != before


def test_a_rule_the_risk_model_sees_no_risk_in_asks_the_check_in() -> None:
    ranking = [intent("raise_concern", 0.9)]
    message = classified("honestly i just want to end it all", ranking)
    safety_net(writer=0.05).process([message])
    assert message.get(INTENT) == ranking[0]
    report = message.get(SAFETY_NET_KEY)
    assert (report["level"], report["by_rules"]) == ("possible", True)

"""Safety in the dialogue: crisis help opens the turn, before any form; the check-in after a
possible risk comes when it is due, and an answer to it never fills a form's slot. Conversations
through a real server are in tests/conversations/safety.yml and tests/channels/test_rest_outage.py."""
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components import safety_dialogue
from components.safety_dialogue import (
    CHECK_IN_RESPONSES,
    SAFETY_REPLIES,
    answers_check_in,
    check_in_due,
    extract_slots_unless_answering_check_in,
    predict_with_safety,
)

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


def said(text: str, intent: str, level: Optional[str] = None, about: str = "writer") -> UserUttered:
    parse_data: Dict[str, Any] = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    if level is not None:
        parse_data["safety_net"] = {"level": level, "about": about}
    return UserUttered(text, parse_data["intent"], [], parse_data)


def tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("someone", [ActionExecuted(ACTION_LISTEN_NAME), *events], slots=DOMAIN.slots)


class Processor:
    """What predict_with_safety needs of Rasa's processor: its domain and action endpoint."""

    domain = DOMAIN
    action_endpoint = None


@pytest.fixture
def policies_say(monkeypatch: pytest.MonkeyPatch):
    """Make the policies predict a given action, as the trained model would."""

    def predict(name: str) -> None:
        def original(_processor: Any, _tracker: DialogueStateTracker):
            from rasa.core.actions.action import action_for_name_or_text

            return action_for_name_or_text(name, DOMAIN, None), PolicyPrediction.for_action_name(DOMAIN, name, "RulePolicy")

        monkeypatch.setattr(safety_dialogue, "_original_predict", original)

    return predict


def test_a_possible_risk_is_due_a_check_in_in_the_writers_or_the_colleagues_words() -> None:
    assert check_in_due(tracker(said("i feel heavy", "staff_support", "possible"))) == "utter_safety_check_in"
    colleague = said("she seems so low", "raise_concern", "possible", about="colleague")
    assert check_in_due(tracker(colleague)) == "utter_safety_check_in_colleague"


@pytest.mark.parametrize("level", [None, "none", "clear"])
def test_nothing_else_is_due_a_check_in(level: Optional[str]) -> None:
    assert check_in_due(tracker(said("hello", "greet", level))) is None


def test_the_check_in_is_given_once_per_message() -> None:
    asked = tracker(said("i feel heavy", "staff_support", "possible"), ActionExecuted("utter_staff_support"),
                    ActionExecuted("utter_safety_check_in"))
    assert check_in_due(asked) is None


def test_the_check_in_comes_instead_of_listening_after_the_normal_answer(policies_say) -> None:
    policies_say(ACTION_LISTEN_NAME)
    state = tracker(said("i feel heavy", "staff_support", "possible"), ActionExecuted("action_staff_support"))
    action, prediction = predict_with_safety(Processor(), state)
    assert action.name() == "utter_safety_check_in"
    assert prediction.policy_name == safety_dialogue.POLICY_NAME


def test_the_normal_answer_comes_first(policies_say) -> None:
    policies_say("action_staff_support")
    action, _ = predict_with_safety(Processor(), tracker(said("i feel heavy", "staff_support", "possible")))
    assert action.name() == "action_staff_support"


def test_the_check_in_ends_the_turn(policies_say) -> None:
    policies_say("action_pause_fallback")
    state = tracker(said("i feel heavy", "staff_support", "possible"), ActionExecuted("utter_safety_check_in"))
    action, _ = predict_with_safety(Processor(), state)
    assert action.name() == ACTION_LISTEN_NAME


def test_without_a_possible_risk_the_policies_decide(policies_say) -> None:
    policies_say(ACTION_LISTEN_NAME)
    action, prediction = predict_with_safety(Processor(), tracker(said("hello", "greet", "none"), ActionExecuted("utter_greet")))
    assert action.name() == ACTION_LISTEN_NAME and prediction.policy_name == "RulePolicy"


@pytest.mark.parametrize("response", list(CHECK_IN_RESPONSES.values()))
@pytest.mark.parametrize("intent", ["affirm", "deny", "unsure", "safety_ok"])
def test_an_answer_right_after_the_check_in_answers_it(response: str, intent: str) -> None:
    state = tracker(said("i feel heavy", "staff_support", "possible"), ActionExecuted(response),
                    ActionExecuted(ACTION_LISTEN_NAME), said("no", intent))
    assert answers_check_in(state)


def test_a_longer_yes_answers_the_forms_question_not_the_check_in() -> None:
    state = tracker(said("nobody else would have", "deny", "possible"), ActionExecuted("utter_safety_check_in"),
                    ActionExecuted(ACTION_LISTEN_NAME), said("yes he missed that training", "affirm"))
    assert not answers_check_in(state)
    state = tracker(said("nobody else would have", "deny", "possible"), ActionExecuted("utter_safety_check_in"),
                    ActionExecuted(ACTION_LISTEN_NAME), said("no honestly im fine, just tired", "safety_ok"))
    assert answers_check_in(state)


def test_other_messages_do_not_answer_the_check_in() -> None:
    after_check_in = [said("i feel heavy", "staff_support", "possible"), ActionExecuted("utter_safety_check_in"),
                      ActionExecuted(ACTION_LISTEN_NAME)]
    assert not answers_check_in(tracker(*after_check_in, said("it was a drug error", "inform")))
    later = [*after_check_in, said("no", "deny"), ActionExecuted("utter_safety_ok"), ActionExecuted(ACTION_LISTEN_NAME)]
    assert not answers_check_in(tracker(*later, said("yes", "affirm")))
    assert not answers_check_in(tracker(ActionExecuted("utter_ask_pattern"), ActionExecuted(ACTION_LISTEN_NAME), said("no", "deny")))


async def test_an_answer_to_the_check_in_fills_no_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[str] = []

    async def rasas_extraction(_processor: Any, _channel: Any, state: DialogueStateTracker) -> DialogueStateTracker:
        calls.append(state.latest_message.text)
        return state

    monkeypatch.setattr(safety_dialogue, "_original_extract_slots", rasas_extraction)
    answered = tracker(said("i feel heavy", "staff_support", "possible"), ActionExecuted("utter_safety_check_in"),
                       ActionExecuted(ACTION_LISTEN_NAME), said("no", "deny"))
    assert await extract_slots_unless_answering_check_in(Processor(), None, answered) is answered
    assert calls == []
    ordinary = tracker(ActionExecuted("utter_ask_pattern"), ActionExecuted(ACTION_LISTEN_NAME), said("no", "deny"))
    await extract_slots_unless_answering_check_in(Processor(), None, ordinary)
    assert calls == ["no"]


def test_install_is_idempotent_and_detectable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MessageProcessor, "predict_next_with_tracker_if_should", safety_dialogue._original_predict)
    monkeypatch.setattr(MessageProcessor, "run_action_extract_slots", safety_dialogue._original_extract_slots)
    assert not safety_dialogue.installed()
    safety_dialogue.install()
    safety_dialogue.install()
    assert safety_dialogue.installed()


def test_every_check_in_response_offers_the_numbers_and_three_answers() -> None:
    for name in CHECK_IN_RESPONSES.values():
        response = DOMAIN.responses[name][0]
        for number in ("116 123", "111", "999"):
            assert number in response["text"]
        assert {button["payload"] for button in response["buttons"]} == {"/crisis", "/colleague_at_risk", "/safety_ok"}


def test_bot_uttered_is_not_mistaken_for_an_action() -> None:
    state = tracker(said("i feel heavy", "staff_support", "possible"), BotUttered("hi"), ActionExecuted("utter_greet"))
    assert check_in_due(state) == "utter_safety_check_in"


@pytest.mark.parametrize("intent, steps", list(SAFETY_REPLIES.items()))
def test_crisis_help_opens_the_turn_before_any_form_or_policy(policies_say, intent: str, steps: tuple) -> None:
    policies_say("reflection_form")
    state = tracker(ActiveLoop("reflection_form"), ActionExecuted("utter_ask_pattern"), ActionExecuted(ACTION_LISTEN_NAME),
                    said("i cant go on", intent))
    action, prediction = predict_with_safety(Processor(), state)
    assert action.name() == steps[0] and prediction.policy_name == safety_dialogue.POLICY_NAME
    state.update(ActionExecuted(steps[0]))
    assert predict_with_safety(Processor(), state)[0].name() == steps[1]
    state.update(ActionExecuted(steps[1]))
    assert predict_with_safety(Processor(), state)[0].name() == "reflection_form"  # the policies again


def test_a_short_answer_a_form_took_asks_no_check_in_on_a_possible_risk() -> None:
    waiting = [ActiveLoop("reflection_form"), ActionExecuted("reflection_form"), ActionExecuted(ACTION_LISTEN_NAME)]
    answered = tracker(*waiting, said("no not that i know of", "deny", "possible"), SlotSet("health_mental", "no"))
    assert check_in_due(answered) is None
    longer = tracker(*waiting, said("no, but lately i feel like there is no way out for me at all", "deny", "possible"),
                     SlotSet("health_mental", "no"))
    assert check_in_due(longer) == "utter_safety_check_in"
    not_taken = tracker(*waiting, said("no not that i know of", "deny", "possible"))
    assert check_in_due(not_taken) == "utter_safety_check_in"
    first_message = tracker(said("my nurse is so low", "raise_concern", "possible"), SlotSet("concern_type", "conduct"))
    assert check_in_due(first_message) == "utter_safety_check_in"

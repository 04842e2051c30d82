"""Erasure in conversation: a stored case, confirmed, is removed with its follow-ups."""
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.erase import ActionEraseCase, ActionStopErase, ValidateEraseForm
from bot.store import add_follow_up, get_case, record_case, session_scope

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())
CLEARED = [SlotSet("erase_reference", None), SlotSet("erase_confirmed", None)]


def tracker(slots=None, text=""):
    return Tracker(
        sender_id="manager-3", slots=dict(slots or {}), latest_message={"text": text, "intent": {}, "entities": []},
        events=[], paused=False, followup_action=None, active_loop={"name": "erase_form"},
        latest_action_name="action_listen",
    )


def responses(dispatcher):
    return [message["response"] for message in dispatcher.messages]


@pytest.fixture
def stored_case(outcome_store):
    with session_scope() as session:
        reference = record_case(session, concern_type="conduct", route="development", channel="rest").reference
        add_follow_up(session, reference, "alternative_in_progress")
        return reference


def test_the_reference_must_name_a_stored_case(stored_case):
    validate = ValidateEraseForm().validate_erase_reference
    assert validate(stored_case.lower(), CollectingDispatcher(), tracker(), DOMAIN) == {"erase_reference": stored_case}
    unknown = CollectingDispatcher()
    assert validate("P-7K3Q-9MXD", unknown, tracker(), DOMAIN) == {"erase_reference": None}
    assert responses(unknown) == ["utter_unknown_case_reference"]
    malformed = CollectingDispatcher()
    assert validate("my case", malformed, tracker(text="my case"), DOMAIN) == {"erase_reference": None}
    assert responses(malformed) == ["utter_invalid_case_reference"]


@pytest.mark.parametrize("value,expected,reply", [("yes", "yes", []), ("no", "no", []),
                                                  ("maybe later", None, ["utter_invalid_erase_confirmed"])])
def test_only_a_plain_yes_or_no_is_taken(value, expected, reply):
    dispatcher = CollectingDispatcher()
    assert ValidateEraseForm().validate_erase_confirmed(value, dispatcher, tracker(), DOMAIN) == {"erase_confirmed": expected}
    assert responses(dispatcher) == reply


async def test_a_confirmed_erasure_removes_the_case_and_its_follow_ups(stored_case):
    dispatcher = CollectingDispatcher()
    events = await ActionEraseCase().run(dispatcher, tracker({"erase_reference": stored_case, "erase_confirmed": "yes"}), DOMAIN)
    assert events == CLEARED
    assert responses(dispatcher) == ["utter_case_erased"]
    with session_scope() as session:
        assert get_case(session, stored_case) is None
    again = CollectingDispatcher()
    await ActionEraseCase().run(again, tracker({"erase_reference": stored_case, "erase_confirmed": "yes"}), DOMAIN)
    assert responses(again) == ["utter_case_erased"], "erasing twice is harmless"


async def test_no_keeps_the_case(stored_case):
    dispatcher = CollectingDispatcher()
    await ActionEraseCase().run(dispatcher, tracker({"erase_reference": stored_case, "erase_confirmed": "no"}), DOMAIN)
    assert responses(dispatcher) == ["utter_case_kept"]
    with session_scope() as session:
        assert get_case(session, stored_case) is not None


async def test_stop_erases_nothing():
    dispatcher = CollectingDispatcher()
    events = await ActionStopErase().run(dispatcher, tracker({"erase_reference": "P-7K3Q-9MXD"}), DOMAIN)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)] + CLEARED
    assert responses(dispatcher) == ["utter_erase_stopped"]

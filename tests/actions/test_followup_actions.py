"""Follow-up on an earlier case: validation of the reference and status, and recording once."""
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.followup import (
    ActionFollowUpLater,
    ActionRecordFollowUp,
    ActionStopFollowUp,
    ValidateFollowUpForm,
    status_title,
)
from bot.store import FOLLOW_UP_STATUSES, get_case, record_case, session_scope

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())
CLEARED = [
    SlotSet("follow_up_reference", None),
    SlotSet("follow_up_status", None),
    SlotSet("follow_up_suspension", None),
]


def tracker(slots=None, text="", requested=None):
    slots = dict(slots or {})
    slots["requested_slot"] = requested
    return Tracker(
        sender_id="manager-2",
        slots=slots,
        latest_message={"text": text, "intent": {"name": "follow_up"}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "follow_up_form"},
        latest_action_name="action_listen",
    )


def responses(dispatcher):
    return [message["response"] for message in dispatcher.messages]


@pytest.fixture
def stored_case(outcome_store):
    with session_scope() as session:
        case = record_case(
            session, concern_type="conduct", route="informal_resolution", channel="rest",
            answers={"pattern": "no"}, decision="informal_conversation",
        )
        return case.reference


def test_a_stored_reference_is_accepted_however_it_is_typed(stored_case):
    typed = stored_case.lower().replace("-", " ")
    dispatcher = CollectingDispatcher()
    result = ValidateFollowUpForm().validate_follow_up_reference(
        typed, dispatcher, tracker(text=f"it's {typed}"), DOMAIN
    )
    assert result == {"follow_up_reference": stored_case}
    assert responses(dispatcher) == []


def test_the_whole_message_is_searched_when_the_entity_is_only_part_of_it(stored_case):
    result = ValidateFollowUpForm().validate_follow_up_reference(
        "P-", CollectingDispatcher(), tracker(text=f"update on {stored_case} please"), DOMAIN
    )
    assert result == {"follow_up_reference": stored_case}


@pytest.mark.parametrize("typed", ["P-12", "my reference", "", "<b>P-1234</b>", "P-ABCD-EFGU"])
def test_a_malformed_reference_is_explained(outcome_store, typed):
    dispatcher = CollectingDispatcher()
    result = ValidateFollowUpForm().validate_follow_up_reference(typed, dispatcher, tracker(text=typed), DOMAIN)
    assert result == {"follow_up_reference": None}
    assert responses(dispatcher) == ["utter_invalid_case_reference"]


def test_an_unknown_reference_is_named_back(outcome_store):
    dispatcher = CollectingDispatcher()
    result = ValidateFollowUpForm().validate_follow_up_reference(
        "P-7K3Q-9MXD", dispatcher, tracker(text="P-7K3Q-9MXD"), DOMAIN
    )
    assert result == {"follow_up_reference": None}
    assert dispatcher.messages[0]["response"] == "utter_unknown_case_reference"
    assert dispatcher.messages[0]["reference"] == "P-7K3Q-9MXD"


def test_a_reference_is_taken_on_trust_when_the_store_cannot_be_read(monkeypatch):
    monkeypatch.setenv("PAUSE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    from bot.settings import get_settings
    from bot.store import dispose_engines

    get_settings.cache_clear()
    dispose_engines()
    try:
        result = ValidateFollowUpForm().validate_follow_up_reference(
            "P-7K3Q-9MXD", CollectingDispatcher(), tracker(text="P-7K3Q-9MXD"), DOMAIN
        )
    finally:
        get_settings.cache_clear()
        dispose_engines()
    assert result == {"follow_up_reference": "P-7K3Q-9MXD"}


@pytest.mark.parametrize("status", FOLLOW_UP_STATUSES)
def test_every_known_status_is_accepted_and_has_a_button(status):
    dispatcher = CollectingDispatcher()
    result = ValidateFollowUpForm().validate_follow_up_status(
        status, dispatcher, tracker(requested="follow_up_status"), DOMAIN
    )
    assert result == {"follow_up_status": status}
    assert status_title(status, DOMAIN) != status


def test_an_unknown_status_is_asked_again_only_when_it_was_asked_for():
    dispatcher = CollectingDispatcher()
    validate = ValidateFollowUpForm().validate_follow_up_status
    assert validate("it went fine", dispatcher, tracker(requested="follow_up_status"), DOMAIN) == {"follow_up_status": None}
    assert responses(dispatcher) == ["utter_invalid_follow_up_status"]
    quiet = CollectingDispatcher()
    assert validate("sorted", quiet, tracker(requested="follow_up_reference"), DOMAIN) == {"follow_up_status": None}
    assert responses(quiet) == []


async def test_the_same_update_twice_is_stored_once(stored_case):
    slots = {"follow_up_reference": stored_case, "follow_up_status": "resolved_informally"}
    first, second = CollectingDispatcher(), CollectingDispatcher()
    assert await ActionRecordFollowUp().run(first, tracker(slots), DOMAIN) == CLEARED
    assert await ActionRecordFollowUp().run(second, tracker(slots), DOMAIN) == CLEARED
    assert responses(first) == ["utter_follow_up_recorded"]
    assert first.messages[0]["status"] == "Resolved informally"
    assert responses(second) == ["utter_follow_up_already_recorded"]
    with session_scope() as session:
        assert [f.status for f in get_case(session, stored_case).follow_ups] == ["resolved_informally"]


async def test_a_different_later_update_is_added(stored_case):
    for status in ("formal_started", "formal_concluded_no_sanction"):
        slots = {"follow_up_reference": stored_case, "follow_up_status": status}
        await ActionRecordFollowUp().run(CollectingDispatcher(), tracker(slots), DOMAIN)
    with session_scope() as session:
        statuses = sorted(f.status for f in get_case(session, stored_case).follow_ups)
    assert statuses == ["formal_concluded_no_sanction", "formal_started"]


async def test_a_case_erased_meanwhile_is_reported_not_crashed(outcome_store):
    dispatcher = CollectingDispatcher()
    slots = {"follow_up_reference": "P-7K3Q-9MXD", "follow_up_status": "withdrawn"}
    assert await ActionRecordFollowUp().run(dispatcher, tracker(slots), DOMAIN) == CLEARED
    assert responses(dispatcher) == ["utter_unknown_case_reference"]


async def test_a_store_failure_is_owned_up_to(outcome_store, monkeypatch):
    import actions.followup as followup
    from bot.store import StoreFailure

    def broken(*args, **kwargs):
        raise StoreFailure("record the follow-up", RuntimeError("database is locked"))

    monkeypatch.setattr(followup, "add_follow_up", broken)
    dispatcher = CollectingDispatcher()
    slots = {"follow_up_reference": "P-7K3Q-9MXD", "follow_up_status": "withdrawn"}
    assert await ActionRecordFollowUp().run(dispatcher, tracker(slots), DOMAIN) == CLEARED
    assert responses(dispatcher) == ["utter_follow_up_failed"]


async def test_stop_leaves_the_follow_up_without_recording():
    dispatcher = CollectingDispatcher()
    events = await ActionStopFollowUp().run(dispatcher, tracker({"follow_up_reference": "P-7K3Q-9MXD"}), DOMAIN)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)] + CLEARED
    assert responses(dispatcher) == ["utter_follow_up_stopped"]


async def test_an_update_mid_reflection_waits():
    dispatcher = CollectingDispatcher()
    assert await ActionFollowUpLater().run(dispatcher, tracker(), DOMAIN) == CLEARED
    assert responses(dispatcher) == ["utter_follow_up_during_reflection"]


async def test_a_reference_the_entity_extractor_missed_is_found_in_the_message(stored_case):
    form = ValidateFollowUpForm()
    text = f"Update on case {stored_case}: we resolved it informally"
    extracted = await form.extract_follow_up_reference(CollectingDispatcher(), tracker(text=text), DOMAIN)
    assert extracted == {"follow_up_reference": stored_case}
    already = await form.extract_follow_up_reference(
        CollectingDispatcher(), tracker({"follow_up_reference": stored_case}, text="P-7K3Q-9MXD"), DOMAIN
    )
    assert already == {}
    assert await form.extract_follow_up_reference(CollectingDispatcher(), tracker(text="an update please"), DOMAIN) == {}


async def test_the_whole_form_run_fills_a_missed_reference(stored_case):
    # What Rasa does when the form starts: run the validation action with no slot extracted.
    text = f"update on case {stored_case}"
    events = await ValidateFollowUpForm().run(CollectingDispatcher(), tracker(text=text, requested=None), DOMAIN)
    assert SlotSet("follow_up_reference", stored_case) in events


@pytest.mark.parametrize("answer, considered, used", [
    ("not_considered", False, False), ("considered_not_used", True, False), ("used", True, True),
])
async def test_whether_suspension_was_considered_and_used_is_stored_with_the_update(
    stored_case, answer, considered, used
):
    slots = {"follow_up_reference": stored_case, "follow_up_status": "formal_started", "follow_up_suspension": answer}
    assert await ActionRecordFollowUp().run(CollectingDispatcher(), tracker(slots), DOMAIN) == CLEARED
    with session_scope() as session:
        case = get_case(session, stored_case)
        assert (case.suspension_considered, case.suspension_used) == (considered, used)


def test_an_unclear_suspension_answer_is_asked_again():
    dispatcher = CollectingDispatcher()
    form = ValidateFollowUpForm()
    assert form.validate_follow_up_suspension("perhaps", dispatcher, tracker(), DOMAIN) == {"follow_up_suspension": None}
    assert responses(dispatcher) == ["utter_invalid_follow_up_suspension"]
    assert form.validate_follow_up_suspension("used", CollectingDispatcher(), tracker(), DOMAIN) == {
        "follow_up_suspension": "used"
    }

"""The safety net's actions: crisis and colleague-at-risk replies come first and pause any reflection."""
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionColleagueAtRisk, ActionCrisisSupport
from actions.support import ActionStaffSupport

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())


def tracker(loop=None, paused=False):
    return Tracker("staff-1", {"reflection_paused": paused, "concern_type": "conduct"},
                   {"text": "i cant go on", "intent": {"name": "crisis"}}, [], False, None,
                   {"name": loop} if loop else {}, "action_listen")


def names(dispatcher):
    return [m["response"] for m in dispatcher.messages]


async def test_crisis_mid_reflection_answers_first_and_pauses_it():
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisSupport().run(dispatcher, tracker(loop="reflection_form"), DOMAIN)
    sent = names(dispatcher)
    assert sent[0] == "utter_crisis" and sent[-1] == "utter_crisis_next"
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("reflection_paused", True),
                      SlotSet("follow_up_reference", None), SlotSet("follow_up_status", None),
                      SlotSet("erase_reference", None), SlotSet("erase_confirmed", None)]
    crisis = DOMAIN["responses"]["utter_crisis"][0]["text"]
    for number in ("999", "A&E", "111", "option 2", "116 123", "85258"):
        assert number in crisis
    # The organisation's own contacts follow, national ones are not repeated.
    lines = [m["line"] for m in dispatcher.messages if m["response"] == "utter_contact"]
    assert lines and not any("116 123" in line for line in lines)


async def test_crisis_with_nothing_in_progress_pauses_nothing():
    events = await ActionCrisisSupport().run(CollectingDispatcher(), tracker(), DOMAIN)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("reflection_paused", False),
                      SlotSet("follow_up_reference", None), SlotSet("follow_up_status", None),
                      SlotSet("erase_reference", None), SlotSet("erase_confirmed", None)]


async def test_colleague_at_risk_says_how_to_act_now():
    dispatcher = CollectingDispatcher()
    events = await ActionColleagueAtRisk().run(dispatcher, tracker(loop="reflection_form"), DOMAIN)
    assert names(dispatcher)[0] == "utter_colleague_at_risk"
    text = DOMAIN["responses"]["utter_colleague_at_risk"][0]["text"]
    for phrase in ("do not leave them alone", "999", "111", "occupational health", "pause any formal step"):
        assert phrase in text
    assert SlotSet("reflection_paused", True) in events


async def test_staff_support_gives_rights_and_current_contacts():
    dispatcher = CollectingDispatcher()
    await ActionStaffSupport().run(dispatcher, tracker(), DOMAIN)
    sent = names(dispatcher)
    assert sent[:2] == ["utter_staff_support", "utter_staff_rights"]
    lines = " ".join(m["line"] for m in dispatcher.messages if m["response"] == "utter_contact")
    assert "Samaritans" in lines
    assert "Wellbeing Hub" not in lines

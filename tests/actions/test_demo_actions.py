"""Trainer demo mode in chat: scenarios as buttons, a chosen one started with the demo flag on."""
import json
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import reset_reflection
from actions.demo import ActionListDemos, ActionStartDemo
from bot.content.scenarios import load_scenarios

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())


def tracker(slots=None):
    return Tracker(
        sender_id="trainer-1", slots=dict(slots or {}), latest_message={"text": "", "intent": {}, "entities": []},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )


async def test_every_scenario_is_offered_as_a_button():
    dispatcher = CollectingDispatcher()
    assert await ActionListDemos().run(dispatcher, tracker(), DOMAIN) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_demo_intro"
    scenarios = load_scenarios()
    assert len(scenarios) >= 8
    assert [b["title"] for b in message["buttons"]] == [s.title for s in scenarios]
    for button, scenario in zip(message["buttons"], scenarios):
        intent, entities = button["payload"].split("{", 1)
        assert intent == "/choose_demo"
        assert json.loads("{" + entities) == {"demo_scenario": scenario.name}


async def test_a_chosen_scenario_turns_demo_mode_on_and_hands_over_its_script():
    scenario = load_scenarios()[0]
    dispatcher = CollectingDispatcher()
    events = await ActionStartDemo().run(dispatcher, tracker({"demo_scenario": scenario.name}), DOMAIN)
    assert events == [SlotSet("demo_mode", True)]
    started, first, script = dispatcher.messages
    assert (started["response"], started["title"]) == ("utter_demo_started", scenario.title)
    assert (first["response"], first["say"]) == ("utter_demo_first_turn", scenario.turns[0].say)
    demo = script["custom"]["pause_demo"]
    assert demo["name"] == scenario.name
    assert [t["say"] for t in demo["turns"]] == [t.say for t in scenario.turns]
    assert demo["learning_points"] == list(scenario.learning_points)


async def test_an_unknown_scenario_lists_the_real_ones_and_stays_out_of_demo_mode():
    dispatcher = CollectingDispatcher()
    events = await ActionStartDemo().run(dispatcher, tracker({"demo_scenario": "../../etc/passwd"}), DOMAIN)
    assert events == [SlotSet("demo_scenario", None)]
    assert dispatcher.messages[0]["response"] == "utter_demo_unknown"
    assert len(dispatcher.messages[0]["buttons"]) == len(load_scenarios())


async def test_no_scenarios_is_said_plainly(monkeypatch, tmp_path):
    monkeypatch.setattr("actions.demo.load_scenarios", lambda: [])
    dispatcher = CollectingDispatcher()
    await ActionListDemos().run(dispatcher, tracker(), DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == ["utter_demo_none"]


def test_demo_mode_ends_with_the_reflection():
    assert SlotSet("demo_mode", False) in reset_reflection()

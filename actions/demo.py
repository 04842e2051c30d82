"""Trainer demo mode: scenarios offered as buttons, and a chosen one started with the demo flag on."""
import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from bot.content.files import ContentError
from bot.content.scenarios import Scenario, UnknownScenario, get_scenario, load_scenarios

logger = logging.getLogger(__name__)


def scenario_buttons() -> List[Dict[str, str]]:
    """One button per scenario: its title shown, its name sent back."""
    return [
        {"title": scenario.title, "payload": "/choose_demo" + json.dumps({"demo_scenario": scenario.name})}
        for scenario in load_scenarios()
    ]


def demo_script(scenario: Scenario) -> Dict[str, Any]:
    """The scenario as a custom message that a client able to replay it (the web widget) plays."""
    return {
        "pause_demo": {
            "name": scenario.name,
            "title": scenario.title,
            "context": scenario.context,
            "learning_points": list(scenario.learning_points),
            "turns": [{"say": turn.say, "narrate": turn.narrate} for turn in scenario.turns],
        }
    }


def offer_scenarios(dispatcher: CollectingDispatcher, intro: str) -> None:
    """The scenarios as buttons, or an honest word when there are none."""
    try:
        buttons = scenario_buttons()
    except ContentError:
        logger.exception("The demo scenarios could not be read.")
        buttons = []
    if not buttons:
        dispatcher.utter_message(response="utter_demo_none")
        return
    dispatcher.utter_message(response=intro, buttons=buttons)


class ActionListDemos(Action):
    """Lists the trainer's scenarios as buttons."""

    def name(self) -> Text:
        return "action_list_demos"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        offer_scenarios(dispatcher, "utter_demo_intro")
        return []


class ActionStartDemo(Action):
    """Turns demo mode on for the next reflection and hands the scenario's script to the client."""

    def name(self) -> Text:
        return "action_start_demo"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        name = str(tracker.get_slot("demo_scenario") or "")
        try:
            scenario = get_scenario(name)
        except UnknownScenario:
            offer_scenarios(dispatcher, "utter_demo_unknown")
            return [SlotSet("demo_scenario", None)]
        dispatcher.utter_message(response="utter_demo_started", title=scenario.title, context=scenario.context)
        dispatcher.utter_message(response="utter_demo_first_turn", say=scenario.turns[0].say)
        dispatcher.utter_message(json_message=demo_script(scenario))
        return [SlotSet("demo_mode", True)]

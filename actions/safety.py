"""The safety net's replies: a person in crisis, or a colleague at risk, comes before everything else."""
from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from actions.common import FORM, send_contacts
from actions.erase import clear_erase
from actions.followup import clear_follow_up


def pause_reflection(tracker: Tracker) -> List[EventType]:
    """Events that pause a reflection in progress (it resumes only if the user asks to carry on)
    and drop a follow-up or erasure in progress (each is quick to start again)."""
    in_progress = tracker.active_loop.get("name") == FORM or bool(tracker.get_slot("reflection_paused"))
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("reflection_paused", in_progress),
        *clear_follow_up(),
        *clear_erase(),
    ]


class ActionCrisisSupport(Action):
    """Crisis numbers and the organisation's own contacts, in this very turn."""

    def name(self) -> Text:
        return "action_crisis_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_crisis")
        send_contacts(dispatcher, "crisis", local_only=True)
        dispatcher.utter_message(response="utter_crisis_next")
        return pause_reflection(tracker)


class ActionColleagueAtRisk(Action):
    """How to act now when a manager fears a colleague may harm themselves."""

    def name(self) -> Text:
        return "action_colleague_at_risk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_colleague_at_risk")
        send_contacts(dispatcher, "colleague_at_risk", local_only=True)
        dispatcher.utter_message(response="utter_colleague_next")
        return pause_reflection(tracker)

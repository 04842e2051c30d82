"""Support for staff going through a process, and a route to a person."""
from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from actions.common import send_contacts

# The safety replies; the latest one in a session says who is asking for a person.
CRISIS_ACTION = "action_crisis_support"
SAFETY_ACTIONS = (CRISIS_ACTION, "action_colleague_at_risk")


def after_crisis(tracker: Tracker) -> bool:
    """True when the latest safety reply of this session was to the person themselves in crisis."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_session_start":
            return False
        if event.get("event") == "action" and event.get("name") in SAFETY_ACTIONS:
            return event["name"] == CRISIS_ACTION
    return False


class ActionStaffSupport(Action):
    """Empathy, practical rights and the support directory for staff under investigation."""

    def name(self) -> Text:
        return "action_staff_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_staff_support")
        dispatcher.utter_message(response="utter_staff_rights")
        send_contacts(dispatcher, "staff_support", audience="staff")
        return []


class ActionRequestHuman(Action):
    """Who to talk to. After crisis help: people to talk to now (Samaritans, Shout, NHS 111
    option 2 where it runs, the organisation's EAP and wellbeing service, someone they trust).
    Otherwise, and for a manager worried about a colleague: HR advice and the routes for staff."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if after_crisis(tracker):
            dispatcher.utter_message(response="utter_talk_to_someone_now")
            send_contacts(dispatcher, "talk_now")
            dispatcher.utter_message(response="utter_someone_you_trust")
            return []
        dispatcher.utter_message(response="utter_request_human")
        send_contacts(dispatcher, "hr_advice")
        return []

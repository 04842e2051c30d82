"""Support for staff going through a process, and a route to a person."""
from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from actions.common import send_contacts


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
    """Who to talk to: HR advice, a union representative, the Freedom to Speak Up Guardian."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_request_human")
        send_contacts(dispatcher, "hr_advice")
        return []

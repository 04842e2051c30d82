"""The fallback when no rule fits: say so kindly and repeat the pending question."""
from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict


class ActionPauseFallback(Action):
    """Apologises, then re-asks the question a form is waiting for, so nothing is lost."""

    def name(self) -> Text:
        return "action_pause_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_default")
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop.get("name") and requested:
            ask = f"utter_ask_{requested}"
            if ask in domain.get("responses", {}):
                dispatcher.utter_message(response=ask)
        return [UserUtteranceReverted()]

"""The fallback when no rule fits: say so kindly and repeat the pending question."""
from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from bot.nlp.input_check import MAX_MESSAGE_CHARS, is_blank


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


class ActionRephrase(Action):
    """Low NLU confidence: ask to rephrase, or explain what was wrong with an empty or huge message."""

    def name(self) -> Text:
        return "action_rephrase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if is_blank(text):
            dispatcher.utter_message(response="utter_empty_message")
        elif len(text) > MAX_MESSAGE_CHARS:
            dispatcher.utter_message(response="utter_message_too_long")
        else:
            dispatcher.utter_message(response="utter_rephrase")
        return []

"""Erasure in conversation: a manager can have a case they recorded removed, after confirming."""
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from actions.followup import reference_in_message, stored_reference
from bot.store import StoreError, erase_case, session_scope

logger = logging.getLogger(__name__)

ERASE_SLOTS = ("erase_reference", "erase_confirmed")


def clear_erase() -> List[EventType]:
    """Events that forget an erasure request, finished or not."""
    return [SlotSet(name, None) for name in ERASE_SLOTS]


class ValidateEraseForm(FormValidationAction):
    """Accepts the reference of a stored case, then a plain yes or no."""

    def name(self) -> Text:
        return "validate_erase_form"

    async def extract_erase_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return reference_in_message("erase_reference", tracker)

    def validate_erase_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"erase_reference": stored_reference(value, dispatcher, tracker)}

    def validate_erase_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value in ("yes", "no"):
            return {"erase_confirmed": value}
        dispatcher.utter_message(response="utter_invalid_erase_confirmed")
        return {"erase_confirmed": None}


class ActionEraseCase(Action):
    """Erases the case once confirmed; erasing a case already gone is simply reported as done."""

    def name(self) -> Text:
        return "action_erase_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("erase_reference")
        if not reference:
            return clear_erase()
        if tracker.get_slot("erase_confirmed") != "yes":
            dispatcher.utter_message(response="utter_case_kept", reference=reference)
            return clear_erase()
        try:
            with session_scope() as session:
                erase_case(session, reference)
        except StoreError:
            logger.exception("The case could not be erased.")
            dispatcher.utter_message(response="utter_erase_failed")
            return clear_erase()
        dispatcher.utter_message(response="utter_case_erased", reference=reference)
        return clear_erase()


class ActionStopErase(Action):
    """Leaves the erasure with nothing erased."""

    def name(self) -> Text:
        return "action_stop_erase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_erase_stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + clear_erase()

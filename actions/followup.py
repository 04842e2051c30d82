"""Follow-up on an earlier case: what actually happened after the reflection, recorded once."""
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from bot.store import (
    FOLLOW_UP_STATUSES,
    SUSPENSION_ANSWERS,
    StoreError,
    UnknownCase,
    add_follow_up,
    find_reference,
    get_case,
    record_suspension,
    session_scope,
)

logger = logging.getLogger(__name__)

FOLLOW_UP_SLOTS = ("follow_up_reference", "follow_up_status", "follow_up_suspension")


def clear_follow_up() -> List[EventType]:
    """Events that forget a follow-up, finished or not, so the next one starts afresh."""
    return [SlotSet(name, None) for name in FOLLOW_UP_SLOTS]


def status_title(status: str, domain: DomainDict) -> str:
    """A follow-up status in the words of its button."""
    for button in domain["responses"]["utter_ask_follow_up_status"][0]["buttons"]:
        if f'"{status}"' in button["payload"]:
            return button["title"]
    return status


def case_exists(reference: str) -> Optional[bool]:
    """Whether a case with this reference is stored; None if the store cannot be reached."""
    try:
        with session_scope() as session:
            return get_case(session, reference) is not None
    except StoreError:
        logger.exception("The outcome store could not be read.")
        return None


def stored_reference(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[str]:
    """The case reference typed, if it is well formed and names a stored case; else says why not."""
    # The entity may have caught only part of what was typed; the whole message is the better source.
    reference = find_reference(str(value or "")) or find_reference(tracker.latest_message.get("text") or "")
    if reference is None:
        dispatcher.utter_message(response="utter_invalid_case_reference")
        return None
    # If the store cannot be read now, the reference is taken on trust; the write says if it fails.
    if case_exists(reference) is False:
        dispatcher.utter_message(response="utter_unknown_case_reference", reference=reference)
        return None
    return reference


def reference_in_message(slot: str, tracker: Tracker) -> Dict[Text, Any]:
    """The reference in the latest message for a slot still empty: the entity extractor can miss a
    random reference ("P-4V6D-784A"), but its pattern cannot."""
    if tracker.get_slot(slot):
        return {}
    reference = find_reference(tracker.latest_message.get("text") or "")
    return {slot: reference} if reference else {}


class ValidateFollowUpForm(FormValidationAction):
    """Accepts a well-formed reference of a stored case and one of the known statuses."""

    def name(self) -> Text:
        return "validate_follow_up_form"

    async def extract_follow_up_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return reference_in_message("follow_up_reference", tracker)

    def validate_follow_up_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"follow_up_reference": stored_reference(value, dispatcher, tracker)}

    def validate_follow_up_status(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value in FOLLOW_UP_STATUSES:
            return {"follow_up_status": value}
        if tracker.get_slot("requested_slot") == "follow_up_status":
            dispatcher.utter_message(response="utter_invalid_follow_up_status")
        # A status caught from the first message is not worth a complaint: it is simply asked for.
        return {"follow_up_status": None}

    def validate_follow_up_suspension(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value in SUSPENSION_ANSWERS:
            return {"follow_up_suspension": value}
        dispatcher.utter_message(response="utter_invalid_follow_up_suspension")
        return {"follow_up_suspension": None}


class ActionRecordFollowUp(Action):
    """Stores the update once (the same status reported twice for a case is kept once), with
    whether suspension or exclusion was considered and used."""

    def name(self) -> Text:
        return "action_record_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("follow_up_reference")
        status = tracker.get_slot("follow_up_status")
        suspension = tracker.get_slot("follow_up_suspension")
        if not reference or status not in FOLLOW_UP_STATUSES:
            return clear_follow_up()
        title = status_title(status, domain)
        try:
            with session_scope() as session:
                _, is_new = add_follow_up(session, reference, status)
                if suspension in SUSPENSION_ANSWERS:
                    record_suspension(session, reference, suspension)
        except UnknownCase:
            dispatcher.utter_message(response="utter_unknown_case_reference", reference=reference)
            return clear_follow_up()
        except StoreError:
            logger.exception("The follow-up could not be stored.")
            dispatcher.utter_message(response="utter_follow_up_failed")
            return clear_follow_up()
        if is_new:
            dispatcher.utter_message(response="utter_follow_up_recorded", reference=reference, status=title)
        else:
            dispatcher.utter_message(response="utter_follow_up_already_recorded", reference=reference, status=title)
        return clear_follow_up()


class ActionStopFollowUp(Action):
    """Leaves the follow-up without recording anything."""

    def name(self) -> Text:
        return "action_stop_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_follow_up_stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + clear_follow_up()


class ActionFollowUpLater(Action):
    """An update asked for in the middle of a reflection waits until the reflection is finished."""

    def name(self) -> Text:
        return "action_follow_up_later"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_follow_up_during_reflection")
        return clear_follow_up()

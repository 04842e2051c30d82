"""Optional equality monitoring at the end of a reflection: asked only where the organisation has
switched it on, stored only as groups on the case just recorded."""
import logging
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.content.directory import SignpostDirectory
from bot.content.files import ContentError
from bot.equality import (
    MONITORING_SLOTS,
    SKIP_ALL,
    all_not_stated,
    employment_from,
    ethnic_group_from,
    staff_group_from,
)
from bot.outcomes import save_equality
from bot.store import StoreError

logger = logging.getLogger(__name__)


def monitoring_switched_on() -> bool:
    """True when the organisation's content file switches equality monitoring on (off otherwise)."""
    try:
        return SignpostDirectory.load().equality_monitoring
    except ContentError:
        return False


def monitoring_slots(tracker: Tracker) -> List[Text]:
    """The monitoring questions still to ask: none unless the organisation switched them on, the
    case was recorded, and this is a real reflection (a demo's colleague is fictional)."""
    if not tracker.get_slot("case_reference") or tracker.get_slot("demo_mode"):
        return []
    return list(MONITORING_SLOTS) if monitoring_switched_on() else []


def introduce_monitoring(dispatcher: CollectingDispatcher, recorded: Dict[Text, Any], demo: bool) -> None:
    """Explain why the questions are asked, once, right after the decision has been recorded."""
    if recorded.get("case_reference") and not demo and monitoring_switched_on():
        dispatcher.utter_message(response="utter_equality_intro")


def _store(tracker: Tracker, answers: Dict[Text, Optional[str]]) -> None:
    """Save the answers on the recorded case; a store failure loses only these optional answers."""
    reference = tracker.get_slot("case_reference")
    if not reference:
        return
    try:
        save_equality(reference, answers)
    except StoreError:
        logger.exception("The equality monitoring answers could not be stored.")


def _validated(
    slot: Text,
    parse: Callable[[Any], Optional[str]],
    value: Any,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
) -> Dict[Text, Any]:
    group = parse(value)
    if group is None:
        # Refused words are never kept, not even in the slot: the question is asked again.
        dispatcher.utter_message(response=f"utter_invalid_{slot}")
        return {slot: None}
    _store(tracker, {slot: group})
    return {slot: group}


class EqualityMonitoringValidation:
    """The reflection form's validation of the three monitoring questions (mixed into its validator)."""

    def validate_equality_ethnic_group(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if ethnic_group_from(value) == SKIP_ALL:
            skipped = all_not_stated()
            _store(tracker, skipped)
            dispatcher.utter_message(response="utter_equality_skipped")
            return skipped
        return _validated("equality_ethnic_group", ethnic_group_from, value, dispatcher, tracker)

    def validate_equality_staff_group(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return _validated("equality_staff_group", staff_group_from, value, dispatcher, tracker)

    def validate_equality_employment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return _validated("equality_employment", employment_from, value, dispatcher, tracker)

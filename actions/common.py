"""Helpers shared by the actions: slots of the reflection, contacts, domain text."""
import hashlib
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.content.directory import SignpostDirectory, contact_line
from bot.equality import MONITORING_SLOTS
from bot.reflection.questions import QUESTIONS

FORM = "reflection_form"
# Slots the reflection fills beyond the Guide's questions.
AFTER_QUESTIONS = ("decision", "decision_pending", "feedback_helpful", "feedback_recommend") + MONITORING_SLOTS
REFLECTION_SLOTS = QUESTIONS + AFTER_QUESTIONS + ("route", "case_reference")


def reflection_answers(tracker: Tracker) -> Dict[str, Optional[str]]:
    """The reflection's answers so far, by question."""
    return {question: tracker.get_slot(question) for question in QUESTIONS}


def reset_reflection() -> List[Dict[str, Any]]:
    """Events that clear every slot of the reflection, ready for the next one.

    Demo mode covers one reflection: it ends with it, so a trainer's next real one counts.
    """
    return [SlotSet(name, None) for name in REFLECTION_SLOTS] + [
        SlotSet("reflection_paused", False),
        SlotSet("demo_mode", False),
        SlotSet("demo_scenario", None),
    ]


def channel_of(tracker: Tracker) -> str:
    """The input channel of the latest message, e.g. rest, web or botframework."""
    return tracker.get_latest_input_channel() or "unknown"


def reflection_key(tracker: Tracker) -> str:
    """An idempotency key for the current reflection: the conversation and when its form started.

    A retried write of the same reflection reuses it, so the outcome is stored exactly once.
    """
    started = next(
        (
            event.get("timestamp")
            for event in reversed(tracker.events)
            if event.get("event") == "active_loop" and event.get("name") == FORM
        ),
        None,
    )
    raw = f"{tracker.sender_id}:{started}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def response_text(domain: Dict[str, Any], name: str) -> str:
    """The text of a domain response, for button titles and summaries built from domain words."""
    variants = domain.get("responses", {}).get(name) or [{}]
    return variants[0].get("text", "")


def send_check_contacts(dispatcher: CollectingDispatcher, doubt: str) -> None:
    """The people to check with today when an urgent matter is in doubt: only those who handle it
    (safeguarding lead, counter fraud, HR), never the emergency lines that are for certainty."""
    directory = SignpostDirectory.load()
    entries = directory.for_topic("check_first")
    if doubt != "several":
        entries = [entry for entry in entries if f"urgent_{doubt}" in entry.topics]
    if not entries:
        return
    dispatcher.utter_message(response="utter_check_with_intro")
    for entry in entries:
        dispatcher.utter_message(response="utter_contact", line=contact_line(entry))


def send_contacts(
    dispatcher: CollectingDispatcher, topic: str, audience: Optional[str] = None, local_only: bool = False
) -> None:
    """Send the current, in-date directory entries for a topic, one line each.

    local_only keeps the organisation's own entries, for replies whose domain text already gives
    the national numbers (crisis), so that they are not said twice.
    """
    entries = SignpostDirectory.load().for_topic(topic, audience=audience)
    if local_only:
        entries = [entry for entry in entries if entry.scope != "national"]
    if not entries:
        return
    dispatcher.utter_message(response="utter_contacts_intro")
    for entry in entries:
        dispatcher.utter_message(response="utter_contact", line=contact_line(entry))

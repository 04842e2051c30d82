"""The safety net's replies: a person in crisis, or a colleague at risk, comes before everything else.

A safety reply pauses what was in progress and remembers what the person came for, so that when
they choose to carry on they return to it: a paused reflection resumes; a concern named in the
message that raised the alarm starts the reflection with its kind of concern kept; a greeting
gets the welcome; a member of staff gets the support they asked for.
"""
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from actions.common import FORM, send_contacts
from actions.erase import clear_erase
from actions.followup import clear_follow_up

CRISIS_ACTION = "action_crisis_support"
COLLEAGUE_ACTION = "action_colleague_at_risk"
SAFETY_INTENTS = ("crisis", "colleague_at_risk")
# What the classifier read in the message that raised the alarm, and what to return to.
RETURN_FOR_INTENT = {
    "raise_concern": "concern",
    "consider_suspension": "suspension",
    "greet": "greet",
    "staff_support": "staff_support",
}
# A runner-up below this is too unsure a reading of what the message was about.
RUNNER_UP_CONFIDENCE = 0.25


def _classifier_reading(report: Dict[str, Any]) -> str:
    """The classifier's best reading that is not itself a safety intent."""
    top = report.get("model_intent") or {}
    if top.get("name") and top.get("name") not in SAFETY_INTENTS:
        return top["name"]
    for entry in report.get("model_intent_ranking") or []:
        if entry.get("name") not in SAFETY_INTENTS:
            return entry["name"] if (entry.get("confidence") or 0.0) >= RUNNER_UP_CONFIDENCE else ""
    return ""


def what_they_came_for(tracker: Tracker) -> Tuple[Optional[str], Optional[str]]:
    """What the latest message with words (not a button) was about, and its kind of concern.

    The classifier's own reading is kept by the safety net even when a safety intent replaced it.
    """
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        parse_data: Dict[str, Any] = event.get("parse_data") or {}
        report = parse_data.get("safety_net")
        if not report:
            continue
        concern = next(
            (entity.get("value") for entity in parse_data.get("entities") or [] if entity.get("entity") == "concern_type"),
            None,
        )
        reading = _classifier_reading(report)
        came_for = "concern" if reading == "inform" and concern else RETURN_FOR_INTENT.get(reading)
        return came_for, concern if came_for in ("concern", "suspension") else None
    return None, None


def pause_reflection(tracker: Tracker) -> List[EventType]:
    """Events that pause a reflection in progress (it resumes only if the user asks to carry on),
    drop a follow-up or erasure in progress (each is quick to start again), and remember what a
    person with nothing in progress came for."""
    in_progress = tracker.active_loop.get("name") == FORM or bool(tracker.get_slot("reflection_paused"))
    came_for, concern = (None, None) if in_progress else what_they_came_for(tracker)
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("reflection_paused", in_progress),
        SlotSet("safety_return", came_for),
        SlotSet("safety_return_concern", concern),
        *clear_follow_up(),
        *clear_erase(),
    ]


class ActionCrisisSupport(Action):
    """After the crisis numbers (utter_crisis, given by Rasa itself so that they never depend on
    this server): the organisation's own contacts, and a pause of whatever was in progress."""

    def name(self) -> Text:
        return CRISIS_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        send_contacts(dispatcher, "crisis", local_only=True)
        dispatcher.utter_message(response="utter_crisis_next")
        return pause_reflection(tracker)


class ActionColleagueAtRisk(Action):
    """After how to act now (utter_colleague_at_risk, given by Rasa itself): the organisation's
    contacts for a colleague at risk, and a pause of whatever was in progress."""

    def name(self) -> Text:
        return COLLEAGUE_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        send_contacts(dispatcher, "colleague_at_risk", local_only=True)
        events = pause_reflection(tracker)
        paused = SlotSet("reflection_paused", True) in events
        dispatcher.utter_message(response="utter_colleague_next_paused" if paused else "utter_colleague_next")
        return events


def _last_safety_reply(tracker: Tracker) -> str:
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") in (CRISIS_ACTION, COLLEAGUE_ACTION):
            return event["name"]
    return CRISIS_ACTION


class ActionReturnAfterSafety(Action):
    """After a safety reply, "carry on" returns the person to what they came for."""

    def name(self) -> Text:
        return "action_return_after_safety"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        forget = [SlotSet("safety_return", None), SlotSet("safety_return_concern", None)]
        if tracker.get_slot("reflection_paused"):
            dispatcher.utter_message(response="utter_resume_reflection")
            return [SlotSet("reflection_paused", False), *forget, FollowupAction(FORM)]
        acknowledgement = "utter_crisis_ok" if _last_safety_reply(tracker) == CRISIS_ACTION else "utter_colleague_ok"
        dispatcher.utter_message(response=acknowledgement)
        came_for = tracker.get_slot("safety_return")
        if came_for in ("concern", "suspension"):
            dispatcher.utter_message(response="utter_back_to_concern")
            if came_for == "suspension":
                dispatcher.utter_message(response="utter_suspension_guidance")
            dispatcher.utter_message(response="utter_reflection_intro")
            concern = tracker.get_slot("safety_return_concern")
            kept = [SlotSet("concern_type", concern)] if concern else []
            return [*kept, *forget, FollowupAction(FORM)]
        if came_for == "greet":
            dispatcher.utter_message(response="utter_how_can_i_help")
            return forget
        if came_for == "staff_support":
            return [*forget, FollowupAction("action_staff_support")]
        dispatcher.utter_message(response="utter_anything_else")
        return forget

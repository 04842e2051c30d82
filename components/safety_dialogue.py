"""Pause's safety in the dialogue, applied to Rasa's message processor by the launcher.

Two things Rasa's policies cannot promise on their own:

1. **Crisis help first, from Rasa itself.** When a message is a crisis (or a colleague at risk),
   the first action of the turn is the crisis reply (``utter_crisis`` or
   ``utter_colleague_at_risk``), before a form that is waiting for an answer runs. A form's turn
   calls the action server; had it come first, a dropped or failed call under load would have
   ended the turn without the crisis numbers. The rules (data/rules/safety.yml) then add the
   organisation's contacts and pause what was in progress.

2. **The check-in after a possible risk.** The safety net (components/safety_net.py) marks a
   message whose risk is possible but not clear. The person still gets the answer Rasa's
   policies choose; then, before Rasa would listen again, Pause asks directly whether they are
   having thoughts of harming themselves (or, if the message was about someone else, whether
   they are worried that someone may), with the crisis numbers and buttons, in the same turn.
   Asking directly is what suicide-prevention training teaches; it does not raise risk. An
   answer to the check-in ("yes", "no", "not sure", "I'm OK") is never taken as the answer to a
   form's question: slots are not filled from it, so the form steps aside and the rules answer
   it; the form then asks its question again.

Rasa has no hooks for "the start" or "the end of a turn", so both are adjustments of its message
processor, listed in components/adjustments.py.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

from rasa.core.actions.action import Action, action_for_name_or_text
from rasa.core.channels.channel import OutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlp.grading import POSSIBLE
from bot.nlp.risk import COLLEAGUE, WRITER

SAFETY_NET_KEY = "safety_net"
CHECK_IN_RESPONSES = {WRITER: "utter_safety_check_in", COLLEAGUE: "utter_safety_check_in_colleague"}
# What each safety intent gets first, in order: the reply from Rasa itself, then the action
# that adds contacts and pauses what was in progress.
SAFETY_REPLIES = {
    "crisis": ("utter_crisis", "action_crisis_support"),
    "colleague_at_risk": ("utter_colleague_at_risk", "action_colleague_at_risk"),
}
# An answer a form accepted, this short, asks no check-in when only the model saw a possible risk:
# short answers to the reflection's questions share words with crises far more often than they
# are one. When a rule fired, the check-in is always asked.
SHORT_ANSWER_WORDS = 8
POLICY_NAME = "PauseSafety"
# Intents that answer the check-in rather than a form's question, and the most words a bare
# "yes", "no" or "not sure" has.
CHECK_IN_ANSWERS = frozenset({"affirm", "deny", "unsure", "safety_ok"})
BARE_ANSWER_WORDS = 4

_original_predict = MessageProcessor.predict_next_with_tracker_if_should
_original_extract_slots = MessageProcessor.run_action_extract_slots


def answers_check_in(tracker: DialogueStateTracker) -> bool:
    """True when the latest message answers a check-in given just before it: "I'm OK", or a bare
    "yes", "no" or "not sure". A longer answer ("yes, he missed that training") answers the
    question the form asked, which the check-in followed."""
    message = tracker.latest_message
    if message is None or message.intent.get("name") not in CHECK_IN_ANSWERS:
        return False
    if message.intent.get("name") != "safety_ok" and len((message.text or "").split()) > BARE_ANSWER_WORDS:
        return False
    seen_message = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_message:
                return False
            seen_message = True
        elif seen_message and isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name in CHECK_IN_RESPONSES.values()
    return False


def check_in_due(tracker: DialogueStateTracker) -> Optional[str]:
    """The check-in response the latest message calls for, if it has not been given yet."""
    report = (tracker.latest_message.parse_data or {}).get(SAFETY_NET_KEY) if tracker.latest_message else None
    if not report or report.get("level") != POSSIBLE:
        return None
    if any(name in CHECK_IN_RESPONSES.values() for name in _actions_since_message(tracker)):
        return None
    if not report.get("by_rules") and _short_accepted_answer(tracker):
        return None
    return CHECK_IN_RESPONSES.get(report.get("about"), CHECK_IN_RESPONSES[WRITER])


def _short_accepted_answer(tracker: DialogueStateTracker) -> bool:
    """True when the latest message was short, a form was waiting for it, and it filled a slot."""
    if len((tracker.latest_message.text or "").split()) >= SHORT_ANSWER_WORDS:
        return False
    filled = False
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered):
            return filled and _form_active_before(events[:index])
        if isinstance(event, SlotSet) and event.key != REQUESTED_SLOT and event.value is not None:
            filled = True
    return False


def _form_active_before(events: List[Any]) -> bool:
    """True when a form was active at the end of these events."""
    for event in reversed(events):
        if isinstance(event, ActiveLoop):
            return event.name is not None
    return False


def _actions_since_message(tracker: DialogueStateTracker) -> List[str]:
    """The actions run since the latest user message, in order."""
    actions: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted):
            actions.append(event.action_name)
    return list(reversed(actions))


def safety_reply_due(tracker: DialogueStateTracker) -> Optional[str]:
    """The next step of the safety reply that must open this turn, if the latest message is a
    safety intent: the reply first, then its action, before anything a form would do."""
    if tracker.latest_message is None:
        return None
    steps = SAFETY_REPLIES.get(tracker.latest_message.intent.get("name"))
    if steps is None:
        return None
    done = [name for name in _actions_since_message(tracker) if name != ACTION_LISTEN_NAME]
    if done == [] and tracker.latest_action_name == ACTION_LISTEN_NAME:
        return steps[0]
    if done == [steps[0]]:
        return steps[1]
    return None


def _predicted(processor: MessageProcessor, name: str) -> Tuple[Action, PolicyPrediction]:
    domain = processor.domain
    prediction = PolicyPrediction.for_action_name(domain, name, POLICY_NAME)
    return action_for_name_or_text(name, domain, processor.action_endpoint), prediction


def predict_with_safety(processor: MessageProcessor, tracker: DialogueStateTracker) -> Tuple[Action, PolicyPrediction]:
    """Rasa's prediction, with crisis help first and the check-in before listening when due."""
    domain = processor.domain
    reply = safety_reply_due(tracker)
    if reply is not None and reply in domain.action_names_or_texts:
        return _predicted(processor, reply)
    if tracker.latest_action_name in CHECK_IN_RESPONSES.values():
        # The check-in ends the turn: nothing the policies learnt follows it.
        return _predicted(processor, ACTION_LISTEN_NAME)
    action, prediction = _original_predict(processor, tracker)
    if action.name() != ACTION_LISTEN_NAME:
        return action, prediction
    check_in = check_in_due(tracker)
    if check_in is None or check_in not in domain.action_names_or_texts:
        return action, prediction
    return _predicted(processor, check_in)


async def extract_slots_unless_answering_check_in(
    processor: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> DialogueStateTracker:
    """Rasa's slot extraction, skipped for an answer to the check-in."""
    if answers_check_in(tracker):
        return tracker
    return await _original_extract_slots(processor, output_channel, tracker)


def install() -> None:
    """Make Rasa's message processor give crisis help first and the check-in (idempotent)."""
    MessageProcessor.predict_next_with_tracker_if_should = predict_with_safety  # type: ignore[assignment]
    MessageProcessor.run_action_extract_slots = extract_slots_unless_answering_check_in  # type: ignore[assignment]


def installed(processor_class: Any = MessageProcessor) -> bool:
    """True when the processor gives crisis help first, the check-in, and keeps its answers out of forms."""
    return (
        processor_class.predict_next_with_tracker_if_should is predict_with_safety
        and processor_class.run_action_extract_slots is extract_slots_unless_answering_check_in
    )

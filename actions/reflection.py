"""The manager's reflection: form validation with skip logic, assessment, decision (recorded when made), feedback."""
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from actions.common import (
    FORM,
    channel_of,
    reflection_answers,
    reflection_key,
    reset_reflection,
    response_text,
    send_check_contacts,
    send_contacts,
)
from actions.equality import EqualityMonitoringValidation, introduce_monitoring, monitoring_slots
from bot.content.alternatives import Alternative, alternatives_for, get_alternative
from bot.outcomes import ESCALATED, FORMAL, HR_ADVICE, is_override, record_reflection, save_feedback
from bot.reflection import Assessment, Route, next_questions, route_for
from bot.reflection.decisions import typed_decision
from bot.reflection.engine import RESTORATIVE_QUESTIONS, fairness_to_examine, urgent_doubt_of
from bot.reflection.questions import (
    CONCERN_TYPES,
    GOOD_OUTCOMES,
    URGENT_CONCERN_TYPES,
    URGENT_DOUBT_VALUES,
    URGENT_SCREEN_VALUES,
    affected_groups,
)
from bot.reflection.restorative import affected_from, affected_need_from, whose_job_from
from bot.store import StoreError

logger = logging.getLogger(__name__)

DECISION_CHOICES = {HR_ADVICE: "utter_decision_option_hr", FORMAL: "utter_decision_option_formal"}
_RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SKIP_WORDS = re.compile(r"\b(skip|no thanks|rather not|pass)\b", re.I)
# Words that name the urgent kind a typed doubt is about, in the urgent screen's order.
_DOUBT_WORDS = (
    ("danger", re.compile(r"\bdanger", re.I)),
    ("safeguarding", re.compile(r"\bsafeguard|\babuse|\bneglect", re.I)),
    ("fraud", re.compile(r"\bfraud|\btimesheet|\bfiddl|\bbrib", re.I)),
    ("crime", re.compile(r"\bcrim|\bpolice|\btheft|\bstole|\billegal", re.I)),
    ("deliberate_harm", re.compile(r"\bdeliberate|\bintent|\bon purpose|\bmeant to|\bharm", re.I)),
)
_SEVERAL_WORDS = re.compile(r"\b(several|more than one|both|all|can'?t say|don'?t know|not sure|unsure)\b", re.I)


def urgent_doubt_from(value: Any) -> Optional[str]:
    """The urgent kind a doubt is about, from a button, an entity or typed words; None if unclear."""
    text = str(value or "").strip()
    if text in URGENT_DOUBT_VALUES:
        return text
    named = [kind for kind, words in _DOUBT_WORDS if words.search(text)]
    if len(named) == 1:
        return named[0]
    if len(named) > 1 or _SEVERAL_WORDS.search(text):
        return "several"
    return None


def offered_alternatives(assessment: Assessment, answers: Dict[str, Optional[str]]) -> List[Alternative]:
    """The alternatives offered: those for the people hurt or affected, then those fitting the route."""
    return alternatives_for(
        assessment.route.value,
        answers.get("concern_type"),
        affected=affected_groups(answers.get("affected")),
        need=answers.get("affected_need"),
    )


def decision_options(assessment: Assessment, answers: Dict[str, Optional[str]]) -> List[str]:
    """The decisions offered: the alternatives, then HR advice, then formal."""
    return [alt.id for alt in offered_alternatives(assessment, answers)] + [HR_ADVICE, FORMAL]


def decision_title(decision: str, domain: DomainDict) -> str:
    """A decision's words: the alternative's title or the domain's wording of a choice."""
    if decision in DECISION_CHOICES:
        return response_text(domain, DECISION_CHOICES[decision])
    alternative = get_alternative(decision)
    return alternative.title if alternative else decision


def parse_rating(value: Any) -> Optional[str]:
    """'1'-'5' from a button, a digit in text or a number word; 'skip'; else None."""
    text = str(value or "").strip().lower()
    if text == "skip" or _SKIP_WORDS.search(text):
        return "skip"
    digits = re.findall(r"\b([1-5])\b", text)
    if len(digits) == 1:
        return digits[0]
    words = [n for word, n in _RATING_WORDS.items() if re.search(rf"\b{word}\b", text)]
    return str(words[0]) if len(words) == 1 else None


def decision_from(value: Any, answers: Dict[str, Optional[str]]) -> Optional[str]:
    """The decision a button payload or free text names, among those offered; None if none."""
    options = decision_options(route_for(answers), answers)
    text = str(value or "")
    if text in options:
        return text
    return typed_decision(text, options)


def is_button_decision(value: Any, answers: Dict[str, Optional[str]]) -> bool:
    """True when the value is an offered decision's own id, as a button sends it."""
    return value in decision_options(route_for(answers), answers)


class ValidateReflectionForm(EqualityMonitoringValidation, FormValidationAction):
    """Validates each answer and applies the Guide's skip logic through required_slots."""

    def name(self) -> Text:
        return "validate_reflection_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        answers = reflection_answers(tracker)
        questions = next_questions(answers)
        if route_for(answers).route == Route.ESCALATE_NOW:
            return questions
        after = ["decision", *monitoring_slots(tracker), "feedback_helpful"]
        if tracker.get_slot("feedback_helpful") != "skip":
            after.append("feedback_recommend")
        return questions + after

    def validate_concern_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value in CONCERN_TYPES:
            return {"concern_type": value}
        dispatcher.utter_message(response="utter_invalid_concern_type")
        return {"concern_type": None}

    def validate_urgent_screen(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        value = URGENT_CONCERN_TYPES.get(value, value)
        if value in URGENT_SCREEN_VALUES:
            return {"urgent_screen": value}
        dispatcher.utter_message(response="utter_invalid_urgent_screen")
        return {"urgent_screen": None}

    def validate_urgent_doubt(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        doubt = urgent_doubt_from(value)
        if doubt is None:
            dispatcher.utter_message(response="utter_invalid_urgent_doubt")
        return {"urgent_doubt": doubt}

    def validate_affected(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # Typed words name people and stories: keep only the groups they name, never the words.
        return {"affected": affected_from(value)}

    def validate_affected_need(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"affected_need": affected_need_from(value)}

    def validate_whose_job(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"whose_job": whose_job_from(value)}

    def validate_good_outcome(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value in GOOD_OUTCOMES:
            return {"good_outcome": value}
        # Free text is a story about people: keep only the category, never the words.
        return {"good_outcome": "other"}

    async def validate_decision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        answers = reflection_answers(tracker)
        pending = tracker.get_slot("decision_pending")
        if pending and not is_button_decision(value, answers):
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if intent == "affirm":
                return self._decided(dispatcher, tracker, pending, domain)
            if intent in ("deny", "unsure"):
                dispatcher.utter_message(response="utter_decision_not_confirmed")
                return {"decision": None, "decision_pending": None}
        decision = decision_from(value, answers)
        if decision is None:
            dispatcher.utter_message(response="utter_invalid_decision")
            return {"decision": None, "decision_pending": None}
        if is_button_decision(value, answers):
            return self._decided(dispatcher, tracker, decision, domain)
        # Typed words are read back before anything is stored: "So you'll ... - is that right?"
        dispatcher.utter_message(
            response="utter_confirm_decision",
            choice=decision_title(decision, domain),
            buttons=[
                {"title": response_text(domain, "utter_confirm_decision_yes"), "payload": "/affirm"},
                {"title": response_text(domain, "utter_confirm_decision_no"), "payload": "/deny"},
            ],
        )
        return {"decision": None, "decision_pending": decision}

    @staticmethod
    def _decided(
        dispatcher: CollectingDispatcher, tracker: Tracker, decision: str, domain: DomainDict
    ) -> Dict[Text, Any]:
        # The decision completes the reflection: it is stored now, before feedback is asked for.
        recorded = record_decision(dispatcher, tracker, decision, domain)
        introduce_monitoring(dispatcher, recorded, demo=bool(tracker.get_slot("demo_mode")))
        return {"decision": decision, "decision_pending": None, **recorded}

    def validate_feedback_helpful(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        rating = parse_rating(value)
        if rating is None:
            dispatcher.utter_message(response="utter_invalid_feedback_helpful")
        return {"feedback_helpful": rating}


class ActionAskDecision(Action):
    """Shows the assessment - route, reasons, unknowns, alternatives - and asks for the decision."""

    def name(self) -> Text:
        return "action_ask_decision"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        answers = reflection_answers(tracker)
        assessment = route_for(answers)
        if tracker.get_slot("decision_pending"):
            # The typed decision is being confirmed: that question is the one asked.
            return []
        buttons = [
            {"title": decision_title(option, domain), "payload": f'/inform{{"decision": "{option}"}}'}
            for option in decision_options(assessment, answers)
        ]
        if tracker.get_slot("route") == assessment.route.value:
            # The assessment was given already (a decision not matched or not confirmed): ask again.
            dispatcher.utter_message(response="utter_ask_decision", buttons=buttons)
            return []
        dispatcher.utter_message(response="utter_assessment_intro")
        dispatcher.utter_message(response=f"utter_route_{assessment.route.value}")
        for reason in assessment.reasons:
            dispatcher.utter_message(response=f"utter_reason_{reason}")
        if fairness_to_examine(answers):
            # Who to talk the doubt through with: the equality lead or Freedom to Speak Up Guardian.
            send_contacts(dispatcher, "fairness", audience="managers")
        if assessment.unknowns:
            dispatcher.utter_message(response="utter_unknowns_intro")
            for question in assessment.unknowns:
                dispatcher.utter_message(response=f"utter_unknown_{question}")
        if assessment.route == Route.CHECK_FIRST:
            send_check_contacts(dispatcher, urgent_doubt_of(answers) or "several")
        if assessment.route == Route.FORMAL_LAST_RESORT:
            dispatcher.utter_message(response="utter_formal_safeguards")
        alternatives = offered_alternatives(assessment, answers)
        if alternatives:
            dispatcher.utter_message(response="utter_alternatives_intro")
            for alternative in alternatives:
                dispatcher.utter_message(
                    response="utter_alternative", title=alternative.title, when=alternative.when
                )
        dispatcher.utter_message(response="utter_ask_decision", buttons=buttons)
        return [SlotSet("route", assessment.route.value)]


def button_titles(domain: DomainDict, response: str) -> Dict[str, str]:
    """A question's answer codes and the words of their buttons, from the domain."""
    buttons = (domain["responses"].get(response) or [{}])[0].get("buttons") or []
    return {button["payload"].split('"')[-2]: button["title"] for button in buttons if '"' in button["payload"]}


def restorative_summary(answers: Dict[str, Optional[str]], domain: DomainDict) -> str:
    """The restorative answers in the buttons' words, or "" when they were not asked."""
    affected = answers.get("affected")
    if affected is None:
        return ""
    groups = button_titles(domain, "utter_ask_affected")
    named = affected_groups(affected) or (affected,)
    words = "; ".join(groups.get(group, group) for group in named)
    if not affected_groups(affected):
        return response_text(domain, "utter_summary_restorative_no_one").format(affected=words)
    need = button_titles(domain, "utter_ask_affected_need").get(answers.get("affected_need") or "", "-")
    job = button_titles(domain, "utter_ask_whose_job").get(answers.get("whose_job") or "", "-")
    return response_text(domain, "utter_summary_restorative").format(affected=words, need=need, whose_job=job)


def reflection_summary(
    reference: str, answers: Dict[str, Optional[str]], assessment: Assessment, decision: str, domain: DomainDict
) -> Dict[str, str]:
    """The summary's parts in domain words: no free text from the conversation is ever included."""
    concern_titles = button_titles(domain, "utter_ask_concern_type")
    answer_words = {"yes": "yes", "no": "no", "unsure": "not sure"}
    in_own_words = ("concern_type", "good_outcome") + RESTORATIVE_QUESTIONS
    asked = [q for q in next_questions(answers) if q not in in_own_words]
    lines = [
        f"- {response_text(domain, f'utter_ask_{q}')} {answer_words.get(answers.get(q) or '', answers.get(q) or '-')}"
        for q in asked
    ]
    restorative = restorative_summary(answers, domain)
    return {
        "reference": reference,
        "concern": concern_titles.get(answers.get("concern_type") or "", "Something else"),
        "answers": "\n".join(lines),
        "restorative": f"\n{restorative}" if restorative else "",
        "route": response_text(domain, f"utter_route_{assessment.route.value}"),
        "reasons": " ".join(response_text(domain, f"utter_reason_{r}") for r in assessment.reasons),
        "decision": decision_title(decision, domain),
    }


def summary_download(summary: Dict[str, str], domain: DomainDict) -> Dict[str, Any]:
    """The summary as a custom message that clients able to offer Copy and Download can use."""
    return {
        "pause_summary": {
            "reference": summary["reference"],
            "filename": f"pause-summary-{summary['reference']}.txt",
            "text": response_text(domain, "utter_summary").format(**summary),
        }
    }


def record_or_apologise(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    answers: Dict[str, Optional[str]],
    assessment: Assessment,
    decision: str,
) -> Optional[str]:
    """Store this reflection's outcome once and return its reference; if the store fails, say so."""
    try:
        return record_reflection(
            answers,
            assessment,
            decision,
            channel=channel_of(tracker),
            demo=bool(tracker.get_slot("demo_mode")),
            idempotency_key=reflection_key(tracker),
        )
    except StoreError:
        logger.exception("The outcome could not be stored.")
        dispatcher.utter_message(response="utter_record_failed")
        return None


def record_decision(
    dispatcher: CollectingDispatcher, tracker: Tracker, decision: str, domain: DomainDict
) -> Dict[Text, Any]:
    """Store the finished reflection with its decision (once), then give its reference and summary.

    Returns the slots to set: the case reference; or, when the store fails, feedback skipped,
    so that the reflection ends with the apology rather than asking for feedback on nothing.
    """
    if tracker.get_slot("case_reference"):
        return {}
    answers = reflection_answers(tracker)
    assessment = route_for(answers)
    if is_override(decision, assessment):
        # The safeguards were not part of this route's assessment, so they are given now.
        dispatcher.utter_message(response="utter_override_noted")
        dispatcher.utter_message(response="utter_formal_safeguards")
    reference = record_or_apologise(dispatcher, tracker, answers, assessment, decision)
    if reference is None:
        return {"feedback_helpful": "skip", "feedback_recommend": None}
    dispatcher.utter_message(response="utter_case_recorded", reference=reference)
    summary = reflection_summary(reference, answers, assessment, decision, domain)
    dispatcher.utter_message(response="utter_summary", **summary)
    dispatcher.utter_message(json_message=summary_download(summary, domain))
    return {"case_reference": reference}


class ActionCompleteReflection(Action):
    """Closes a finished reflection: an urgent route is given and recorded, or feedback is saved."""

    def name(self) -> Text:
        return "action_complete_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        answers = reflection_answers(tracker)
        assessment = route_for(answers)
        if assessment.route == Route.ESCALATE_NOW:
            self._escalate(dispatcher, tracker, answers, assessment)
        else:
            reference = tracker.get_slot("case_reference")
            # Without a reference the case could not be stored, the user was told so, and no
            # feedback was asked for.
            if reference:
                try:
                    save_feedback(
                        reference, tracker.get_slot("feedback_helpful"), tracker.get_slot("feedback_recommend")
                    )
                except StoreError:
                    logger.exception("Feedback could not be stored.")
                dispatcher.utter_message(response="utter_thanks_feedback")
        return reset_reflection()

    @staticmethod
    def _escalate(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        answers: Dict[str, Optional[str]],
        assessment: Assessment,
    ) -> None:
        urgent = assessment.urgent_route
        dispatcher.utter_message(response=f"utter_urgent_{urgent}")
        send_contacts(dispatcher, f"urgent_{urgent}")
        reference = record_or_apologise(dispatcher, tracker, answers, assessment, ESCALATED)
        if reference is not None:
            dispatcher.utter_message(response="utter_reflection_complete_escalated", reference=reference)


class ActionStopReflection(Action):
    """Leaves the reflection cleanly, saying honestly whether anything was recorded."""

    def name(self) -> Text:
        return "action_stop_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("case_reference")
        in_progress = tracker.active_loop.get("name") == FORM or tracker.get_slot("reflection_paused")
        if reference:
            dispatcher.utter_message(response="utter_stopped_after_record", reference=reference)
        elif in_progress:
            dispatcher.utter_message(response="utter_stopped")
        else:
            dispatcher.utter_message(response="utter_nothing_to_stop")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + reset_reflection()


class ActionResumeReflection(Action):
    """Resumes a reflection paused by the safety net, only because the user asked to carry on."""

    def name(self) -> Text:
        return "action_resume_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_resume_reflection")
        return [SlotSet("reflection_paused", False)]


"""How long a reflection is: the median number of questions and turns, measured without Rasa.

Every question added to the reflection costs a manager a turn, so its length is measured rather
than guessed. Two sources are replayed through the rule engine's skip logic (next_questions):

- every trainer scenario in content/scenarios/: its turns are read as the answers they give
  (a button's payload as its value, typed words as yes / no / not sure or a category), and the
  route they lead to must be the scenario's expected route, so a misread scenario fails loudly;
- a few representative answer sets, one per common route (REPRESENTATIVE below).

Questions are those the reflection asks up to the assessment, the kind of concern included.
Turns are every message the manager sends: for a scenario, all of its turns (a greeting, the
decision, its confirmation and the feedback included); for an answer set, its questions plus the
decision and two feedback answers, or its questions alone when the concern is escalated at once.
"""
import json
import re
import statistics
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from bot.content.scenarios import Scenario, load_scenarios
from bot.reflection.engine import Route, next_questions, route_for
from bot.reflection.questions import YES_NO_QUESTIONS
from bot.reflection.restorative import affected_from, affected_need_from, whose_job_from

Answers = Dict[str, Optional[str]]

# The decision and the two feedback questions that follow every reflection not escalated.
TURNS_AFTER_QUESTIONS = 3
_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")
_INTENT_ANSWERS = {"affirm": "yes", "deny": "no", "unsure": "unsure"}
_UNSURE = re.compile(r"\b(not sure|unsure|don'?t know|no idea|can'?t say)\b", re.I)
_YES = re.compile(r"^\W*(yes|yeah|yep|yup|y|definitely|probably|i think so|they would|she would|he would)\b", re.I)
_NO = re.compile(r"^\W*(no|nope|not|never|nobody|none|n)\b", re.I)
_GREETINGS = frozenset({"hello", "hi", "hey", "good morning", "good afternoon", "good evening"})
_TYPED_CATEGORIES = {
    "affected": affected_from,
    "affected_need": affected_need_from,
    "whose_job": whose_job_from,
}

# One answer set per common route: what a typical manager would answer, the newer questions included.
_CLEAR_STEPS = {
    "urgent_screen": "none", "health_substance": "no", "health_physical": "no", "health_mental": "no",
    "protocol_exists": "yes", "protocol_workable": "yes", "knowingly_departed": "yes",
    "peers_same": "no", "missed_training": "no", "lacked_supervision": "no", "mitigation": "no",
}
REPRESENTATIVE: Tuple[Tuple[str, Answers], ...] = (
    ("first lapse in conduct, no conversation yet", {
        "concern_type": "conduct", **_CLEAR_STEPS, "informal_conversation": "no",
        "affected": "colleagues", "affected_need": "put_right", "whose_job": "me",
        "good_outcome": "behaviour_change", "fairness_check": "yes"}),
    ("clinical error under an unworkable protocol", {
        "concern_type": "clinical", **_CLEAR_STEPS, "protocol_workable": "no", "informal_conversation": "no",
        "affected": "patient_family.the_person", "affected_need": "explanation", "whose_job": "organisation",
        "good_outcome": "patient_safety", "fairness_check": "yes"}),
    ("performance dropping with ill health", {
        "concern_type": "performance", "urgent_screen": "none", "health_substance": "no", "health_physical": "no",
        "health_mental": "yes", "health_spotted_earlier": "yes", "informal_conversation": "yes",
        "affected": "the_person", "affected_need": "support", "whose_job": "shared",
        "good_outcome": "health_support", "fairness_check": "yes"}),
    ("first occurrence after a conversation", {
        "concern_type": "conduct", **_CLEAR_STEPS, "informal_conversation": "yes", "pattern": "no",
        "affected": "no_one", "good_outcome": "learning", "fairness_check": "yes"}),
    ("a pattern despite support", {
        "concern_type": "bullying", **_CLEAR_STEPS, "informal_conversation": "yes", "pattern": "yes",
        "affected": "colleagues.raised_concern", "affected_need": "support", "whose_job": "me",
        "good_outcome": "behaviour_change", "fairness_check": "unsure"}),
    ("significant mitigation", {
        "concern_type": "attendance", **_CLEAR_STEPS, "mitigation": "yes", "informal_conversation": "no",
        "affected": "the_person", "affected_need": "support", "whose_job": "me",
        "good_outcome": "behaviour_change", "fairness_check": "yes"}),
    ("someone in immediate danger", {"concern_type": "clinical", "urgent_screen": "danger"}),
)


@dataclass(frozen=True)
class Length:
    """One reflection's length: where it came from, its route, its questions and turns."""

    source: str
    name: str
    route: str
    questions: int
    turns: int


def read_answer(question: str, say: str) -> Optional[str]:
    """The answer one manager message gives to a question, as the reflection would store it."""
    payload = _PAYLOAD.match(say.strip())
    if payload:
        entities = json.loads(payload.group("entities") or "{}")
        if question in entities:
            return str(entities[question])
        intent_answer = _INTENT_ANSWERS.get(payload.group("intent"))
        if question == "urgent_screen" and intent_answer in ("no", "unsure"):
            return "none" if intent_answer == "no" else "unsure"
        return intent_answer
    if question in _TYPED_CATEGORIES:
        return _TYPED_CATEGORIES[question](say)
    if question in YES_NO_QUESTIONS or question == "urgent_screen":
        if _UNSURE.search(say):
            return "unsure"
        if question == "urgent_screen":
            return None
        if _YES.search(say):
            return "yes"
        if _NO.search(say):
            return "no"
        return None
    if question == "good_outcome":
        return "other"
    return None


def _first_answer_turn(scenario: Scenario) -> int:
    """The index of the turn that gives the kind of concern: a button for it, else the opening words."""
    buttons = [i for i, turn in enumerate(scenario.turns) if '"concern_type"' in turn.say]
    if buttons:
        return buttons[-1]
    return next(i for i, turn in enumerate(scenario.turns) if turn.say.strip().lower() not in _GREETINGS)


def scenario_answers(scenario: Scenario) -> Answers:
    """The answers a trainer scenario's turns give, read in the order the reflection asks."""
    answers: Answers = {"concern_type": scenario.concern_type}
    position = _first_answer_turn(scenario) + 1
    while position < len(scenario.turns):
        pending = [q for q in next_questions(answers) if answers.get(q) is None]
        if not pending:
            break
        question = pending[0]
        answer = read_answer(question, scenario.turns[position].say)
        if answer is None:
            raise ValueError(
                f"{scenario.name}: turn {position + 1} ({scenario.turns[position].say!r}) "
                f"gives no answer to {question}"
            )
        answers[question] = answer
        position += 1
    return answers


def scenario_length(scenario: Scenario) -> Length:
    """A scenario's length; raises ValueError when its answers do not lead to its expected route."""
    answers = scenario_answers(scenario)
    route = route_for(answers).route.value
    if route != scenario.expect_route:
        raise ValueError(f"{scenario.name}: its turns read as {route}, not {scenario.expect_route}")
    return Length("scenario", scenario.name, route, len(next_questions(answers)), len(scenario.turns))


def answer_set_length(name: str, answers: Mapping[str, Optional[str]]) -> Length:
    """An answer set's length: its questions, plus the decision and feedback unless escalated."""
    questions = len(next_questions(answers))
    route = route_for(answers).route
    after = 0 if route == Route.ESCALATE_NOW else TURNS_AFTER_QUESTIONS
    return Length("answer set", name, route.value, questions, questions + after)


def lengths(scenarios: Optional[Sequence[Scenario]] = None) -> List[Length]:
    """The length of every trainer scenario and representative answer set."""
    chosen = load_scenarios() if scenarios is None else scenarios
    return [scenario_length(s) for s in chosen] + [answer_set_length(n, a) for n, a in REPRESENTATIVE]


def medians(measured: Sequence[Length]) -> Tuple[float, float]:
    """The median number of questions and of turns."""
    return (
        statistics.median(length.questions for length in measured),
        statistics.median(length.turns for length in measured),
    )


def report(measured: Sequence[Length]) -> str:
    """A plain table of every reflection measured, and the medians per source and overall."""
    lines = [f"{'source':<11} {'reflection':<46} {'route':<20} {'questions':>9} {'turns':>5}"]
    lines += [
        f"{m.source:<11} {m.name[:46]:<46} {m.route:<20} {m.questions:>9} {m.turns:>5}" for m in measured
    ]
    lines.append("")
    for label, group in (
        ("trainer scenarios", [m for m in measured if m.source == "scenario"]),
        ("representative answer sets", [m for m in measured if m.source == "answer set"]),
        ("reflections in all", list(measured)),
    ):
        if group:
            questions, turns = medians(group)
            lines.append(f"median of {len(group)} {label}: {questions:g} questions, {turns:g} turns")
    return "\n".join(lines)

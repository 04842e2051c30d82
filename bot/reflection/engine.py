"""The Just Culture rule engine: answers in, one recommended route and its reasons out.

Deterministic and transparent: every route comes with the reason codes that led to it, in the
Guide's terms, and the questions still unknown. "Not sure" never counts as "no":

- on the urgent screen it is resolved, never ignored: Pause asks which urgent kind the doubt is
  about; a possible safeguarding, fraud or crime matter gets "check first" (who to check with
  today, before any conversation with the person); a doubt about danger is treated as danger;
  a doubt about deliberate harm asks step 1, and "not sure" there is checked with HR first;
- at steps 2 to 5 an unsure answer that could change the route (answered the other way it would
  open a different Guide exit) gives "find out first": what to find out and a short fact-find,
  never a route aimed at the individual;
- any other unsure answer is listed as still to find out and blocks a formal recommendation.

The fairness check, asked just before the assessment whenever the Guide's questions are reached,
asks whether a different colleague with the same experience and record would meet the same step.
"No" or "not sure" keeps the route but names the doubt as something to examine, and a formal
process cannot be recommended until it has been: senior HR advice comes first. The restorative
questions (who has been hurt or affected, what they need, whose job it is) shape the alternatives
and the summary, never the route.
"""
from dataclasses import dataclass, replace
from enum import Enum
from typing import List, Mapping, Optional, Tuple

from bot.reflection.questions import (
    CHECK_FIRST_DOUBTS,
    NO,
    affected_groups,
    SEVERAL,
    UNSURE,
    URGENT_CONCERN_TYPES,
    URGENT_ROUTES,
    YES,
)

Answers = Mapping[str, Optional[str]]


class Route(str, Enum):
    """The routes Pause can recommend, gentlest last-resort ordering aside."""

    ESCALATE_NOW = "escalate_now"
    CHECK_FIRST = "check_first"
    FIND_OUT_FIRST = "find_out_first"
    HEALTH_SUPPORT = "health_support"
    SYSTEM_LEARNING = "system_learning"
    INFORMAL_RESOLUTION = "informal_resolution"
    DEVELOPMENT = "development"
    SENIOR_HR_ADVICE = "senior_hr_advice"
    FORMAL_LAST_RESORT = "formal_last_resort"


@dataclass(frozen=True)
class Assessment:
    """The engine's recommendation.

    route: the one recommended route.
    guide_exit: the Just Culture Guide exit (A-G) that applies, if any.
    urgent_route: for escalations, which urgent route (danger, safeguarding, fraud, crime, deliberate_harm).
    reasons: reason codes, in the order they were found.
    unknowns: the questions answered "not sure" that still matter.
    """

    route: Route
    guide_exit: Optional[str]
    urgent_route: Optional[str]
    reasons: Tuple[str, ...]
    unknowns: Tuple[str, ...]


HEALTH_QUESTIONS = ("health_substance", "health_physical", "health_mental")
FORESIGHT_QUESTIONS = ("protocol_exists", "protocol_workable", "knowingly_departed")
SUBSTITUTION_QUESTIONS = ("peers_same", "missed_training", "lacked_supervision")
# The Guide's exit questions (steps 2 to 5) and the answer that takes each exit.
EXIT_ANSWERS = {
    **{question: YES for question in HEALTH_QUESTIONS},
    **{question: NO for question in FORESIGHT_QUESTIONS},
    **{question: YES for question in SUBSTITUTION_QUESTIONS},
    "mitigation": YES,
}
RESTORATIVE_QUESTIONS = ("affected", "affected_need", "whose_job")
FAIRNESS_CHECK = "fairness_check"
# Questions with their own effect: a "not sure" to them is not one of the Guide's unknowns.
_NOT_GUIDE_UNKNOWNS = frozenset(RESTORATIVE_QUESTIONS + (FAIRNESS_CHECK,))


def urgent_route_of(answers: Answers) -> Optional[str]:
    """The urgent route the answers call for, or None."""
    concern = answers.get("concern_type")
    if concern in URGENT_CONCERN_TYPES:
        return URGENT_CONCERN_TYPES[concern]
    screen = answers.get("urgent_screen")
    if screen in URGENT_ROUTES:
        return screen
    if screen == UNSURE and answers.get("urgent_doubt") == "danger":
        # Unsure whether someone is in immediate danger: act as though they are.
        return "danger"
    if answers.get("deliberate_harm") == YES:
        return "deliberate_harm"
    return None


def urgent_doubt_of(answers: Answers) -> Optional[str]:
    """The urgent matter still in doubt that must be checked first, or None when none is.

    "several" stands for more than one kind, or a doubt whose kind has not been named yet.
    """
    if answers.get("urgent_screen") != UNSURE or urgent_route_of(answers):
        return None
    doubt = answers.get("urgent_doubt")
    if doubt in CHECK_FIRST_DOUBTS:
        return doubt
    if doubt == "deliberate_harm":
        return "deliberate_harm" if answers.get("deliberate_harm") in (UNSURE, None) else None
    return SEVERAL


def _first(answers: Answers, questions: Tuple[str, ...], value: str) -> Optional[str]:
    """The first of questions, in asking order, whose answer is value."""
    for question in questions:
        if answers.get(question) == value:
            return question
    return None


def _asked_in_chain(answers: Answers, questions: Tuple[str, ...], exit_value: str) -> List[str]:
    """The questions of one Guide step that are asked: the chain stops at the first exit answer."""
    asked = []
    for question in questions:
        asked.append(question)
        if answers.get(question) == exit_value:
            break
    return asked


def _health_exit(answers: Answers) -> Optional[str]:
    return _first(answers, HEALTH_QUESTIONS, YES)


def _foresight_exit(answers: Answers) -> Optional[str]:
    return _first(answers, FORESIGHT_QUESTIONS, NO)


def _substitution_exit(answers: Answers) -> Optional[str]:
    return _first(answers, SUBSTITUTION_QUESTIONS, YES)


def next_questions(answers: Answers) -> List[str]:
    """The questions the reflection asks, in order, given the answers so far (skip logic).

    Answered questions stay in the list; a question made moot by an earlier answer is left out.
    The list ends at the first answer that ends the reflection.
    """
    questions = ["concern_type"]
    if answers.get("concern_type") in URGENT_CONCERN_TYPES:
        return questions
    questions.append("urgent_screen")
    screen = answers.get("urgent_screen")
    if screen in URGENT_ROUTES:
        return questions
    if screen == UNSURE:
        questions.append("urgent_doubt")
        doubt = answers.get("urgent_doubt")
        if doubt != "deliberate_harm":
            # Unnamed, danger, or a matter to check first: the Guide's questions wait.
            return questions
        questions.append("deliberate_harm")
        if answers.get("deliberate_harm") != NO:
            return questions

    questions += _asked_in_chain(answers, HEALTH_QUESTIONS, YES)
    if _health_exit(answers):
        questions.append("health_spotted_earlier")
    else:
        questions += _asked_in_chain(answers, FORESIGHT_QUESTIONS, NO)
        if not _foresight_exit(answers):
            questions += _asked_in_chain(answers, SUBSTITUTION_QUESTIONS, YES)
            if not _substitution_exit(answers):
                questions.append("mitigation")

    questions.append("informal_conversation")
    # A pattern only matters when an informal conversation has happened and exit G is still open.
    if _reaches_management_action(answers) and answers.get("informal_conversation") == YES:
        questions.append("pattern")
    questions.append("affected")
    if affected_groups(answers.get("affected")):
        # What they need and whose job it is only matter when someone has been hurt or affected.
        questions += ["affected_need", "whose_job"]
    questions.append("good_outcome")
    questions.append(FAIRNESS_CHECK)
    return questions


def fairness_to_examine(answers: Answers) -> bool:
    """True when the manager said no, or was not sure, that a different colleague would meet the same step."""
    return answers.get(FAIRNESS_CHECK) in (NO, UNSURE)


def _reaches_management_action(answers: Answers) -> bool:
    """True when no Guide exit before step 5's 'no' applies (exit G is still possible)."""
    return not (
        _health_exit(answers)
        or _foresight_exit(answers)
        or _substitution_exit(answers)
        or answers.get("mitigation") == YES
    )


def _unknowns(answers: Answers) -> Tuple[str, ...]:
    asked = next_questions(answers)
    # A doubt on the urgent screen that has been cleared (step 1 answered no) is no longer unknown.
    cleared = answers.get("urgent_doubt") == "deliberate_harm" and answers.get("deliberate_harm") == NO
    return tuple(
        q
        for q in asked
        if answers.get(q) == UNSURE and q not in _NOT_GUIDE_UNKNOWNS and not (cleared and q == "urgent_screen")
    )


def decisive_unknowns(answers: Answers) -> Tuple[str, ...]:
    """The exit questions answered "not sure" whose answer could change the route.

    Each is tried the exit's way, the other unsure exit answers taken the other way: when that
    leads to a different route than taking them all the other way, the answer matters.
    """
    asked = next_questions(answers)
    unsure = [q for q in asked if q in EXIT_ANSWERS and answers.get(q) == UNSURE]
    if not unsure:
        return ()
    # Whether an answer could change the Guide's route is judged on the Guide's questions alone:
    # a doubt from the fairness check is named on whatever route they lead to.
    answers = {q: a for q, a in answers.items() if q != FAIRNESS_CHECK}
    other_way = {q: (NO if EXIT_ANSWERS[q] == YES else YES) for q in unsure}
    baseline = _guide_route({**answers, **other_way}).route
    return tuple(
        q for q in unsure if _guide_route({**answers, **other_way, q: EXIT_ANSWERS[q]}).route != baseline
    )


def route_for(answers: Answers) -> Assessment:
    """Turn the reflection's answers into one recommended route with its reasons."""
    urgent = urgent_route_of(answers)
    if urgent:
        guide_exit = "A" if urgent == "deliberate_harm" else None
        return Assessment(Route.ESCALATE_NOW, guide_exit, urgent, (f"urgent_{urgent}",), ())

    doubt = urgent_doubt_of(answers)
    if doubt:
        return Assessment(Route.CHECK_FIRST, None, None, (f"check_first_{doubt}",), _unknowns(answers))

    decisive = decisive_unknowns(answers)
    if decisive:
        assessment = Assessment(
            Route.FIND_OUT_FIRST, None, None, ("unsure_could_change_route",), _unknowns(answers)
        )
    else:
        assessment = _guide_route(answers)
    return _with_fairness_reason(assessment, answers)


def _with_fairness_reason(assessment: Assessment, answers: Answers) -> Assessment:
    """Name a doubt from the fairness check as something to examine, whatever the route."""
    if not fairness_to_examine(answers) or "fairness_to_examine" in assessment.reasons:
        return assessment
    return replace(assessment, reasons=assessment.reasons + ("fairness_to_examine",))


def _guide_route(answers: Answers) -> Assessment:
    """The Guide's steps 2 to 5 and exit G, once no urgent matter is in doubt."""
    unknowns = _unknowns(answers)
    reasons: List[str] = []

    health = _health_exit(answers)
    if health:
        reasons.append(health)
        spotted = answers.get("health_spotted_earlier")
        if spotted in (YES, UNSURE):
            reasons.append("health_spotted_earlier")
        guide_exit = "B" if health == "health_substance" else "C"
        return Assessment(Route.HEALTH_SUPPORT, guide_exit, None, tuple(reasons), unknowns)

    foresight = _foresight_exit(answers)
    if foresight:
        reasons.append(f"{foresight}_no")
        return Assessment(Route.SYSTEM_LEARNING, "D", None, tuple(reasons), unknowns)

    substitution = _substitution_exit(answers)
    if substitution:
        reasons.append(substitution)
        return Assessment(Route.SYSTEM_LEARNING, "E", None, tuple(reasons), unknowns)

    if answers.get("mitigation") == YES:
        reasons.append("mitigation")
        return Assessment(Route.SENIOR_HR_ADVICE, "F", None, tuple(reasons), unknowns)

    return _management_action(answers, unknowns)


def _management_action(answers: Answers, unknowns: Tuple[str, ...]) -> Assessment:
    """Guide exit G: proportionate management action, the formal process only as a last resort."""
    reasons: List[str] = ["no_exit_applies"] if answers.get("mitigation") == NO else []
    if answers.get("informal_conversation") != YES:
        reasons.append(
            "informal_conversation_unknown"
            if answers.get("informal_conversation") == UNSURE
            else "no_informal_conversation"
        )
        return Assessment(Route.INFORMAL_RESOLUTION, "G", None, tuple(reasons), unknowns)

    pattern = answers.get("pattern")
    if pattern != YES:
        reasons.append("pattern_unknown" if pattern == UNSURE else "first_occurrence")
        return Assessment(Route.DEVELOPMENT, "G", None, tuple(reasons), unknowns)

    reasons.append("pattern_despite_support")
    if unknowns:
        # A formal process cannot be justified while part of the picture is still unknown.
        reasons.append("unknowns_before_formal")
    if fairness_to_examine(answers):
        # Nor while it is in doubt that a different colleague would meet the same step.
        reasons += ["fairness_to_examine", "fairness_before_formal"]
    if unknowns or fairness_to_examine(answers):
        return Assessment(Route.SENIOR_HR_ADVICE, "G", None, tuple(reasons), unknowns)
    if answers.get("concern_type") in ("performance", "attendance"):
        reasons.append("capability_route")
    return Assessment(Route.FORMAL_LAST_RESORT, "G", None, tuple(reasons), unknowns)

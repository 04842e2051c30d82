"""The reflection's questions, in the order they are asked, and the answers each accepts.

The order follows the Just Culture Guide (NHS Improvement, 2018): the urgent screen first (and,
after "not sure" there, which urgent kind the doubt is about), then
step 1 (deliberate harm), step 2 (health), step 3 (foresight), step 4 (substitution), step 5
(mitigation), then the questions Pause adds: any informal conversation yet, a pattern despite
support, the restorative questions (who has been hurt or affected, what they need, whose job it is
to meet that need), what a good outcome would be, and last, just before the assessment, the
fairness check (would the same step be considered for a different colleague with the same
experience and record?).
"""
from typing import Dict, FrozenSet, Iterable, Tuple

YES = "yes"
NO = "no"
UNSURE = "unsure"
OTHER = "other"
YES_NO_UNSURE: FrozenSet[str] = frozenset({YES, NO, UNSURE})

CONCERN_TYPES: Tuple[str, ...] = (
    "clinical",
    "conduct",
    "attendance",
    "performance",
    "relationships",
    "bullying",
    "fraud",
    "safeguarding",
    "crime",
    "other",
)

# Urgent routes that bypass the reflection ("Do not delay").
URGENT_ROUTES: Tuple[str, ...] = ("danger", "safeguarding", "fraud", "crime", "deliberate_harm")
URGENT_SCREEN_VALUES: FrozenSet[str] = frozenset(URGENT_ROUTES + ("none", UNSURE))

# After "not sure" on the urgent screen: which urgent kind the doubt is about ("several" when
# more than one, or they cannot say). A doubt is resolved, never ignored.
SEVERAL = "several"
URGENT_DOUBT_VALUES: Tuple[str, ...] = URGENT_ROUTES + (SEVERAL,)
# Doubts that must be checked with the right people before any conversation with the person.
CHECK_FIRST_DOUBTS: Tuple[str, ...] = ("safeguarding", "fraud", "crime", SEVERAL)

# A concern type that is itself an urgent matter goes straight to its route.
URGENT_CONCERN_TYPES: Dict[str, str] = {
    "fraud": "fraud",
    "safeguarding": "safeguarding",
    "crime": "crime",
}

GOOD_OUTCOMES: Tuple[str, ...] = (
    "learning",
    "behaviour_change",
    "health_support",
    "relationship_repaired",
    "patient_safety",
    "other",
)

# Restorative questions (restorative just culture: who is hurt, what do they need, whose obligation
# is it to meet that need). Only categories are kept, never the words typed.
AFFECTED_GROUPS: Tuple[str, ...] = ("patient_family", "colleagues", "the_person", "raised_concern", OTHER)
NO_ONE = "no_one"
# Several groups named at once are stored as one code, in this order, joined by this separator.
AFFECTED_SEPARATOR = "."
AFFECTED_NEEDS: Tuple[str, ...] = ("explanation", "support", "put_right", "reassurance", UNSURE, OTHER)
WHOSE_JOB_VALUES: Tuple[str, ...] = ("me", "team", "organisation", "the_person", "shared", UNSURE, OTHER)

# Every question of the reflection form, in asking order.
QUESTIONS: Tuple[str, ...] = (
    "concern_type",
    "urgent_screen",
    "urgent_doubt",
    "deliberate_harm",
    "health_substance",
    "health_physical",
    "health_mental",
    "health_spotted_earlier",
    "protocol_exists",
    "protocol_workable",
    "knowingly_departed",
    "peers_same",
    "missed_training",
    "lacked_supervision",
    "mitigation",
    "informal_conversation",
    "pattern",
    "affected",
    "affected_need",
    "whose_job",
    "good_outcome",
    "fairness_check",
)

# The questions answered yes / no / not sure; the rest take a category.
YES_NO_QUESTIONS: FrozenSet[str] = frozenset(QUESTIONS) - {
    "concern_type",
    "urgent_screen",
    "urgent_doubt",
    "affected",
    "affected_need",
    "whose_job",
    "good_outcome",
}

ALLOWED_VALUES: Dict[str, FrozenSet[str]] = {
    **{name: YES_NO_UNSURE for name in YES_NO_QUESTIONS},
    "concern_type": frozenset(CONCERN_TYPES),
    "urgent_screen": URGENT_SCREEN_VALUES,
    "urgent_doubt": frozenset(URGENT_DOUBT_VALUES),
    "affected_need": frozenset(AFFECTED_NEEDS),
    "whose_job": frozenset(WHOSE_JOB_VALUES),
    "good_outcome": frozenset(GOOD_OUTCOMES),
}


def affected_groups(value: object) -> Tuple[str, ...]:
    """The groups an answer to "who has been hurt or affected?" names; () for no one or not sure."""
    if not isinstance(value, str) or value in (NO_ONE, UNSURE):
        return ()
    parts = value.split(AFFECTED_SEPARATOR)
    return tuple(group for group in AFFECTED_GROUPS if group in parts)


def affected_code(groups: Iterable[str]) -> str:
    """The stored code for the groups named: in the groups' own order, joined; no_one when none."""
    named = set(groups)
    return AFFECTED_SEPARATOR.join(group for group in AFFECTED_GROUPS if group in named) or NO_ONE


def _is_affected_answer(value: str) -> bool:
    if value in (NO_ONE, UNSURE):
        return True
    return bool(affected_groups(value)) and affected_code(value.split(AFFECTED_SEPARATOR)) == value


def is_valid_answer(question: str, value: object) -> bool:
    """True when value is one of the answers the question accepts."""
    if question == "affected":
        return isinstance(value, str) and _is_affected_answer(value)
    allowed = ALLOWED_VALUES.get(question)
    return allowed is not None and isinstance(value, str) and value in allowed

"""Recording a reflection's anonymised outcome: the one place that turns answers into a stored case."""
from typing import Mapping, Optional

from bot.reflection import Assessment, Route
from bot.reflection.questions import QUESTIONS
from bot.equality import SLOT_COLUMNS
from bot.store import record_case, record_equality, record_feedback, session_scope

FORMAL = "formal"
ESCALATED = "escalated"
HR_ADVICE = "hr_advice"


def is_override(decision: Optional[str], assessment: Assessment) -> bool:
    """True when the manager chose a formal process that the reflection did not recommend."""
    return decision == FORMAL and assessment.route != Route.FORMAL_LAST_RESORT


def stored_answers(answers: Mapping[str, Optional[str]]) -> dict:
    """Only the reflection's categorical answers: never free text."""
    return {q: answers[q] for q in QUESTIONS if answers.get(q) is not None and q != "concern_type"}


def record_reflection(
    answers: Mapping[str, Optional[str]],
    assessment: Assessment,
    decision: Optional[str],
    channel: str,
    demo: bool = False,
    idempotency_key: Optional[str] = None,
) -> str:
    """Store the outcome of one reflection exactly once and return its case reference."""
    with session_scope() as session:
        case = record_case(
            session,
            concern_type=answers.get("concern_type") or "other",
            route=assessment.route.value,
            channel=channel,
            answers=stored_answers(answers),
            guide_exit=assessment.guide_exit,
            urgent_route=assessment.urgent_route,
            reasons=list(assessment.reasons),
            unknowns=list(assessment.unknowns),
            decision=decision,
            override=is_override(decision, assessment),
            demo=demo,
            idempotency_key=idempotency_key,
        )
        return case.reference


def save_feedback(reference: str, helpfulness: Optional[str], would_recommend: Optional[str]) -> None:
    """Store the manager's feedback on a recorded case; 'skip' and 'unsure' store nothing."""
    rating = int(helpfulness) if helpfulness and helpfulness.isdigit() else None
    recommend = {"yes": True, "no": False}.get(would_recommend or "")
    if rating is None and recommend is None:
        return
    with session_scope() as session:
        record_feedback(session, reference, helpfulness=rating, would_recommend=recommend)


def save_equality(reference: str, answers: Mapping[str, Optional[str]]) -> None:
    """Store the equality monitoring groups answered so far (by slot) on a recorded case."""
    groups = {column: answers.get(slot) for slot, column in SLOT_COLUMNS.items() if answers.get(slot)}
    if not groups:
        return
    with session_scope() as session:
        record_equality(session, reference, **groups)

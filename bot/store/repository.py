"""Recording and changing outcomes. Every function takes a session and never commits.

Values are codes (``conduct``, ``escalate_now``, ``yes``), checked before they reach the
database, so that a story typed by a manager cannot end up in the store by mistake.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from enum import Enum
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.equality import ALLOWED as EQUALITY_GROUPS
from bot.settings import get_settings
from bot.store.errors import InvalidValue, StoreFailure, UnknownCase
from bot.store.models import (
    CODE_LENGTH,
    FOLLOW_UP_STATUSES,
    FORMAL_DECISION,
    IDEMPOTENCY_KEY_LENGTH,
    SUSPENSION_ANSWERS,
    Case,
    FollowUp,
)
from bot.store.references import new_reference, normalise_reference

Answer = Union[str, bool, None, Enum]

# One in 32**8 per attempt: more than a few collisions in a row means something else is wrong.
_REFERENCE_ATTEMPTS = 8
_CODE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.:-]{{0,{CODE_LENGTH - 1}}}")
_YES_NO = {"yes": True, "no": False}

Operation = TypeVar("Operation", bound=Callable[..., Any])


def _store_operation(action: str) -> Callable[[Operation], Operation]:
    """Turn a database error inside a repository function into a StoreFailure."""

    def decorate(function: Operation) -> Operation:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except SQLAlchemyError as error:
                raise StoreFailure(action, error) from error

        return run  # type: ignore[return-value]

    return decorate


@_store_operation("record the case")
def record_case(
    session: Session,
    *,
    concern_type: Union[str, Enum],
    route: Union[str, Enum],
    channel: str,
    organisation: Optional[str] = None,
    answers: Optional[Mapping[str, Answer]] = None,
    guide_exit: Optional[str] = None,
    urgent_route: Optional[Union[str, Enum]] = None,
    reasons: Sequence[str] = (),
    unknowns: Sequence[str] = (),
    decision: Optional[Union[str, Enum]] = None,
    override: bool = False,
    demo: bool = False,
    helpfulness: Optional[Union[int, float, str]] = None,
    would_recommend: Optional[Union[bool, str]] = None,
    idempotency_key: Optional[str] = None,
    created_at: Optional[datetime] = None,
) -> Case:
    """Store a new case under a fresh reference and return it.

    With an ``idempotency_key`` a retried call returns the case stored the first time, unchanged.
    ``organisation`` defaults to the configured one; ``created_at`` to now.
    """
    key = _idempotency_key(idempotency_key)
    if key is not None:
        existing = _case_by_idempotency_key(session, key)
        if existing is not None:
            return existing
    decision_code = _code("decision", decision, required=False)
    values: Dict[str, Any] = {
        "channel": _code("channel", channel),
        "organisation": _code(
            "organisation",
            organisation if organisation is not None else get_settings().organisation,
        ),
        "concern_type": _code("concern_type", concern_type),
        "answers": _answers(answers),
        "route": _code("route", route),
        "guide_exit": _code("guide_exit", guide_exit, required=False),
        "urgent_route": _code("urgent_route", urgent_route, required=False),
        "reasons": _codes("reasons", reasons),
        "unknowns": _codes("unknowns", unknowns),
        "decision": decision_code,
        "override": _override(decision_code, override),
        "demo": _flag("demo", demo),
        "helpfulness": _helpfulness(helpfulness),
        "would_recommend": _would_recommend(would_recommend),
        "idempotency_key": key,
    }
    if created_at is not None:
        values["created_at"] = _aware("created_at", created_at)
        values["updated_at"] = values["created_at"]
    for _ in range(_REFERENCE_ATTEMPTS):
        case = Case(reference=new_reference(), **values)
        try:
            with session.begin_nested():
                session.add(case)
        except IntegrityError:
            if key is not None:
                existing = _case_by_idempotency_key(session, key)
                if existing is not None:
                    return existing
            if _case_by_reference(session, case.reference) is None:
                raise
            continue
        return case
    raise RuntimeError("could not find an unused case reference; the store may be faulty")


@_store_operation("look up the case")
def get_case(session: Session, reference: str) -> Optional[Case]:
    """The case with this reference (typed in any accepted form), or None if there is none."""
    canonical = normalise_reference(reference)
    if canonical is None:
        return None
    return _case_by_reference(session, canonical)


@_store_operation("record the decision")
def set_decision(
    session: Session, reference: str, decision: Union[str, Enum], override: bool = False
) -> Case:
    """Record what the manager chose to do; ``override`` marks a formal process chosen against
    the recommendation. Choosing again replaces the earlier choice."""
    case = _existing_case(session, reference)
    decision_code = _code("decision", decision)
    case.decision = decision_code
    case.override = _override(decision_code, override)
    session.flush()
    return case


@_store_operation("record the feedback")
def record_feedback(
    session: Session,
    reference: str,
    helpfulness: Optional[Union[int, float, str]] = None,
    would_recommend: Optional[Union[bool, str]] = None,
) -> Case:
    """Store "did this help?" (1 to 5) and "would you recommend it?" (yes or no).

    A value left as None keeps whatever was stored before.
    """
    case = _existing_case(session, reference)
    checked_helpfulness = _helpfulness(helpfulness)
    checked_recommend = _would_recommend(would_recommend)
    if checked_helpfulness is not None:
        case.helpfulness = checked_helpfulness
    if checked_recommend is not None:
        case.would_recommend = checked_recommend
    session.flush()
    return case


@_store_operation("record whether suspension was considered")
def record_suspension(session: Session, reference: str, answer: str) -> Case:
    """Store whether suspension or exclusion was considered and whether it was used.

    ``answer`` is one of SUSPENSION_ANSWERS (not_considered, considered_not_used, used).
    """
    case = _existing_case(session, reference)
    if answer not in SUSPENSION_ANSWERS:
        raise InvalidValue(f"suspension must be one of {', '.join(SUSPENSION_ANSWERS)}; got {answer!r}")
    case.suspension_considered, case.suspension_used = SUSPENSION_ANSWERS[answer]
    session.flush()
    return case


@_store_operation("record the equality monitoring groups")
def record_equality(
    session: Session,
    reference: str,
    ethnic_group: Optional[str] = None,
    staff_group: Optional[str] = None,
    employment_type: Optional[str] = None,
) -> Case:
    """Store the optional equality monitoring groups of a recorded case, only as group codes.

    A value left as None keeps whatever was stored before; anything but a known group is refused.
    """
    case = _existing_case(session, reference)
    given = {"ethnic_group": ethnic_group, "staff_group": staff_group, "employment_type": employment_type}
    for column, value in given.items():
        if value is None:
            continue
        # Typed words are never echoed back: they may describe a person.
        if value not in EQUALITY_GROUPS[column]:
            raise InvalidValue(f"{column} must be one of {', '.join(EQUALITY_GROUPS[column])}")
        setattr(case, column, value)
    session.flush()
    return case


@_store_operation("record the follow-up")
def add_follow_up(session: Session, reference: str, status: str) -> Tuple[FollowUp, bool]:
    """Record what happened to a case later. Returns the follow-up and whether it is new:
    the same status reported twice is kept once."""
    case = _existing_case(session, reference)
    checked_status = _code("status", status)
    if checked_status not in FOLLOW_UP_STATUSES:
        raise InvalidValue(
            f"status must be one of {', '.join(FOLLOW_UP_STATUSES)}; got {checked_status!r}"
        )
    existing = _follow_up(session, case.id, checked_status)
    if existing is not None:
        return existing, False
    follow_up = FollowUp(case_id=case.id, status=checked_status)
    try:
        with session.begin_nested():
            session.add(follow_up)
    except IntegrityError:
        existing = _follow_up(session, case.id, checked_status)
        if existing is None:
            raise
        return existing, False
    session.expire(case, ["follow_ups"])
    return follow_up, True


@_store_operation("erase the case")
def erase_case(session: Session, reference: str) -> bool:
    """Remove a case and its follow-ups. True if it existed; erasing again is harmless."""
    case = get_case(session, reference)
    if case is None:
        return False
    session.delete(case)
    session.flush()
    return True


@_store_operation("purge old cases")
def purge_older_than(session: Session, cutoff: datetime) -> int:
    """Remove every case created before ``cutoff`` (and its follow-ups); returns how many.

    Runs as bulk statements: cases already loaded in this session are not refreshed.
    """
    checked_cutoff = _aware("cutoff", cutoff)
    old_case_ids = select(Case.id).where(Case.created_at < checked_cutoff)
    session.execute(
        delete(FollowUp)
        .where(FollowUp.case_id.in_(old_case_ids))
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        delete(Case)
        .where(Case.created_at < checked_cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _existing_case(session: Session, reference: str) -> Case:
    case = get_case(session, reference)
    if case is None:
        raise UnknownCase(str(reference))
    return case


def _case_by_reference(session: Session, canonical: str) -> Optional[Case]:
    return session.execute(select(Case).where(Case.reference == canonical)).scalar_one_or_none()


def _case_by_idempotency_key(session: Session, key: str) -> Optional[Case]:
    return session.execute(select(Case).where(Case.idempotency_key == key)).scalar_one_or_none()


def _follow_up(session: Session, case_id: int, status: str) -> Optional[FollowUp]:
    return session.execute(
        select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.status == status)
    ).scalar_one_or_none()


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _code(name: str, value: Any, required: bool = True) -> Optional[str]:
    value = _plain(value)
    if value is None:
        if required:
            raise InvalidValue(f"{name} is required")
        return None
    # The value itself is not echoed back: if it is free text it may identify someone.
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise InvalidValue(
            f"{name} must be a short code of letters, digits and _ . : - "
            f"(at most {CODE_LENGTH} characters), not free text"
        )
    return value


def _codes(name: str, values: Sequence[Any]) -> List[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        raise InvalidValue(f"{name} must be a list of codes")
    return [str(_code(name, value)) for value in values]


def _answers(answers: Optional[Mapping[str, Answer]]) -> Dict[str, Optional[str]]:
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise InvalidValue("answers must map question names to answers")
    checked: Dict[str, Optional[str]] = {}
    for question, answer in answers.items():
        name = str(_code("answer name", question))
        answer = _plain(answer)
        if isinstance(answer, bool):
            checked[name] = "yes" if answer else "no"
        else:
            checked[name] = _code(f"answer to {name}", answer, required=False)
    return checked


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{name} must be True or False")
    return value


def _override(decision: Optional[str], override: Any) -> bool:
    if _flag("override", override) and decision != FORMAL_DECISION:
        raise InvalidValue(
            f"override marks a {FORMAL_DECISION!r} decision taken against the recommendation; "
            "it cannot be set for any other decision"
        )
    return override


def _helpfulness(value: Any) -> Optional[int]:
    if value is None:
        return None
    number: Optional[int] = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= 5:
        raise InvalidValue("helpfulness must be a whole number from 1 to 5")
    return number


def _would_recommend(value: Any) -> Optional[bool]:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES_NO:
        return _YES_NO[value.strip().lower()]
    raise InvalidValue("would_recommend must be yes or no")


def _idempotency_key(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > IDEMPOTENCY_KEY_LENGTH:
        raise InvalidValue(
            "idempotency_key must be a non-empty string of at most "
            f"{IDEMPOTENCY_KEY_LENGTH} characters"
        )
    return value


def _aware(name: str, value: Any) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"{name} must be a timezone-aware date and time")
    return value

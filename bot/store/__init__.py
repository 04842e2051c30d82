"""The outcome store: anonymised cases and their follow-ups, in SQLite or PostgreSQL."""

from bot.store.database import dispose_engines, get_engine, session_scope
from bot.store.errors import InvalidValue, StoreError, StoreFailure, UnknownCase
from bot.store.models import (
    ESCALATE_NOW_ROUTE,
    FOLLOW_UP_STATUSES,
    FORMAL_DECISION,
    SUSPENSION_ANSWERS,
    Case,
    FollowUp,
)
from bot.store.references import (
    REFERENCE_ALPHABET,
    find_reference,
    new_reference,
    normalise_reference,
)
from bot.store.repository import (
    add_follow_up,
    erase_case,
    get_case,
    purge_older_than,
    record_case,
    record_equality,
    record_feedback,
    record_suspension,
    set_decision,
)

__all__ = [
    "Case",
    "ESCALATE_NOW_ROUTE",
    "FOLLOW_UP_STATUSES",
    "FORMAL_DECISION",
    "FollowUp",
    "InvalidValue",
    "REFERENCE_ALPHABET",
    "SUSPENSION_ANSWERS",
    "StoreError",
    "StoreFailure",
    "UnknownCase",
    "add_follow_up",
    "dispose_engines",
    "erase_case",
    "find_reference",
    "get_case",
    "get_engine",
    "new_reference",
    "normalise_reference",
    "purge_older_than",
    "record_case",
    "record_equality",
    "record_feedback",
    "record_suspension",
    "session_scope",
    "set_decision",
]

"""The outcome store's tables: one row per reflection (a case) and its later follow-ups.

Only categories, answers and reason codes are kept, never the manager's story.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import List, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.equality import EMPLOYMENT_TYPES, ETHNIC_GROUPS, STAFF_GROUPS

ESCALATE_NOW_ROUTE = "escalate_now"
FORMAL_DECISION = "formal"

FOLLOW_UP_STATUSES = (
    "resolved_informally",
    "alternative_in_progress",
    "formal_started",
    "formal_concluded_sanction",
    "formal_concluded_no_sanction",
    "withdrawn",
)

# Whether suspension (or, for doctors and dentists, exclusion) was considered and used, as the
# manager reports it: (considered, used) for each answer.
SUSPENSION_ANSWERS = {
    "not_considered": (False, False),
    "considered_not_used": (True, False),
    "used": (True, True),
}

CODE_LENGTH = 64
IDEMPOTENCY_KEY_LENGTH = 255
EQUALITY_GROUP_LENGTH = 32

# Fixed constraint names keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utc_now() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database.

    SQLite has no time zones, so values are stored there as naive UTC and made aware on the way
    back; PostgreSQL stores ``timestamp with time zone``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        """Refuse naive times and store everything in UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: Optional[datetime], dialect: Dialect
    ) -> Optional[datetime]:
        """Give back an aware UTC time."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _quoted(values: tuple) -> str:
    return ", ".join(f"'{value}'" for value in values)


class Case(Base):
    """One reflection on a concern: what kind of concern, the answers, the route and the outcome."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("helpfulness BETWEEN 1 AND 5", name="helpfulness_range"),
        CheckConstraint(f"ethnic_group IN ({_quoted(ETHNIC_GROUPS)})", name="ethnic_group_known"),
        CheckConstraint(f"staff_group IN ({_quoted(STAFF_GROUPS)})", name="staff_group_known"),
        CheckConstraint(f"employment_type IN ({_quoted(EMPLOYMENT_TYPES)})", name="employment_type_known"),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(11), nullable=False, unique=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utc_now, index=True)
    updated_at = Column(UTCDateTime(), nullable=False, default=utc_now, onupdate=utc_now)
    channel = Column(String(CODE_LENGTH), nullable=False)
    organisation = Column(String(CODE_LENGTH), nullable=False, index=True)
    concern_type = Column(String(CODE_LENGTH), nullable=False)
    answers = Column(JSON, nullable=False, default=dict)
    route = Column(String(CODE_LENGTH), nullable=False)
    guide_exit = Column(String(CODE_LENGTH))
    urgent_route = Column(String(CODE_LENGTH))
    reasons = Column(JSON, nullable=False, default=list)
    unknowns = Column(JSON, nullable=False, default=list)
    decision = Column(String(CODE_LENGTH))
    override = Column(Boolean, nullable=False, default=False)
    demo = Column(Boolean, nullable=False, default=False)
    helpfulness = Column(Integer)
    would_recommend = Column(Boolean)
    # Unknown (None) until the manager says, in a follow-up.
    suspension_considered = Column(Boolean)
    suspension_used = Column(Boolean)
    idempotency_key = Column(String(IDEMPOTENCY_KEY_LENGTH), unique=True)
    # Optional equality monitoring (WRES indicator 3), only as groups; None when not asked.
    ethnic_group = Column(String(EQUALITY_GROUP_LENGTH))
    staff_group = Column(String(EQUALITY_GROUP_LENGTH))
    employment_type = Column(String(EQUALITY_GROUP_LENGTH))

    follow_ups: List["FollowUp"] = relationship(
        "FollowUp",
        back_populates="case",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="FollowUp.id",
    )

    def __repr__(self) -> str:
        return (
            f"Case(reference={self.reference!r}, route={self.route!r}, decision={self.decision!r})"
        )


class FollowUp(Base):
    """What actually happened to a case later, as reported by the manager."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("case_id", "status"),
        CheckConstraint(f"status IN ({_quoted(FOLLOW_UP_STATUSES)})", name="status_known"),
    )

    id = Column(Integer, primary_key=True)
    case_id = Column(
        Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = Column(UTCDateTime(), nullable=False, default=utc_now)
    status = Column(String(40), nullable=False)

    case: Case = relationship("Case", back_populates="follow_ups")

    def __repr__(self) -> str:
        return f"FollowUp(case_id={self.case_id!r}, status={self.status!r})"

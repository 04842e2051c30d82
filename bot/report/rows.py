"""Reading cases out of the store as plain rows for the pilot report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.store.models import Case


@dataclass(frozen=True)
class CaseRow:
    """One case as the report sees it: codes and outcomes, never free text.

    ``follow_ups`` holds the reported statuses, oldest first.
    """

    reference: str
    created_at: datetime
    channel: str
    organisation: str
    concern_type: str
    route: str
    guide_exit: Optional[str] = None
    urgent_route: Optional[str] = None
    reasons: Tuple[str, ...] = ()
    unknowns: Tuple[str, ...] = ()
    decision: Optional[str] = None
    override: bool = False
    demo: bool = False
    helpfulness: Optional[int] = None
    would_recommend: Optional[bool] = None
    follow_ups: Tuple[str, ...] = ()
    suspension_considered: Optional[bool] = None
    suspension_used: Optional[bool] = None
    # Optional equality monitoring groups, and the reflection's fairness check (None: not asked).
    ethnic_group: Optional[str] = None
    staff_group: Optional[str] = None
    employment_type: Optional[str] = None
    fairness_check: Optional[str] = None

    @property
    def latest_follow_up(self) -> Optional[str]:
        """What the manager last reported about the case, if anything."""
        return self.follow_ups[-1] if self.follow_ups else None


@dataclass(frozen=True)
class ReportPeriod:
    """Which cases a report covers: dates are whole UTC days, both ends included."""

    since: Optional[date] = None
    until: Optional[date] = None
    organisation: Optional[str] = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError("the start date is after the end date")

    @property
    def starts_at(self) -> Optional[datetime]:
        """The first moment included, or None for no lower limit."""
        if self.since is None:
            return None
        return datetime.combine(self.since, time.min, tzinfo=timezone.utc)

    @property
    def ends_before(self) -> Optional[datetime]:
        """The first moment after the period, or None for no upper limit."""
        if self.until is None:
            return None
        return datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=timezone.utc)

    def includes(self, row: CaseRow) -> bool:
        """True when the case belongs to this period and organisation."""
        if self.organisation is not None and row.organisation != self.organisation:
            return False
        if self.starts_at is not None and row.created_at < self.starts_at:
            return False
        if self.ends_before is not None and row.created_at >= self.ends_before:
            return False
        return True


def load_case_rows(session: Session, period: Optional[ReportPeriod] = None) -> List[CaseRow]:
    """Every case in the period (all of them by default), demo cases included (the figures leave
    them out), oldest first."""
    period = period or ReportPeriod()
    query = select(Case).options(selectinload(Case.follow_ups)).order_by(Case.created_at, Case.id)
    if period.organisation is not None:
        query = query.where(Case.organisation == period.organisation)
    if period.starts_at is not None:
        query = query.where(Case.created_at >= period.starts_at)
    if period.ends_before is not None:
        query = query.where(Case.created_at < period.ends_before)
    return [case_row(case) for case in session.execute(query).scalars()]


def case_row(case: Case) -> CaseRow:
    """The report's view of a stored case."""
    follow_ups = sorted(case.follow_ups, key=lambda follow_up: (follow_up.created_at, follow_up.id))
    return CaseRow(
        reference=case.reference,
        created_at=case.created_at,
        channel=case.channel,
        organisation=case.organisation,
        concern_type=case.concern_type,
        route=case.route,
        guide_exit=case.guide_exit,
        urgent_route=case.urgent_route,
        reasons=tuple(case.reasons or ()),
        unknowns=tuple(case.unknowns or ()),
        decision=case.decision,
        override=bool(case.override),
        demo=bool(case.demo),
        helpfulness=case.helpfulness,
        would_recommend=case.would_recommend,
        follow_ups=tuple(follow_up.status for follow_up in follow_ups),
        suspension_considered=case.suspension_considered,
        suspension_used=case.suspension_used,
        ethnic_group=case.ethnic_group,
        staff_group=case.staff_group,
        employment_type=case.employment_type,
        fairness_check=(case.answers or {}).get("fairness_check"),
    )

"""The pilot's figures, computed from case rows by pure functions.

Demo cases never count: they are left out of every figure and only their number is reported.

Definitions (the README gives the same):
- *decided*: a concern that was not escalated, where the manager made a decision. "Talk to HR
  first" and "check with the right people first" are not decisions yet: they are *undecided*.
- *formal*: a formal process, or the capability procedure, which is formal too.
- *interim*: a change of duties, which often goes alongside an investigation: not diversion.
- *diverted*: a decided case whose decision avoids a formal disciplinary investigation (every
  decision that is not formal, undecided or interim).
- *diverted, later formal*: of the diverted cases with a follow-up, those reported as having gone
  to a formal process after all: what really happened, beside what was intended.
- *suspension considered / used*: of the cases whose manager answered the question in a follow-up,
  those where suspension (or exclusion) was considered, and those where it was used.
Every rate comes with its count and denominator; with nothing to divide by it is None ("-").
Monthly and per-type counts from 1 up to the suppression threshold (default 5) are suppressed
(None, shown as "<5"), and so is a month's rate when either of its counts is: small counts can
point to a person. Zero is shown; headline totals are not suppressed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.report.fairness import FairnessFigures, fairness_figures
from bot.report.rows import CaseRow
from bot.store.models import ESCALATE_NOW_ROUTE, FORMAL_DECISION

FORMAL_FOLLOW_UPS = frozenset(
    {"formal_started", "formal_concluded_sanction", "formal_concluded_no_sanction"}
)
# Decisions that are a formal process: proceeding formally, or the (formal) capability procedure.
FORMAL_DECISIONS = frozenset({FORMAL_DECISION, "capability_route"})
# Not a decision yet: advice or a check comes first.
UNDECIDED_DECISIONS = frozenset({"hr_advice", "talk_to_hr", "specialist_check"})
# Interim measures that often go alongside an investigation: never counted as diversion.
INTERIM_DECISIONS = frozenset({"change_of_duties"})
HELPFULNESS_SCALE = (1, 2, 3, 4, 5)
# Monthly and per-type counts below this are not shown (PAUSE_REPORT_SUPPRESS_BELOW).
DEFAULT_SUPPRESS_BELOW = 5


def is_escalated(row: CaseRow) -> bool:
    """The concern went straight to an urgent route (danger, safeguarding, fraud, crime, harm)."""
    return row.route == ESCALATE_NOW_ROUTE


def is_formal_chosen(row: CaseRow) -> bool:
    """The manager chose a formal process (the capability procedure included)."""
    return row.decision in FORMAL_DECISIONS


def counts_towards_diversion_rate(row: CaseRow) -> bool:
    """A decision, not just advice or a check first, was made on a concern that was not escalated."""
    return row.decision is not None and row.decision not in UNDECIDED_DECISIONS and not is_escalated(row)


def is_diverted(row: CaseRow) -> bool:
    """A decided case whose decision avoids a formal disciplinary investigation."""
    return (
        counts_towards_diversion_rate(row)
        and not is_formal_chosen(row)
        and row.decision not in INTERIM_DECISIONS
    )


def rate(part: int, whole: int) -> Optional[float]:
    """``part / whole`` rounded to four places; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class FeedbackFigures:
    """What managers said about Pause itself."""

    responses: int
    helpfulness_counts: Dict[int, int]
    helpfulness_mean: Optional[float]
    would_recommend_yes: int
    would_recommend_no: int
    would_recommend_rate: Optional[float]

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON (score keys become strings)."""
        return {
            "responses": self.responses,
            "helpfulness_counts": {str(score): n for score, n in self.helpfulness_counts.items()},
            "helpfulness_mean": self.helpfulness_mean,
            "would_recommend_yes": self.would_recommend_yes,
            "would_recommend_no": self.would_recommend_no,
            "would_recommend_rate": self.would_recommend_rate,
        }


@dataclass(frozen=True)
class MonthFigures:
    """One calendar month (UTC) of the pilot."""

    month: str
    cases: Optional[int]
    escalated: Optional[int]
    decided: Optional[int]
    diverted: Optional[int]
    diversion_rate: Optional[float]

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON."""
        return {
            "month": self.month,
            "cases": self.cases,
            "escalated": self.escalated,
            "decided": self.decided,
            "diverted": self.diverted,
            "diversion_rate": self.diversion_rate,
        }


@dataclass(frozen=True)
class PilotFigures:
    """Every figure of the pilot report, demo cases left out."""

    cases: int
    demo_excluded: int
    escalated: int
    decided: int
    formal_chosen: int
    overrides: int
    diverted: int
    diversion_rate: Optional[float]
    followed_up: int
    diverted_then_formal: int
    by_concern_type: Dict[str, Optional[int]]
    by_route: Dict[str, Optional[int]]
    by_decision: Dict[str, Optional[int]]
    by_channel: Dict[str, int]
    follow_up_outcomes: Dict[str, Optional[int]]
    feedback: FeedbackFigures
    by_month: Tuple[MonthFigures, ...] = field(default=())
    undecided: int = 0
    diverted_followed_up: int = 0
    suppressed_below: int = 1
    suspension_answered: int = 0
    suspension_considered: int = 0
    suspension_used: int = 0
    fairness: FairnessFigures = field(default_factory=lambda: fairness_figures(()))

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON, headline figures first."""
        return {
            "cases": self.cases,
            "escalated": self.escalated,
            "decided": self.decided,
            "formal_chosen": self.formal_chosen,
            "overrides": self.overrides,
            "diverted": self.diverted,
            "diversion_rate": self.diversion_rate,
            "followed_up": self.followed_up,
            "diverted_then_formal": self.diverted_then_formal,
            "undecided": self.undecided,
            "diverted_followed_up": self.diverted_followed_up,
            "diverted_then_formal_rate": rate(self.diverted_then_formal, self.diverted_followed_up),
            "suspension_answered": self.suspension_answered,
            "suspension_considered": self.suspension_considered,
            "suspension_used": self.suspension_used,
            "demo_excluded": self.demo_excluded,
            "by_concern_type": dict(self.by_concern_type),
            "by_route": dict(self.by_route),
            "by_decision": dict(self.by_decision),
            "by_channel": dict(self.by_channel),
            "follow_up_outcomes": dict(self.follow_up_outcomes),
            "feedback": self.feedback.as_dict(),
            "by_month": [month.as_dict() for month in self.by_month],
            "fairness": self.fairness.as_dict(),
            "suppressed_below": self.suppressed_below,
        }


@dataclass(frozen=True)
class ImpactEstimate:
    """A rough, assumption-laden estimate of what the diverted cases may have avoided."""

    diverted: int
    cost_per_investigation_gbp: int
    days_per_investigation: int

    @property
    def cost_avoided_gbp(self) -> int:
        """Diverted cases times the assumed cost of one investigation."""
        return self.diverted * self.cost_per_investigation_gbp

    @property
    def investigation_days_avoided(self) -> int:
        """Diverted cases times the assumed elapsed length of one investigation, in case days
        (calendar days a case is open, not sickness days)."""
        return self.diverted * self.days_per_investigation

    @property
    def assumptions(self) -> Tuple[str, ...]:
        """The assumptions behind the estimate, to be shown wherever it is shown."""
        return (
            "Every diverted case is counted as one formal investigation that did not happen; "
            "some would never have become one, so this is an upper estimate.",
            f"One investigation is assumed to cost £{self.cost_per_investigation_gbp:,}, "
            "the organisation's own figure (PAUSE_INVESTIGATION_COST_GBP).",
            f"One investigation is assumed to stay open {self.days_per_investigation} elapsed "
            "case days (PAUSE_INVESTIGATION_DAYS; one NHS Wales health board measured an average "
            "of 156 days per misconduct investigation). These are calendar days a case is open, "
            "not sickness days.",
            "Later follow-ups are not subtracted: a diverted case that went formal after all "
            "still counts here.",
        )

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON, assumptions included."""
        return {
            "diverted": self.diverted,
            "cost_per_investigation_gbp": self.cost_per_investigation_gbp,
            "days_per_investigation": self.days_per_investigation,
            "cost_avoided_gbp": self.cost_avoided_gbp,
            "investigation_days_avoided": self.investigation_days_avoided,
            "investigation_days_are": "elapsed case days, not sickness days",
            "assumptions": list(self.assumptions),
        }


def pilot_rows(rows: Iterable[CaseRow]) -> List[CaseRow]:
    """The rows that count for the pilot: demo cases left out."""
    return [row for row in rows if not row.demo]


def suppressed(count: int, below: int) -> Optional[int]:
    """The count, or None when it is small enough to point to a person (1 up to ``below`` - 1)."""
    return None if 0 < count < below else count


def _suppressed_counts(counts: Dict[str, int], below: int) -> Dict[str, Optional[int]]:
    return {key: suppressed(count, below) for key, count in counts.items()}


def pilot_figures(rows: Sequence[CaseRow], suppress_below: int = DEFAULT_SUPPRESS_BELOW) -> PilotFigures:
    """Compute every pilot figure from the rows of a period (demo rows are left out here).

    Monthly and per-type counts below ``suppress_below`` are None (1 turns suppression off).
    """
    below = max(1, suppress_below)
    counted = pilot_rows(rows)
    diverted = [row for row in counted if is_diverted(row)]
    decided = [row for row in counted if counts_towards_diversion_rate(row)]
    return PilotFigures(
        cases=len(counted),
        demo_excluded=len(rows) - len(counted),
        escalated=sum(1 for row in counted if is_escalated(row)),
        decided=len(decided),
        formal_chosen=sum(1 for row in counted if is_formal_chosen(row)),
        overrides=sum(1 for row in counted if row.override),
        diverted=len(diverted),
        diversion_rate=rate(len(diverted), len(decided)),
        followed_up=sum(1 for row in counted if row.follow_ups),
        diverted_then_formal=sum(
            1 for row in diverted if FORMAL_FOLLOW_UPS.intersection(row.follow_ups)
        ),
        by_concern_type=_suppressed_counts(_tally(row.concern_type for row in counted), below),
        by_route=_suppressed_counts(_tally(row.route for row in counted), below),
        by_decision=_suppressed_counts(
            _tally(row.decision for row in counted if row.decision is not None), below
        ),
        by_channel=_tally(row.channel for row in counted),
        follow_up_outcomes=_suppressed_counts(
            _tally(row.latest_follow_up for row in counted if row.latest_follow_up is not None),
            below,
        ),
        feedback=feedback_figures(counted),
        by_month=monthly_figures(counted, below),
        undecided=sum(
            1 for row in counted if row.decision in UNDECIDED_DECISIONS and not is_escalated(row)
        ),
        diverted_followed_up=sum(1 for row in diverted if row.follow_ups),
        suppressed_below=below,
        suspension_answered=sum(1 for row in counted if row.suspension_considered is not None),
        suspension_considered=sum(1 for row in counted if row.suspension_considered),
        suspension_used=sum(1 for row in counted if row.suspension_used),
        fairness=fairness_figures(counted, below),
    )


def feedback_figures(rows: Sequence[CaseRow]) -> FeedbackFigures:
    """Helpfulness scores and recommendations from the given (non-demo) rows."""
    scores = [row.helpfulness for row in rows if row.helpfulness is not None]
    yes = sum(1 for row in rows if row.would_recommend is True)
    no = sum(1 for row in rows if row.would_recommend is False)
    score_counts = Counter(scores)
    return FeedbackFigures(
        responses=sum(
            1 for row in rows if row.helpfulness is not None or row.would_recommend is not None
        ),
        helpfulness_counts={score: score_counts.get(score, 0) for score in HELPFULNESS_SCALE},
        helpfulness_mean=round(sum(scores) / len(scores), 2) if scores else None,
        would_recommend_yes=yes,
        would_recommend_no=no,
        would_recommend_rate=rate(yes, yes + no),
    )


def monthly_figures(rows: Sequence[CaseRow], suppress_below: int = 1) -> Tuple[MonthFigures, ...]:
    """One entry per calendar month from the first case to the last, empty months included.

    Counts below ``suppress_below`` are None, and so is the rate when either of its counts is.
    """
    if not rows:
        return ()
    by_month: Dict[str, List[CaseRow]] = {}
    for row in rows:
        by_month.setdefault(_month(row.created_at), []).append(row)
    months = _months_between(min(by_month), max(by_month))
    figures = []
    for month in months:
        month_rows = by_month.get(month, [])
        diverted = sum(1 for row in month_rows if is_diverted(row))
        decided = sum(1 for row in month_rows if counts_towards_diversion_rate(row))
        shown_decided = suppressed(decided, suppress_below)
        shown_diverted = suppressed(diverted, suppress_below)
        hidden = shown_decided is None or shown_diverted is None
        figures.append(
            MonthFigures(
                month=month,
                cases=suppressed(len(month_rows), suppress_below),
                escalated=suppressed(
                    sum(1 for row in month_rows if is_escalated(row)), suppress_below
                ),
                decided=shown_decided,
                diverted=shown_diverted,
                diversion_rate=None if hidden else rate(diverted, decided),
            )
        )
    return tuple(figures)


def impact_estimate(
    figures: PilotFigures, cost_per_investigation_gbp: Optional[int], days_per_investigation: int
) -> Optional[ImpactEstimate]:
    """The optional impact estimate: diverted cases times an assumed cost and length.

    Off (None) unless the organisation has set its own cost per investigation: Pause has no
    sourced figure of its own to offer.
    """
    if cost_per_investigation_gbp is None:
        return None
    return ImpactEstimate(
        diverted=figures.diverted,
        cost_per_investigation_gbp=cost_per_investigation_gbp,
        days_per_investigation=days_per_investigation,
    )


def _tally(values: Iterable[Optional[str]]) -> Dict[str, int]:
    counts = Counter(value for value in values if value is not None)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def _months_between(first: str, last: str) -> List[str]:
    year, month = (int(part) for part in first.split("-"))
    months = []
    while True:
        label = f"{year:04d}-{month:02d}"
        months.append(label)
        if label >= last:
            return months
        month += 1
        if month > 12:
            year, month = year + 1, 1


BASELINE_NOTE = (
    "This is the organisation's own count of formal disciplinary investigations in a year before "
    "the pilot, per 1,000 staff. Compare it with the same count from the same system for a year of "
    "the pilot. It is not the Aneurin Bevan 71% measure: that was the fall in investigations a year "
    "across a whole health board after it reworked its initial investigation assessment and trained "
    "its managers and investigators. Pause's own figures count only the concerns managers chose to "
    "reflect on, and what they intended at the end of the chat, so they cannot show such a fall alone."
)


@dataclass(frozen=True)
class BaselineFigures:
    """The organisation's pre-pilot baseline as entered in its content file."""

    year: str
    formal_investigations: int
    headcount: int
    source: str

    @property
    def per_thousand_staff(self) -> float:
        """Formal investigations a year per 1,000 staff, to one decimal place."""
        return round(self.formal_investigations * 1000 / self.headcount, 1)

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON, with the note on what it can and cannot be compared with."""
        return {
            "year": self.year,
            "formal_investigations": self.formal_investigations,
            "headcount": self.headcount,
            "per_1000_staff": self.per_thousand_staff,
            "source": self.source,
            "note": BASELINE_NOTE,
        }

"""The fairness section of the pilot report: the disproportion figure and the fairness check.

The relative likelihood takes the form of the NHS Workforce Race Equality Standard's indicator 3:
(BME formal / BME cases) / (white formal / white cases). WRES divides by the workforce; here the
cases are the concerns managers reflected on with equality monitoring answered, so the figure says
whether, once a concern reached Pause, a formal process was chosen more often for Black and
minority ethnic colleagues than for white ones. *Formal* here is a formal disciplinary process
(decision ``formal``); the capability procedure is not the disciplinary process WRES counts.

Small numbers mislead twice: they can point to a person, and a ratio of small counts swings
widely by chance. So counts from 1 up to the suppression threshold are suppressed, the figure is
withheld when any of its four counts is, and it always comes with an approximate 95% interval and
a plain sentence saying how far it can be trusted.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Sequence, Tuple

from bot.equality import BME, EMPLOYMENT_TYPES, ETHNIC_GROUPS, STAFF_GROUPS, WHITE
from bot.report.rows import CaseRow
from bot.store.models import FORMAL_DECISION

# Below this many cases in either group the interval itself is rough (a rule of thumb).
RELIABLE_MIN_CASES = 30
# The normal quantile for an approximate 95% interval.
_Z95 = 1.96
# Answers to the reflection's fairness check that ask the manager to look again.
FAIRNESS_CONCERNS = ("no", "unsure")
FAIRNESS_ANSWERS = ("yes",) + FAIRNESS_CONCERNS

FORMAL_MEANS = "a formal disciplinary process (decision 'formal'); the capability procedure is not counted"
NO_MONITORING_NOTE = (
    "No equality monitoring answers were recorded for this period, so there is no figure to show. "
    "Monitoring is off unless the organisation switches it on in its content file."
)


def is_formal_disciplinary(row: CaseRow) -> bool:
    """The manager chose a formal disciplinary process (not the capability procedure)."""
    return row.decision == FORMAL_DECISION


def _shown(count: int, below: int) -> Optional[int]:
    """The count, or None when it is small enough to point to a person (1 up to ``below`` - 1)."""
    return None if 0 < count < below else count


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class GroupFigures:
    """Cases and formal decisions for one group; counts may be suppressed (None)."""

    group: str
    cases: Optional[int]
    formal: Optional[int]
    formal_rate: Optional[float]

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON."""
        return {"group": self.group, "cases": self.cases, "formal": self.formal, "formal_rate": self.formal_rate}


def group_figures(rows: Sequence[CaseRow], group: str, below: int) -> GroupFigures:
    """Cases and formal decisions among the given rows, suppressed below the threshold."""
    cases = len(rows)
    formal = sum(1 for row in rows if is_formal_disciplinary(row))
    shown_cases, shown_formal = _shown(cases, below), _shown(formal, below)
    hidden = shown_cases is None or shown_formal is None
    return GroupFigures(group, shown_cases, shown_formal, None if hidden else _rate(formal, cases))


@dataclass(frozen=True)
class RelativeLikelihood:
    """The WRES indicator 3 form: how many times as likely a formal decision is for BME colleagues
    as for white colleagues. ``value`` is None when it cannot be computed or is withheld;
    ``note`` says why, or how far it can be trusted."""

    value: Optional[float]
    low: Optional[float]
    high: Optional[float]
    bme_cases: Optional[int]
    bme_formal: Optional[int]
    white_cases: Optional[int]
    white_formal: Optional[int]
    note: str

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON."""
        return {
            "value": self.value,
            "interval_95": None if self.low is None else [self.low, self.high],
            "bme_cases": self.bme_cases,
            "bme_formal": self.bme_formal,
            "white_cases": self.white_cases,
            "white_formal": self.white_formal,
            "note": self.note,
        }


def relative_likelihood(
    bme_cases: int, bme_formal: int, white_cases: int, white_formal: int, below: int = 1
) -> RelativeLikelihood:
    """(BME formal / BME cases) / (white formal / white cases), with an approximate 95% interval.

    The interval is the usual one for a ratio of two proportions (on the log scale); it needs at
    least one formal decision in each group. Withheld (None) when any count is suppressed, and not
    computed when there is nothing to divide by.
    """
    shown = [_shown(count, below) for count in (bme_cases, bme_formal, white_cases, white_formal)]

    def result(value: Optional[float], low: Optional[float], high: Optional[float], note: str) -> RelativeLikelihood:
        return RelativeLikelihood(value, low, high, *shown, note=note)

    if any(count is None for count in shown):
        return result(
            None, None, None,
            f"Not shown: at least one of its counts is below {below}, small enough to point to a "
            "person, and far too few to judge by.",
        )
    if not bme_cases or not white_cases:
        return result(
            None, None, None,
            "Not computed: it needs monitored cases for both Black and minority ethnic and white colleagues.",
        )
    if not white_formal:
        return result(
            None, None, None,
            "Not computed: no formal process was chosen for a white colleague, so there is nothing "
            "to compare with.",
        )
    value = (bme_formal / bme_cases) / (white_formal / white_cases)
    low = high = None
    if bme_formal:
        spread = _Z95 * math.sqrt(1 / bme_formal - 1 / bme_cases + 1 / white_formal - 1 / white_cases)
        low, high = round(value * math.exp(-spread), 2), round(value * math.exp(spread), 2)
    return result(round(value, 2), low, high, _trust_note(value, low, high, min(bme_cases, white_cases)))


def _trust_note(value: float, low: Optional[float], high: Optional[float], fewest: int) -> str:
    """How far the figure can be trusted, in plain words."""
    meaning = (
        "1.0 would mean a formal process was equally likely for Black and minority ethnic and for "
        "white colleagues; "
        + (
            f"{value:.2f} means it was chosen {value:.2f} times as often for Black and minority "
            "ethnic colleagues."
            if value
            else "0.00 means it was not chosen for any Black or minority ethnic colleague."
        )
    )
    if low is None:
        chance = "With no formal process to count in one group, no interval can be given."
    elif low <= 1.0 <= high:
        chance = (
            f"The approximate 95% interval, {low:.2f} to {high:.2f}, includes 1.0: the difference "
            "could well be chance."
        )
    else:
        chance = (
            f"The approximate 95% interval, {low:.2f} to {high:.2f}, does not include 1.0: the "
            "difference is unlikely to be chance alone, and the decisions behind it deserve a look."
        )
    if fewest < RELIABLE_MIN_CASES:
        chance += (
            f" With fewer than {RELIABLE_MIN_CASES} cases in a group even the interval is rough: "
            "read this as a prompt to look, not as evidence either way."
        )
    return f"{meaning} {chance}"


@dataclass(frozen=True)
class FairnessFigures:
    """The fairness section: monitoring by group, the disproportion figure, the fairness check."""

    monitored: int
    by_ethnic_group: Tuple[GroupFigures, ...]
    relative_likelihood: Optional[RelativeLikelihood]
    by_staff_group: Tuple[GroupFigures, ...]
    by_employment: Tuple[GroupFigures, ...]
    fairness_check_asked: int
    fairness_check_concerns: int
    decisions_after_concern: Dict[str, Optional[int]]
    suppressed_below: int

    @property
    def fairness_check_concern_rate(self) -> Optional[float]:
        """The share of asked fairness checks answered "no" or "not sure"."""
        return _rate(self.fairness_check_concerns, self.fairness_check_asked)

    @property
    def note(self) -> str:
        """What the figure means, or why there is none."""
        return self.relative_likelihood.note if self.relative_likelihood else NO_MONITORING_NOTE

    def as_dict(self) -> Dict[str, Any]:
        """Plain data for JSON."""
        return {
            "monitored_cases": self.monitored,
            "by_ethnic_group": [group.as_dict() for group in self.by_ethnic_group],
            "relative_likelihood": self.relative_likelihood.as_dict() if self.relative_likelihood else None,
            "note": self.note,
            "by_staff_group": [group.as_dict() for group in self.by_staff_group],
            "by_employment": [group.as_dict() for group in self.by_employment],
            "fairness_check_asked": self.fairness_check_asked,
            "fairness_check_no_or_unsure": self.fairness_check_concerns,
            "fairness_check_no_or_unsure_rate": self.fairness_check_concern_rate,
            "decisions_after_no_or_unsure": dict(self.decisions_after_concern),
            "formal_means": FORMAL_MEANS,
        }


def fairness_figures(rows: Sequence[CaseRow], below: int = 1) -> FairnessFigures:
    """The fairness section from the pilot's (non-demo) rows."""
    monitored = [row for row in rows if row.ethnic_group is not None]
    by_ethnic = _grouped(monitored, "ethnic_group")
    bme, white = by_ethnic.get(BME, []), by_ethnic.get(WHITE, [])
    likelihood = None
    if monitored:
        likelihood = relative_likelihood(
            len(bme),
            sum(1 for row in bme if is_formal_disciplinary(row)),
            len(white),
            sum(1 for row in white if is_formal_disciplinary(row)),
            below,
        )
    checked = [row for row in rows if row.fairness_check in FAIRNESS_ANSWERS]
    concerns = [row for row in checked if row.fairness_check in FAIRNESS_CONCERNS]
    return FairnessFigures(
        monitored=len(monitored),
        by_ethnic_group=_figures_by(monitored, "ethnic_group", ETHNIC_GROUPS, below),
        relative_likelihood=likelihood,
        by_staff_group=_figures_by(
            [row for row in rows if row.staff_group is not None], "staff_group", STAFF_GROUPS, below
        ),
        by_employment=_figures_by(
            [row for row in rows if row.employment_type is not None], "employment_type", EMPLOYMENT_TYPES, below
        ),
        fairness_check_asked=len(checked),
        fairness_check_concerns=len(concerns),
        decisions_after_concern=_decision_counts(concerns, below),
        suppressed_below=below,
    )


def _decision_counts(rows: Sequence[CaseRow], below: int) -> Dict[str, Optional[int]]:
    """How many of the rows ended in each decision, most first, small counts suppressed."""
    counts = Counter(row.decision for row in rows if row.decision)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {decision: _shown(count, below) for decision, count in ordered}


def _grouped(rows: Iterable[CaseRow], attribute: str) -> Dict[str, list]:
    groups: Dict[str, list] = {}
    for row in rows:
        groups.setdefault(getattr(row, attribute), []).append(row)
    return groups


def _figures_by(
    rows: Sequence[CaseRow], attribute: str, order: Tuple[str, ...], below: int
) -> Tuple[GroupFigures, ...]:
    """Every group in its fixed order (ethnic groups always, others only when they have cases)."""
    groups = _grouped(rows, attribute)
    always = attribute == "ethnic_group" and bool(rows)
    return tuple(
        group_figures(groups.get(group, []), group, below) for group in order if always or groups.get(group)
    )


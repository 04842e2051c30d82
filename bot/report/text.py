"""The pilot report as a plain table for the terminal."""

from __future__ import annotations

import textwrap
from typing import Dict, List, Optional, Tuple

from bot.report.fairness import FairnessFigures, GroupFigures
from bot.report.figures import BASELINE_NOTE, BaselineFigures, ImpactEstimate, PilotFigures, rate
from bot.report.labels import label
from bot.report.rows import ReportPeriod

_WIDTH = 46


def describe_period(period: ReportPeriod) -> str:
    """The period and organisation a report covers, in words."""
    if period.since and period.until:
        dates = f"{period.since.isoformat()} to {period.until.isoformat()}"
    elif period.since:
        dates = f"from {period.since.isoformat()}"
    elif period.until:
        dates = f"up to {period.until.isoformat()}"
    else:
        dates = "all dates"
    organisation = period.organisation or "all organisations"
    return f"{dates}, {organisation} (UTC dates)"


def render_table(
    figures: PilotFigures,
    period: ReportPeriod,
    estimate: Optional[ImpactEstimate] = None,
    baseline: Optional[BaselineFigures] = None,
) -> str:
    """The report as aligned plain text."""
    lines: List[str] = ["Pause pilot report", f"Covers: {describe_period(period)}", ""]
    lines += _section(
        "Headline figures",
        [
            ("Concerns reflected on", str(figures.cases)),
            ("Escalated at once (do not delay)", str(figures.escalated)),
            ("Decisions made (not escalated)", str(figures.decided)),
            ("Undecided: HR or a check first", str(figures.undecided)),
            ("Diverted from a formal investigation", str(figures.diverted)),
            ("Diversion rate", _share(figures.diversion_rate, figures.diverted, figures.decided)),
            ("Formal process chosen", str(figures.formal_chosen)),
            ("  of which against the recommendation", str(figures.overrides)),
            ("Cases with a follow-up", str(figures.followed_up)),
            (
                "Diverted, later formal after all",
                _share(
                    rate(figures.diverted_then_formal, figures.diverted_followed_up),
                    figures.diverted_then_formal,
                    figures.diverted_followed_up,
                ),
            ),
            (
                "Suspension or exclusion considered",
                _share(
                    rate(figures.suspension_considered, figures.suspension_answered),
                    figures.suspension_considered,
                    figures.suspension_answered,
                ),
            ),
            (
                "Suspension or exclusion used",
                _share(
                    rate(figures.suspension_used, figures.suspension_answered),
                    figures.suspension_used,
                    figures.suspension_answered,
                ),
            ),
            ("Demo cases left out", str(figures.demo_excluded)),
        ],
    )
    lines += _section("By concern type", _labelled(figures.by_concern_type, figures.suppressed_below))
    lines += _section("By recommended route", _labelled(figures.by_route, figures.suppressed_below))
    lines += _section("By decision", _labelled(figures.by_decision, figures.suppressed_below))
    lines += _section("Latest follow-up", _labelled(figures.follow_up_outcomes, figures.suppressed_below))
    if figures.suppressed_below > 1:
        lines += [
            f"Counts from 1 to {figures.suppressed_below - 1} by type or month are shown as "
            f"<{figures.suppressed_below}, so that no one can be recognised from them.",
            "",
        ]
    feedback = figures.feedback
    lines += _section(
        "Feedback",
        [
            ("Responses", str(feedback.responses)),
            (
                "Average helpfulness (1 to 5)",
                "-" if feedback.helpfulness_mean is None else f"{feedback.helpfulness_mean:.2f}",
            ),
            ("Would recommend", f"{feedback.would_recommend_yes}"),
            ("Would not recommend", f"{feedback.would_recommend_no}"),
        ],
    )
    lines += fairness_lines(figures.fairness)
    if baseline is not None:
        lines += _section(
            f"Before the pilot ({baseline.year}, the organisation's own figures)",
            [
                ("Formal investigations in the year", f"{baseline.formal_investigations:,}"),
                ("Headcount", f"{baseline.headcount:,}"),
                ("Per 1,000 staff a year", f"{baseline.per_thousand_staff}"),
            ],
        )
        lines += [f"Source: {baseline.source}", BASELINE_NOTE, ""]
    if estimate is not None:
        lines += _section(
            "Impact estimate (an estimate, not a measurement)",
            [
                ("Investigation cost possibly avoided", f"£{estimate.cost_avoided_gbp:,}"),
                ("Elapsed case days possibly avoided", f"{estimate.investigation_days_avoided:,}"),
            ],
        )
        lines += ["Assumptions:"] + [f"  - {assumption}" for assumption in estimate.assumptions]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def fairness_lines(fairness: FairnessFigures) -> List[str]:
    """The fairness section: the disproportion figure by ethnic group, then the fairness check."""
    below = fairness.suppressed_below
    items = [("Cases with equality monitoring answered", str(fairness.monitored))]
    items += [
        (f"{label(group.group)}: formal of cases", _group_share(group, below))
        for group in fairness.by_ethnic_group
    ]
    likelihood = fairness.relative_likelihood
    if likelihood is not None:
        items.append(
            (
                "Relative likelihood of formal, BME vs white",
                _likelihood(likelihood.value, likelihood.low, likelihood.high),
            )
        )
    concerns = _share(
        fairness.fairness_check_concern_rate, fairness.fairness_check_concerns, fairness.fairness_check_asked
    )
    items.append(("Fairness check answered no or not sure", concerns))
    lines = _section("Fairness", items)
    lines += textwrap.wrap(fairness.note, 96) + [""]
    if fairness.decisions_after_concern:
        lines += _section(
            "Decided after a fairness check of no or not sure",
            _labelled(fairness.decisions_after_concern, below),
        )
    breakdowns = (
        ("Formal of cases, by staff group", fairness.by_staff_group),
        ("Formal of cases, by employment", fairness.by_employment),
    )
    for title, groups in breakdowns:
        if groups:
            lines += _section(title, [(label(group.group), _group_share(group, below)) for group in groups])
    return lines


def _group_share(group: GroupFigures, below: int) -> str:
    """A group's formal decisions of its cases, e.g. "2 of 10 (20%)"; a suppressed count reads "<5"."""
    cases = f"<{below}" if group.cases is None else str(group.cases)
    formal = f"<{below}" if group.formal is None else str(group.formal)
    shown = f"{formal} of {cases}"
    return shown if group.formal_rate is None else f"{shown} ({group.formal_rate:.0%})"


def _likelihood(value: Optional[float], low: Optional[float], high: Optional[float]) -> str:
    """The relative likelihood with its interval when there is one; "-" when there is no figure."""
    if value is None:
        return "-"
    return f"{value:.2f}" if low is None else f"{value:.2f} (95%: {low:.2f}-{high:.2f})"


def _share(value: Optional[float], part: int, whole: int) -> str:
    """A rate with its count and denominator, e.g. "60% (3 of 5)"; "-" with nothing decided."""
    return "-" if value is None else f"{value:.0%} ({part} of {whole})"


def _labelled(counts: Dict[str, Optional[int]], below: int = 1) -> List[Tuple[str, str]]:
    """Labelled counts; a suppressed (small) count reads "<5"."""
    return [(label(code), f"<{below}" if count is None else str(count)) for code, count in counts.items()]


def _section(title: str, items: List[Tuple[str, str]]) -> List[str]:
    lines = [title, "-" * len(title)]
    if not items:
        lines.append("  (none)")
    for name, value in items:
        lines.append(f"  {name:<{_WIDTH}} {value:>8}")
    lines.append("")
    return lines

"""The pilot report as one self-contained HTML page: inline styles and SVG, nothing fetched."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Dict, List, Optional, Tuple

from bot.report.charts import bar_chart, column_chart, line_chart, percent
from bot.report.fairness import FairnessFigures, GroupFigures
from bot.report.figures import BASELINE_NOTE, BaselineFigures, ImpactEstimate, PilotFigures
from bot.report.labels import label
from bot.report.rows import ReportPeriod
from bot.report.text import describe_period

_STYLE = """
body { font-family: Arial, sans-serif; color: #212b32; background: #f0f4f5; margin: 0; }
main { max-width: 760px; margin: 0 auto; padding: 24px; background: #ffffff; }
h1 { color: #005eb8; margin-bottom: 4px; }
h2 { border-bottom: 2px solid #005eb8; padding-bottom: 4px; margin-top: 32px; }
.meta { color: #4c6272; margin-top: 0; }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px;
  padding: 0; list-style: none; }
.headline li { border: 1px solid #d8dde0; border-radius: 4px; padding: 12px; }
.headline strong { display: block; font-size: 28px; color: #005eb8; }
figure.chart { margin: 16px 0 24px; }
figure.chart figcaption { font-weight: bold; margin-bottom: 6px; }
svg.chart-svg { max-width: 100%; height: auto; }
details { font-size: 14px; color: #4c6272; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 2px 12px 2px 0; }
.estimate { background: #fff9c4; border-left: 6px solid #ffeb3b; padding: 8px 16px; }
footer { color: #4c6272; font-size: 14px; margin-top: 32px; }
"""


def render_html(
    figures: PilotFigures,
    period: ReportPeriod,
    generated_at: datetime,
    estimate: Optional[ImpactEstimate] = None,
    baseline: Optional[BaselineFigures] = None,
) -> str:
    """The whole report page as a string."""
    sections = [
        _headline(figures),
        "<h2>Over time</h2>",
        column_chart(
            "cases-over-time",
            "Concerns reflected on, per month",
            [(month.month, month.cases) for month in figures.by_month if month.cases is not None],
        ),
        line_chart(
            "diversion-rate-trend",
            "Diversion rate per month (decided, non-urgent cases)",
            [
                (month.month, month.diversion_rate if month.decided else None)
                for month in figures.by_month
                if month.cases is not None
            ],
        ),
        f"<p>Counts from 1 to {figures.suppressed_below - 1} in a month or a type are not shown, "
        "so that no one can be recognised from them.</p>" if figures.suppressed_below > 1 else "",
        "<h2>What the concerns were and where they went</h2>",
        bar_chart("routes", "Recommended routes", _labelled(figures.by_route)),
        bar_chart("concern-types", "Concern types", _labelled(figures.by_concern_type)),
        bar_chart("decisions", "What managers decided", _labelled(figures.by_decision)),
        "<h2>What happened next</h2>",
        bar_chart(
            "follow-up-outcomes",
            "Follow-up outcomes (latest update per case)",
            _labelled(figures.follow_up_outcomes),
        ),
        "<h2>Feedback</h2>",
        bar_chart(
            "helpfulness",
            "Did this help? (1 = not at all, 5 = very much)",
            [(str(score), count) for score, count in figures.feedback.helpfulness_counts.items()],
        ),
        bar_chart(
            "would-recommend",
            "Would you recommend it?",
            [
                ("Yes", figures.feedback.would_recommend_yes),
                ("No", figures.feedback.would_recommend_no),
            ],
        ),
        _fairness(figures.fairness),
    ]
    if baseline is not None:
        sections.append(
            "<h2>Before the pilot</h2>"
            f"<p>{escape(baseline.year)}: {baseline.formal_investigations:,} formal investigations, "
            f"headcount {baseline.headcount:,}: {baseline.per_thousand_staff} per 1,000 staff a year "
            f"(source: {escape(baseline.source)}).</p>"
            f"<p>{escape(BASELINE_NOTE)}</p>"
        )
    if estimate is not None:
        sections.append(_estimate(estimate))
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Pause pilot report</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        "<h1>Pause pilot report</h1>\n"
        f'<p class="meta">Covers {escape(describe_period(period))}. '
        f"Generated {escape(generated_at.strftime('%d %B %Y, %H:%M UTC'))}.</p>\n"
        f"{body}\n"
        "<footer><p>"
        f"Demo and training cases are left out of every figure ({figures.demo_excluded} left out). "
        "Pause stores categories, answers and reason codes, never the story behind a concern."
        "</p></footer>\n</main>\n</body>\n</html>\n"
    )


def _headline(figures: PilotFigures) -> str:
    items: List[Tuple[str, str]] = [
        ("Concerns reflected on", str(figures.cases)),
        ("Escalated at once", str(figures.escalated)),
        ("Diverted from a formal process", str(figures.diverted)),
        (
            "Diversion rate",
            percent(figures.diversion_rate)
            + ("" if figures.diversion_rate is None else f" ({figures.diverted} of {figures.decided})"),
        ),
        ("Formal process chosen", str(figures.formal_chosen)),
        ("Cases with a follow-up", str(figures.followed_up)),
    ]
    cells = "".join(
        f"<li><strong>{escape(value)}</strong>{escape(name)}</li>" for name, value in items
    )
    return f'<h2>Headline figures</h2>\n<ul class="headline">{cells}</ul>'


def _estimate(estimate: ImpactEstimate) -> str:
    assumptions = "".join(f"<li>{escape(text)}</li>" for text in estimate.assumptions)
    return (
        "<h2>Impact estimate</h2>\n"
        '<div class="estimate">'
        "<p>An estimate from assumptions, not a measurement.</p>"
        f"<p>Investigation cost possibly avoided: <strong>£{estimate.cost_avoided_gbp:,}</strong>"
        f" ({estimate.diverted} diverted × £{estimate.cost_per_investigation_gbp:,}).</p>"
        f"<p>Elapsed case days possibly avoided (not sickness days): "
        f"<strong>{estimate.investigation_days_avoided:,}</strong>"
        f" ({estimate.diverted} diverted × {estimate.days_per_investigation} days).</p>"
        f"<p>Assumptions:</p><ul>{assumptions}</ul></div>"
    )


def _fairness(fairness: FairnessFigures) -> str:
    """The disproportion figure by ethnic group, its note, the fairness check and the breakdowns."""
    below = fairness.suppressed_below
    parts = ['<h2 id="fairness">Fairness</h2>']
    parts.append(f"<p>Cases with equality monitoring answered: <strong>{fairness.monitored}</strong>.</p>")
    if fairness.by_ethnic_group:
        parts.append(_group_table("ethnic-groups", "Ethnic group", fairness.by_ethnic_group, below))
    likelihood = fairness.relative_likelihood
    if likelihood is not None and likelihood.value is not None:
        interval = ""
        if likelihood.low is not None:
            interval = f" (approximate 95% interval {likelihood.low:.2f} to {likelihood.high:.2f})"
        parts.append(
            "<p>Relative likelihood of a formal process, Black and minority ethnic compared with white "
            "colleagues (the form of WRES indicator 3): "
            f"<strong>{likelihood.value:.2f}</strong>{escape(interval)}.</p>"
        )
    parts.append(f'<p class="note">{escape(fairness.note)}</p>')
    share = "-"
    if fairness.fairness_check_concern_rate is not None:
        share = (
            f"{percent(fairness.fairness_check_concern_rate)} "
            f"({fairness.fairness_check_concerns} of {fairness.fairness_check_asked})"
        )
    parts.append(f"<p>Fairness check answered no or not sure: <strong>{escape(share)}</strong>.</p>")
    parts.append(
        bar_chart(
            "decisions-after-fairness-concern",
            "Decided after a fairness check of no or not sure",
            _labelled(fairness.decisions_after_concern),
        )
    )
    if fairness.by_staff_group:
        parts.append(_group_table("staff-groups", "Staff group", fairness.by_staff_group, below))
    if fairness.by_employment:
        parts.append(_group_table("employment", "Employment", fairness.by_employment, below))
    return "\n".join(parts)


def _group_table(table_id: str, heading: str, groups: Tuple[GroupFigures, ...], below: int) -> str:
    """Cases, formal decisions and their share for each group; small counts read "<5"."""

    def shown(count: Optional[int]) -> str:
        return f"<{below}" if count is None else str(count)

    rows = "".join(
        f"<tr><td>{escape(label(group.group))}</td><td>{escape(shown(group.cases))}</td>"
        f"<td>{escape(shown(group.formal))}</td><td>{escape(percent(group.formal_rate))}</td></tr>"
        for group in groups
    )
    return (
        f'<table id="{table_id}"><thead><tr><th>{escape(heading)}</th><th>Cases</th><th>Formal</th>'
        f"<th>Share formal</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _labelled(counts: Dict[str, Optional[int]]) -> List[Tuple[str, float]]:
    """Labelled counts for a chart; suppressed (small) counts are left out, as the page says."""
    return [(label(code), count) for code, count in counts.items() if count is not None]

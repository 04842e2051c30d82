"""The report's three renderings: terminal table, CSV and a self-contained HTML page."""

import csv
import io
import re
from dataclasses import replace
from datetime import date

from bot.report import (
    ReportPeriod,
    impact_estimate,
    pilot_figures,
    render_csv,
    render_html,
    render_table,
)
from bot.report.csv_export import CSV_COLUMNS
from tests.report.pilot_cases import case_rows, utc

CHART_IDS = (
    "cases-over-time",
    "diversion-rate-trend",
    "routes",
    "concern-types",
    "decisions",
    "follow-up-outcomes",
    "helpfulness",
    "would-recommend",
    "decisions-after-fairness-concern",
)


def html_page(rows=None, with_estimate=True) -> str:
    rows = case_rows() if rows is None else rows
    figures = pilot_figures(rows, suppress_below=1)
    estimate = impact_estimate(figures, 12000, 156) if with_estimate else None
    return render_html(figures, ReportPeriod(), utc(2025, 4, 1, 9), estimate)


def test_the_table_shows_the_headline_figures_and_the_period():
    figures = pilot_figures(case_rows(), suppress_below=1)
    table = render_table(
        figures, ReportPeriod(since=date(2025, 1, 1), organisation="example-trust")
    )
    assert "from 2025-01-01, example-trust" in table
    assert re.search(r"Concerns reflected on\s+8\n", table)
    assert re.search(r"Diverted from a formal investigation\s+3\n", table)
    assert re.search(r"Diversion rate\s+60% \(3 of 5\)\n", table)
    assert re.search(r"Diverted, later formal after all\s+50% \(1 of 2\)\n", table)
    assert re.search(r"Demo cases left out\s+2\n", table)
    assert "Escalated at once (do not delay)" in table
    assert "Impact estimate" not in table


def test_the_table_prints_the_estimate_with_its_assumptions():
    figures = pilot_figures(case_rows(), suppress_below=1)
    table = render_table(figures, ReportPeriod(), impact_estimate(figures, 12000, 156))
    assert re.search(r"Investigation cost possibly avoided\s+£36,000\n", table)
    assert re.search(r"Elapsed case days possibly avoided\s+468\n", table)
    assert "not sickness days" in table and "set by the organisation" not in table
    assert "Assumptions:" in table and "upper estimate" in table


def test_the_csv_has_one_row_per_real_case_and_only_codes():
    parsed = list(csv.DictReader(io.StringIO(render_csv(case_rows()))))
    assert len(parsed) == 8
    assert tuple(parsed[0].keys()) == CSV_COLUMNS
    assert "answers" not in CSV_COLUMNS
    first = parsed[0]
    assert first["created_at"] == "2025-01-10T09:00:00+00:00"
    assert first["route"] == "informal_resolution"
    assert first["follow_ups"] == "alternative_in_progress;resolved_informally"
    assert first["latest_follow_up"] == "resolved_informally"
    assert (first["helpfulness"], first["would_recommend"], first["override"]) == ("5", "yes", "no")
    overridden = [row for row in parsed if row["override"] == "yes"]
    assert [row["organisation"] for row in overridden] == ["other-trust"]


def test_the_html_page_is_self_contained():
    page = html_page()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page


def test_the_html_page_has_every_chart_as_inline_svg():
    page = html_page()
    assert page.count("<svg") == len(CHART_IDS)
    for chart_id in CHART_IDS:
        assert f'id="{chart_id}"' in page
    assert "<rect" in page and "<polyline" in page


def test_the_html_page_shows_the_estimate_beside_its_assumptions():
    page = html_page()
    assert "£36,000" in page and "468" in page
    assert "3 diverted × £12,000" in page
    assert "upper estimate" in page
    assert "Impact estimate" not in html_page(with_estimate=False)


def test_the_html_page_still_draws_its_charts_with_no_cases():
    page = html_page(rows=[])
    assert page.count("<svg") == len(CHART_IDS)
    assert "Nothing to show for this period yet" in page


def test_the_html_page_escapes_what_it_shows():
    hostile = replace(case_rows()[0], concern_type="<img src=x onerror=alert(1)>")
    page = html_page(rows=[hostile])
    assert "<img" not in page
    assert "&lt;img" in page

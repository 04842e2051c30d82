"""The pilot figures, computed from rows without a database, against a hand count."""

import re
from datetime import date

import pytest

from bot.report import CaseRow, ReportPeriod, impact_estimate, pilot_figures
from bot.report.figures import monthly_figures, rate
from tests.report.pilot_cases import (
    EXPECTED_ALL,
    EXPECTED_FEBRUARY_TO_5_MARCH,
    EXPECTED_OTHER_TRUST,
    case_rows,
    utc,
)


def figures_for(period: ReportPeriod) -> dict:
    return pilot_figures([row for row in case_rows() if period.includes(row)], suppress_below=1).as_dict()


def test_every_figure_matches_the_hand_count():
    assert pilot_figures(case_rows(), suppress_below=1).as_dict() == EXPECTED_ALL


def test_a_period_includes_both_of_its_days():
    figures = figures_for(ReportPeriod(since=date(2025, 2, 1), until=date(2025, 3, 5)))
    for key, expected in EXPECTED_FEBRUARY_TO_5_MARCH.items():
        assert figures[key] == expected, key


def test_one_organisation_can_be_reported_alone():
    figures = figures_for(ReportPeriod(organisation="other-trust"))
    for key, expected in EXPECTED_OTHER_TRUST.items():
        assert figures[key] == expected, key


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        ReportPeriod(since=date(2025, 3, 1), until=date(2025, 2, 1))


def test_demo_cases_never_count():
    demo_only = [row for row in case_rows() if row.demo]
    figures = pilot_figures(demo_only).as_dict()
    assert figures["demo_excluded"] == 2
    assert figures["cases"] == 0
    assert figures["escalated"] == figures["diverted"] == figures["followed_up"] == 0
    assert figures["by_route"] == {} and figures["by_month"] == []
    assert figures["feedback"]["responses"] == 0
    assert figures["feedback"]["helpfulness_mean"] is None


def test_nothing_decided_gives_no_diversion_rate_rather_than_zero():
    figures = pilot_figures([]).as_dict()
    assert figures["cases"] == 0
    assert figures["diversion_rate"] is None
    assert rate(0, 0) is None
    assert rate(1, 3) == 0.3333


def test_months_without_cases_still_appear_in_the_trend():
    rows = [
        CaseRow(
            "P-0000-0001",
            utc(2024, 11, 3),
            "web",
            "example-trust",
            "conduct",
            "development",
            decision="coaching",
        ),
        CaseRow(
            "P-0000-0002",
            utc(2025, 2, 9),
            "web",
            "example-trust",
            "conduct",
            "development",
            decision="formal",
        ),
    ]
    months = [(month.month, month.cases, month.diversion_rate) for month in monthly_figures(rows)]
    assert months == [
        ("2024-11", 1, 1.0),
        ("2024-12", 0, None),
        ("2025-01", 0, None),
        ("2025-02", 1, 0.0),
    ]


def test_the_impact_estimate_multiplies_diverted_cases_by_its_assumptions():
    estimate = impact_estimate(pilot_figures(case_rows()), 12000, 156)
    assert estimate.cost_avoided_gbp == 36000
    assert estimate.investigation_days_avoided == 468
    assumptions = " ".join(estimate.assumptions)
    assert "£12,000" in assumptions and "156 days" in assumptions
    assert estimate.as_dict()["assumptions"] == list(estimate.assumptions)


def row(key, decision, route="development", follow_ups=(), concern_type="conduct", month=1):
    return CaseRow(reference=f"P-{key}", created_at=utc(2025, month, 1, 9), channel="web",
                   organisation="example-trust", concern_type=concern_type, route=route,
                   decision=decision, follow_ups=tuple(follow_ups))


def test_only_decisions_that_avoid_a_formal_investigation_count_as_diverted():
    rows = [
        row("A", "coaching"),
        row("B", "capability_route"),                         # the capability procedure is formal
        row("C", "hr_advice", route="senior_hr_advice"),      # talk to HR first: undecided
        row("D", "specialist_check", route="check_first"),    # check first: undecided
        row("E", "change_of_duties", route="formal_last_resort"),  # alongside an investigation
        row("F", "formal", route="formal_last_resort"),
    ]
    figures = pilot_figures(rows).as_dict()
    assert figures["diverted"] == 1
    assert figures["decided"] == 4
    assert figures["undecided"] == 2
    assert figures["formal_chosen"] == 2
    assert figures["diversion_rate"] == 0.25


def test_what_really_happened_is_shown_beside_the_intention_with_its_denominator():
    rows = [
        row("A", "coaching", follow_ups=("formal_started",)),
        row("B", "mediation", route="informal_resolution", follow_ups=("resolved_informally",)),
        row("C", "training"),
    ]
    figures = pilot_figures(rows).as_dict()
    assert figures["diverted"] == 3
    assert figures["diverted_followed_up"] == 2
    assert figures["diverted_then_formal"] == 1
    assert figures["diverted_then_formal_rate"] == 0.5


def test_only_undecided_cases_give_no_rate_and_the_table_shows_a_dash():
    from bot.report import render_table

    rows = [row("A", "hr_advice", route="senior_hr_advice")]
    figures = pilot_figures(rows)
    assert figures.diversion_rate is None
    assert re.search(r"Diversion rate\s+-\n", render_table(figures, ReportPeriod()))


def test_without_the_organisations_own_cost_there_is_no_estimate():
    assert impact_estimate(pilot_figures(case_rows()), None, 156) is None


def test_small_monthly_and_per_type_counts_are_suppressed_by_default():
    rows = [row(f"C{n}", "coaching", concern_type="clinical_practice") for n in range(5)]
    rows += [row("A", "formal", route="formal_last_resort", concern_type="attendance")]
    rows += [row("M", "training", concern_type="clinical_practice", month=2)]
    figures = pilot_figures(rows).as_dict()
    assert figures["suppressed_below"] == 5
    # Headline totals stay whole; types and months of 1 to 4 are not shown.
    assert (figures["cases"], figures["decided"], figures["diverted"]) == (7, 7, 6)
    assert figures["by_concern_type"] == {"clinical_practice": 6, "attendance": None}
    assert figures["by_decision"] == {"coaching": 5, "formal": None, "training": None}
    january, february = figures["by_month"]
    assert (january["cases"], january["decided"], january["diverted"]) == (6, 6, 5)
    assert january["escalated"] == 0
    assert january["diversion_rate"] == 0.8333
    assert (february["cases"], february["decided"], february["diverted"]) == (None, None, None)
    assert february["diversion_rate"] is None


def test_a_months_rate_is_hidden_when_either_of_its_counts_is():
    rows = [row(f"F{n}", "formal", route="formal_last_resort") for n in range(6)]
    rows += [row("D", "coaching")]
    (january,) = pilot_figures(rows).as_dict()["by_month"]
    assert (january["decided"], january["diverted"], january["diversion_rate"]) == (7, None, None)


def test_the_threshold_is_configurable_and_shown_in_the_table():
    from bot.report import render_table

    rows = [row(f"C{n}", "coaching") for n in range(3)]
    assert pilot_figures(rows, suppress_below=3).as_dict()["by_concern_type"] == {"conduct": 3}
    assert pilot_figures(rows, suppress_below=4).as_dict()["by_concern_type"] == {"conduct": None}
    table = render_table(pilot_figures(rows, suppress_below=4), ReportPeriod())
    assert re.search(r"\s<4\n", table)
    assert "Counts from 1 to 3" in table


def test_the_pre_pilot_baseline_is_per_thousand_staff_and_says_it_is_not_the_71_percent():
    from bot.report import render_table
    from bot.report.figures import BaselineFigures

    baseline = BaselineFigures("2024-25", 3, 400, "HR case system")
    assert baseline.per_thousand_staff == 7.5
    document = baseline.as_dict()
    assert (document["formal_investigations"], document["headcount"], document["per_1000_staff"]) == (3, 400, 7.5)
    assert "not the Aneurin Bevan 71% measure" in document["note"]
    table = render_table(pilot_figures([row("A", "coaching")]), ReportPeriod(), baseline=baseline)
    assert re.search(r"Per 1,000 staff a year\s+7.5\n", table)
    assert "not the Aneurin Bevan 71% measure" in table


def test_suspension_considered_and_used_are_counted_of_those_who_answered():
    from dataclasses import replace

    from bot.report import render_table

    rows = [
        replace(row("A", "formal", route="formal_last_resort"), suspension_considered=True, suspension_used=True),
        replace(row("B", "coaching"), suspension_considered=True, suspension_used=False),
        replace(row("C", "training"), suspension_considered=False, suspension_used=False),
        row("D", "mediation"),  # never answered
    ]
    figures = pilot_figures(rows)
    document = figures.as_dict()
    assert (document["suspension_answered"], document["suspension_considered"], document["suspension_used"]) == (3, 2, 1)
    table = render_table(figures, ReportPeriod())
    assert re.search(r"Suspension or exclusion considered\s+67% \(2 of 3\)\n", table)
    assert re.search(r"Suspension or exclusion used\s+33% \(1 of 3\)\n", table)
    assert re.search(r"Suspension or exclusion used\s+-\n", render_table(pilot_figures([row("E", "coaching")]), ReportPeriod()))

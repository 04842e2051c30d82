"""The fairness section: the disproportion figure from known counts, suppression, the empty case
and every output format."""

import csv
import io
import json
import math
import re

import pytest

from bot.report import ReportPeriod, pilot_figures, render_csv, render_html, render_table
from bot.report.fairness import NO_MONITORING_NOTE, RELIABLE_MIN_CASES, fairness_figures, relative_likelihood
from bot.report.rows import CaseRow
from tests.report.pilot_cases import utc


def monitored(number, ethnic_group, decision, staff_group=None, employment_type=None, fairness_check=None, demo=False):
    return CaseRow(
        reference=f"P-{number:04d}", created_at=utc(2025, 6, 1, 9), channel="web", organisation="example-trust",
        concern_type="conduct", route="development", decision=decision, demo=demo,
        ethnic_group=ethnic_group, staff_group=staff_group, employment_type=employment_type,
        fairness_check=fairness_check,
    )


def cohort(ethnic_group, cases, formal, start=0, **extra):
    """``cases`` monitored cases for a group, ``formal`` of them with a formal decision."""
    return [
        monitored(start + n, ethnic_group, "formal" if n < formal else "coaching", **extra) for n in range(cases)
    ]


# 12 of 40 BME colleagues and 18 of 120 white colleagues: 30% against 15%, a relative likelihood of 2.
KNOWN = cohort("bme", 40, 12) + cohort("white", 120, 18, start=100) + cohort("not_stated", 10, 3, start=300)


def test_the_relative_likelihood_is_the_wres_ratio_of_the_two_formal_shares():
    figure = relative_likelihood(bme_cases=40, bme_formal=12, white_cases=120, white_formal=18)
    assert figure.value == 2.0
    # By hand: standard error of the log ratio sqrt(1/12 - 1/40 + 1/18 - 1/120) = 0.3249.
    spread = 1.96 * math.sqrt(1 / 12 - 1 / 40 + 1 / 18 - 1 / 120)
    assert (figure.low, figure.high) == (round(2 * math.exp(-spread), 2), round(2 * math.exp(spread), 2)) == (1.06, 3.78)
    assert "does not include 1.0" in figure.note and "2.00 times as often" in figure.note
    assert f"fewer than {RELIABLE_MIN_CASES}" not in figure.note


def test_the_figure_is_computed_from_the_rows_and_demo_cases_never_count():
    rows = KNOWN + cohort("bme", 20, 20, start=500, demo=True)
    fairness = pilot_figures(rows, suppress_below=5).fairness
    assert fairness.monitored == 170
    assert [(g.group, g.cases, g.formal, g.formal_rate) for g in fairness.by_ethnic_group] == [
        ("white", 120, 18, 0.15), ("bme", 40, 12, 0.3), ("not_stated", 10, None, None),
    ]
    assert fairness.relative_likelihood.value == 2.0
    assert fairness.relative_likelihood.as_dict()["interval_95"] == [1.06, 3.78]


def test_only_a_formal_disciplinary_decision_counts_not_the_capability_procedure():
    rows = cohort("bme", 10, 5) + cohort("white", 10, 5, start=50)
    rows[5] = monitored(5, "bme", "capability_route")
    assert fairness_figures(rows).relative_likelihood.value == 1.0


def test_an_interval_that_includes_one_says_it_could_be_chance_and_small_groups_are_flagged():
    figure = relative_likelihood(bme_cases=10, bme_formal=3, white_cases=20, white_formal=5)
    assert figure.value == 1.2 and figure.low < 1.0 < figure.high
    assert "could well be chance" in figure.note
    assert f"fewer than {RELIABLE_MIN_CASES} cases" in figure.note


@pytest.mark.parametrize(
    "counts, reason",
    [
        ((10, 3, 10, 0), "no formal process was chosen for a white colleague"),
        ((0, 0, 10, 5), "needs monitored cases for both"),
        ((10, 5, 0, 0), "needs monitored cases for both"),
    ],
)
def test_with_nothing_to_divide_by_there_is_no_figure_and_a_sentence_says_why(counts, reason):
    figure = relative_likelihood(*counts)
    assert figure.value is None and figure.low is None
    assert reason in figure.note


def test_no_formal_decision_for_bme_colleagues_gives_zero_without_an_interval():
    figure = relative_likelihood(bme_cases=10, bme_formal=0, white_cases=10, white_formal=5)
    assert figure.value == 0.0 and figure.low is None
    assert "not chosen for any Black or minority ethnic colleague" in figure.note


def test_small_counts_are_suppressed_and_the_figure_withheld():
    rows = cohort("bme", 12, 3) + cohort("white", 30, 9, start=100)
    fairness = fairness_figures(rows, below=5)
    bme = fairness.by_ethnic_group[1]
    assert (bme.group, bme.cases, bme.formal, bme.formal_rate) == ("bme", 12, None, None)
    likelihood = fairness.relative_likelihood
    assert likelihood.value is None and likelihood.low is None and likelihood.bme_formal is None
    assert likelihood.white_cases == 30 and likelihood.white_formal == 9
    assert "below 5" in fairness.note
    # With suppression off the same counts give the figure.
    assert fairness_figures(rows, below=1).relative_likelihood.value == round((3 / 12) / (9 / 30), 2)


def test_no_monitoring_data_gives_a_clear_sentence_and_no_division():
    rows = [monitored(n, None, "formal", fairness_check=None) for n in range(8)]
    fairness = pilot_figures(rows, suppress_below=5).fairness
    assert fairness.monitored == 0 and fairness.relative_likelihood is None
    assert fairness.by_ethnic_group == () and fairness.fairness_check_concern_rate is None
    assert fairness.note == NO_MONITORING_NOTE
    document = fairness.as_dict()
    assert document["relative_likelihood"] is None and document["note"] == NO_MONITORING_NOTE
    assert NO_MONITORING_NOTE.split(",")[0] in render_table(pilot_figures(rows), ReportPeriod())
    assert "No equality monitoring answers" in render_html(pilot_figures([]), ReportPeriod(), utc(2025, 7, 1))


def test_the_fairness_check_share_and_what_was_decided_after_a_no_or_not_sure():
    rows = (
        [monitored(n, None, "formal", fairness_check="no") for n in range(6)]
        + [monitored(10 + n, None, "coaching", fairness_check="unsure") for n in range(5)]
        + [monitored(20 + n, None, "hr_advice", fairness_check="no") for n in range(2)]
        + [monitored(30 + n, None, "coaching", fairness_check="yes") for n in range(7)]
        + [monitored(40 + n, None, "coaching") for n in range(9)]
    )
    fairness = fairness_figures(rows, below=5)
    assert (fairness.fairness_check_asked, fairness.fairness_check_concerns) == (20, 13)
    assert fairness.fairness_check_concern_rate == 0.65
    assert fairness.decisions_after_concern == {"formal": 6, "coaching": 5, "hr_advice": None}


def test_staff_group_and_employment_breakdowns_show_only_groups_with_cases():
    rows = cohort("white", 6, 2, staff_group="nursing_midwifery", employment_type="bank") + cohort(
        "bme", 5, 5, start=50, staff_group="medical_dental", employment_type="agency"
    )
    fairness = fairness_figures(rows, below=1)
    assert [(g.group, g.cases, g.formal) for g in fairness.by_staff_group] == [
        ("medical_dental", 5, 5), ("nursing_midwifery", 6, 2),
    ]
    assert [(g.group, g.cases, g.formal) for g in fairness.by_employment] == [("bank", 6, 2), ("agency", 5, 5)]


def test_the_table_shows_the_groups_the_figure_with_its_interval_and_the_note():
    table = render_table(pilot_figures(KNOWN, suppress_below=5), ReportPeriod())
    assert re.search(r"Black and minority ethnic: formal of cases\s+12 of 40 \(30%\)\n", table)
    assert re.search(r"White: formal of cases\s+18 of 120 \(15%\)\n", table)
    assert re.search(r"Not stated: formal of cases\s+<5 of 10\n", table)
    assert re.search(r"Relative likelihood of formal, BME vs white\s+2\.00 \(95%: 1\.06-3\.78\)\n", table)
    assert "does not include 1.0" in " ".join(table.split())


def test_the_json_carries_the_whole_section():
    document = json.loads(json.dumps(pilot_figures(KNOWN, suppress_below=5).as_dict()))
    fairness = document["fairness"]
    assert fairness["monitored_cases"] == 170
    assert fairness["relative_likelihood"]["value"] == 2.0
    assert fairness["relative_likelihood"]["bme_formal"] == 12
    assert fairness["by_ethnic_group"][2] == {"group": "not_stated", "cases": 10, "formal": None, "formal_rate": None}


def test_the_csv_has_the_groups_of_each_case_as_codes():
    rows = [monitored(1, "bme", "formal", "allied_health", "agency", "unsure"), monitored(2, None, "coaching")]
    parsed = list(csv.DictReader(io.StringIO(render_csv(rows))))
    assert [(r["ethnic_group"], r["staff_group"], r["employment_type"], r["fairness_check"]) for r in parsed] == [
        ("bme", "allied_health", "agency", "unsure"), ("", "", "", ""),
    ]


def test_the_html_page_has_the_group_table_the_figure_and_the_note():
    page = render_html(pilot_figures(KNOWN, suppress_below=5), ReportPeriod(), utc(2025, 7, 1))
    assert 'id="fairness"' in page and 'id="ethnic-groups"' in page
    assert "<td>Black and minority ethnic</td><td>40</td><td>12</td><td>30%</td>" in page
    assert "<td>Not stated</td><td>10</td><td>&lt;5</td><td>-</td>" in page
    assert "<strong>2.00</strong> (approximate 95% interval 1.06 to 3.78)" in page
    assert "the decisions behind it deserve a look" in page

"""The report read from a real store, and from the command line, against the hand count."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from typing import Iterator, List

import pytest

from bot.report import ReportPeriod, load_case_rows, pilot_figures
from bot.settings import REPO_ROOT
from bot.store import dispose_engines, session_scope
from bot.store.migrate import upgrade
from tests.report.pilot_cases import (
    EXPECTED_ALL,
    EXPECTED_FEBRUARY_TO_5_MARCH,
    EXPECTED_OTHER_TRUST,
    seed_pilot,
)


@pytest.fixture(scope="module")
def pilot_store(tmp_path_factory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('pilot') / 'pause.db'}"
    upgrade(url)
    seed_pilot(url)
    yield url
    dispose_engines()


def figures_from_store(url: str, period: ReportPeriod) -> dict:
    with session_scope(url) as session:
        rows = load_case_rows(session, period)
    return pilot_figures(rows, suppress_below=1).as_dict()


def report_json(url: str, *options: str, cost: str = "", suppress_below: str = "1") -> dict:
    environment = dict(
        os.environ,
        PAUSE_DATABASE_URL=url,
        RASA_TELEMETRY_ENABLED="false",
        PAUSE_REPORT_SUPPRESS_BELOW=suppress_below,
    )
    environment.pop("PAUSE_INVESTIGATION_COST_GBP", None)
    if cost:
        environment["PAUSE_INVESTIGATION_COST_GBP"] = cost
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--json", *options],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def assert_figures(actual: dict, expected: dict) -> None:
    mismatched: List[str] = [key for key in expected if actual.get(key) != expected[key]]
    assert not mismatched, {key: (actual.get(key), expected[key]) for key in mismatched}


def test_the_stored_pilot_gives_the_hand_counted_figures(pilot_store):
    assert figures_from_store(pilot_store, ReportPeriod()) == EXPECTED_ALL


def test_the_store_applies_the_period_with_both_days_included(pilot_store):
    period = ReportPeriod(since=date(2025, 2, 1), until=date(2025, 3, 5))
    assert_figures(figures_from_store(pilot_store, period), EXPECTED_FEBRUARY_TO_5_MARCH)


def test_the_store_applies_the_organisation(pilot_store):
    period = ReportPeriod(organisation="other-trust")
    assert_figures(figures_from_store(pilot_store, period), EXPECTED_OTHER_TRUST)


def test_report_json_on_the_command_line_gives_the_hand_count(pilot_store):
    report = report_json(pilot_store)
    assert_figures(report, EXPECTED_ALL)
    for key in (
        "cases",
        "escalated",
        "formal_chosen",
        "diverted",
        "diversion_rate",
        "by_concern_type",
        "by_route",
        "followed_up",
        "demo_excluded",
    ):
        assert key in report
    assert report["period"] == {"since": None, "until": None, "organisation": None}
    # Pause has no sourced cost of its own: no estimate until the organisation sets one.
    assert report["impact_estimate"] is None


def test_the_impact_estimate_uses_only_the_organisations_own_cost(pilot_store):
    estimate = report_json(pilot_store, cost="9000")["impact_estimate"]
    assert estimate["cost_avoided_gbp"] == 27000
    assert estimate["investigation_days_avoided"] == 468
    assert estimate["investigation_days_are"] == "elapsed case days, not sickness days"
    assert any("the organisation's own figure" in line for line in estimate["assumptions"])


def test_report_json_options_select_the_period_and_organisation(pilot_store):
    period_report = report_json(pilot_store, "--since", "2025-02-01", "--until", "2025-03-05")
    assert_figures(period_report, EXPECTED_FEBRUARY_TO_5_MARCH)
    assert period_report["period"]["since"] == "2025-02-01"
    organisation_report = report_json(
        pilot_store, "--organisation", "other-trust", "--no-impact-estimate"
    )
    assert_figures(organisation_report, EXPECTED_OTHER_TRUST)
    assert organisation_report["impact_estimate"] is None


def test_report_json_on_the_command_line_suppresses_small_counts_by_default(pilot_store):
    environment_default = report_json(pilot_store, suppress_below="5")
    assert environment_default["suppressed_below"] == 5
    assert set(environment_default["by_concern_type"].values()) == {None}
    assert environment_default["cases"] == EXPECTED_ALL["cases"]
    # The configured organisation's own pre-pilot baseline comes with the figures.
    assert environment_default["baseline"]["per_1000_staff"] == 7.5
    assert "71%" in environment_default["baseline"]["note"]

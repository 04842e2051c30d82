"""The pilot report's HTML page, written by `python -m bot report --html`, opened in Chromium.

The hand-counted pilot (tests/report/pilot_cases.py) is stored in a real database; the command
line writes the page; Chromium renders it with no network. The charts must be drawn (non-empty
SVG boxes), the headline figures must be the hand count, nothing may be fetched from anywhere,
and the page must pass the axe-core scan.
"""
import json
import subprocess
import sys

import pytest

from bot.store.migrate import upgrade
from tests.browser.conftest import AXE, PHONE, require
from tests.report.pilot_cases import seed_pilot
from tests.support.servers import REPO

pytestmark = pytest.mark.browser

CHARTS = (
    "cases-over-time", "diversion-rate-trend", "routes", "concern-types",
    "decisions", "follow-up-outcomes", "helpfulness", "would-recommend",
)


def report(database_url, *arguments):
    return subprocess.run(
        [sys.executable, "-m", "bot", "report", *arguments], cwd=REPO, check=True, capture_output=True, text=True,
        # The hand-counted pilot is eight cases: every monthly count would be suppressed at the
        # default threshold (tested in tests/report/), so here every count is shown and drawn.
        env={
            "PAUSE_DATABASE_URL": database_url,
            "PAUSE_REPORT_SUPPRESS_BELOW": "1",
            "PYTHONPATH": str(REPO),
            "PATH": "/usr/bin:/bin",
        },
    ).stdout


@pytest.fixture
def pilot_page(tmp_path):
    url = f"sqlite:///{tmp_path / 'pilot.db'}"
    upgrade(url)
    seed_pilot(url)
    page = tmp_path / "pilot.html"
    report(url, "--html", str(page))
    return url, page


def test_the_report_renders_its_charts_and_the_hand_counted_figures(pilot_page, open_page):
    url, path = pilot_page
    figures = json.loads(report(url, "--json"))
    page = open_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())

    for chart in CHARTS:
        box = page.locator(f"#{chart} svg").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, f"{chart} is not drawn"
        assert page.locator(f"#{chart} svg").get_attribute("role") == "img"
        shapes = page.locator(f"#{chart} svg rect, #{chart} svg path, #{chart} svg polyline, #{chart} svg circle")
        assert shapes.count() > 0, f"{chart} has nothing drawn in it"
    # Each headline cell: the figure in <strong>, then its name.
    shown = dict(page.eval_on_selector_all(
        ".headline li", "items => items.map(li => [li.lastChild.textContent, li.querySelector('strong').textContent])"
    ))
    assert figures["cases"] == 8
    assert shown["Concerns reflected on"] == "8"
    assert shown["Escalated at once"] == str(figures["escalated"])
    assert shown["Diversion rate"] == (
        f"{round(figures['diversion_rate'] * 100)}% ({figures['diverted']} of {figures['decided']})"
    )
    assert figures["demo_excluded"] == 2
    assert requests == [path.as_uri()], "the page must load nothing else"
    assert errors == []


def test_the_report_page_passes_the_accessibility_scan(pilot_page, open_page):
    require(AXE, "axe-core")
    _, path = pilot_page
    for viewport in (None, PHONE):
        page = open_page(viewport=viewport) if viewport else open_page()
        page.goto(path.as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], serious


def test_a_filtered_report_says_what_it_covers(pilot_page, open_page, tmp_path):
    url, _ = pilot_page
    filtered = tmp_path / "filtered.html"
    report(url, "--html", str(filtered), "--organisation", "other-trust", "--since", "2025-01-01")
    page = open_page()
    page.goto(filtered.as_uri())
    text = page.locator("body").inner_text()
    assert "other-trust" in text and "2025-01-01" in text
    figures = json.loads(report(url, "--json", "--organisation", "other-trust", "--since", "2025-01-01"))
    first = page.locator(".headline li strong").first.inner_text()
    assert first == str(figures["cases"])

"""``python -m bot report``: the pilot's figures as a table, JSON, CSV or an HTML page."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional
from pathlib import Path

from bot.cli.common import EXIT_OK, EXIT_USAGE, CommandError, iso_date, require_current_schema
from bot.report import (
    ReportPeriod,
    impact_estimate,
    load_case_rows,
    pilot_figures,
    render_csv,
    render_html,
    render_table,
)
from bot.content.directory import SignpostDirectory
from bot.content.files import ContentError
from bot.report.figures import BaselineFigures
from bot.settings import get_settings
from bot.store import session_scope
from bot.store.models import utc_now


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``report`` command."""
    parser = subcommands.add_parser(
        "report",
        help="the pilot's figures (demo cases are always left out)",
        description="The pilot's figures. Demo cases are left out of every figure.",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument("--csv", action="store_true", help="print one CSV row per case")
    output.add_argument(
        "--html", metavar="FILE", type=Path, help="write a self-contained HTML page"
    )
    parser.add_argument(
        "--since", type=iso_date, metavar="YYYY-MM-DD", help="first day included (UTC)"
    )
    parser.add_argument(
        "--until", type=iso_date, metavar="YYYY-MM-DD", help="last day included (UTC)"
    )
    parser.add_argument("--organisation", metavar="NAME", help="only this organisation's cases")
    parser.add_argument(
        "--no-impact-estimate",
        action="store_true",
        help="leave out the estimate of investigation cost and days avoided",
    )
    parser.set_defaults(run=run_report)


def organisation_baseline(organisation: str) -> Optional[BaselineFigures]:
    """The organisation's pre-pilot baseline from its content file, when it has one."""
    try:
        directory = SignpostDirectory.load(organisation=organisation)
    except ContentError:
        return None
    baseline = directory.baseline
    if baseline is None:
        return None
    return BaselineFigures(
        baseline.year, baseline.formal_investigations, baseline.headcount, baseline.source
    )


def run_report(arguments: argparse.Namespace) -> int:
    """Compute the figures for the chosen period and print or write them."""
    try:
        period = ReportPeriod(arguments.since, arguments.until, arguments.organisation)
    except ValueError as error:
        raise CommandError(f"Cannot make that report: {error}.", EXIT_USAGE) from None
    settings = get_settings()
    require_current_schema()
    with session_scope() as session:
        rows = load_case_rows(session, period)
    figures = pilot_figures(rows, settings.report_suppress_below)
    estimate = None
    if not arguments.no_impact_estimate:
        estimate = impact_estimate(
            figures, settings.investigation_cost_gbp, settings.investigation_days
        )
    baseline = organisation_baseline(period.organisation or settings.organisation)
    generated_at = utc_now()

    if arguments.json:
        document = figures.as_dict()
        document["period"] = {
            "since": period.since.isoformat() if period.since else None,
            "until": period.until.isoformat() if period.until else None,
            "organisation": period.organisation,
        }
        document["impact_estimate"] = estimate.as_dict() if estimate else None
        document["baseline"] = baseline.as_dict() if baseline else None
        document["generated_at"] = generated_at.isoformat(timespec="seconds")
        print(json.dumps(document, indent=2))
    elif arguments.csv:
        sys.stdout.write(render_csv(rows))
    elif arguments.html:
        page = render_html(figures, period, generated_at, estimate, baseline)
        try:
            arguments.html.write_text(page, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Could not write {arguments.html}: {error.strerror}.") from None
        print(f"Wrote the pilot report to {arguments.html}.")
    else:
        sys.stdout.write(render_table(figures, period, estimate, baseline))
    return EXIT_OK

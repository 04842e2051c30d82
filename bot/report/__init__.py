"""The pilot report: figures from the outcome store, as a table, JSON, CSV or an HTML page."""

from bot.report.csv_export import render_csv
from bot.report.figures import (
    ImpactEstimate,
    PilotFigures,
    impact_estimate,
    is_diverted,
    is_escalated,
    pilot_figures,
)
from bot.report.html import render_html
from bot.report.rows import CaseRow, ReportPeriod, load_case_rows
from bot.report.text import render_table

__all__ = [
    "CaseRow",
    "ImpactEstimate",
    "PilotFigures",
    "ReportPeriod",
    "impact_estimate",
    "is_diverted",
    "is_escalated",
    "load_case_rows",
    "pilot_figures",
    "render_csv",
    "render_html",
    "render_table",
]

"""The pilot's cases as CSV, one row per case: codes and outcomes only, never free text."""

from __future__ import annotations

import csv
import io
from typing import Iterable, List

from bot.report.figures import pilot_rows
from bot.report.rows import CaseRow

CSV_COLUMNS = (
    "reference",
    "created_at",
    "organisation",
    "channel",
    "concern_type",
    "route",
    "guide_exit",
    "urgent_route",
    "reasons",
    "unknowns",
    "decision",
    "override",
    "helpfulness",
    "would_recommend",
    "follow_ups",
    "latest_follow_up",
    "fairness_check",
    "ethnic_group",
    "staff_group",
    "employment_type",
)


def render_csv(rows: Iterable[CaseRow]) -> str:
    """The non-demo cases as CSV text with a header row; lists are joined with ';'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in pilot_rows(rows):
        writer.writerow(_cells(row))
    return buffer.getvalue()


def _cells(row: CaseRow) -> List[str]:
    return [
        row.reference,
        row.created_at.isoformat(timespec="seconds"),
        row.organisation,
        row.channel,
        row.concern_type,
        row.route,
        row.guide_exit or "",
        row.urgent_route or "",
        ";".join(row.reasons),
        ";".join(row.unknowns),
        row.decision or "",
        _yes_no(row.override),
        "" if row.helpfulness is None else str(row.helpfulness),
        "" if row.would_recommend is None else _yes_no(row.would_recommend),
        ";".join(row.follow_ups),
        row.latest_follow_up or "",
        row.fairness_check or "",
        row.ethnic_group or "",
        row.staff_group or "",
        row.employment_type or "",
    ]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"

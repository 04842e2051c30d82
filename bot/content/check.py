"""The content check: every content file well formed, and no directory entry past its review date.

Every phone number in the bot's own responses (domain.yml) must be given by an in-date national
entry that serves the nations the wording is shown in.

Covers the alternatives catalogue, the signposting directory and the trainer demo scenarios.

Run it after editing content and in CI: ``python -m bot content check``. It exits non-zero
while anything is wrong, naming the file and the entry, so that an expired or broken entry is
fixed before anyone can be sent to it.
"""
from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from bot.content.alternatives import CATALOGUE_FILE, read_catalogue
from bot.content.directory import (
    NATIONAL,
    NATIONAL_FILE,
    ORGANISATIONS_FOLDER,
    SAFETY_TOPICS,
    DirectoryFile,
    Entry,
    organisation_file,
    read_directory_file,
)
from bot.content.files import ContentError, default_organisation, resolve_content_dir
from bot.content.responses import read_responses, response_number_problems
from bot.content.scenarios import SCENARIOS_FOLDER, read_scenarios
from bot.settings import REPO_ROOT, SettingsError

# A review date further ahead than this is almost certainly a typo, or a way round the check.
LONGEST_REVIEW_INTERVAL = timedelta(days=2 * 366)


def check_content(
    content_dir: Union[str, Path, None] = None,
    today: Optional[date] = None,
    organisation: Optional[str] = None,
    domain_file: Optional[Path] = None,
) -> List[str]:
    """One plain problem per expired or malformed piece of content; empty when all is well.

    Checks the alternatives catalogue, the national directory, every organisation's file and
    the demo scenarios.
    When ``organisation`` is given, its file must exist too. Every number the bot's responses in
    ``domain_file`` (the project's domain.yml by default) show must come from an in-date national
    entry for the nations that wording is shown in.
    """
    return _run_checks(resolve_content_dir(content_dir), today or date.today(), organisation, domain_file)[0]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the content problems and return 1, or print a short summary and return 0."""
    parser = argparse.ArgumentParser(
        prog="python -m bot content check",
        description="Check the alternatives catalogue, the signposting directory and the demo scenarios.",
    )
    parser.add_argument("--content-dir", type=Path, help="the content folder (default: from the settings)")
    parser.add_argument("--today", type=date.fromisoformat, help="check as if on this date (YYYY-MM-DD)")
    parser.add_argument(
        "--organisation", help="the organisation whose file must exist (default: PAUSE_ORGANISATION)"
    )
    args = parser.parse_args(argv)
    try:
        organisation = args.organisation or default_organisation()
        content_dir = resolve_content_dir(args.content_dir)
    except SettingsError as error:
        print(f"Content check failed: {error}")
        return 1
    problems, summary = _run_checks(content_dir, args.today or date.today(), organisation)
    if problems:
        for problem in problems:
            print(problem)
        count = len(problems)
        print(f"Content check failed: {count} problem{'s' if count != 1 else ''} to fix.")
        return 1
    print(f"Content OK: {summary}")
    return 0


def _run_checks(
    content_dir: Path, today: date, organisation: Optional[str], domain_file: Optional[Path] = None
) -> Tuple[List[str], str]:
    problems: List[str] = []
    alternatives = 0
    try:
        items, catalogue_problems = read_catalogue(content_dir / CATALOGUE_FILE, CATALOGUE_FILE)
        alternatives = len(items)
        problems += catalogue_problems
    except ContentError as error:
        problems.append(str(error))

    scenarios, scenario_problems = read_scenarios(content_dir / SCENARIOS_FOLDER)
    problems += scenario_problems

    national = _read(content_dir, NATIONAL_FILE, NATIONAL, problems)
    organisations = _organisation_files(content_dir, problems)
    if organisation is not None and organisation not in organisations:
        problems.append(
            f"{organisation_file(organisation)}: file not found for the organisation '{organisation}'"
        )
    if national is not None:
        problems += _dating_problems(national, today)
        responses = read_responses(domain_file or REPO_ROOT / "domain.yml")
        problems += response_number_problems(responses, national.entries, today)
    local_counts: Dict[str, int] = {}
    review_dates = [entry.review_by for entry in national.entries] if national is not None else []
    for name, label in organisations.items():
        local = _read(content_dir, label, name, problems)
        if local is None:
            continue
        local_counts[name] = len(local.entries)
        review_dates += [entry.review_by for entry in local.entries]
        problems += _dating_problems(local, today)
        if national is not None:
            problems += _clash_problems(national, local)
            problems += _coverage_problems(national, local, today)

    summary = _summary(alternatives, national, local_counts, len(scenarios), min(review_dates, default=None))
    return problems, summary


def _read(content_dir: Path, label: str, scope: str, problems: List[str]) -> Optional[DirectoryFile]:
    try:
        directory_file = read_directory_file(content_dir, label, scope)
    except ContentError as error:
        problems.append(str(error))
        return None
    problems += directory_file.problems
    return directory_file


def _organisation_files(content_dir: Path, problems: List[str]) -> Dict[str, str]:
    folder = content_dir / ORGANISATIONS_FOLDER
    files = sorted(folder.glob("*.yml")) if folder.is_dir() else []
    if not files:
        problems.append(f"{ORGANISATIONS_FOLDER}/: no organisation file (such as example-trust.yml)")
    return {path.stem: f"{ORGANISATIONS_FOLDER}/{path.name}" for path in files}


def _dating_problems(directory_file: DirectoryFile, today: date) -> List[str]:
    problems = []
    for entry in directory_file.entries:
        where = f"{directory_file.label}: entry '{entry.id}'"
        if not entry.is_current(today):
            problems.append(
                f"{where}: expired - its review-by date {entry.review_by.isoformat()} has passed, "
                f"so it is not shown; confirm it with its source ({entry.source}) "
                "and move the date on, or remove it"
            )
        elif entry.review_by - today > LONGEST_REVIEW_INTERVAL:
            problems.append(
                f"{where}: review-by date {entry.review_by.isoformat()} is more than two years away; "
                "review entries at least every two years"
            )
    return problems


def _clash_problems(national: DirectoryFile, local: DirectoryFile) -> List[str]:
    national_ids = {entry.id for entry in national.entries}
    return [
        f"{local.label}: entry '{entry.id}': the id is already used in {NATIONAL_FILE}"
        for entry in local.entries
        if entry.id in national_ids
    ]


def _coverage_problems(national: DirectoryFile, local: DirectoryFile, today: date) -> List[str]:
    entries: Tuple[Entry, ...] = national.entries + local.entries
    return [
        f"{local.label}: no current entry for '{topic}', so there would be nowhere to send people"
        for topic in SAFETY_TOPICS
        if not any(topic in entry.topics and entry.is_current(today) for entry in entries)
    ]


def _summary(
    alternatives: int,
    national: Optional[DirectoryFile],
    local_counts: Dict[str, int],
    scenarios: int,
    next_review: Optional[date],
) -> str:
    national_count = len(national.entries) if national is not None else 0
    organisations = ", ".join(f"{name} ({count} entries)" for name, count in local_counts.items())
    due = f"; next review due by {next_review.isoformat()}" if next_review else ""
    return (
        f"{alternatives} alternatives, {national_count} national entries, "
        f"organisations: {organisations}; {scenarios} demo scenarios{due}."
    )


if __name__ == "__main__":
    raise SystemExit(main())

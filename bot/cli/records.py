"""``python -m bot purge`` and ``python -m bot erase``: retention and erasure of cases."""

from __future__ import annotations

import argparse
from datetime import timedelta

from bot.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    plural,
    positive_whole_number,
    require_current_schema,
)
from bot.settings import get_settings
from bot.store import erase_case, normalise_reference, purge_older_than, session_scope
from bot.store.conversations import purge_conversations_older_than
from bot.store.models import utc_now


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``purge`` and ``erase`` commands."""
    purge = subcommands.add_parser(
        "purge",
        help="delete cases and conversation logs older than the retention period (PAUSE_RETENTION_DAYS)",
    )
    purge.add_argument(
        "--days",
        type=positive_whole_number,
        help="keep the last DAYS days instead of the configured retention period",
    )
    purge.set_defaults(run=run_purge)
    erase = subcommands.add_parser("erase", help="delete one case and its follow-ups")
    erase.add_argument("reference", help="the case reference, P-XXXX-XXXX")
    erase.set_defaults(run=run_erase)


def run_purge(arguments: argparse.Namespace) -> int:
    """Delete every case and conversation event older than the retention period; say how many went."""
    settings = get_settings()
    days = arguments.days or settings.retention_days
    cutoff = utc_now() - timedelta(days=days)
    require_current_schema()
    with session_scope() as session:
        removed = purge_older_than(session, cutoff)
    events = purge_conversations_older_than(settings.tracker_database_url, cutoff)
    print(
        f"Removed {plural(removed, 'case')} older than {plural(days, 'day')} "
        f"(created before {cutoff:%Y-%m-%d %H:%M} UTC), with their follow-ups, "
        f"and {plural(events, 'conversation event')} logged before then."
    )
    return EXIT_OK


def run_erase(arguments: argparse.Namespace) -> int:
    """Delete one case; erasing a case that is not there is reported, not an error."""
    reference = normalise_reference(arguments.reference)
    if reference is None:
        raise CommandError(
            f"{arguments.reference!r} is not a case reference: they look like P-7K3Q-9MXD.",
            EXIT_USAGE,
        )
    require_current_schema()
    with session_scope() as session:
        existed = erase_case(session, reference)
    if existed:
        print(f"Erased case {reference} and its follow-ups.")
    else:
        print(f"No case {reference} is stored (never recorded, or already erased). Nothing to do.")
    return EXIT_OK

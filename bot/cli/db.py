"""``python -m bot db upgrade|status``: the outcome store's schema."""

from __future__ import annotations

import argparse

from bot.cli.common import EXIT_FAILURE, EXIT_OK, store_label


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``db`` command and its sub-commands."""
    parser = subcommands.add_parser("db", help="set up or check the outcome store's schema")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="apply every migration not yet applied")
    upgrade.set_defaults(run=run_upgrade)
    status = actions.add_parser(
        "status", help="show the schema's revision; exit code 1 when it is not up to date"
    )
    status.set_defaults(run=run_status)


def run_upgrade(arguments: argparse.Namespace) -> int:
    """Bring the schema up to the newest migration (harmless when it already is)."""
    from bot.store.migrate import current_revision, upgrade

    upgrade()
    print(f"The outcome store at {store_label()} is up to date (revision {current_revision()}).")
    return EXIT_OK


def run_status(arguments: argparse.Namespace) -> int:
    """Report the current and newest revisions."""
    from bot.store.migrate import current_revision, head_revision

    current, head = current_revision(), head_revision()
    print(f"Outcome store: {store_label()}")
    print(f"Current revision: {current or 'none (not set up)'}")
    print(f"Newest revision: {head}")
    return EXIT_OK if current == head else EXIT_FAILURE

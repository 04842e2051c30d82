"""``python -m bot content check``: expired or malformed organisation content fails the check."""

from __future__ import annotations

import argparse


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``content`` command and its ``check`` sub-command."""
    parser = subcommands.add_parser("content", help="check the organisation-editable content")
    actions = parser.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="name every expired or malformed entry; exit code 1 when there is one"
    )
    check.add_argument("--content-dir", help="the content folder (default: from the settings)")
    check.add_argument("--today", help="check as if on this date (YYYY-MM-DD)")
    check.add_argument("--organisation", help="check this organisation's file only")
    check.set_defaults(run=run_check)


def run_check(arguments: argparse.Namespace) -> int:
    """Run the content check with the remaining options."""
    from bot.content.check import main

    options = []
    for name in ("content_dir", "today", "organisation"):
        value = getattr(arguments, name)
        if value:
            options += [f"--{name.replace('_', '-')}", value]
    return main(options)

"""Pause's command line: ``python -m bot COMMAND``.

Exit codes: 0 done; 1 the store could not be used (unreachable, or its schema not up to date);
2 wrong usage (bad arguments, not a case reference); 3 a setting in the environment is invalid.

Each command lives in its own module with a ``register(subcommands)`` function that adds its
parser and sets ``run`` to a function taking the parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from sqlalchemy.exc import SQLAlchemyError

from bot.cli import content, db, demo, records, report
from bot.cli.common import EXIT_CONFIGURATION, EXIT_FAILURE, CommandError, store_error_message
from bot.settings import SettingsError
from bot.store import StoreError

# Each command's module; a new command adds its module here.
COMMAND_MODULES = (db, report, records, content, demo)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Pause: reflect before a formal process. Tools for running the pilot.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(subcommands)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Run one command and return its exit code."""
    arguments = build_parser().parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except CommandError as error:
        print(error.message, file=sys.stderr)
        return error.exit_code
    except SettingsError as error:
        print(f"Invalid setting: {error}", file=sys.stderr)
        return EXIT_CONFIGURATION
    except (SQLAlchemyError, StoreError) as error:
        print(store_error_message(error), file=sys.stderr)
        return EXIT_FAILURE

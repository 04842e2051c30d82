"""Command line for the reflection engine.

``python -m bot.reflection turns`` prints how long a reflection is: the median number of
questions and turns over every trainer scenario and a few representative answer sets.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command; return the process exit code (1 when a scenario cannot be read)."""
    parser = argparse.ArgumentParser(prog="python -m bot.reflection", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("turns", help="the median number of questions and turns of a reflection")
    parser.parse_args(argv)
    from bot.reflection.turns import lengths, report

    try:
        measured = lengths()
    except ValueError as error:
        print(f"cannot measure: {error}", file=sys.stderr)
        return 1
    print(report(measured))
    return 0


if __name__ == "__main__":
    sys.exit(main())

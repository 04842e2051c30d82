"""Command line for the project's spaCy pipeline.

``python -m bot.nlp build OUT_DIR`` builds it; ``python -m bot.nlp name-free`` collects the
messages without names that the name recogniser learns from, afresh from the project's data.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from bot.nlp.pipeline import save_pipeline


def main(argv: Optional[List[str]] = None) -> int:
    """Build the pipeline into the given directory; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot.nlp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the spaCy pipeline into OUT_DIR")
    build.add_argument("out_dir", metavar="OUT_DIR", help="directory to write the pipeline to")
    build.add_argument(
        "--without-names", action="store_true", help="skip training the person-name recogniser (quicker)"
    )
    commands.add_parser("name-free", help="collect the name recogniser's messages without names afresh")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if arguments.command == "build":
        out_path = save_pipeline(arguments.out_dir, names=not arguments.without_names)
        print(f"spaCy pipeline written to {out_path}")
    elif arguments.command == "name-free":
        from bot.nlp.names.training import NAME_FREE_FILE, write_name_free_messages

        print(f"{write_name_free_messages()} messages written to {NAME_FREE_FILE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

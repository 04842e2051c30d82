"""``python -m bot demo``: list the trainer demo scenarios and replay one against a running Pause."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Tuple

from bot.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError
from bot.content.files import resolve_content_dir
from bot.content.scenarios import SCENARIOS_FOLDER, Scenario, read_scenarios
from bot.settings import get_settings

# An unreachable bot is the trainer's setup to fix, like wrong usage: "start it, or give --url".
EXIT_UNREACHABLE = EXIT_USAGE


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``demo`` command with its ``list`` and ``play`` actions."""
    parser = subcommands.add_parser(
        "demo",
        help="list and replay the trainer demo scenarios",
        description="Trainer demo mode: fictional scenarios replayed against a running Pause. "
        "Everything a replay records is flagged as demo and left out of the pilot's figures.",
    )
    actions = parser.add_subparsers(dest="demo_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="the scenarios, as a table")
    listing.add_argument("--content-dir", type=Path, help="the content folder (default: from the settings)")
    listing.set_defaults(run=run_list)

    play = actions.add_parser(
        "play",
        help="replay one scenario against a running Pause",
        description="Replay one scenario against a running Pause: its context, each turn with the "
        "bot's replies and the trainer's notes, then the learning points.",
    )
    play.add_argument("name", help="the scenario's name, as `python -m bot demo list` shows it")
    play.add_argument("--url", help="where Pause runs (default: PAUSE_RASA_URL, else http://127.0.0.1:5005)")
    play.add_argument("--step", action="store_true", help="wait for Enter before each turn")
    play.add_argument(
        "--wait", type=_seconds, default=0.0, metavar="SECONDS", help="pause between turns (default: 0)"
    )
    play.add_argument("--content-dir", type=Path, help="the content folder (default: from the settings)")
    play.set_defaults(run=run_play)


def run_list(arguments: argparse.Namespace) -> int:
    """Print the scenarios as a table; name any malformed scenario file on stderr."""
    from bot.report.labels import label

    scenarios, problems = _read(arguments.content_dir)
    rows = [("NAME", "TITLE", "CONCERN", "EXPECTED ROUTE")] + [
        (s.name, s.title, label(s.concern_type), label(s.expect_route)) for s in scenarios
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    print()
    print("Replay one with: python -m bot demo play NAME [--step] [--wait SECONDS] [--url URL]")
    _report_problems(problems)
    return EXIT_FAILURE if problems else EXIT_OK


def run_play(arguments: argparse.Namespace) -> int:
    """Replay one scenario; exit code 2 when the bot cannot be reached."""
    from bot.demo.client import BotError, BotUnreachable, RestClient
    from bot.demo.player import DemoNotConfirmed, Player
    from bot.demo.screen import Screen

    scenario = _find(arguments.name, arguments.content_dir)
    url = arguments.url or get_settings().rasa_url
    client = RestClient(url)
    try:
        Player(client, Screen(), step=arguments.step, wait=arguments.wait).play(scenario)
    except BotUnreachable as error:
        raise CommandError(
            f"{error}. Start it with `make run`, or give its address with --url.", EXIT_UNREACHABLE
        ) from None
    except (BotError, DemoNotConfirmed) as error:
        raise CommandError(str(error), EXIT_FAILURE) from None
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        client.close()
    return EXIT_OK


def _read(content_dir: Optional[Path]) -> Tuple[Tuple[Scenario, ...], List[str]]:
    return read_scenarios(resolve_content_dir(content_dir) / SCENARIOS_FOLDER)


def _find(name: str, content_dir: Optional[Path]) -> Scenario:
    scenarios, problems = _read(content_dir)
    for scenario in scenarios:
        if scenario.name == name:
            return scenario
    own = [problem for problem in problems if problem.startswith(f"{SCENARIOS_FOLDER}/{name}.yml:")]
    if own:
        raise CommandError(
            f"The scenario '{name}' cannot be played until its file is fixed:\n" + "\n".join(own), EXIT_FAILURE
        )
    names = "\n".join(f"  {s.name.ljust(36)} {s.title}" for s in scenarios) or "  (none)"
    raise CommandError(f"There is no scenario called '{name}'. The scenarios are:\n{names}", EXIT_USAGE)


def _report_problems(problems: List[str]) -> None:
    if not problems:
        return
    print(file=sys.stderr)
    for problem in problems:
        print(f"Left out: {problem}", file=sys.stderr)
    print("Fix these and run: python -m bot content check", file=sys.stderr)


def _seconds(text: str) -> float:
    """argparse type for a number of seconds, zero or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return value

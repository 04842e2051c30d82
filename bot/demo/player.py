"""Replays a demo scenario against a running Pause, turn by turn, for a room to watch.

The conversation is put in demo mode before the first turn (``/choose_demo``), so nothing it
records counts in the pilot's figures; if the bot does not confirm demo mode, nothing is played.
"""
from __future__ import annotations

import json
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from bot.content.scenarios import Scenario, Turn
from bot.demo.client import RestClient
from bot.demo.screen import Screen
from bot.report.labels import label

DEMO_CUSTOM_KEY = "pause_demo"
STOP_WORDS = frozenset({"q", "quit", "stop"})
DEMO_NOTE = "Demo mode is on, confirmed by Pause: nothing this replay records counts in the pilot's figures."


class DemoNotConfirmed(Exception):
    """The bot did not confirm demo mode, so playing would count in the pilot's figures."""


@dataclass(frozen=True)
class PlayResult:
    """How a replay went: the turns played, and whether the trainer stopped it early."""

    sender: str
    turns_played: int
    turns_total: int

    @property
    def stopped_early(self) -> bool:
        return self.turns_played < self.turns_total


def choose_demo_payload(name: str) -> str:
    """The button payload that puts a conversation in demo mode for this scenario."""
    return "/choose_demo" + json.dumps({"demo_scenario": name}, separators=(",", ":"))


def new_sender() -> str:
    """A fresh sender id, so every replay starts a conversation of its own."""
    return f"demo-{uuid.uuid4().hex}"


def confirms_demo(messages: List[Dict[str, Any]], name: str) -> bool:
    """True when the replies include the pause_demo message for this scenario."""
    for message in messages:
        custom = message.get("custom")
        demo = custom.get(DEMO_CUSTOM_KEY) if isinstance(custom, dict) else None
        if isinstance(demo, dict) and demo.get("name") == name:
            return True
    return False


class Player:
    """Plays one scenario through a REST client onto a screen."""

    def __init__(
        self,
        client: RestClient,
        screen: Screen,
        step: bool = False,
        wait: float = 0.0,
        read_line: Optional[Callable[[], str]] = None,
        sleep: Optional[Callable[[float], None]] = None,
    ) -> None:
        self.client = client
        self.screen = screen
        self.step = step
        self.wait = wait
        self.read_line = read_line or _stdin_line
        self.sleep = sleep or time.sleep

    def play(self, scenario: Scenario, sender: Optional[str] = None) -> PlayResult:
        """Introduce the scenario, switch on demo mode, play every turn, then the learning points."""
        sender = sender or new_sender()
        # Demo mode first: nothing is shown until the bot has confirmed it.
        replies = self.client.send(sender, choose_demo_payload(scenario.name))
        if not confirms_demo(replies, scenario.name):
            raise DemoNotConfirmed(
                f"Pause at {self.client.url} did not confirm demo mode for '{scenario.name}', so the "
                "scenario was not played: it would have counted in the pilot's figures. "
                "Check that the bot is up to date (its model trained with demo mode)."
            )
        # The bot's own start-of-demo messages repeat the title and context for chat clients.
        self.introduce(scenario)
        buttons: List[Dict[str, str]] = _buttons(replies)
        played = 0
        total = len(scenario.turns)
        for number, turn in enumerate(scenario.turns, start=1):
            if self.step and not self.wait_for_enter(number, total):
                break
            if self.wait and number > 1 and not self.step:
                self.sleep(self.wait)
            self.screen.heading(f"Turn {number} of {total}")
            self.show_manager(turn, buttons)
            replies = self.client.send(sender, turn.say)
            self.show_replies(replies)
            buttons = _buttons(replies)
            if turn.narrate:
                self.screen.write()
                self.screen.labelled("Trainer", turn.narrate, "trainer")
            played = number
        if played < total:
            self.screen.write()
            self.screen.paragraph(f"Stopped after turn {played} of {total}.", indent=0)
        self.conclude(scenario)
        return PlayResult(sender, played, total)

    def introduce(self, scenario: Scenario) -> None:
        """The title, what kind of concern it is and where it should lead, and the context."""
        self.screen.title(scenario.title)
        self.screen.paragraph(
            f"Scenario {scenario.name}: {label(scenario.concern_type).lower()} concern, "
            f"{len(scenario.turns)} turn{'s' if len(scenario.turns) != 1 else ''}. Expected route: {label(scenario.expect_route)}.",
            indent=1,
        )
        self.screen.heading("Context")
        self.screen.paragraph(scenario.context)
        self.screen.write()
        self.screen.paragraph(DEMO_NOTE)

    def wait_for_enter(self, number: int, total: int) -> bool:
        """Wait for Enter before a turn; False when the trainer stops (q, or no more input)."""
        self.screen.write()
        self.screen.prompt(f"Press Enter for turn {number} of {total} (q then Enter to stop) ")
        line = self.read_line()
        if not line.endswith("\n"):
            self.screen.write()
        return bool(line) and line.strip().lower() not in STOP_WORDS

    def show_manager(self, turn: Turn, buttons: List[Dict[str, str]]) -> None:
        """The manager's message; a button payload is shown as the button clicked."""
        if turn.is_payload:
            title = _button_title(turn.say, buttons)
            self.screen.labelled("Manager", f"clicks [{title}]" if title else turn.say, "manager")
        else:
            self.screen.labelled("Manager", turn.say, "manager")

    def show_replies(self, replies: List[Dict[str, Any]]) -> None:
        """The bot's text messages with their buttons; custom messages are for other clients."""
        shown = False
        for message in replies:
            text = message.get("text")
            buttons = message.get("buttons") or []
            if not text and not buttons:
                continue
            self.screen.labelled("Pause", str(text or ""), "bot")
            if buttons:
                self.screen.buttons(str(button.get("title", "")) for button in buttons if isinstance(button, dict))
            shown = True
        if not shown:
            self.screen.labelled("Pause", "(no reply)", "bot")

    def conclude(self, scenario: Scenario) -> None:
        """The learning points, numbered."""
        self.screen.heading("Learning points")
        self.screen.numbered(scenario.learning_points)
        self.screen.write()


def _buttons(replies: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [b for message in replies for b in message.get("buttons") or [] if isinstance(b, dict)]


def _button_title(payload: str, buttons: List[Dict[str, str]]) -> Optional[str]:
    wanted = _normalised(payload)
    for button in buttons:
        if _normalised(str(button.get("payload", ""))) == wanted:
            return str(button.get("title", "")) or None
    return None


def _normalised(payload: str) -> str:
    return "".join(payload.split())


def _stdin_line() -> str:
    return sys.stdin.readline()

"""Trainer demo scenarios (content/scenarios/<name>.yml): realistic, fictional concerns to replay.

Each file holds one scenario: a title, the kind of concern, the context a trainer reads out, the
learning points narrated at the end, the manager's turns in order (each with an optional
narration) and the route the reflection must reach. The file's name, in kebab-case, is the
scenario's name. Every scenario is also played as a conversation test against the real bot.
"""
from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional, Tuple, Union

from pydantic import Field, validator

from bot.content.files import ContentError, read_yaml, resolve_content_dir
from bot.content.schema import ContentModel, missing, paragraph, read_block, text
from bot.reflection.engine import Route
from bot.reflection.questions import CONCERN_TYPES, URGENT_CONCERN_TYPES

logger = logging.getLogger(__name__)

SCENARIOS_FOLDER = "scenarios"
TITLE_MAX_LENGTH = 60
LEARNING_POINTS = (2, 5)
ROUTES: Tuple[str, ...] = tuple(route.value for route in Route)

_NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A button payload as Rasa reads it: /intent, optionally followed by a JSON object of entities.
_PAYLOAD_PATTERN = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$", re.S)


class UnknownScenario(ContentError):
    """No scenario has the name asked for; ``names`` lists the ones there are."""

    def __init__(self, name: str, names: List[str]) -> None:
        listed = ", ".join(names) if names else "none"
        super().__init__(f"There is no scenario called '{name}'. Scenarios: {listed}.")
        self.name = name
        self.names = names


class Turn(ContentModel):
    """One message the manager sends, and what the trainer may point out to the room then."""

    not_a_block: ClassVar[str] = "expected 'say' (and optionally 'narrate')"

    say: str
    narrate: Optional[str] = None

    @validator("say", pre=True)
    def _say(cls, value: Any) -> str:
        if isinstance(value, bool):
            raise ValueError('say is read as true or false; put yes or no in quotes, such as say: "no"')
        say = text(value, "say")
        if say.startswith("/"):
            _check_payload(say)
        return say

    @validator("narrate", pre=True)
    def _narrate(cls, value: Any) -> Optional[str]:
        return None if value is None else paragraph(value, "narrate")

    @property
    def is_payload(self) -> bool:
        """True when the manager clicks a button here rather than typing."""
        return self.say.startswith("/")


class Expect(ContentModel):
    """Where the reflection must lead."""

    not_a_block: ClassVar[str] = "expect must hold the route, such as 'route: system_learning'"

    route: str

    @validator("route", pre=True)
    def _route(cls, value: Any) -> str:
        if value not in ROUTES:
            raise ValueError(f"unknown route '{value}' (one of: {', '.join(ROUTES)})")
        return value


class Scenario(ContentModel):
    """A fictional concern, the manager's side of the conversation and where it must lead."""

    not_a_block: ClassVar[str] = (
        "expected a scenario: title, concern_type, context, learning_points, turns and expect"
    )

    name: str
    title: str
    concern_type: str
    context: str
    learning_points: Tuple[str, ...]
    turns: Tuple[Turn, ...] = Field(..., label="turn {n}")
    expect: Expect = Field(..., label="expect")

    @validator("title", "context", "learning_points", "turns", "expect", "concern_type", pre=True)
    def _given(cls, value: Any) -> Any:
        # Left empty counts as missing, whatever the field holds.
        if value in (None, "", [], {}):
            raise missing()
        return value

    @validator("title", pre=True)
    def _title(cls, value: Any) -> str:
        title = text(value, "title")
        if len(title) > TITLE_MAX_LENGTH:
            raise ValueError(f"title is longer than {TITLE_MAX_LENGTH} characters")
        return title

    @validator("concern_type", pre=True)
    def _concern_type(cls, value: Any) -> str:
        if value not in CONCERN_TYPES:
            raise ValueError(f"unknown concern_type '{value}' (one of: {', '.join(CONCERN_TYPES)})")
        return value

    @validator("context", pre=True)
    def _context(cls, value: Any) -> str:
        return paragraph(value, "context")

    @validator("learning_points", pre=True)
    def _learning_points(cls, value: Any) -> Tuple[str, ...]:
        if not isinstance(value, (list, tuple)):
            raise ValueError("learning_points must be a list")
        low, high = LEARNING_POINTS
        if not low <= len(value) <= high:
            raise ValueError(f"learning_points has {len(value)} points; give {low} to {high}")
        points = []
        for position, point in enumerate(value, start=1):
            if not isinstance(point, str) or not point.strip():
                raise ValueError(f"learning point {position} must be text")
            points.append(" ".join(point.split()))
        return tuple(points)

    @validator("turns", pre=True)
    def _turns(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise ValueError("turns must be a list of turns, each with 'say'")
        return value

    @validator("expect")
    def _urgent_concerns_escalate(cls, value: Expect, values: Dict[str, Any]) -> Expect:
        concern_type = values.get("concern_type")
        if concern_type in URGENT_CONCERN_TYPES and value.route != Route.ESCALATE_NOW.value:
            raise ValueError(
                f"expect: a {concern_type} concern always escalates now, so its route must be escalate_now"
            )
        return value

    @property
    def expect_route(self) -> str:
        """The route the reflection must reach."""
        return self.expect.route

    def as_message(self) -> Dict[str, Any]:
        """The scenario as the ``pause_demo`` custom message that clients replay."""
        return {
            "name": self.name,
            "title": self.title,
            "context": self.context,
            "learning_points": list(self.learning_points),
            "turns": [{"say": turn.say, "narrate": turn.narrate} for turn in self.turns],
        }


def scenarios_dir(content_dir: Union[str, Path, None] = None) -> Path:
    """The scenarios folder inside the content folder (the default one when omitted)."""
    return resolve_content_dir(content_dir) / SCENARIOS_FOLDER


def read_scenario_file(path: Path, label: Optional[str] = None) -> Tuple[Optional[Scenario], List[str]]:
    """A scenario file as a Scenario, or None, with one plain problem per thing wrong in it.

    Raises ContentError when the file is missing or is not YAML.
    """
    label = label or f"{SCENARIOS_FOLDER}/{path.name}"
    data = read_yaml(path, label)
    if not _NAME_PATTERN.match(path.stem):
        return None, [
            f"{label}: the file name '{path.stem}' is not kebab-case (lower-case letters, digits and hyphens)"
        ]
    scenario, problems = read_block(Scenario, data, name=path.stem)
    return scenario, [f"{label}: {problem}" for problem in problems]


def read_scenarios(folder: Path) -> Tuple[Tuple[Scenario, ...], List[str]]:
    """The well-formed scenarios in a folder, by name, and every problem with the rest."""
    files = sorted(folder.glob("*.yml")) if folder.is_dir() else []
    if not files:
        return (), [f"{SCENARIOS_FOLDER}/: no scenario files (such as medication-error-under-pressure.yml)"]
    scenarios: List[Scenario] = []
    problems: List[str] = []
    for path in files:
        try:
            scenario, file_problems = read_scenario_file(path)
        except ContentError as error:
            problems.append(str(error))
            continue
        problems += file_problems
        if scenario is not None:
            scenarios.append(scenario)
    return tuple(scenarios), problems


def load_scenarios(content_dir: Union[str, Path, None] = None) -> List[Scenario]:
    """Every usable scenario, sorted by name, cached per content folder.

    A malformed scenario is left out and logged; ``python -m bot content check`` names it.
    """
    return list(_load_scenarios(scenarios_dir(content_dir)))


@lru_cache(maxsize=8)
def _load_scenarios(folder: Path) -> Tuple[Scenario, ...]:
    scenarios, problems = read_scenarios(folder)
    for problem in problems:
        logger.warning("Content problem, left out: %s", problem)
    return scenarios


def get_scenario(name: str, content_dir: Union[str, Path, None] = None) -> Scenario:
    """The scenario with this name; UnknownScenario (listing the names there are) otherwise."""
    scenarios = load_scenarios(content_dir)
    for scenario in scenarios:
        if scenario.name == name:
            return scenario
    raise UnknownScenario(name, [scenario.name for scenario in scenarios])


def scenario_problems(content_dir: Union[str, Path, None] = None) -> Tuple[int, List[str]]:
    """How many scenarios are well formed, and one problem per thing wrong (for the content check)."""
    scenarios, problems = read_scenarios(scenarios_dir(content_dir))
    return len(scenarios), problems


def _check_payload(payload: str) -> None:
    """A button payload as Rasa reads it: /intent, optionally followed by a JSON object of entities."""
    match = _PAYLOAD_PATTERN.match(payload)
    if not match:
        raise ValueError(
            f"'{payload}' is not a button payload such as /affirm or /inform{{\"concern_type\": \"clinical\"}}"
        )
    entities = match.group("entities")
    if entities:
        try:
            json.loads(entities)
        except ValueError:
            raise ValueError(f"the entities in '{payload}' are not valid JSON") from None

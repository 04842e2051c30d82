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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from bot.content.files import ContentError, read_yaml, resolve_content_dir
from bot.reflection.engine import Route
from bot.reflection.questions import CONCERN_TYPES, URGENT_CONCERN_TYPES

logger = logging.getLogger(__name__)

SCENARIOS_FOLDER = "scenarios"
TITLE_MAX_LENGTH = 60
LEARNING_POINTS = (2, 5)
ROUTES: Tuple[str, ...] = tuple(route.value for route in Route)

REQUIRED_FIELDS: Tuple[str, ...] = ("title", "concern_type", "context", "learning_points", "turns", "expect")
TURN_FIELDS: Tuple[str, ...] = ("say", "narrate")
EXPECT_FIELDS: Tuple[str, ...] = ("route",)

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


@dataclass(frozen=True)
class Turn:
    """One message the manager sends, and what the trainer may point out to the room then."""

    say: str
    narrate: Optional[str] = None

    @property
    def is_payload(self) -> bool:
        """True when the manager clicks a button here rather than typing."""
        return self.say.startswith("/")


@dataclass(frozen=True)
class Scenario:
    """A fictional concern, the manager's side of the conversation and where it must lead."""

    name: str
    title: str
    concern_type: str
    context: str
    learning_points: Tuple[str, ...]
    turns: Tuple[Turn, ...]
    expect_route: str

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
    problems = [f"{label}: {problem}" for problem in _problems(path.stem, data)]
    if problems:
        return None, problems
    turns = tuple(Turn(turn["say"].strip(), _optional_text(turn.get("narrate"))) for turn in data["turns"])
    scenario = Scenario(
        name=path.stem,
        title=data["title"].strip(),
        concern_type=data["concern_type"],
        context=" ".join(data["context"].split()),
        learning_points=tuple(" ".join(point.split()) for point in data["learning_points"]),
        turns=turns,
        expect_route=data["expect"]["route"],
    )
    return scenario, []


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


def _problems(name: str, data: Any) -> List[str]:
    if not _NAME_PATTERN.match(name):
        return [f"the file name '{name}' is not kebab-case (lower-case letters, digits and hyphens)"]
    if not isinstance(data, dict):
        return ["expected a scenario: title, concern_type, context, learning_points, turns and expect"]
    problems = [f"missing {field}" for field in REQUIRED_FIELDS if data.get(field) in (None, "", [], {})]
    problems += [f"unknown field '{key}'" for key in data if key not in REQUIRED_FIELDS]
    problems += _title_problems(data.get("title"))
    problems += _concern_problems(data.get("concern_type"))
    if data.get("context") not in (None, "") and not _is_text(data.get("context")):
        problems.append("context must be text")
    problems += _learning_point_problems(data.get("learning_points"))
    problems += _turn_problems(data.get("turns"))
    problems += _expect_problems(data.get("expect"), data.get("concern_type"))
    return problems


def _title_problems(title: Any) -> List[str]:
    if title in (None, ""):
        return []
    if not _is_text(title):
        return ["title must be text"]
    if len(title.strip()) > TITLE_MAX_LENGTH:
        return [f"title is longer than {TITLE_MAX_LENGTH} characters"]
    return []


def _concern_problems(concern_type: Any) -> List[str]:
    if concern_type in (None, "") or concern_type in CONCERN_TYPES:
        return []
    return [f"unknown concern_type '{concern_type}' (one of: {', '.join(CONCERN_TYPES)})"]


def _learning_point_problems(points: Any) -> List[str]:
    if points in (None, []):
        return []
    if not isinstance(points, list):
        return ["learning_points must be a list"]
    low, high = LEARNING_POINTS
    problems = []
    if not low <= len(points) <= high:
        problems.append(f"learning_points has {len(points)} points; give {low} to {high}")
    problems += [
        f"learning point {position} must be text"
        for position, point in enumerate(points, start=1)
        if not _is_text(point)
    ]
    return problems


def _turn_problems(turns: Any) -> List[str]:
    if turns in (None, []):
        return []
    if not isinstance(turns, list):
        return ["turns must be a list of turns, each with 'say'"]
    problems = []
    for position, turn in enumerate(turns, start=1):
        where = f"turn {position}"
        if not isinstance(turn, dict):
            problems.append(f"{where}: expected 'say' (and optionally 'narrate')")
            continue
        problems += [f"{where}: unknown field '{key}'" for key in turn if key not in TURN_FIELDS]
        say = turn.get("say")
        if isinstance(say, bool):
            problems.append(f"{where}: say is read as true or false; put yes or no in quotes, such as say: \"no\"")
        elif not _is_text(say):
            problems.append(f"{where}: missing say")
        elif say.strip().startswith("/"):
            problems += [f"{where}: {problem}" for problem in _payload_problems(say.strip())]
        if turn.get("narrate") is not None and not _is_text(turn.get("narrate")):
            problems.append(f"{where}: narrate must be text")
    return problems


def _payload_problems(payload: str) -> List[str]:
    match = _PAYLOAD_PATTERN.match(payload)
    if not match:
        return [f"'{payload}' is not a button payload such as /affirm or /inform{{\"concern_type\": \"clinical\"}}"]
    entities = match.group("entities")
    if entities:
        try:
            json.loads(entities)
        except ValueError:
            return [f"the entities in '{payload}' are not valid JSON"]
    return []


def _expect_problems(expect: Any, concern_type: Any) -> List[str]:
    if expect in (None, {}):
        return []
    if not isinstance(expect, dict):
        return ["expect must hold the route, such as 'route: system_learning'"]
    problems = [f"expect: unknown field '{key}'" for key in expect if key not in EXPECT_FIELDS]
    route = expect.get("route")
    if route is None:
        problems.append("expect: missing route")
    elif route not in ROUTES:
        problems.append(f"expect: unknown route '{route}' (one of: {', '.join(ROUTES)})")
    elif concern_type in URGENT_CONCERN_TYPES and route != Route.ESCALATE_NOW.value:
        problems.append(f"expect: a {concern_type} concern always escalates now, so its route must be escalate_now")
    return problems


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _optional_text(value: Any) -> Optional[str]:
    return " ".join(value.split()) if _is_text(value) else None

"""Scripted reflections and outcome checks shared by the fault tests."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Sequence

import yaml
from sqlalchemy import create_engine, text

from tests.conversations.test_conversations import matches
from tests.support.conversation import Conversation, Reply

SCRIPTS = Path(__file__).resolve().parents[1] / "conversations" / "reflection.yml"


def script(name_starts: str) -> Dict[str, Any]:
    """The scripted reflection from tests/conversations/reflection.yml whose name starts so."""
    for conversation in yaml.safe_load(SCRIPTS.read_text(encoding="utf-8"))["conversations"]:
        if conversation["name"].startswith(name_starts):
            return conversation
    raise LookupError(f"no scripted reflection named {name_starts!r}...")


def decision_turn(conversation: Dict[str, Any]) -> int:
    """The index of the turn that gives the decision, where the outcome is written."""
    for index, turn in enumerate(conversation["turns"]):
        if '"decision"' in str(turn["user"]):
            return index
    raise LookupError(f"{conversation['name']} has no decision turn")


def play(conversation: Conversation, turns: Sequence[Dict[str, Any]], first_number: int = 1) -> List[Reply]:
    """Say each turn and check the responses are the scripted ones."""
    replies = []
    for number, turn in enumerate(turns, start=first_number):
        reply = conversation.say(turn["user"])
        assert matches(reply.responses, turn["bot"]), (
            f"turn {number}: {turn['user']!r} got {reply.responses}, expected {turn['bot']}"
        )
        replies.append(reply)
    return replies


def rows(database_url: str, table: str) -> List[Dict[str, Any]]:
    """Every row of an outcome store table, read directly (never through a proxy under test)."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()]
    finally:
        engine.dispose()


def assert_case(case: Dict[str, Any], expected: Dict[str, Any]) -> None:
    for key, value in expected.items():
        assert case[key] == value, f"case {key}: {case[key]!r}, expected {value!r}"

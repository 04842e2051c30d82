"""Two Rasa replicas sharing PostgreSQL and Redis serve concurrent conversations, nothing lost.

One action server and two Rasa servers run against two throwaway PostgreSQL databases (the
tracker store and the outcome store) and the Redis lock store. Ten managers do full reflections
at once, each message going to the other replica from the last, and every reply is checked by
reading the conversation back from the replica that did not answer it.
"""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests
import yaml
from sqlalchemy import create_engine, text

from bot.store import find_reference
from tests.conftest import require_server
from tests.conversations.test_conversations import matches
from tests.store.store_test_databases import temporary_postgres_database
from tests.support.conversation import response_names
from tests.support.servers import API_TOKEN, Servers, running_replicas

pytestmark = [pytest.mark.model, pytest.mark.postgres, pytest.mark.redis]

SCRIPTS = Path(__file__).resolve().parents[1] / "conversations" / "reflection.yml"
CONVERSATIONS = 10
REDIS_URL = "redis://127.0.0.1:6379/1"


def full_reflections() -> List[Dict[str, Any]]:
    """The scripted reflections that go all the way to a recorded decision."""
    scripts = yaml.safe_load(SCRIPTS.read_text(encoding="utf-8"))["conversations"]
    chosen = [
        script
        for script in scripts
        if "given_case" not in script
        and (script.get("case") or {}).get("guide_exit") in {"B", "C", "D", "E", "F", "G"}
        and all(isinstance(turn["user"], str) for turn in script["turns"])
    ]
    assert len(chosen) >= 5, "reflection.yml should hold the Guide's full reflections"
    return chosen


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[List[Servers]]:
    require_server("PostgreSQL", "127.0.0.1", 5432)
    require_server("Redis", "127.0.0.1", 6379)
    with temporary_postgres_database() as outcomes, temporary_postgres_database() as trackers:
        with running_replicas(
            tmp_path_factory.mktemp("replicas"),
            replicas=2,
            database_url=outcomes,
            tracker_database_url=trackers,
            extra_env={"PAUSE_REDIS_URL": REDIS_URL},
        ) as servers:
            yield servers


def tracker(servers: Servers, sender: str) -> Dict[str, Any]:
    response = requests.get(
        f"{servers.rasa_url}/conversations/{sender}/tracker",
        params={"token": API_TOKEN}, timeout=60,
    )
    response.raise_for_status()
    return response.json()


def bot_responses(events: List[Dict[str, Any]]) -> List[str]:
    return response_names([event for event in events if event["event"] == "bot"])


def user_texts(servers: Servers, sender: str) -> List[str]:
    return [event["text"] for event in tracker(servers, sender)["events"] if event["event"] == "user"]


def reflect(replicas: List[Servers], script: Dict[str, Any], first: int) -> Dict[str, Any]:
    """Play one scripted reflection, alternating replicas; return what was seen."""
    sender = f"replica-{uuid.uuid4().hex}"
    seen = 0
    reference = None
    problems = []
    for number, turn in enumerate(script["turns"]):
        answering = replicas[(first + number) % len(replicas)]
        reading = replicas[(first + number + 1) % len(replicas)]
        response = requests.post(
            answering.webhook(), json={"sender": sender, "message": turn["user"]}, timeout=120
        )
        if response.status_code != 200:
            problems.append(f"turn {number + 1}: HTTP {response.status_code}")
            break
        # Read back from the other replica: it must already know what this one just did.
        responses = bot_responses(tracker(reading, sender)["events"])
        new, seen = responses[seen:], len(responses)
        if not matches(new, turn["bot"]):
            problems.append(f"turn {number + 1}: {turn['user']!r} got {new}, expected {turn['bot']}")
        text_of_reply = "\n".join(message.get("text") or "" for message in response.json())
        if "utter_case_recorded" in new:
            reference = find_reference(text_of_reply)
    return {"sender": sender, "script": script, "reference": reference, "problems": problems}


def stored_cases(database_url: str) -> List[Dict[str, Any]]:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return [dict(row) for row in connection.execute(text("SELECT * FROM cases")).mappings()]
    finally:
        engine.dispose()


def test_concurrent_conversations_alternating_between_replicas(replicas: List[Servers]) -> None:
    scripts = full_reflections()
    plays = [(scripts[n % len(scripts)], n % 2) for n in range(CONVERSATIONS)]
    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        results = list(pool.map(lambda play: reflect(replicas, *play), plays))

    # Every turn got the right replies, whichever replica answered and whichever was asked.
    assert [result["problems"] for result in results] == [[]] * CONVERSATIONS

    # Each tracker, read from either replica, holds every user turn once, in the order sent.
    for result in results:
        sent = [turn["user"] for turn in result["script"]["turns"]]
        for servers in replicas:
            assert user_texts(servers, result["sender"]) == sent

    # Every completed reflection is stored exactly once, as its script says.
    references = [result["reference"] for result in results]
    assert None not in references and len(set(references)) == CONVERSATIONS
    cases = {case["reference"]: case for case in stored_cases(replicas[0].database_url)}
    assert sorted(cases) == sorted(references)
    for result in results:
        case = cases[result["reference"]]
        for key, value in result["script"]["case"].items():
            assert case[key] == value, f"{result['script']['name']}: case {key}"

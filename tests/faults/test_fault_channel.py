"""Faults met at the channel, with the real model, Rasa server and action server.

- A request body over the size limit in the middle of a reflection is refused with 413, and the
  reflection carries on exactly where it was: the refused message never reached the tracker.
- A slow action server: the turn that waits for it gets the technical-problem apology at the
  turn timeout, never silence; once it answers in time again the reflection continues and
  finishes, and its case is stored once.
"""
from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import requests
import yaml

from tests.faults.fault_support import assert_case, play, rows, script
from tests.faults.tcp_proxy import TcpProxy
from tests.support.conversation import Conversation
from tests.support.servers import REPO, Servers, running_pause

pytestmark = pytest.mark.model

RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))["responses"]
APOLOGY = RESPONSES["utter_technical_problem"][0]["text"]
MAX_REQUEST_BYTES = 64 * 1024
TURN_TIMEOUT_SECONDS = 3
SLOW_SECONDS = 8


@pytest.fixture
def pause(tmp_path: Path) -> Iterator[Servers]:
    with running_pause(tmp_path, extra_env={"PAUSE_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES)}) as servers:
        yield servers


def test_a_body_over_the_size_limit_is_refused_and_the_reflection_carries_on(pause: Servers) -> None:
    reflection = script("exit B, substance misuse")
    turns = reflection["turns"]
    conversation = Conversation(pause, f"oversize-{uuid.uuid4().hex}")
    play(conversation, turns[:3])
    before = conversation.tracker()["events"]

    oversized = requests.post(
        pause.webhook(),
        json={"sender": conversation.sender, "message": "x" * (MAX_REQUEST_BYTES + 1)},
        timeout=60,
    )

    assert oversized.status_code == 413
    assert conversation.tracker()["events"] == before
    play(conversation, turns[3:], first_number=4)
    cases = rows(pause.database_url, "cases")
    assert len(cases) == 1
    assert_case(cases[0], reflection["case"])


@pytest.fixture
def pause_with_slow_actions(tmp_path: Path) -> Iterator[Tuple[Servers, TcpProxy]]:
    """Pause whose Rasa server reaches the action server through a proxy that can slow it."""
    with TcpProxy() as proxy:
        extra_env = {
            "PAUSE_ACTION_ENDPOINT": f"http://127.0.0.1:{proxy.port}/webhook",
            "PAUSE_TURN_TIMEOUT_SECONDS": str(TURN_TIMEOUT_SECONDS),
        }
        with running_pause(tmp_path, extra_env=extra_env) as servers:
            proxy.target = ("127.0.0.1", int(servers.actions_url.rsplit(":", 1)[1]))
            yield servers, proxy


def wait_for_turns(conversation: Conversation, user_turns: int, timeout: float) -> None:
    """Wait until the tracker holds ``user_turns`` user messages, the last one answered: a turn
    that outlasted its timeout finishes in the background and is stored only when it ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = conversation.tracker()["events"]
        users = [i for i, event in enumerate(events) if event["event"] == "user"]
        if len(users) == user_turns and events[-1].get("name") == "action_listen":
            if any(event["event"] == "bot" for event in events[users[-1] + 1:]):
                return
        time.sleep(0.5)
    raise AssertionError("the slow turn never finished")


def test_a_slow_action_server_gets_an_apology_and_the_reflection_continues(pause_with_slow_actions) -> None:
    servers, proxy = pause_with_slow_actions
    reflection = script("exit C, mental ill health")
    turns = reflection["turns"]
    conversation = Conversation(servers, f"slow-actions-{uuid.uuid4().hex}")
    play(conversation, turns[:1])

    proxy.delay_seconds = SLOW_SECONDS
    started = time.monotonic()
    slow = conversation.say(turns[1]["user"])
    answered_in = time.monotonic() - started

    # The apology in that turn, at the timeout, not after the action server's delay.
    assert [message.get("text") for message in slow.messages] == [APOLOGY]
    assert answered_in < SLOW_SECONDS
    proxy.delay_seconds = 0
    wait_for_turns(conversation, user_turns=2, timeout=60)

    # The turn finished late in the background, so the answer is already taken: saying it again
    # gets the next question, and the reflection goes on to its case.
    retried = conversation.say(turns[1]["user"])
    assert APOLOGY not in retried.text
    assert retried.responses[-1] == turns[1]["bot"][-1], retried.responses
    play(conversation, turns[2:], first_number=3)
    cases = rows(servers.database_url, "cases")
    assert len(cases) == 1
    assert_case(cases[0], reflection["case"])

"""The Rasa server restarted in the middle of a reflection: the conversation resumes from the
tracker store, the next answer is accepted, the form carries on and the case is stored once."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from tests.faults.fault_support import assert_case, play, rows, script
from tests.support.conversation import Conversation
from tests.support.servers import Servers, running_pause, server_env, start_rasa, stop, wait_until_up

pytestmark = pytest.mark.model


@pytest.fixture
def pause(tmp_path: Path) -> Iterator[Servers]:
    with running_pause(tmp_path) as servers:
        yield servers


def restart_rasa(servers: Servers) -> None:
    """Stop the Rasa server and start a new one on the same port with the same stores."""
    rasa = servers.processes[-1]
    stop([rasa])
    assert rasa.poll() is not None
    rasa_port = int(servers.rasa_url.rsplit(":", 1)[1])
    actions_port = int(servers.actions_url.rsplit(":", 1)[1])
    env = server_env(servers.database_url, servers.tracker_database_url, actions_port)
    servers.processes[-1] = start_rasa(env, rasa_port, servers.log_dir)
    wait_until_up(f"{servers.rasa_url}/", servers.processes)


def test_a_reflection_resumes_after_the_rasa_server_restarts(pause: Servers) -> None:
    reflection = script("an unsure health answer finds out first, overridden by a formal decision")
    turns = reflection["turns"]
    middle = len(turns) // 2
    sender = f"restart-{uuid.uuid4().hex}"

    play(Conversation(pause, sender), turns[:middle])
    restart_rasa(pause)

    # A new client, as after a page reload: all it knows is the sender id.
    resumed = Conversation(pause, sender)
    play(resumed, turns[middle:], first_number=middle + 1)

    cases = rows(pause.database_url, "cases")
    assert len(cases) == 1
    assert_case(cases[0], reflection["case"])
    user_turns = [e["text"] for e in resumed.tracker()["events"] if e["event"] == "user"]
    assert user_turns == [turn["user"] for turn in turns]

"""Never silence: with the action server down, a reflection turn gets an apology, then carries on.

Real servers: the trained model, Rasa with the project's channels, the action server (stopped
and started again on the same port), SQLite stores.
"""
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests
import yaml

from tests.support.conversation import Conversation
from tests.support.servers import REPO, running_pause, server_env, start_actions, wait_until_up

pytestmark = pytest.mark.model

RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]
APOLOGY = RESPONSES["utter_technical_problem"][0]["text"]


def stop_actions(servers):
    process = servers.processes[0]
    process.terminate()
    process.wait(timeout=30)
    port = urlsplit(servers.actions_url).port
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
        except requests.RequestException:
            return
        time.sleep(0.2)
    raise AssertionError("the action server did not stop")


def restart_actions(servers):
    port = urlsplit(servers.actions_url).port
    env = server_env(servers.database_url, servers.tracker_database_url, port)
    process = start_actions(env, port, servers.log_dir)
    servers.processes.append(process)  # stopped with the others at the end
    wait_until_up(f"http://127.0.0.1:{port}/health", [process])


def test_an_action_server_outage_gets_an_apology_and_the_reflection_resumes(tmp_path):
    with running_pause(tmp_path) as servers:
        # The real server's size limit and JSON errors, before the outage.
        too_big = requests.post(servers.webhook(), json={"sender": "big", "message": "a" * 70_000}, timeout=30)
        assert too_big.status_code == 413
        malformed = requests.post(servers.webhook(), data=b"{oops", timeout=30)
        assert (malformed.status_code, malformed.json()["error"]) == (400, "invalid_json")

        conversation = Conversation(servers, f"outage-{uuid.uuid4().hex}")
        opened = conversation.say("/raise_concern")
        assert opened.responses[-1] == "utter_ask_concern_type"

        stop_actions(servers)
        down = conversation.say('/inform{"concern_type": "conduct"}')
        assert down.messages, "the user must never get an empty reply"
        assert down.messages[-1]["text"] == APOLOGY

        restart_actions(servers)
        back = conversation.say('/inform{"concern_type": "conduct"}')
        assert APOLOGY not in back.text
        assert back.responses[-1] == "utter_ask_urgent_screen", back.responses
        carry_on = conversation.say('/inform{"urgent_screen": "none"}')
        assert carry_on.responses[-1].startswith("utter_ask_"), carry_on.responses


CRISIS = RESPONSES["utter_crisis"][0]["text"]
COLLEAGUE = RESPONSES["utter_colleague_at_risk"][0]["text"]
FALLBACK = RESPONSES["utter_default"][0]["text"]


def test_crisis_help_never_depends_on_the_action_server(tmp_path):
    """A crisis while the action server cannot be reached still gets the crisis numbers in that turn.

    Under overload a call to the action server can be dropped; Rasa then carries on without the
    action's messages. Crisis help therefore comes from Rasa itself first, and the action server
    only adds the organisation's contacts and pauses what is in progress.
    """
    with running_pause(tmp_path) as servers:
        in_reflection = Conversation(servers, f"outage-crisis-{uuid.uuid4().hex}")
        assert in_reflection.say("/raise_concern").responses[-1] == "utter_ask_concern_type"
        stop_actions(servers)
        reply = in_reflection.say("honestly i cant do this anymore, i want to end it all")
        assert reply.messages[0]["text"] == CRISIS, reply.messages
        assert "116 123" in reply.text and FALLBACK not in reply.text

        first = Conversation(servers, f"outage-first-{uuid.uuid4().hex}")
        reply = first.say("i want to kill myself")
        assert reply.messages[0]["text"] == CRISIS and FALLBACK not in reply.text

        colleague = Conversation(servers, f"outage-colleague-{uuid.uuid4().hex}")
        reply = colleague.say("my colleague told me she wants to end her life")
        assert reply.messages[0]["text"] == COLLEAGUE and FALLBACK not in reply.text

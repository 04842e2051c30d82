"""The outcome database goes away just before the decision is recorded.

A TCP proxy sits between the servers and a throwaway PostgreSQL database. It is cut just before
the decision turn: the manager gets the apology in that turn, nothing crashes, no half-written
case is left, and the conversation goes on. Once the database is back, later reflections are
recorded as usual.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator, Tuple

import pytest
from sqlalchemy.engine import make_url

from bot.store import find_reference
from tests.conftest import require_server
from tests.faults.fault_support import assert_case, decision_turn, play, rows, script
from tests.faults.tcp_proxy import TcpProxy
from tests.store.store_test_databases import temporary_postgres_database
from tests.support.conversation import Conversation
from tests.support.servers import Servers, running_pause

pytestmark = [pytest.mark.model, pytest.mark.postgres]


@pytest.fixture
def pause_behind_a_proxy(tmp_path: Path) -> Iterator[Tuple[Servers, TcpProxy, str]]:
    """Pause whose outcome store is reached only through the proxy; also the direct URL."""
    require_server("PostgreSQL", "127.0.0.1", 5432)
    with temporary_postgres_database() as direct_url:
        with TcpProxy(("127.0.0.1", 5432)) as proxy:
            proxied_url = make_url(direct_url).set(port=proxy.port).render_as_string(hide_password=False)
            with running_pause(tmp_path, database_url=proxied_url) as servers:
                yield servers, proxy, direct_url


def test_the_decision_turn_apologises_when_the_database_is_down(pause_behind_a_proxy) -> None:
    servers, proxy, direct_url = pause_behind_a_proxy
    reflection = script("exit B, substance misuse")
    turns = reflection["turns"]
    decision = decision_turn(reflection)
    conversation = Conversation(servers, f"outage-{uuid.uuid4().hex}")
    play(conversation, turns[:decision])

    proxy.cut()
    reply = conversation.say(turns[decision]["user"])

    # The apology in that very turn, and no reference given for a case that does not exist.
    assert "utter_record_failed" in reply.responses
    assert "utter_case_recorded" not in reply.responses
    assert find_reference(reply.text) is None
    assert proxy.refused > 0, "the action server never tried the database"
    # Nothing crashed and nothing half-written was kept.
    assert all(process.poll() is None for process in servers.processes)
    assert rows(direct_url, "cases") == []
    assert rows(direct_url, "follow_ups") == []
    # The conversation goes on: a question is answered as usual.
    after = conversation.say("what is a just culture?")
    assert "utter_faq_just_culture" in after.responses

    proxy.restore()
    again = script("exit C, mental ill health")
    play(Conversation(servers, f"outage-after-{uuid.uuid4().hex}"), again["turns"])
    cases = rows(direct_url, "cases")
    assert len(cases) == 1
    assert_case(cases[0], again["case"])

"""A busy Rasa server may open its connection to the action server and write the request seconds
later. Sanic closes a connection that has sent nothing for KEEP_ALIVE_TIMEOUT (5 s by default),
which under `make load` made turns fail with "Can not write request body". The servers run with
75 s, longer than nginx's upstream keep-alive (60 s)."""
from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.servers import REPO, free_port, server_env, start_actions, stop, wait_until_up

IDLE_SECONDS = 6


@pytest.fixture
def action_server(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = server_env(f"sqlite:///{tmp_path / 'outcomes.db'}", f"sqlite:///{tmp_path / 'tracker.db'}", port)
    process = start_actions(env, port, tmp_path)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", [process], timeout=120)
        yield port
    finally:
        stop([process])


def test_a_connection_that_writes_late_is_still_answered(action_server: int) -> None:
    with socket.create_connection(("127.0.0.1", action_server), timeout=10) as connection:
        time.sleep(IDLE_SECONDS)
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert connection.recv(64).startswith(b"HTTP/1.1 200")


def test_every_way_of_starting_the_servers_sets_the_timeout() -> None:
    serve = (REPO / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert 'SANIC_KEEP_ALIVE_TIMEOUT="${SANIC_KEEP_ALIVE_TIMEOUT:-75}"' in serve
    for dockerfile in ("rasa.Dockerfile", "actions.Dockerfile"):
        text = (REPO / "deploy" / dockerfile).read_text(encoding="utf-8")
        found = re.search(r"SANIC_KEEP_ALIVE_TIMEOUT=(\d+)", text)
        assert found is not None and int(found.group(1)) > 60, dockerfile

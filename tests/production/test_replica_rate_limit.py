"""One sender's rate limit across two real Rasa replicas: shared in Redis, per replica without it.

Each replica is a real Rasa server started as in production; one sender's messages go to them
in turn. With PAUSE_REDIS_URL the two allow the burst once between them; without it each keeps
its own count, which is why nginx also caps each client address.
"""
from __future__ import annotations

import uuid
from typing import Iterator, List

import pytest
import requests

from tests.conftest import require_server
from tests.support.servers import Servers, running_replicas

pytestmark = [pytest.mark.model]

BURST = 3
# Slow enough that no token comes back while a test runs.
LIMITS = {"PAUSE_RATE_LIMIT_PER_MINUTE": "1", "PAUSE_RATE_LIMIT_BURST": str(BURST)}
REDIS_URL = "redis://127.0.0.1:6379/1"


@pytest.fixture(scope="module")
def shared_replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[List[Servers]]:
    require_server("Redis", "127.0.0.1", 6379)
    env = {**LIMITS, "PAUSE_REDIS_URL": REDIS_URL}
    with running_replicas(tmp_path_factory.mktemp("shared-limit"), replicas=2, extra_env=env) as servers:
        yield servers


@pytest.fixture(scope="module")
def separate_replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[List[Servers]]:
    with running_replicas(tmp_path_factory.mktemp("separate-limit"), replicas=2, extra_env=LIMITS) as servers:
        yield servers


def statuses_alternating(replicas: List[Servers], sender: str, messages: int) -> List[int]:
    """Send one sender's messages to each replica in turn; the HTTP status of each reply."""
    statuses = []
    for number in range(messages):
        server = replicas[number % len(replicas)]
        reply = requests.post(server.webhook(), json={"sender": sender, "message": "hello"}, timeout=60)
        if reply.status_code == 429:
            assert int(reply.headers["Retry-After"]) >= 1
            assert reply.json()[0]["text"], "the 429 carries utter_slow_down"
        statuses.append(reply.status_code)
    return statuses


@pytest.mark.redis
def test_with_redis_two_replicas_allow_a_sender_the_burst_once(shared_replicas: List[Servers]) -> None:
    statuses = statuses_alternating(shared_replicas, f"limited-{uuid.uuid4().hex}", 2 * BURST)
    assert statuses == [200] * BURST + [429] * BURST


@pytest.mark.redis
def test_with_redis_another_sender_has_its_own_bucket(shared_replicas: List[Servers]) -> None:
    statuses_alternating(shared_replicas, f"first-{uuid.uuid4().hex}", BURST + 1)
    assert statuses_alternating(shared_replicas, f"second-{uuid.uuid4().hex}", 1) == [200]


def test_without_redis_each_replica_counts_alone(separate_replicas: List[Servers]) -> None:
    statuses = statuses_alternating(separate_replicas, f"limited-{uuid.uuid4().hex}", 2 * BURST + 2)
    assert statuses == [200] * (2 * BURST) + [429] * 2

"""Production configuration: each store chosen by the environment alone, and really used.

The project's own endpoints.yml is loaded the way Rasa loads it, with and without each
variable, against the PostgreSQL, Redis and RabbitMQ servers on this machine.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config

from bot.settings import get_settings
from components.event_broker import PauseEventBroker
from components.lock_store import KEY_PREFIX, PauseLockStore
from components.tracker_store import RedactingSQLTrackerStore
from tests.conftest import require_server
from tests.test_tracker_store import (
    DOMAIN,
    PERSONAL_DETAILS,
    assert_redacted_round_trip,
    build_tracker,
    conversation_events,
)

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.yml"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/1"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A clean environment for the settings: no production variable set, settings re-read."""
    for name in ("PAUSE_REDIS_URL", "PAUSE_RABBITMQ_URL", "PAUSE_RABBITMQ_QUEUE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAUSE_ACTION_ENDPOINT", "http://127.0.0.1:5055/webhook")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def endpoint(name: str):
    """One section of the project's endpoints.yml, read as Rasa reads it."""
    return read_endpoint_config(str(ENDPOINTS), name)


# Lock store


def test_without_redis_the_lock_store_is_in_memory(environment: pytest.MonkeyPatch) -> None:
    store = LockStore.create(endpoint("lock_store"))
    assert isinstance(store, PauseLockStore)
    assert isinstance(store.backend, InMemoryLockStore)
    assert not store.shared


def redis_keys(pattern: str) -> list:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        return sorted(key.decode() for key in client.keys(pattern))
    finally:
        client.close()


@pytest.mark.redis
async def test_with_redis_two_replicas_share_one_lock(environment: pytest.MonkeyPatch) -> None:
    require_server("Redis", "127.0.0.1", 6379)
    environment.setenv("PAUSE_REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    first = LockStore.create(endpoint("lock_store"))
    second = LockStore.create(endpoint("lock_store"))
    assert isinstance(first, PauseLockStore) and isinstance(first.backend, RedisLockStore)
    assert first.shared and first.backend is not second.backend

    conversation = f"manager-{uuid.uuid4().hex}"
    order = []

    async def turn(store: LockStore, name: str, hold: float) -> None:
        async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.05):
            order.append(f"{name} starts")
            await asyncio.sleep(hold)
            order.append(f"{name} ends")

    async with first.lock(conversation, lock_lifetime=30):
        # While one replica holds the lock, the other sees it, in Redis, under Pause's prefix.
        assert redis_keys(f"{KEY_PREFIX}:*{conversation}") == [f"{KEY_PREFIX}:lock:{conversation}"]
        waiting = asyncio.create_task(turn(second, "second", 0))
        await asyncio.sleep(0.3)
        assert order == []
    await waiting
    assert order == ["second starts", "second ends"]

    # Two replicas taking turns on the same conversation never overlap.
    order.clear()
    await asyncio.gather(turn(first, "first", 0.2), turn(second, "second", 0.2))
    assert order in (
        ["first starts", "first ends", "second starts", "second ends"],
        ["second starts", "second ends", "first starts", "first ends"],
    )
    assert redis_keys(f"{KEY_PREFIX}:*{conversation}") == []


# Tracker store


@pytest.fixture
def postgres_database_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    require_server("PostgreSQL", "127.0.0.1", 5432)
    name = f"pause_production_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
async def test_the_tracker_url_setting_selects_postgresql(
    environment: pytest.MonkeyPatch, postgres_database_url: str
) -> None:
    environment.setenv("PAUSE_TRACKER_DATABASE_URL", postgres_database_url)
    get_settings.cache_clear()
    store = TrackerStore.create(endpoint("tracker_store"), domain=DOMAIN)
    try:
        assert isinstance(store, RedactingSQLTrackerStore)
        assert store.engine.dialect.name == "postgresql"
        assert store.engine.url.database == postgres_database_url.rsplit("/", 1)[1]
        await assert_redacted_round_trip(store, "manager-postgresql-url")
    finally:
        store.engine.dispose()


@pytest.mark.postgres
async def test_the_tracker_and_outcome_stores_can_share_one_postgresql_database(
    environment: pytest.MonkeyPatch, postgres_database_url: str
) -> None:
    from bot.store import dispose_engines
    from bot.store.migrate import is_up_to_date, upgrade

    environment.setenv("PAUSE_TRACKER_DATABASE_URL", postgres_database_url)
    environment.setenv("PAUSE_DATABASE_URL", postgres_database_url)
    get_settings.cache_clear()
    upgrade()
    store = TrackerStore.create(endpoint("tracker_store"), domain=DOMAIN)
    try:
        await store.save(build_tracker("manager-shared-database"))
        assert is_up_to_date()
        tables = sa.inspect(store.engine).get_table_names()
        assert {"events", "cases", "follow_ups", "alembic_version"} <= set(tables)
    finally:
        store.engine.dispose()
        dispose_engines()


# Event broker


async def test_without_rabbitmq_there_is_no_event_broker(environment: pytest.MonkeyPatch) -> None:
    assert await EventBroker.create(endpoint("event_broker")) is None


@pytest.mark.parametrize(
    "url, expected",
    [
        ("amqp://guest:guest@127.0.0.1:5672/", "amqp://guest:guest@127.0.0.1:5672/"),
        ("amqp://mq.internal", "amqp://guest:guest@mq.internal:5672"),
        ("amqps://pause:p%40ss@mq.internal/analytics", "amqps://pause:p%40ss@mq.internal:5671/analytics"),
    ],
)
async def test_the_broker_connects_where_the_url_says(url: str, expected: str) -> None:
    broker = PauseEventBroker.from_url(url, "pause_events", asyncio.get_running_loop())
    assert broker._configure_url() == expected
    assert broker.queues == ["pause_events"]


async def consume(queue_name: str, expected: int, timeout: float = 20.0) -> list:
    """Read ``expected`` messages from a RabbitMQ queue, as an analytics consumer would."""
    import aio_pika

    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    messages = []
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True)
        deadline = asyncio.get_running_loop().time() + timeout
        while len(messages) < expected and asyncio.get_running_loop().time() < deadline:
            message = await queue.get(no_ack=True, fail=False)
            if message is None:
                await asyncio.sleep(0.1)
                continue
            messages.append(json.loads(message.body))
        await queue.delete(if_unused=False, if_empty=False)
    finally:
        await connection.close()
    return messages


@pytest.mark.rabbitmq
async def test_with_rabbitmq_redacted_events_reach_the_queue(
    environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    require_server("RabbitMQ", "127.0.0.1", 5672)
    queue = f"pause_test_{uuid.uuid4().hex[:12]}"
    environment.setenv("PAUSE_RABBITMQ_URL", RABBITMQ_URL)
    environment.setenv("PAUSE_RABBITMQ_QUEUE", queue)
    environment.setenv("PAUSE_TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    get_settings.cache_clear()

    broker = await EventBroker.create(endpoint("event_broker"))
    assert isinstance(broker, PauseEventBroker) and broker.is_ready()
    try:
        store = TrackerStore.create(endpoint("tracker_store"), domain=DOMAIN, event_broker=broker)
        await store.save(build_tracker("manager-analytics"))
        messages = await consume(queue, expected=len(conversation_events()))
    finally:
        await broker.close()

    assert len(messages) == len(conversation_events())
    assert {message["sender_id"] for message in messages} == {"manager-analytics"}
    assert [message["event"] for message in messages] == [
        event.as_dict()["event"] for event in conversation_events()
    ]
    published = json.dumps(messages)
    for detail in PERSONAL_DETAILS:
        assert detail not in published
    user = next(message for message in messages if message["event"] == "user")
    assert user["text"].startswith("My colleague [NAME] keeps missing handover.")


@pytest.mark.model
@pytest.mark.rabbitmq
async def test_a_running_pause_publishes_its_conversation_redacted(tmp_path: Path) -> None:
    import requests

    from tests.support.servers import running_pause

    require_server("RabbitMQ", "127.0.0.1", 5672)
    queue = f"pause_test_{uuid.uuid4().hex[:12]}"
    sender = f"analytics-{uuid.uuid4().hex}"
    text = "hello, my colleague Mahlet Tesfaye (07700 900123) keeps missing handover"
    env = {"PAUSE_RABBITMQ_URL": RABBITMQ_URL, "PAUSE_RABBITMQ_QUEUE": queue}
    with running_pause(tmp_path, extra_env=env) as pause:
        reply = requests.post(pause.webhook(), json={"sender": sender, "message": text}, timeout=60)
        assert reply.status_code == 200 and reply.json()
        events = requests.get(
            f"{pause.rasa_url}/conversations/{sender}/tracker",
            params={"token": "pause-test-token"}, timeout=30,
        ).json()["events"]
        messages = await consume(queue, expected=len(events))

    assert [message["event"] for message in messages] == [event["event"] for event in events]
    assert {message["sender_id"] for message in messages} == {sender}
    published = json.dumps(messages)
    for detail in ("Mahlet", "Tesfaye", "07700", "900123"):
        assert detail not in published
    user = next(message for message in messages if message["event"] == "user")
    assert "[NAME]" in user["text"] and "[PHONE]" in user["text"]

"""The per-sender rate limit, in memory and in Redis: the same token bucket either way."""
from __future__ import annotations

import uuid
from typing import AsyncIterator, Callable

import pytest
import redis

from bot.channels.limits import KEY_PREFIX, SenderRateLimit, bucket_key, sender_rate_limit
from bot.settings import Settings
from pyrate_limiter import AbstractClock
from tests.conftest import require_server

REDIS_URL = "redis://127.0.0.1:6379/1"


class Clock(AbstractClock):
    """A clock the test moves by hand, in seconds."""

    def __init__(self) -> None:
        self.seconds = 1_000_000.0

    def now(self) -> int:
        return int(self.seconds * 1000)


Limit = Callable[..., SenderRateLimit]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def limit(request: pytest.FixtureRequest) -> AsyncIterator[Limit]:
    """Builds limiters on the store under test; each test's senders are its own."""
    if request.param == "redis":
        require_server("Redis", "127.0.0.1", 6379)
    run = uuid.uuid4().hex
    built = []

    def build(per_minute: float, burst: int, clock: AbstractClock = None, **kwargs) -> SenderRateLimit:
        limiter = SenderRateLimit(
            per_minute, burst, REDIS_URL if request.param == "redis" else None, clock=clock or Clock(), **kwargs
        )
        limiter.sender = lambda name: f"{run}-{name}"  # type: ignore[attr-defined]
        built.append(limiter)
        return limiter

    yield build
    for limiter in built:
        await limiter.close()


async def takes(limiter: SenderRateLimit, name: str, times: int) -> list:
    return [await limiter.wait_needed(limiter.sender(name)) for _ in range(times)]  # type: ignore[attr-defined]


async def test_a_burst_is_allowed_then_the_next_message_waits(limit: Limit) -> None:
    limiter = limit(per_minute=60, burst=3)
    assert await takes(limiter, "a", 3) == [0.0, 0.0, 0.0]
    assert await takes(limiter, "a", 1) == [pytest.approx(1.0)]
    assert await takes(limiter, "b", 1) == [0.0], "another sender has its own bucket"


async def test_tokens_come_back_at_the_configured_rate(limit: Limit) -> None:
    clock = Clock()
    limiter = limit(per_minute=30, burst=2, clock=clock)
    await takes(limiter, "a", 2)
    assert (await takes(limiter, "a", 1))[0] > 0
    clock.seconds += 2.0  # 30 a minute: one token every two seconds
    assert await takes(limiter, "a", 2) == [0.0, pytest.approx(2.0)]


async def test_a_fast_human_never_meets_the_default_limit(limit: Limit) -> None:
    clock = Clock()
    defaults = Settings()
    limiter = limit(defaults.rate_limit_per_minute, defaults.rate_limit_burst, clock=clock)
    # A whole reflection clicked as fast as a person can (one answer every half second), twice over.
    for _ in range(50):
        assert await takes(limiter, "manager", 1) == [0.0]
        clock.seconds += 0.5


async def test_a_script_flooding_messages_is_limited(limit: Limit) -> None:
    defaults = Settings()
    limiter = limit(defaults.rate_limit_per_minute, defaults.rate_limit_burst)
    waits = await takes(limiter, "script", 100)
    assert waits.count(0.0) == defaults.rate_limit_burst


async def test_a_rate_of_zero_switches_limiting_off(limit: Limit) -> None:
    limiter = limit(per_minute=0, burst=1)
    assert set(await takes(limiter, "a", 100)) == {0.0}


async def test_two_limiters_on_one_redis_share_each_senders_bucket() -> None:
    """Two replicas, two limiters: one bucket, so together they allow the burst once, not twice."""
    require_server("Redis", "127.0.0.1", 6379)
    sender = f"shared-{uuid.uuid4().hex}"
    first, second = (SenderRateLimit(60, 4, REDIS_URL) for _ in range(2))
    try:
        waits = [await (first if turn % 2 else second).wait_needed(sender) for turn in range(8)]
    finally:
        await first.close()
        await second.close()
    assert waits[:4] == [0.0] * 4
    assert all(wait > 0 for wait in waits[4:])


async def test_redis_holds_a_digest_of_the_sender_that_expires() -> None:
    require_server("Redis", "127.0.0.1", 6379)
    sender = f"web-{uuid.uuid4().hex}"
    limiter = SenderRateLimit(60, 30, REDIS_URL)
    try:
        await limiter.wait_needed(sender)
    finally:
        await limiter.close()
    client = redis.Redis.from_url(REDIS_URL)
    assert bucket_key(sender).startswith(KEY_PREFIX) and sender not in bucket_key(sender)
    assert 0 < client.pttl(bucket_key(sender)) <= 60_000
    assert client.keys(f"*{sender}*") == []


async def test_an_unreachable_redis_lets_the_message_through(caplog: pytest.LogCaptureFixture) -> None:
    limiter = SenderRateLimit(60, 1, "redis://127.0.0.1:1/1")
    try:
        assert [await limiter.wait_needed("someone") for _ in range(3)] == [0.0, 0.0, 0.0]
    finally:
        await limiter.close()
    assert "let through" in caplog.text


async def test_in_memory_the_oldest_senders_are_forgotten_beyond_the_bound() -> None:
    limiter = SenderRateLimit(60, 1, max_local_senders=10, clock=Clock())
    for number in range(100):
        await limiter.wait_needed(f"sender-{number}")
    assert len(limiter._stores) == 10
    assert not limiter.shared


def test_the_channel_settings_and_redis_url_choose_the_limit() -> None:
    settings = Settings(rate_limit_per_minute=30, rate_limit_burst=5)
    assert not sender_rate_limit(settings).shared
    shared = sender_rate_limit(Settings(rate_limit_per_minute=30, rate_limit_burst=5, redis_url=REDIS_URL))
    assert shared.shared and shared.rate.burst == 5 and shared.rate.interval == 2000

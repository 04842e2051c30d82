"""The per-sender rate limit of the public channels: a token bucket per sender.

``burst`` messages at once, refilled at ``per_minute``. With ``PAUSE_REDIS_URL`` the buckets live
in Redis, so every Rasa replica counts the same messages and two replicas never give twice the
limit; without it they live in this process's memory. The algorithm and its atomic Redis script
are pyrate-limiter's (``TokenBucket`` over a ``StateStore``); this module only chooses the store
and names each sender's bucket.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from inspect import isawaitable
from typing import Optional

import redis.asyncio
from pyrate_limiter import AbstractClock, InMemoryStateStore, Rate, RedisStateStore, StateStore, TokenBucket
from redis.exceptions import RedisError

from bot.settings import Settings

logger = logging.getLogger(__name__)

# Keeps the buckets apart from anything else sharing the Redis database (the locks use "pause").
KEY_PREFIX = "pause:rate:"
# A slow Redis must not hold up a turn for long: past this the message is let through.
REDIS_TIMEOUT_SECONDS = 2.0
ALGORITHM = TokenBucket()


def bucket_key(sender: str) -> str:
    """The sender's bucket in Redis: a digest, so Redis holds no conversation ids."""
    return KEY_PREFIX + hashlib.sha256(sender.encode("utf-8")).hexdigest()[:32]


class SenderRateLimit:
    """A token bucket per sender, in Redis when a URL is given, in memory otherwise.

    In memory, the least recently seen senders are forgotten beyond ``max_local_senders``, so a
    flood of new senders cannot grow it without bound. A Redis that cannot be reached lets the
    message through and logs why: a person in crisis must never be silenced by a broken counter.
    """

    def __init__(
        self,
        per_minute: float,
        burst: int,
        redis_url: Optional[str] = None,
        clock: Optional[AbstractClock] = None,
        max_local_senders: int = 50_000,
    ) -> None:
        # One message per emission interval, in milliseconds; 0 a minute switches limiting off.
        self.rate = Rate(1, max(1, round(60_000 / per_minute)), burst=burst) if per_minute > 0 else None
        self.redis = (
            # Database 1 unless the URL names one, as for the conversation locks.
            redis.asyncio.from_url(
                redis_url, db=1, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
            )
            if redis_url
            else None
        )
        self.clock = clock
        self.max_local_senders = max_local_senders
        self._stores: "OrderedDict[str, StateStore]" = OrderedDict()

    @property
    def shared(self) -> bool:
        """True when every replica sees the same buckets (Redis)."""
        return self.redis is not None

    def _store(self, sender: str) -> StateStore:
        store = self._stores.pop(sender, None)
        if store is None:
            store = RedisStateStore(self.redis, bucket_key(sender)) if self.redis else InMemoryStateStore()
        self._stores[sender] = store
        while len(self._stores) > self.max_local_senders:
            self._stores.popitem(last=False)
        return store

    async def wait_needed(self, sender: str) -> float:
        """Take a token for ``sender``: 0.0 when allowed, else the seconds until one is free."""
        if self.rate is None:
            return 0.0
        store = self._store(sender)
        now = (self.clock or store.default_clock).now()
        try:
            decision = store.check(ALGORITHM, [self.rate], now, 1)
            if isawaitable(decision):
                decision = await decision
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            logger.error("The rate limit could not be checked in Redis, so the message is let through: %r", error)
            return 0.0
        if decision.allowed:
            return 0.0
        return max(decision.retry_after_ms or 0, 1) / 1000.0

    async def close(self) -> None:
        """Close the connection to Redis, if there is one."""
        if self.redis is not None:
            await self.redis.close()


def sender_rate_limit(settings: Settings) -> SenderRateLimit:
    """The per-sender limit the settings configure, in Redis when ``PAUSE_REDIS_URL`` is set."""
    return SenderRateLimit(settings.rate_limit_per_minute, settings.rate_limit_burst, settings.redis_url)

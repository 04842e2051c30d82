"""The per-sender rate limit of the public channels."""
from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable, Tuple

from bot.channels.settings import ChannelSettings


class TokenBucketLimiter:
    """A token bucket per key: ``burst`` messages at once, refilled at ``per_minute``.

    Buckets live in this process's memory; the least recently used are dropped beyond
    ``max_keys``, so a flood of new senders cannot grow it without bound.
    """

    def __init__(
        self, per_minute: float, burst: int, max_keys: int = 50_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()

    def wait_needed(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when allowed, else the seconds until one is free."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, updated = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - updated) * self.rate)
        if tokens >= 1.0:
            wait, tokens = 0.0, tokens - 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def rate_limiter(settings: ChannelSettings) -> TokenBucketLimiter:
    """The per-sender limiter configured by the channel settings."""
    return TokenBucketLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)

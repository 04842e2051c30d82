"""Settings of the public channels, read from the environment when a channel starts.

Rasa's credentials.yml fails on an unset ``${VAR}``, so optional settings are read here instead.
An empty variable counts as unset; a value that cannot be used raises ``SettingsError`` naming it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple
from urllib.parse import urlsplit

from bot.settings import positive_int, read_setting

DEFAULT_RATE_LIMIT_PER_MINUTE = 60.0
DEFAULT_RATE_LIMIT_BURST = 30
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024
DEFAULT_TURN_TIMEOUT_SECONDS = 30.0
DEFAULT_FRAME_ANCESTORS = ("'self'",)

# A CSP source: a keyword, or scheme://host[:port] where the host may start with "*.".
_FRAME_SOURCE = re.compile(r"^(?:'self'|'none'|https?://(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$")


@dataclass(frozen=True)
class ChannelSettings:
    """Limits and browser policies of the public channels (REST, web widget)."""

    rate_limit_per_minute: float = DEFAULT_RATE_LIMIT_PER_MINUTE
    rate_limit_burst: int = DEFAULT_RATE_LIMIT_BURST
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    turn_timeout_seconds: float = DEFAULT_TURN_TIMEOUT_SECONDS
    web_allowed_origins: Tuple[str, ...] = ()
    web_frame_ancestors: Tuple[str, ...] = DEFAULT_FRAME_ANCESTORS

    @property
    def rate_limited(self) -> bool:
        """False when rate limiting is switched off (a rate of 0)."""
        return self.rate_limit_per_minute > 0


def load_channel_settings(environ: Optional[Mapping[str, str]] = None) -> ChannelSettings:
    """Channel settings from ``environ`` (the process environment when omitted)."""
    env = os.environ if environ is None else environ
    return ChannelSettings(
        rate_limit_per_minute=read_setting(env, "PAUSE_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT_PER_MINUTE, _non_negative_float),
        rate_limit_burst=read_setting(env, "PAUSE_RATE_LIMIT_BURST", DEFAULT_RATE_LIMIT_BURST, positive_int),
        max_request_bytes=read_setting(env, "PAUSE_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES, _request_bytes),
        turn_timeout_seconds=read_setting(env, "PAUSE_TURN_TIMEOUT_SECONDS", DEFAULT_TURN_TIMEOUT_SECONDS, _positive_float),
        web_allowed_origins=read_setting(env, "PAUSE_WEB_ALLOWED_ORIGINS", (), _origins),
        web_frame_ancestors=read_setting(env, "PAUSE_WEB_FRAME_ANCESTORS", DEFAULT_FRAME_ANCESTORS, _frame_ancestors),
    )


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError("expected a number") from None


def _non_negative_float(raw: str) -> float:
    value = _number(raw)
    if value < 0:
        raise ValueError("expected a number, zero or more")
    return value


def _positive_float(raw: str) -> float:
    value = _number(raw)
    if value <= 0:
        raise ValueError("expected a number greater than zero")
    return value


def _request_bytes(raw: str) -> int:
    value = positive_int(raw)
    # Smaller than this would refuse ordinary messages of the longest readable length.
    if value < 1024:
        raise ValueError("expected at least 1024 bytes")
    return value


def _origins(raw: str) -> Tuple[str, ...]:
    origins = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        if item == "*":
            origins.append(item)
            continue
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
            raise ValueError(f"{item!r} is not an origin such as https://intranet.example.nhs.uk")
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return tuple(origins)


def _frame_ancestors(raw: str) -> Tuple[str, ...]:
    sources = tuple(raw.replace(",", " ").split())
    for source in sources:
        if not _FRAME_SOURCE.match(source):
            raise ValueError(f"{source!r} is not 'self', 'none' or an origin such as https://intranet.example.nhs.uk")
    return sources

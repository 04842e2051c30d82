"""Pause's settings, read once from the environment.

Every setting has a safe default, so a fresh clone runs with SQLite files under ``var/``. An
empty variable counts as unset. A value that cannot be used raises :class:`SettingsError`
naming the variable, so a typo in a deployment fails at start-up rather than mid-conversation.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Optional, TypeVar
from urllib.parse import SplitResult, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'pause.db'}"
DEFAULT_TRACKER_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tracker.db'}"
DEFAULT_ORGANISATION = "example-trust"
DEFAULT_CONTENT_DIR = REPO_ROOT / "content"
DEFAULT_RETENTION_DAYS = 365
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
DEFAULT_INVESTIGATION_COST_GBP = 12000
DEFAULT_INVESTIGATION_DAYS = 156
DEFAULT_RABBITMQ_QUEUE = "pause_events"
# Microsoft's Bot Framework endpoints; settings so that tests and sovereign clouds can point elsewhere.
DEFAULT_TEAMS_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
DEFAULT_TEAMS_TOKEN_URL = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
DEFAULT_TEAMS_ISSUER = "https://api.botframework.com"

# An organisation name selects a content file, so it must never be able to leave that folder.
_ORGANISATION_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_GUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting in the environment has a value Pause cannot use."""


@dataclass(frozen=True)
class TeamsSettings:
    """The Microsoft Teams (Bot Framework) channel: off unless both app id and password are set."""

    app_id: Optional[str] = None
    app_password: Optional[str] = field(default=None, repr=False)
    openid_url: str = DEFAULT_TEAMS_OPENID_URL
    token_url: str = DEFAULT_TEAMS_TOKEN_URL
    issuer: str = DEFAULT_TEAMS_ISSUER

    @property
    def configured(self) -> bool:
        """True when the channel has what it needs to verify requests and reply."""
        return bool(self.app_id and self.app_password)


@dataclass(frozen=True)
class Settings:
    """Everything Pause reads from its environment."""

    database_url: str
    tracker_database_url: str
    organisation: str
    content_dir: Path
    retention_days: int
    rasa_url: str
    investigation_cost_gbp: int
    investigation_days: int
    teams: TeamsSettings = field(default_factory=TeamsSettings)
    # Production services, each off (SQLite-friendly defaults) unless its variable is set.
    redis_url: Optional[str] = field(default=None, repr=False)
    rabbitmq_url: Optional[str] = field(default=None, repr=False)
    rabbitmq_queue: str = DEFAULT_RABBITMQ_QUEUE

    @property
    def organisation_content_file(self) -> Path:
        """The organisation's own content file (signposting directory and local contacts)."""
        return self.content_dir / "organisations" / f"{self.organisation}.yml"


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """Build settings from ``environ`` (the process environment when omitted).

    Tests pass their own dictionary; anything missing from it takes its default.
    """
    env = os.environ if environ is None else environ
    return Settings(
        database_url=read_setting(env, "PAUSE_DATABASE_URL", DEFAULT_DATABASE_URL, _database_url),
        tracker_database_url=read_setting(
            env, "PAUSE_TRACKER_DATABASE_URL", DEFAULT_TRACKER_DATABASE_URL, _database_url
        ),
        organisation=read_setting(env, "PAUSE_ORGANISATION", DEFAULT_ORGANISATION, _organisation),
        content_dir=read_setting(env, "PAUSE_CONTENT_DIR", DEFAULT_CONTENT_DIR, _directory),
        retention_days=read_setting(env, "PAUSE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, positive_int),
        rasa_url=read_setting(env, "PAUSE_RASA_URL", DEFAULT_RASA_URL, _http_url),
        investigation_cost_gbp=read_setting(
            env, "PAUSE_INVESTIGATION_COST_GBP", DEFAULT_INVESTIGATION_COST_GBP, _non_negative_int
        ),
        investigation_days=read_setting(
            env, "PAUSE_INVESTIGATION_DAYS", DEFAULT_INVESTIGATION_DAYS, _non_negative_int
        ),
        teams=_teams_settings(env),
        redis_url=read_setting(env, "PAUSE_REDIS_URL", None, _redis_url),
        rabbitmq_url=read_setting(env, "PAUSE_RABBITMQ_URL", None, _amqp_url),
        rabbitmq_queue=read_setting(env, "PAUSE_RABBITMQ_QUEUE", DEFAULT_RABBITMQ_QUEUE, _queue_name),
    )


def _teams_settings(env: Mapping[str, str]) -> TeamsSettings:
    app_id = read_setting(env, "PAUSE_TEAMS_APP_ID", None, _guid)
    app_password = read_setting(env, "PAUSE_TEAMS_APP_PASSWORD", None, str)
    if bool(app_id) != bool(app_password):
        missing = "PAUSE_TEAMS_APP_PASSWORD" if app_id else "PAUSE_TEAMS_APP_ID"
        raise SettingsError(
            f"{missing} is not set: Microsoft Teams needs both PAUSE_TEAMS_APP_ID and "
            "PAUSE_TEAMS_APP_PASSWORD (or neither, to leave the channel off)"
        )
    return TeamsSettings(
        app_id=app_id,
        app_password=app_password,
        openid_url=read_setting(env, "PAUSE_TEAMS_OPENID_URL", DEFAULT_TEAMS_OPENID_URL, _http_url),
        token_url=read_setting(env, "PAUSE_TEAMS_TOKEN_URL", DEFAULT_TEAMS_TOKEN_URL, _http_url),
        issuer=read_setting(env, "PAUSE_TEAMS_ISSUER", DEFAULT_TEAMS_ISSUER, _http_url),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use and then kept.

    Call ``get_settings.cache_clear()`` after changing the environment (tests do).
    """
    return load_settings()


def sqlite_file(url: str) -> Optional[Path]:
    """The database file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def read_setting(env: Mapping[str, str], name: str, default: T, parse: Callable[[str], T]) -> T:
    """One setting from the environment: the default when unset, else parsed, naming it if invalid."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError as error:
        raise SettingsError(f"{name}={raw!r} is not valid: {error}") from None


def _database_url(raw: str) -> str:
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise ValueError(
            "expected a SQLAlchemy database URL such as sqlite:///var/pause.db "
            "or postgresql://user@host/database"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError("only SQLite and PostgreSQL databases are supported")
    return raw


def _organisation(raw: str) -> str:
    if not _ORGANISATION_PATTERN.match(raw):
        raise ValueError(
            "expected a short name of lower-case letters, digits and hyphens, such as example-trust"
        )
    return raw


def _directory(raw: str) -> Path:
    path = Path(raw).expanduser()
    if path.exists() and not path.is_dir():
        raise ValueError("this is a file, not a folder")
    return path.resolve()


def _integer(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("expected a whole number") from None


def positive_int(raw: str) -> int:
    """A whole number greater than zero, for settings."""
    value = _integer(raw)
    if value <= 0:
        raise ValueError("expected a whole number greater than zero")
    return value


def _non_negative_int(raw: str) -> int:
    value = _integer(raw)
    if value < 0:
        raise ValueError("expected a whole number, zero or more")
    return value


def _guid(raw: str) -> str:
    if not _GUID_PATTERN.match(raw):
        raise ValueError(
            "expected the Microsoft App ID of the Azure Bot, a GUID such as "
            "00000000-0000-0000-0000-000000000000"
        )
    return raw


def _redis_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError("expected a redis:// or rediss:// address such as redis://127.0.0.1:6379/1")
    _port_of(parts)
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise ValueError("the path after the host must be a Redis database number, such as /1")
    return raw


def _amqp_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
        raise ValueError(
            "expected an amqp:// or amqps:// address such as amqp://user:password@127.0.0.1:5672/"
        )
    _port_of(parts)
    return raw


def _port_of(parts: SplitResult) -> Optional[int]:
    try:
        return parts.port
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None


def _queue_name(raw: str) -> str:
    if not re.match(r"^[A-Za-z0-9_.:-]{1,200}$", raw):
        raise ValueError("expected a queue name of letters, digits and _ . : -")
    return raw


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("expected an http:// or https:// address such as http://127.0.0.1:5005")
    return raw.rstrip("/")

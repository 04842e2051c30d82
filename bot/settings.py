"""Pause's settings: one typed model, read once from the environment.

Each field's alias is the environment variable that sets it. Every setting has a safe default,
so a fresh clone runs with SQLite files under ``var/``. An empty variable counts as unset. A value
that cannot be used raises :class:`SettingsError` naming the variable, so a typo in a deployment
fails at start-up rather than mid-conversation.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import SplitResult, urlsplit

from pydantic import BaseModel, Field, ValidationError, root_validator, validator
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
DEFAULT_INVESTIGATION_DAYS = 156
# Monthly and per-type counts of the pilot report below this are suppressed.
DEFAULT_REPORT_SUPPRESS_BELOW = 5
DEFAULT_RABBITMQ_QUEUE = "pause_events"
# Microsoft's Bot Framework endpoints; settings so that tests and sovereign clouds can point elsewhere.
DEFAULT_TEAMS_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
DEFAULT_TEAMS_TOKEN_URL = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
DEFAULT_TEAMS_ISSUER = "https://api.botframework.com"
# The public channels (REST, web widget).
DEFAULT_RATE_LIMIT_PER_MINUTE = 60.0
DEFAULT_RATE_LIMIT_BURST = 30
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024
DEFAULT_TURN_TIMEOUT_SECONDS = 30.0
DEFAULT_FRAME_ANCESTORS = ("'self'",)

# An organisation name selects a content file, so it must never be able to leave that folder.
_ORGANISATION_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_GUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# A CSP source: a keyword, or scheme://host[:port] where the host may start with "*.".
_FRAME_SOURCE = re.compile(r"^(?:'self'|'none'|https?://(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$")
# Settings whose values may hold a password: an error names the variable but never echoes them.
_SECRET = {"secret": True}


class SettingsError(ValueError):
    """A setting in the environment has a value Pause cannot use."""


class TeamsSettings(BaseModel):
    """The Microsoft Teams (Bot Framework) channel: off unless both app id and password are set."""

    app_id: Optional[str] = None
    app_password: Optional[str] = Field(None, repr=False)
    openid_url: str = DEFAULT_TEAMS_OPENID_URL
    token_url: str = DEFAULT_TEAMS_TOKEN_URL
    issuer: str = DEFAULT_TEAMS_ISSUER

    class Config:
        frozen = True

    @property
    def configured(self) -> bool:
        """True when the channel has what it needs to verify requests and reply."""
        return bool(self.app_id and self.app_password)


class Settings(BaseModel):
    """Everything Pause reads from its environment."""

    database_url: str = Field(DEFAULT_DATABASE_URL, alias="PAUSE_DATABASE_URL", **_SECRET)
    tracker_database_url: str = Field(DEFAULT_TRACKER_DATABASE_URL, alias="PAUSE_TRACKER_DATABASE_URL", **_SECRET)
    organisation: str = Field(DEFAULT_ORGANISATION, alias="PAUSE_ORGANISATION")
    content_dir: Path = Field(DEFAULT_CONTENT_DIR, alias="PAUSE_CONTENT_DIR")
    retention_days: int = Field(DEFAULT_RETENTION_DAYS, alias="PAUSE_RETENTION_DAYS", gt=0)
    rasa_url: str = Field(DEFAULT_RASA_URL, alias="PAUSE_RASA_URL")
    # No default cost: the impact estimate is off until the organisation sets its own figure.
    investigation_cost_gbp: Optional[int] = Field(None, alias="PAUSE_INVESTIGATION_COST_GBP", ge=0)
    investigation_days: int = Field(DEFAULT_INVESTIGATION_DAYS, alias="PAUSE_INVESTIGATION_DAYS", ge=0)
    report_suppress_below: int = Field(
        DEFAULT_REPORT_SUPPRESS_BELOW, alias="PAUSE_REPORT_SUPPRESS_BELOW", ge=1
    )
    # Production services, each off (SQLite-friendly defaults) unless its variable is set.
    redis_url: Optional[str] = Field(None, alias="PAUSE_REDIS_URL", repr=False, **_SECRET)
    rabbitmq_url: Optional[str] = Field(None, alias="PAUSE_RABBITMQ_URL", repr=False, **_SECRET)
    rabbitmq_queue: str = Field(DEFAULT_RABBITMQ_QUEUE, alias="PAUSE_RABBITMQ_QUEUE")
    # Microsoft Teams, read together as ``teams``.
    teams_app_id: Optional[str] = Field(None, alias="PAUSE_TEAMS_APP_ID")
    teams_app_password: Optional[str] = Field(None, alias="PAUSE_TEAMS_APP_PASSWORD", repr=False, **_SECRET)
    teams_openid_url: str = Field(DEFAULT_TEAMS_OPENID_URL, alias="PAUSE_TEAMS_OPENID_URL")
    teams_token_url: str = Field(DEFAULT_TEAMS_TOKEN_URL, alias="PAUSE_TEAMS_TOKEN_URL")
    teams_issuer: str = Field(DEFAULT_TEAMS_ISSUER, alias="PAUSE_TEAMS_ISSUER")
    # The public channels: limits and browser policies.
    rate_limit_per_minute: float = Field(DEFAULT_RATE_LIMIT_PER_MINUTE, alias="PAUSE_RATE_LIMIT_PER_MINUTE", ge=0)
    rate_limit_burst: int = Field(DEFAULT_RATE_LIMIT_BURST, alias="PAUSE_RATE_LIMIT_BURST", gt=0)
    # Smaller than 1 KiB would refuse ordinary messages of the longest readable length.
    max_request_bytes: int = Field(DEFAULT_MAX_REQUEST_BYTES, alias="PAUSE_MAX_REQUEST_BYTES", ge=1024)
    turn_timeout_seconds: float = Field(DEFAULT_TURN_TIMEOUT_SECONDS, alias="PAUSE_TURN_TIMEOUT_SECONDS", gt=0)
    web_allowed_origins: Tuple[str, ...] = Field((), alias="PAUSE_WEB_ALLOWED_ORIGINS")
    web_frame_ancestors: Tuple[str, ...] = Field(DEFAULT_FRAME_ANCESTORS, alias="PAUSE_WEB_FRAME_ANCESTORS")

    class Config:
        frozen = True
        allow_population_by_field_name = True
        # The environment holds other PAUSE_ variables too (compose's port, the Teams package's fields).
        extra = "ignore"

    @validator("database_url", "tracker_database_url", pre=True)
    def _database_url(cls, raw: Any) -> str:
        try:
            parsed = make_url(str(raw))
        except ArgumentError:
            raise ValueError(
                "expected a SQLAlchemy database URL such as sqlite:///var/pause.db "
                "or postgresql://user@host/database"
            ) from None
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("only SQLite and PostgreSQL databases are supported")
        return str(raw)

    @validator("organisation", pre=True)
    def _organisation(cls, raw: Any) -> str:
        if not _ORGANISATION_PATTERN.match(str(raw)):
            raise ValueError("expected a short name of lower-case letters, digits and hyphens, such as example-trust")
        return str(raw)

    @validator("content_dir", pre=True)
    def _directory(cls, raw: Any) -> Path:
        path = Path(raw).expanduser()
        if path.exists() and not path.is_dir():
            raise ValueError("this is a file, not a folder")
        return path.resolve()

    @validator("rasa_url", "teams_openid_url", "teams_token_url", "teams_issuer", pre=True)
    def _http_url(cls, raw: Any) -> str:
        parts = urlsplit(str(raw))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("expected an http:// or https:// address such as http://127.0.0.1:5005")
        return str(raw).rstrip("/")

    @validator("redis_url", pre=True)
    def _redis_url(cls, raw: Any) -> str:
        database = _service_url(raw, ("redis", "rediss"), "redis://127.0.0.1:6379/1").path.strip("/")
        if database and not database.isdigit():
            raise ValueError("the path after the host must be a Redis database number, such as /1")
        return str(raw)

    @validator("rabbitmq_url", pre=True)
    def _amqp_url(cls, raw: Any) -> str:
        _service_url(raw, ("amqp", "amqps"), "amqp://user:password@127.0.0.1:5672/")
        return str(raw)

    @validator("rabbitmq_queue", pre=True)
    def _queue_name(cls, raw: Any) -> str:
        if not re.match(r"^[A-Za-z0-9_.:-]{1,200}$", str(raw)):
            raise ValueError("expected a queue name of letters, digits and _ . : -")
        return str(raw)

    @validator("teams_app_id", pre=True)
    def _guid(cls, raw: Any) -> str:
        if not _GUID_PATTERN.match(str(raw)):
            raise ValueError(
                "expected the Microsoft App ID of the Azure Bot, a GUID such as 00000000-0000-0000-0000-000000000000"
            )
        return str(raw)

    @validator("web_allowed_origins", pre=True)
    def _origins(cls, raw: Any) -> Tuple[str, ...]:
        origins = []
        for item in _items(raw):
            if item == "*":
                origins.append(item)
                continue
            parts = urlsplit(item)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
                raise ValueError(f"{item!r} is not an origin such as https://intranet.example.nhs.uk")
            origins.append(f"{parts.scheme}://{parts.netloc}".lower())
        return tuple(origins)

    @validator("web_frame_ancestors", pre=True)
    def _frame_ancestors(cls, raw: Any) -> Tuple[str, ...]:
        sources = _items(raw)
        for source in sources:
            if not _FRAME_SOURCE.match(source):
                raise ValueError(f"{source!r} is not 'self', 'none' or an origin such as https://intranet.example.nhs.uk")
        return sources

    @root_validator(skip_on_failure=True)
    def _teams_needs_both_or_neither(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if bool(values.get("teams_app_id")) != bool(values.get("teams_app_password")):
            missing = "PAUSE_TEAMS_APP_PASSWORD" if values.get("teams_app_id") else "PAUSE_TEAMS_APP_ID"
            raise ValueError(
                f"{missing} is not set: Microsoft Teams needs both PAUSE_TEAMS_APP_ID and "
                "PAUSE_TEAMS_APP_PASSWORD (or neither, to leave the channel off)"
            )
        return values

    @property
    def teams(self) -> TeamsSettings:
        """The Microsoft Teams channel's settings."""
        return TeamsSettings(
            app_id=self.teams_app_id,
            app_password=self.teams_app_password,
            openid_url=self.teams_openid_url,
            token_url=self.teams_token_url,
            issuer=self.teams_issuer,
        )

    @property
    def organisation_content_file(self) -> Path:
        """The organisation's own content file (signposting directory and local contacts)."""
        return self.content_dir / "organisations" / f"{self.organisation}.yml"

    @property
    def rate_limited(self) -> bool:
        """False when the channels' rate limiting is switched off (a rate of 0)."""
        return self.rate_limit_per_minute > 0


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """Build settings from ``environ`` (the process environment when omitted).

    Tests pass their own dictionary; anything missing from it, or blank, takes its default.
    """
    env = os.environ if environ is None else environ
    given = {name: value.strip() for name, value in env.items() if name.startswith("PAUSE_") and value.strip()}
    try:
        return Settings.parse_obj(given)
    except ValidationError as error:
        raise SettingsError("; ".join(_problem(problem, given) for problem in error.errors())) from None


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


def _problem(problem: Dict[str, Any], given: Mapping[str, str]) -> str:
    """One validation problem in words: the variable, its value unless secret, what is wrong."""
    variable = str(problem["loc"][0])
    if variable == "__root__":
        return problem["msg"]
    field = next(f for f in Settings.__fields__.values() if f.alias == variable)
    shown = "" if field.field_info.extra.get("secret") else f"={given.get(variable, '')!r}"
    return f"{variable}{shown} is not valid: {problem['msg']}"


def _items(raw: Any) -> Tuple[str, ...]:
    """A comma- or space-separated list from the environment, or the tuple given in code."""
    if isinstance(raw, str):
        return tuple(item for item in re.split(r"[,\s]+", raw) if item)
    return tuple(raw)


def _service_url(raw: Any, schemes: Tuple[str, ...], example: str) -> SplitResult:
    """The parts of a service's URL, checked: one of its schemes, a host, a port that is a number."""
    parts = urlsplit(str(raw))
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"expected a {' or '.join(f'{scheme}://' for scheme in schemes)} address such as {example}")
    try:
        parts.port
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None
    return parts

"""Running the outcome store's Alembic migrations from Python (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.store.database import database_url, get_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: Optional[str] = None) -> Config:
    """An Alembic configuration for the given database (the configured one by default)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an option: the ini parser would mangle a '%' in a password.
    config.attributes["url"] = database_url(url)
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (the newest by default)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: Optional[str] = None, revision: str = "base") -> None:
    """Take the schema back to ``revision``; the default removes every table and outcome."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The newest migration's revision."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def current_revision(url: Optional[str] = None) -> Optional[str]:
    """The revision the database is at, or None if it has never been migrated."""
    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(url: Optional[str] = None) -> bool:
    """True when the database's schema is at the newest migration."""
    return current_revision(url) == head_revision()

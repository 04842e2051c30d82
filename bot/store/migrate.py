"""Running the outcome store's Alembic migrations from Python (no alembic.ini needed)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.store.database import database_url, get_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed number: the PostgreSQL advisory lock that lets one migration run at a time.
MIGRATION_LOCK_KEY = 7_262_873_201


def alembic_config(url: Optional[str] = None) -> Config:
    """An Alembic configuration for the given database (the configured one by default)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an option: the ini parser would mangle a '%' in a password.
    config.attributes["url"] = database_url(url)
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (the newest by default).

    Safe to run from several processes at once (replicas starting together): on PostgreSQL they
    take turns, and those that come later find the schema already up to date.
    """
    with _one_migration_at_a_time(url):
        command.upgrade(alembic_config(url), revision)


@contextmanager
def _one_migration_at_a_time(url: Optional[str]) -> Iterator[None]:
    engine = get_engine(url)
    if engine.dialect.name != "postgresql":
        # SQLite takes its write lock when a migration's transaction begins.
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})


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

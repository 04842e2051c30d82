"""Throw-away outcome stores for the store tests: a SQLite file, or a PostgreSQL database made
for this run only and dropped afterwards, so that parallel runs never see each other's cases."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text

from bot.store import dispose_engines
from bot.store.migrate import upgrade
from tests.conftest import require_server

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_ADMIN_URL = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/test"
BACKENDS = ("sqlite", "postgresql")


def migrated_sqlite_url(folder: Path) -> str:
    """A new SQLite file in ``folder`` with the schema applied."""
    url = f"sqlite:///{folder / 'pause.db'}"
    upgrade(url)
    return url


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """A uniquely named, empty PostgreSQL database, dropped on the way out. Skips locally and
    fails in CI when the server is unreachable."""
    require_server("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)
    name = f"pause_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
        finally:
            dispose_engines()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def empty_tables(url: str) -> None:
    """Remove every case and follow-up, leaving the schema."""
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            connection.execute(text("TRUNCATE follow_ups, cases RESTART IDENTITY"))
    finally:
        engine.dispose()

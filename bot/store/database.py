"""Engines and sessions for the outcome store. Nothing connects until first used.

SQLite is set up for several processes writing at once (the action server, the command line):
write-ahead logging, a busy timeout, foreign keys on, and transactions that take the write lock
when they begin, so a transaction that reads then writes never fails half way with "database is
locked".
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.settings import get_settings, sqlite_file
from bot.store.errors import StoreFailure

SQLITE_BUSY_TIMEOUT_SECONDS = 15

_engines: Dict[str, Engine] = {}
_engines_lock = threading.Lock()


def database_url(url: Optional[str] = None) -> str:
    """The given URL, or the configured outcome store URL when none is given."""
    return url if url is not None else get_settings().database_url


def get_engine(url: Optional[str] = None) -> Engine:
    """The one engine for a database URL (the configured one by default), made on first use."""
    resolved = database_url(url)
    with _engines_lock:
        engine = _engines.get(resolved)
        if engine is None:
            engine = _create_engine(resolved)
            _engines[resolved] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (tests, and before a fork)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back when it raises.

    Objects stay readable after the block, so a caller can use the case it just recorded.
    A database error becomes :class:`~bot.store.errors.StoreFailure`.
    """
    session = Session(get_engine(url), future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except SQLAlchemyError as error:
        _roll_back_quietly(session)
        raise StoreFailure("complete the transaction", error) from error
    except BaseException:
        _roll_back_quietly(session)
        raise
    finally:
        session.close()


def _roll_back_quietly(session: Session) -> None:
    # A rollback on a broken connection fails too; the first error is the one worth reporting.
    try:
        session.rollback()
    except SQLAlchemyError:
        pass


def _create_engine(url: str) -> Engine:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _create_sqlite_engine(url)
    # pre-ping lets the bot survive a database restart without a failed reply.
    return create_engine(url, future=True, pool_pre_ping=True)


def _create_sqlite_engine(url: str) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _prepare_connection(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is switched off so that BEGIN below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
            if path is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediately(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine

"""Retention for the conversation log: Rasa's tracker store keeps one row per event in ``events``.

The tracker store already holds no personal details (they are redacted before writing), but the
retention period applies to conversations as much as to cases, so old events are deleted too.
Rasa owns that table; this module only reads its ``timestamp`` column (seconds since the epoch)
and deletes rows, so it needs no Rasa import.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, Table, delete, inspect
from sqlalchemy.exc import SQLAlchemyError

from bot.store.database import get_engine
from bot.store.errors import StoreFailure

EVENTS_TABLE = "events"


def purge_conversations_older_than(tracker_database_url: str, cutoff: datetime) -> int:
    """Delete every conversation event logged before ``cutoff``; returns how many went.

    A tracker database that has never been written (no ``events`` table yet) holds nothing to purge.
    """
    engine = get_engine(tracker_database_url)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table(EVENTS_TABLE):
                return 0
            events = Table(EVENTS_TABLE, MetaData(), autoload_with=connection)
            result = connection.execute(delete(events).where(events.c.timestamp < cutoff.timestamp()))
            return int(result.rowcount or 0)
    except SQLAlchemyError as error:
        raise StoreFailure("purge old conversations", error) from error

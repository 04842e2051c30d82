"""A SQL tracker store that redacts personal details before any event is written.

Rasa keeps every conversation event (user messages, NLU results, slot values, bot replies) in
its tracker store. Pause promises that no names or identifying details are kept, so this store
passes each new event through ``bot.nlp.events.redact_event_dicts`` on its way to the database and to any event
broker. The tracker Rasa holds in memory for the current turn is never changed; the tracker read
back on the next turn carries the placeholders instead of the details.

Configured in endpoints.yml::

    tracker_store:
      type: components.tracker_store.RedactingSQLTrackerStore
      dialect: sqlite
      db: var/tracker.db
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import make_url

from bot.nlp.events import redact_event_dicts
from bot.settings import get_settings

logger = logging.getLogger(__name__)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Write-ahead logging without an fsync per commit: each turn commits, and a full fsync
    per turn was most of a reply's time. A crash can lose the last turn, never corrupt the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, writing only redacted copies of events.

    Takes the same settings as ``SQLTrackerStore`` (dialect, host, port, username, password, db,
    login_db, query) and works with SQLite and PostgreSQL alike. Without a dialect it uses the
    project's setting PAUSE_TRACKER_DATABASE_URL, so one URL configures it like the outcome store.
    """

    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: Optional[Text] = None,
        host: Optional[Text] = None,
        port: Optional[int] = None,
        db: Optional[Text] = None,
        username: Optional[Text] = None,
        password: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        login_db: Optional[Text] = None,
        query: Optional[Dict] = None,
        **kwargs: Dict[Text, Any],
    ) -> None:
        """Connect to the database, creating the folder of a SQLite file when it is missing."""
        if dialect is None and db is None:
            url = make_url(get_settings().tracker_database_url)
            dialect, host, port = url.get_backend_name(), url.host, url.port
            db, username, password = url.database, url.username, url.password
            query = dict(url.query) or query
        dialect, db = dialect or "sqlite", db or "rasa.db"
        if dialect == "sqlite" and db and db != ":memory:" and not (host and "://" in host):
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain,
            dialect=dialect,
            host=host,
            port=port,
            db=db,
            username=username,
            password=password,
            event_broker=event_broker,
            login_db=login_db,
            query=query,
            **kwargs,
        )
        if dialect == "sqlite":
            sqlalchemy_event.listen(self.engine, "connect", _tune_sqlite)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events to the database, redacted."""
        await self.stream_events(tracker)

        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            redacted_events = redact_event_dicts(event.as_dict() for event in new_events)
            for event, data in zip(new_events, redacted_events):
                intent = (data.get("parse_data") or {}).get("intent") or {}
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent.get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

        logger.debug(f"Tracker with sender_id '{tracker.sender_id}' stored to database, redacted")

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: List[Event], sender_id: Text
    ) -> None:
        """Publish the new events to the event broker, redacted."""
        for data in redact_event_dicts(event.as_dict() for event in new_events):
            body: Dict[str, Any] = {"sender_id": sender_id}
            body.update(data)
            event_broker.publish(body)

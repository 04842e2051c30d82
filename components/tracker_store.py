"""A SQL tracker store that redacts personal details before any event is written.

Rasa keeps every conversation event (user messages, NLU results, slot values, bot replies) in
its tracker store. Pause promises that no names or identifying details are kept, so this store
passes each new event through ``bot.nlp.events.redact_event_dicts`` on its way to the database and to any event
broker. The tracker Rasa holds in memory for the current turn is never changed; the tracker read
back on the next turn carries the placeholders instead of the details.

Rasa reads a conversation back at the start of every turn by fetching and deserialising every
stored event of its latest session, and counts the stored events again before each save, so a
turn's cost grew with the conversation's length. This store keeps, for recent conversations, the
events it last read or wrote, as they read back from the database (redacted); a turn then fetches
only rows it has not seen, after checking that none it holds has gone (a purge) and that no new
session started. Another replica's writes are rows it has not seen, so they are always read.

Configured in endpoints.yml::

    tracker_store:
      type: components.tracker_store.RedactingSQLTrackerStore
      dialect: sqlite
      db: var/tracker.db
"""
from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import sqlalchemy as sa

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from bot.nlp.events import redact_event_dicts
from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Plain SQL for the two queries of every turn: the ORM's query building cost more than the queries.
_ROWS_SINCE = sa.text(
    "SELECT id, type_name, CASE WHEN id > :last_id THEN data END AS data FROM events "
    "WHERE sender_id = :sender_id AND id >= :first_id ORDER BY id"
)
_LAST_ID = sa.text("SELECT max(id) FROM events WHERE sender_id = :sender_id")

# Conversations whose events are kept between turns, the least recently used dropped first:
# enough for every conversation going on at once, bounded so memory stays flat.
KEPT_CONVERSATIONS = 500


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Write-ahead logging without an fsync per commit: each turn commits, and a full fsync
    per turn was most of a reply's time. A crash can lose the last turn, never corrupt the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@dataclass
class _KeptConversation:
    """A conversation's latest session as stored: its rows' ids and count, its events as read back."""

    first_id: int
    last_id: int
    rows: int
    events: List[Event]

    def extended(self, written: List[Tuple[int, str, str]]) -> "_KeptConversation":
        """This conversation with rows (id, type, data) stored after it."""
        if not written:
            return self
        return _KeptConversation(
            self.first_id, written[-1][0], self.rows + len(written), self.events + _read_back(written)
        )


def _read_back(rows: List[Tuple[int, str, str]]) -> List[Event]:
    """Stored rows (id, type, data) as Rasa's SQL tracker store deserialises them."""
    return deserialise_events([json.loads(data) for _, _, data in rows])


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
            self._keep_sqlite_connections()
        self._kept: "OrderedDict[str, _KeptConversation]" = OrderedDict()

    def _keep_sqlite_connections(self) -> None:
        """Pool SQLite connections rather than open and close one per read or write.

        SQLAlchemy gives a SQLite file no pool, and closing the last connection to a
        write-ahead-logged database checkpoints it: opening, closing and checkpointing were a
        tenth of the server's time under load. Pooled, the log is checkpointed every 1,000 pages.
        """
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=QueuePool, pool_size=2, max_overflow=8, connect_args={"check_same_thread": False}
        )
        sqlalchemy_event.listen(self.engine, "connect", _tune_sqlite)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _keep(self, sender_id: Text, kept: _KeptConversation) -> None:
        self._kept[sender_id] = kept
        self._kept.move_to_end(sender_id)
        while len(self._kept) > KEPT_CONVERSATIONS:
            self._kept.popitem(last=False)

    def _kept_and_current(self, session: Any, sender_id: Text) -> Optional[_KeptConversation]:
        """The kept conversation brought up to date with rows written since, or None when it
        must be read in full: not kept, a kept row gone, or a new session started since.

        One query: the ids of the rows kept (to see that none has gone) and the rows written since."""
        kept = self._kept.get(sender_id)
        if kept is None:
            return None
        rows = session.execute(
            _ROWS_SINCE, {"sender_id": sender_id, "first_id": kept.first_id, "last_id": kept.last_id}
        ).all()
        newer = [(row.id, row.type_name, row.data) for row in rows if row.id > kept.last_id]
        if len(rows) - len(newer) != kept.rows or any(
            type_name == SessionStarted.type_name for _, type_name, _ in newer
        ):
            return None
        kept = kept.extended(newer)
        self._keep(sender_id, kept)
        return kept

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session of the conversation, redacted, as Rasa's SQL store reads it, reading
        only the rows this store has not seen yet."""
        with self.session_scope() as session:
            kept = self._kept_and_current(session, sender_id)
            if kept is None:
                rows = [
                    (row.id, row.type_name, row.data)
                    for row in self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
                ]
                if not rows:
                    self._kept.pop(sender_id, None)
                    return None
                kept = _KeptConversation(rows[0][0], rows[-1][0], len(rows), _read_back(rows))
                self._keep(sender_id, kept)
        if self.domain is None or not kept.events:
            return None
        return DialogueStateTracker.from_events(sender_id, list(kept.events), self.domain.slots)

    def _stored_count(self, session: Any, tracker: DialogueStateTracker) -> int:
        """How many of the tracker's events are stored already (as Rasa's ``_additional_events``
        counts them), from the kept conversation when nothing was written since."""
        kept = self._kept.get(tracker.sender_id)
        if kept is not None:
            last_id = session.execute(_LAST_ID, {"sender_id": tracker.sender_id}).scalar()
            if last_id == kept.last_id:
                return kept.rows
        self._kept.pop(tracker.sender_id, None)
        return self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events to the database, redacted."""
        await self.stream_events(tracker)

        with self.session_scope() as session:
            stored = self._stored_count(session, tracker)
            new_events = list(tracker.events)[stored:]
            redacted_events = redact_event_dicts(event.as_dict() for event in new_events)
            rows = []
            for event, data in zip(new_events, redacted_events):
                intent = (data.get("parse_data") or {}).get("intent") or {}
                rows.append(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent.get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.add_all(rows)
            session.flush()
            written = [(row.id, row.type_name, row.data) for row in rows]
            session.commit()
            self._remember_saved(tracker.sender_id, stored, written)

        logger.debug(f"Tracker with sender_id '{tracker.sender_id}' stored to database, redacted")

    def _remember_saved(self, sender_id: Text, stored_before: int, written: List[Tuple[int, str, str]]) -> None:
        """Keep the rows just written (id, type, data), as they will read back, beside those kept."""
        kept = self._kept.get(sender_id)
        if not written:
            return
        if kept is None or kept.rows != stored_before or any(
            type_name == SessionStarted.type_name for _, type_name, _ in written
        ):
            # Not kept, or a new session begins: the next turn reads the latest session in full.
            self._kept.pop(sender_id, None)
            return
        self._keep(sender_id, kept.extended(written))

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: List[Event], sender_id: Text
    ) -> None:
        """Publish the new events to the event broker, redacted."""
        for data in redact_event_dicts(event.as_dict() for event in new_events):
            body: Dict[str, Any] = {"sender_id": sender_id}
            body.update(data)
            event_broker.publish(body)

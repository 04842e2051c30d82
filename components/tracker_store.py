"""A SQL tracker store that redacts personal details before any event is written.

Rasa keeps every conversation event (user messages, NLU results, slot values, bot replies) in
its tracker store. Pause promises that no names or identifying details are kept, so this store
passes each new event through ``bot.nlp.redact`` on its way to the database and to any event
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
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Tuple

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import make_url

from bot.nlp.redact import PiiSpan, find_pii, placeholder, redact_value, replace_spans
from bot.settings import get_settings

logger = logging.getLogger(__name__)

_BOT_EVENTS = frozenset({"bot", "agent"})
_TEXT_KEYS = ("text", "action_text")


@lru_cache(maxsize=256)
def _spans_in(text: str) -> Tuple[PiiSpan, ...]:
    """The personal details in a text; a turn's message appears in several fields of one event."""
    return tuple(find_pii(text))


def _shifted_offset(position: int, spans: Sequence[PiiSpan], is_end: bool) -> int:
    """Where a character offset of the original text falls once the spans are replaced."""
    shift = 0
    for label, start, end in spans:
        if position >= end:
            shift += len(placeholder(label)) - (end - start)
        elif position > start:
            return start + shift + (len(placeholder(label)) if is_end else 0)
        else:
            break
    return position + shift


def _redact_entities(entities: Any, spans: Sequence[PiiSpan] = ()) -> Any:
    """Entity dictionaries with their values redacted and, given the text's spans, offsets moved."""
    if not isinstance(entities, list):
        return redact_value(entities)
    redacted = []
    for entity in entities:
        if isinstance(entity, dict):
            entity = dict(entity)
            for key in ("value", "text"):
                if key in entity:
                    entity[key] = redact_value(entity[key])
            if spans:
                for key, is_end in (("start", False), ("end", True)):
                    if isinstance(entity.get(key), int):
                        entity[key] = _shifted_offset(entity[key], spans, is_end)
        redacted.append(entity)
    return redacted


def _redact_parse_data(parse_data: Any) -> Any:
    """NLU parse data with the message text, entity values and metadata redacted."""
    if not isinstance(parse_data, dict):
        return parse_data
    redacted = dict(parse_data)
    spans: Sequence[PiiSpan] = ()
    if isinstance(redacted.get("text"), str):
        spans = _spans_in(redacted["text"])
        redacted["text"] = replace_spans(redacted["text"], spans)
    if "entities" in redacted:
        redacted["entities"] = _redact_entities(redacted["entities"], spans)
    if "metadata" in redacted:
        redacted["metadata"] = redact_value(redacted["metadata"])
    return redacted


def _collect_echoes(value: Any, echoes: Dict[str, str]) -> None:
    """Note each personal detail in a value, so that a bot reply repeating it is redacted."""
    if isinstance(value, str):
        for label, start, end in _spans_in(value):
            echoes[value[start:end]] = placeholder(label)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_echoes(item, echoes)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_echoes(item, echoes)


def _redact_echoes(text: str, echoes: Dict[str, str]) -> str:
    """Replace, in a bot reply, every detail the user gave earlier in the same batch of events."""
    for detail in sorted(echoes, key=len, reverse=True):
        pattern = r"(?<!\w)" + re.escape(detail) + r"(?!\w)"
        text = re.sub(pattern, lambda _match, detail=detail: echoes[detail], text)
    return text


def redact_event_dicts(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Redacted copies of serialised Rasa events; the dictionaries given are left untouched.

    User text, parse data, entity values, slot values and metadata are redacted. A bot reply is
    redacted too, and any detail from a user message or slot value in the same batch that it
    repeats is replaced even where the reply alone gives no clue that it is personal.
    """
    events = list(events)
    echoes: Dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            _collect_echoes(event.get("text"), echoes)
            _collect_echoes((event.get("parse_data") or {}).get("entities"), echoes)
        elif kind == "slot":
            _collect_echoes(event.get("value"), echoes)

    redacted_events = []
    for event in events:
        redacted = dict(event)
        kind = redacted.get("event")
        for key in _TEXT_KEYS:
            if isinstance(redacted.get(key), str):
                text = redacted[key]
                if kind in _BOT_EVENTS and echoes:
                    text = _redact_echoes(text, echoes)
                redacted[key] = replace_spans(text, _spans_in(text))
        if "parse_data" in redacted:
            redacted["parse_data"] = _redact_parse_data(redacted["parse_data"])
        if "entities" in redacted:
            redacted["entities"] = _redact_entities(redacted["entities"])
        if kind == "slot" and "value" in redacted:
            redacted["value"] = redact_value(redacted["value"])
        if kind in _BOT_EVENTS and redacted.get("data") is not None:
            redacted["data"] = redact_value(redacted["data"])
        if redacted.get("metadata") is not None:
            redacted["metadata"] = redact_value(redacted["metadata"])
        redacted_events.append(redacted)
    return redacted_events


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

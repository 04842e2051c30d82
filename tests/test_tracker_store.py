"""The redacting tracker store: nothing personal reaches the database or the event broker."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.nlp.events import redact_event_dicts
from components.tracker_store import RedactingSQLTrackerStore
from tests.conftest import require_server

NAME = "Mahlet Tesfaye"
EMAIL = "mahlet.tesfaye@example.nhs.net"
PHONE = "07700 900123"
NHS_NUMBER = "943 476 5919"
PERSONAL_DETAILS = [
    NAME, "Mahlet", "Tesfaye", EMAIL, PHONE, "07700900123", NHS_NUMBER, "9434765919"
]

USER_TEXT = (
    f"My colleague {NAME} keeps missing handover. Her email is {EMAIL}, mobile {PHONE}, "
    f"and the patient's NHS number was {NHS_NUMBER}."
)
COLLEAGUE = {"entity": "colleague", "start": 13, "end": 27, "value": NAME, "extractor": "test"}
REDACTED_USER_TEXT = (
    "My colleague [NAME] keeps missing handover. Her email is [EMAIL], mobile [PHONE], "
    "and the patient's NHS number was [NHS NUMBER]."
)

DOMAIN = Domain.from_dict(
    {
        "intents": ["raise_concern", "affirm"],
        "entities": ["colleague"],
        "slots": {
            "concern_summary": {"type": "text", "mappings": [{"type": "custom"}]},
            "concern_type": {"type": "text", "mappings": [{"type": "custom"}]},
        },
        "responses": {"utter_noted": [{"text": "Noted."}]},
    }
)


def conversation_events() -> List[Any]:
    """One turn of a manager's conversation, full of made-up personal details."""
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(
            USER_TEXT,
            intent={"name": "raise_concern", "confidence": 0.97},
            entities=[COLLEAGUE],
            parse_data={
                "text": USER_TEXT,
                "intent": {"name": "raise_concern", "confidence": 0.97},
                "entities": [COLLEAGUE],
            },
            metadata={"email": EMAIL},
        ),
        SlotSet("concern_summary", USER_TEXT),
        SlotSet("concern_type", "conduct"),
        BotUttered(
            f"Thank you. I have noted your concern about {NAME}.",
            metadata={"utter_action": "utter_noted"},
        ),
        ActionExecuted("action_listen"),
    ]


def build_tracker(sender_id: str) -> DialogueStateTracker:
    """A real tracker holding the conversation above."""
    return DialogueStateTracker.from_events(sender_id, conversation_events(), slots=DOMAIN.slots)


def raw_rows(engine: sa.engine.Engine) -> str:
    """Every column of every stored event, as one string, read with plain SQL."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM events")).fetchall()
    return "\n".join(" ".join(str(column) for column in row) for row in rows)


async def assert_redacted_round_trip(store: RedactingSQLTrackerStore, sender_id: str) -> None:
    """Save a tracker, check the raw rows, read it back, then save a second turn and check again."""
    tracker = build_tracker(sender_id)
    await store.save(tracker)

    stored = raw_rows(store.engine)
    assert sender_id in stored
    for detail in PERSONAL_DETAILS:
        assert detail not in stored
    for placeholder in ("[NAME]", "[EMAIL]", "[PHONE]", "[NHS NUMBER]"):
        assert placeholder in stored

    # The tracker Rasa keeps for the current turn is left exactly as it was.
    assert tracker.latest_message.text == USER_TEXT
    assert tracker.get_slot("concern_summary") == USER_TEXT

    full = await store.retrieve_full_tracker(sender_id)
    assert full is not None
    assert [type(event) for event in full.events] == [type(event) for event in tracker.events]
    assert [event.timestamp for event in full.events] == [
        event.timestamp for event in tracker.events
    ]

    # Rasa's processor reads the latest session this way at the start of every turn.
    retrieved = await store.get_or_create_tracker(sender_id)
    assert retrieved.latest_message.text == REDACTED_USER_TEXT
    assert retrieved.latest_message.parse_data["text"] == REDACTED_USER_TEXT
    assert retrieved.latest_message.intent["name"] == "raise_concern"
    entity = retrieved.latest_message.entities[0]
    assert entity["value"] == "[NAME]"
    assert REDACTED_USER_TEXT[entity["start"] : entity["end"]] == "[NAME]"
    assert retrieved.get_slot("concern_summary") == REDACTED_USER_TEXT
    assert retrieved.get_slot("concern_type") == "conduct"
    bot_texts = [event.text for event in retrieved.events if isinstance(event, BotUttered)]
    assert bot_texts == ["Thank you. I have noted your concern about [NAME]."]

    # Next turn: Rasa extends the retrieved tracker; only the new events are appended, redacted.
    retrieved.update(
        UserUttered("Yes, Dr Okafor rang me on 020 7946 0958.", intent={"name": "affirm"})
    )
    retrieved.update(ActionExecuted("action_listen"))
    await store.save(retrieved)
    stored = raw_rows(store.engine)
    # The whole number: four digits alone turn up by chance in the stored timestamps.
    assert "Okafor" not in stored and "7946 0958" not in stored
    again = await store.retrieve_full_tracker(sender_id)
    assert again is not None
    assert len(again.events) == len(tracker.events) + 2
    assert again.latest_message.text == "Yes, Dr [NAME] rang me on [PHONE]."


async def test_sqlite_store_keeps_no_personal_details(tmp_path: Path) -> None:
    database = tmp_path / "var" / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(database))
    await assert_redacted_round_trip(store, "manager-sqlite")
    assert list(await store.keys()) == ["manager-sqlite"]


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A freshly named PostgreSQL database for one test, dropped afterwards."""
    require_server("PostgreSQL", "127.0.0.1", 5432)
    name = f"pause_tracker_{uuid.uuid4().hex[:12]}"
    yield name
    admin = sa.create_engine(
        "postgresql://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
async def test_postgresql_store_keeps_no_personal_details(postgres_database: str) -> None:
    store = RedactingSQLTrackerStore(
        domain=DOMAIN,
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        username="postgres",
        db=postgres_database,
        login_db="test",
    )
    try:
        assert store.engine.url.database == postgres_database
        await assert_redacted_round_trip(store, "manager-postgres")
    finally:
        store.engine.dispose()


async def test_store_loads_from_endpoints_yml_through_rasa(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    db = tmp_path / "var" / "tracker.db"
    endpoints.write_text(
        "tracker_store:\n"
        "  type: components.tracker_store.RedactingSQLTrackerStore\n"
        "  dialect: sqlite\n"
        f"  db: {db}\n",
        encoding="utf-8",
    )
    config = read_endpoint_config(str(endpoints), "tracker_store")

    store = TrackerStore.create(config, domain=DOMAIN)

    assert isinstance(store, RedactingSQLTrackerStore)
    await store.save(build_tracker("manager-endpoints"))
    assert db.exists()
    stored = raw_rows(store.engine)
    for detail in PERSONAL_DETAILS:
        assert detail not in stored


async def test_the_projects_endpoints_yml_uses_the_tracker_url_setting(tmp_path: Path, monkeypatch) -> None:
    from bot.settings import get_settings

    db = tmp_path / "var" / "tracker-from-setting.db"
    monkeypatch.setenv("PAUSE_TRACKER_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("PAUSE_ACTION_ENDPOINT", "http://127.0.0.1:5055/webhook")
    get_settings.cache_clear()
    try:
        config = read_endpoint_config(str(Path(__file__).resolve().parents[1] / "endpoints.yml"), "tracker_store")
        store = TrackerStore.create(config, domain=DOMAIN)
        assert isinstance(store, RedactingSQLTrackerStore)
        await store.save(build_tracker("manager-setting"))
        assert db.exists()
        assert "manager-setting" in raw_rows(store.engine)
        store.engine.dispose()
    finally:
        get_settings.cache_clear()


class RecordingBroker:
    """Stands in for an event broker and keeps what it was asked to publish."""

    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


async def test_events_sent_to_an_event_broker_are_redacted(tmp_path: Path) -> None:
    broker = RecordingBroker()
    store = RedactingSQLTrackerStore(
        domain=DOMAIN, db=str(tmp_path / "tracker.db"), event_broker=broker
    )

    await store.save(build_tracker("manager-broker"))

    assert len(broker.published) == len(conversation_events())
    published = str(broker.published)
    for detail in PERSONAL_DETAILS:
        assert detail not in published
    assert {event["sender_id"] for event in broker.published} == {"manager-broker"}


def test_event_redaction_leaves_the_originals_untouched() -> None:
    events = [event.as_dict() for event in conversation_events()]
    before = repr(events)

    redacted = redact_event_dicts(events)

    assert repr(events) == before
    user = next(event for event in redacted if event["event"] == "user")
    assert user["text"] == REDACTED_USER_TEXT
    assert user["metadata"] == {"email": "[EMAIL]"}
    assert user["parse_data"]["entities"][0] == {**COLLEAGUE, "value": "[NAME]", "end": 19}
    assert user["parse_data"]["intent"] == {"name": "raise_concern", "confidence": 0.97}


def test_bot_reply_repeating_a_detail_is_redacted_even_without_context() -> None:
    events = [
        UserUttered("I spoke to Mahlet this morning", intent={"name": "raise_concern"}).as_dict(),
        BotUttered("Mahlet. Got it.").as_dict(),
        BotUttered("Call Samaritans free on 116 123, or text SHOUT to 85258.").as_dict(),
        SlotSet("concern_type", "conduct").as_dict(),
    ]

    redacted = redact_event_dicts(events)

    assert redacted[0]["text"] == "I spoke to [NAME] this morning"
    assert redacted[1]["text"] == "[NAME]. Got it."
    assert redacted[2]["text"] == "Call Samaritans free on 116 123, or text SHOUT to 85258."
    assert redacted[3] == events[3]


async def test_sqlite_tracker_store_uses_a_write_ahead_log(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "tracker-wal.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))
    await store.save(build_tracker("manager-wal"))
    store.engine.dispose()
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _as_dicts(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    return [event.as_dict() for event in tracker.events]


async def _full_read(store: RedactingSQLTrackerStore, sender_id: str) -> DialogueStateTracker:
    """The latest session as Rasa's own SQL tracker store reads it, every row deserialised."""
    tracker = await SQLTrackerStore._retrieve(store, sender_id, fetch_events_from_all_sessions=False)
    assert tracker is not None
    return tracker


async def _next_turn(store: RedactingSQLTrackerStore, sender_id: str, text: str) -> DialogueStateTracker:
    """One more turn as Rasa's processor takes it: read, extend, save."""
    tracker = await store.get_or_create_tracker(sender_id)
    tracker.update(UserUttered(text, intent={"name": "affirm"}))
    tracker.update(BotUttered("Noted.", metadata={"utter_action": "utter_noted"}))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    return tracker


async def test_turns_read_back_the_same_events_as_a_full_read(tmp_path: Path) -> None:
    store = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    await store.save(build_tracker("manager-kept"))
    first = len((await _full_read(store, "manager-kept")).events)
    for number in range(3):
        await _next_turn(store, "manager-kept", f"Yes, and Dr Okafor was there too ({number}).")
        kept = await store.retrieve("manager-kept")
        full = await _full_read(store, "manager-kept")
        assert _as_dicts(kept) == _as_dicts(full)
        assert "Okafor" not in str(_as_dicts(kept))
    assert len(full.events) == first + 3 * 3


async def test_a_replicas_turns_are_read_and_never_written_twice(tmp_path: Path) -> None:
    database = str(tmp_path / "tracker.db")
    replica_a = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=database)
    replica_b = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=database)
    await replica_a.save(build_tracker("manager-replicas"))
    await _next_turn(replica_a, "manager-replicas", "first")
    await _next_turn(replica_b, "manager-replicas", "second")
    await _next_turn(replica_a, "manager-replicas", "third")

    full = await _full_read(replica_b, "manager-replicas")
    texts = [event.text for event in full.events if isinstance(event, UserUttered)]
    assert texts == [REDACTED_USER_TEXT, "first", "second", "third"]
    assert _as_dicts(await replica_a.retrieve("manager-replicas")) == _as_dicts(full)
    assert _as_dicts(await replica_b.retrieve("manager-replicas")) == _as_dicts(full)


async def test_purged_rows_and_a_new_session_are_seen(tmp_path: Path) -> None:
    database = str(tmp_path / "tracker.db")
    store = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=database)
    other = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=database)
    await store.save(build_tracker("manager-purged"))
    await _next_turn(store, "manager-purged", "first")
    with store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE type_name = 'bot'"))
    assert _as_dicts(await store.retrieve("manager-purged")) == _as_dicts(await _full_read(store, "manager-purged"))

    # Another replica starts a new session: only that session is read back.
    tracker = await other.get_or_create_tracker("manager-purged")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await other.save(tracker)
    again = await store.retrieve("manager-purged")
    assert _as_dicts(again) == _as_dicts(await _full_read(store, "manager-purged"))
    assert not any(isinstance(event, UserUttered) for event in again.events)

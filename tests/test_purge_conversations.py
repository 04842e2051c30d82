"""Retention applies to the conversation log too: `purge` deletes tracker events older than it."""
from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.__main__ import main
from bot.settings import get_settings
from bot.store import dispose_engines
from bot.store.migrate import upgrade
from components.tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.from_dict({"intents": ["greet"], "responses": {"utter_greet": [{"text": "Hello."}]}})
DAY = 24 * 3600


def conversation(sender: str, days_old: float) -> DialogueStateTracker:
    at = time.time() - days_old * DAY
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen", timestamp=at),
            UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=at + 1),
            ActionExecuted("utter_greet", timestamp=at + 2),
        ],
    )


def senders(database: Path) -> list:
    engine = sa.create_engine(f"sqlite:///{database}", future=True)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT DISTINCT sender_id FROM events ORDER BY sender_id")).scalars().all()
    engine.dispose()
    return list(rows)


async def test_purge_deletes_old_conversations_and_keeps_recent_ones(tmp_path, monkeypatch, capsys):
    tracker_db = tmp_path / "tracker.db"
    outcomes = f"sqlite:///{tmp_path / 'outcomes.db'}"
    store = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tracker_db))
    await store.save(conversation("old-manager", days_old=400))
    await store.save(conversation("recent-manager", days_old=3))
    store.engine.dispose()
    upgrade(outcomes)
    monkeypatch.setenv("PAUSE_DATABASE_URL", outcomes)
    monkeypatch.setenv("PAUSE_TRACKER_DATABASE_URL", f"sqlite:///{tracker_db}")
    monkeypatch.setenv("PAUSE_RETENTION_DAYS", "365")
    get_settings.cache_clear()
    dispose_engines()
    try:
        assert main(["purge"]) == 0
        first = capsys.readouterr().out
        assert main(["purge"]) == 0
        second = capsys.readouterr().out
    finally:
        dispose_engines()
        get_settings.cache_clear()
    assert "and 3 conversation events logged before then" in first
    assert "and 0 conversation events" in second
    assert senders(tracker_db) == ["recent-manager"]


def test_a_tracker_database_never_written_has_nothing_to_purge(tmp_path):
    from datetime import datetime, timezone

    from bot.store.conversations import purge_conversations_older_than

    try:
        assert purge_conversations_older_than(f"sqlite:///{tmp_path / 'empty.db'}", datetime.now(timezone.utc)) == 0
    finally:
        dispose_engines()

"""Fixtures for action tests: a migrated SQLite outcome store in a temporary folder."""
import pytest

from bot.settings import get_settings
from bot.store import dispose_engines
from bot.store.migrate import upgrade


@pytest.fixture
def outcome_store(tmp_path, monkeypatch):
    """PAUSE_DATABASE_URL pointing at a fresh, migrated SQLite file; yields the URL."""
    url = f"sqlite:///{tmp_path / 'outcomes.db'}"
    monkeypatch.setenv("PAUSE_DATABASE_URL", url)
    get_settings.cache_clear()
    dispose_engines()
    upgrade(url)
    yield url
    dispose_engines()
    get_settings.cache_clear()

"""Settings: defaults for a fresh clone, overrides from the environment, clear errors."""

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from bot.settings import (
    REPO_ROOT,
    Settings,
    SettingsError,
    get_settings,
    load_settings,
    sqlite_file,
)


def test_a_fresh_clone_gets_safe_defaults():
    settings = load_settings({})
    assert settings == Settings(
        database_url=f"sqlite:///{REPO_ROOT / 'var' / 'pause.db'}",
        tracker_database_url=f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}",
        organisation="example-trust",
        content_dir=REPO_ROOT / "content",
        retention_days=365,
        rasa_url="http://127.0.0.1:5005",
        investigation_cost_gbp=12000,
        investigation_days=156,
    )
    assert settings.database_url.startswith("sqlite:////")
    assert sqlite_file(settings.database_url) == REPO_ROOT / "var" / "pause.db"


def test_every_setting_can_be_overridden_from_the_environment(tmp_path):
    settings = load_settings(
        {
            "PAUSE_DATABASE_URL": "postgresql://pause@db.internal:5432/pause",
            "PAUSE_TRACKER_DATABASE_URL": "sqlite:///tracker.db",
            "PAUSE_ORGANISATION": "north-trust-2",
            "PAUSE_CONTENT_DIR": str(tmp_path),
            "PAUSE_RETENTION_DAYS": "90",
            "PAUSE_RASA_URL": "https://pause.example.nhs.uk/",
            "PAUSE_INVESTIGATION_COST_GBP": "9500",
            "PAUSE_INVESTIGATION_DAYS": "265",
        }
    )
    assert settings.database_url == "postgresql://pause@db.internal:5432/pause"
    assert settings.tracker_database_url == "sqlite:///tracker.db"
    assert settings.organisation == "north-trust-2"
    assert settings.content_dir == tmp_path.resolve()
    assert settings.retention_days == 90
    assert settings.rasa_url == "https://pause.example.nhs.uk"
    assert settings.investigation_cost_gbp == 9500
    assert settings.investigation_days == 265
    assert (
        settings.organisation_content_file
        == tmp_path.resolve() / "organisations" / "north-trust-2.yml"
    )


def test_an_empty_variable_counts_as_unset():
    assert load_settings({"PAUSE_RETENTION_DAYS": "  ", "PAUSE_ORGANISATION": ""}) == load_settings(
        {}
    )


@pytest.mark.parametrize(
    "variable, value",
    [
        ("PAUSE_DATABASE_URL", "not a url"),
        ("PAUSE_DATABASE_URL", "mysql://root@localhost/pause"),
        ("PAUSE_TRACKER_DATABASE_URL", "://nothing"),
        ("PAUSE_ORGANISATION", "../../etc/passwd"),
        ("PAUSE_ORGANISATION", "North Trust"),
        ("PAUSE_RETENTION_DAYS", "0"),
        ("PAUSE_RETENTION_DAYS", "-5"),
        ("PAUSE_RETENTION_DAYS", "a year"),
        ("PAUSE_RETENTION_DAYS", "36.5"),
        ("PAUSE_RASA_URL", "localhost:5005"),
        ("PAUSE_RASA_URL", "ftp://127.0.0.1"),
        ("PAUSE_INVESTIGATION_COST_GBP", "£12,000"),
        ("PAUSE_INVESTIGATION_COST_GBP", "-1"),
        ("PAUSE_INVESTIGATION_DAYS", "many"),
    ],
)
def test_an_invalid_value_names_its_variable(variable, value):
    with pytest.raises(SettingsError) as error:
        load_settings({variable: value})
    assert variable in str(error.value)


def test_the_content_folder_cannot_be_a_file(tmp_path):
    a_file = tmp_path / "content.yml"
    a_file.write_text("entries: []\n")
    with pytest.raises(SettingsError, match="PAUSE_CONTENT_DIR"):
        load_settings({"PAUSE_CONTENT_DIR": str(a_file)})


def test_settings_cannot_be_changed_once_made():
    settings = load_settings({})
    with pytest.raises(FrozenInstanceError):
        settings.retention_days = 1  # type: ignore[misc]


def test_get_settings_reads_the_environment_once_until_cleared(monkeypatch):
    monkeypatch.setenv("PAUSE_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    try:
        first = get_settings()
        monkeypatch.setenv("PAUSE_RETENTION_DAYS", "60")
        assert get_settings() is first
        assert first.retention_days == 30
        get_settings.cache_clear()
        assert get_settings().retention_days == 60
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("sqlite:///var/pause.db", Path("var/pause.db")),
        ("sqlite:////srv/pause/pause.db", Path("/srv/pause/pause.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql://postgres@127.0.0.1/test", None),
    ],
)
def test_the_file_behind_a_sqlite_url(url, expected):
    assert sqlite_file(url) == expected

"""Settings: defaults for a fresh clone, overrides from the environment, clear errors."""

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
    with pytest.raises(TypeError):
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


# The public channels' settings


def test_channel_settings_have_safe_defaults():
    settings = load_settings({})
    assert settings == Settings()
    assert settings.max_request_bytes == 64 * 1024
    assert settings.web_allowed_origins == ()
    assert settings.web_frame_ancestors == ("'self'",)


def test_channel_settings_are_read_from_the_environment():
    settings = load_settings(
        {
            "PAUSE_RATE_LIMIT_PER_MINUTE": "120",
            "PAUSE_RATE_LIMIT_BURST": "10",
            "PAUSE_MAX_REQUEST_BYTES": "8192",
            "PAUSE_TURN_TIMEOUT_SECONDS": "12.5",
            "PAUSE_WEB_ALLOWED_ORIGINS": "https://Intranet.Example.nhs.uk, http://localhost:8080/",
            "PAUSE_WEB_FRAME_ANCESTORS": "'self' https://*.example.nhs.uk",
        }
    )
    assert settings.rate_limit_per_minute == 120
    assert settings.rate_limit_burst == 10
    assert settings.max_request_bytes == 8192
    assert settings.turn_timeout_seconds == 12.5
    assert settings.web_allowed_origins == ("https://intranet.example.nhs.uk", "http://localhost:8080")
    assert settings.web_frame_ancestors == ("'self'", "https://*.example.nhs.uk")


@pytest.mark.parametrize(
    "name, value",
    [
        ("PAUSE_RATE_LIMIT_PER_MINUTE", "-1"),
        ("PAUSE_RATE_LIMIT_BURST", "0"),
        ("PAUSE_MAX_REQUEST_BYTES", "100"),
        ("PAUSE_MAX_REQUEST_BYTES", "lots"),
        ("PAUSE_TURN_TIMEOUT_SECONDS", "0"),
        ("PAUSE_WEB_ALLOWED_ORIGINS", "intranet.example.nhs.uk"),
        ("PAUSE_WEB_ALLOWED_ORIGINS", "https://intranet.example.nhs.uk/page"),
        ("PAUSE_WEB_FRAME_ANCESTORS", "https://a.example; script-src *"),
        ("PAUSE_WEB_FRAME_ANCESTORS", "'unsafe-inline'"),
    ],
)
def test_unusable_channel_settings_fail_naming_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})

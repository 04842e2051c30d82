"""Settings: one typed model; defaults for a fresh clone, overrides from the environment, clear errors."""

import re
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

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_a_fresh_clone_gets_safe_defaults():
    settings = load_settings({})
    assert settings == Settings(
        database_url=f"sqlite:///{REPO_ROOT / 'var' / 'pause.db'}",
        tracker_database_url=f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}",
        organisation="example-trust",
        content_dir=REPO_ROOT / "content",
        retention_days=365,
        rasa_url="http://127.0.0.1:5005",
        investigation_cost_gbp=None,
        investigation_days=156,
    )
    assert settings.database_url.startswith("sqlite:////")
    assert sqlite_file(settings.database_url) == REPO_ROOT / "var" / "pause.db"
    # Production services off; the public channels' limits and browser policy at their defaults.
    assert (settings.redis_url, settings.rabbitmq_url, settings.rabbitmq_queue) == (None, None, "pause_events")
    assert (settings.rate_limit_per_minute, settings.rate_limit_burst) == (60, 30)
    assert (settings.max_request_bytes, settings.turn_timeout_seconds) == (64 * 1024, 30)
    assert (settings.web_allowed_origins, settings.web_frame_ancestors) == ((), ("'self'",))
    assert settings.report_suppress_below == 5


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
            "PAUSE_REDIS_URL": "rediss://:secret@cache.internal:6380/2",
            "PAUSE_RABBITMQ_URL": "amqps://pause:secret@mq.internal/analytics",
            "PAUSE_RABBITMQ_QUEUE": "pause.events",
            "PAUSE_RATE_LIMIT_PER_MINUTE": "120",
            "PAUSE_RATE_LIMIT_BURST": "10",
            "PAUSE_MAX_REQUEST_BYTES": "8192",
            "PAUSE_TURN_TIMEOUT_SECONDS": "12.5",
            "PAUSE_WEB_ALLOWED_ORIGINS": "https://Intranet.Example.nhs.uk, http://localhost:8080/",
            "PAUSE_WEB_FRAME_ANCESTORS": "'self' https://*.example.nhs.uk",
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
    assert settings.organisation_content_file == tmp_path.resolve() / "organisations" / "north-trust-2.yml"
    assert settings.redis_url == "rediss://:secret@cache.internal:6380/2"
    assert settings.rabbitmq_url == "amqps://pause:secret@mq.internal/analytics"
    assert settings.rabbitmq_queue == "pause.events"
    assert (settings.rate_limit_per_minute, settings.rate_limit_burst) == (120, 10)
    assert (settings.max_request_bytes, settings.turn_timeout_seconds) == (8192, 12.5)
    assert settings.web_allowed_origins == ("https://intranet.example.nhs.uk", "http://localhost:8080")
    assert settings.web_frame_ancestors == ("'self'", "https://*.example.nhs.uk")
    # Passwords in these URLs never appear when settings are printed.
    assert "secret" not in repr(settings)


def test_an_empty_variable_counts_as_unset():
    assert load_settings({"PAUSE_RETENTION_DAYS": "  ", "PAUSE_ORGANISATION": ""}) == load_settings({})


def test_other_variables_are_ignored():
    assert load_settings({"PAUSE_HTTP_PORT": "8080", "HOME": "/root"}) == load_settings({})


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
        ("PAUSE_REDIS_URL", "127.0.0.1:6379"),
        ("PAUSE_REDIS_URL", "http://127.0.0.1:6379"),
        ("PAUSE_REDIS_URL", "redis://127.0.0.1:6379/cache"),
        ("PAUSE_REDIS_URL", "redis://127.0.0.1:99999/1"),
        ("PAUSE_RABBITMQ_URL", "127.0.0.1:5672"),
        ("PAUSE_RABBITMQ_URL", "redis://127.0.0.1:5672"),
        ("PAUSE_RABBITMQ_QUEUE", "events with spaces"),
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
def test_an_invalid_value_names_its_variable(variable, value):
    with pytest.raises(SettingsError) as error:
        load_settings({variable: value})
    assert str(error.value).startswith(variable)


@pytest.mark.parametrize("variable", ["PAUSE_DATABASE_URL", "PAUSE_REDIS_URL", "PAUSE_RABBITMQ_URL"])
def test_an_invalid_url_that_may_hold_a_password_is_never_echoed(variable):
    with pytest.raises(SettingsError) as error:
        load_settings({variable: "s3cret-password-not-a-url"})
    assert variable in str(error.value) and "s3cret" not in str(error.value)


def test_every_problem_is_named_at_once():
    with pytest.raises(SettingsError) as error:
        load_settings({"PAUSE_ORGANISATION": "X", "PAUSE_RETENTION_DAYS": "0"})
    assert "PAUSE_ORGANISATION='X' is not valid" in str(error.value)
    assert "PAUSE_RETENTION_DAYS='0' is not valid" in str(error.value)


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


def test_every_setting_is_in_the_readmes_configuration_table():
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(PAUSE_[A-Z0-9_]+)`", table, flags=re.MULTILINE))
    assert {field.alias for field in Settings.__fields__.values()} - documented == set()


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

"""Teams settings: off by default, Microsoft's endpoints by default, clear errors for half a setup."""
import pytest

from bot.settings import SettingsError, TeamsSettings, load_settings

APP_ID = "5a1f3c9e-2b7d-4e61-9c0a-8d2f6b4e1a37"


def test_teams_is_off_with_microsofts_endpoints_by_default():
    teams = load_settings({}).teams
    assert teams == TeamsSettings()
    assert not teams.configured
    assert teams.openid_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert teams.token_url == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    assert teams.issuer == "https://api.botframework.com"


def test_teams_is_configured_from_the_environment():
    teams = load_settings(
        {
            "PAUSE_TEAMS_APP_ID": APP_ID,
            "PAUSE_TEAMS_APP_PASSWORD": "s3cret~value",
            "PAUSE_TEAMS_OPENID_URL": "http://127.0.0.1:9000/v1/.well-known/openidconfiguration",
            "PAUSE_TEAMS_TOKEN_URL": "http://127.0.0.1:9000/token",
            "PAUSE_TEAMS_ISSUER": "https://issuer.example",
        }
    ).teams
    assert teams.configured
    assert (teams.app_id, teams.app_password) == (APP_ID, "s3cret~value")
    assert teams.openid_url == "http://127.0.0.1:9000/v1/.well-known/openidconfiguration"
    assert teams.token_url == "http://127.0.0.1:9000/token"
    assert teams.issuer == "https://issuer.example"


def test_the_app_password_is_never_shown_in_the_settings():
    settings = load_settings({"PAUSE_TEAMS_APP_ID": APP_ID, "PAUSE_TEAMS_APP_PASSWORD": "s3cret~value"})
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    "environ, named",
    [
        ({"PAUSE_TEAMS_APP_ID": APP_ID}, "PAUSE_TEAMS_APP_PASSWORD"),
        ({"PAUSE_TEAMS_APP_PASSWORD": "s3cret"}, "PAUSE_TEAMS_APP_ID"),
        ({"PAUSE_TEAMS_APP_ID": "my-bot", "PAUSE_TEAMS_APP_PASSWORD": "s3cret"}, "PAUSE_TEAMS_APP_ID"),
        ({"PAUSE_TEAMS_OPENID_URL": "login.botframework.com"}, "PAUSE_TEAMS_OPENID_URL"),
        ({"PAUSE_TEAMS_TOKEN_URL": "ftp://127.0.0.1/token"}, "PAUSE_TEAMS_TOKEN_URL"),
        ({"PAUSE_TEAMS_ISSUER": "api.botframework.com"}, "PAUSE_TEAMS_ISSUER"),
    ],
)
def test_a_half_or_wrong_teams_setup_fails_naming_the_variable(environ, named):
    with pytest.raises(SettingsError, match=named):
        load_settings(environ)

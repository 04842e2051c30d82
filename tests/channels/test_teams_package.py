"""The Teams app package: built by the real script, read back with independent readers."""
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "teams_package.py"
APP_ID = "5a1f3c9e-2b7d-4e61-9c0a-8d2f6b4e1a37"


def build(out: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PAUSE_TEAMS_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        env=environ, capture_output=True, text=True, timeout=60,
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("teams") / "pause-teams.zip"
    result = build(out, PAUSE_TEAMS_APP_ID=APP_ID)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        yield archive


def image(package: zipfile.ZipFile, name: str) -> Image.Image:
    return Image.open(io.BytesIO(package.read(name)))


def test_the_package_holds_exactly_the_manifest_and_two_icons_at_its_top(package):
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
    assert package.testzip() is None


def test_the_manifest_is_a_teams_1_16_bot_manifest_for_this_bot(package):
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["manifestVersion"] == "1.16"
    assert manifest["$schema"].endswith("/teams/v1.16/MicrosoftTeams.schema.json")
    assert manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal"]
    for field in ("version", "developer", "name", "description", "icons", "accentColor"):
        assert manifest[field], field
    for field in ("name", "websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert manifest["developer"][field], field
    assert all(manifest["developer"][f].startswith("https://") for f in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert "{{" not in package.read("manifest.json").decode()


def test_the_colour_icon_is_192_square_and_opaque(package):
    icon = image(package, "color.png")
    assert icon.format == "PNG" and icon.size == (192, 192)
    pixels = list(icon.convert("RGBA").getdata())
    assert {alpha for *_, alpha in pixels} == {255}
    assert len({tuple(p[:3]) for p in pixels}) > 2  # a symbol on a background, not a blank square


def test_the_outline_icon_is_32_square_white_on_transparent(package):
    icon = image(package, "outline.png")
    assert icon.format == "PNG" and icon.size == (32, 32) and icon.mode == "RGBA"
    pixels = list(icon.getdata())
    for corner in (icon.getpixel((0, 0)), icon.getpixel((31, 0)), icon.getpixel((0, 31)), icon.getpixel((31, 31))):
        assert corner[3] == 0
    drawn = [p for p in pixels if p[3] > 0]
    assert drawn and all(p[:3] == (255, 255, 255) for p in drawn)
    assert sum(p[3] == 255 for p in pixels) > 50  # a visible symbol
    assert sum(p[3] == 0 for p in pixels) > len(pixels) / 2  # mostly transparent


def test_the_same_settings_build_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assert build(first, PAUSE_TEAMS_APP_ID=APP_ID).returncode == 0
    assert build(second, PAUSE_TEAMS_APP_ID=APP_ID).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_without_an_app_id_it_says_what_to_set_and_builds_nothing(tmp_path):
    out = tmp_path / "pause-teams.zip"
    result = build(out)
    assert result.returncode == 2
    assert "PAUSE_TEAMS_APP_ID is not set" in result.stderr
    assert not out.exists()


def test_an_app_id_that_is_not_a_guid_is_refused(tmp_path):
    result = build(tmp_path / "p.zip", PAUSE_TEAMS_APP_ID="my-bot")
    assert result.returncode == 2 and "GUID" in result.stderr


def test_an_organisation_sets_its_own_details_from_the_environment(tmp_path):
    out = tmp_path / "p.zip"
    result = build(
        out,
        PAUSE_TEAMS_APP_ID=APP_ID,
        PAUSE_TEAMS_APP_NAME="Pause North",
        PAUSE_TEAMS_APP_VERSION="1.2.3",
        PAUSE_TEAMS_DEVELOPER_NAME="North Trust HR",
        PAUSE_TEAMS_WEBSITE_URL="https://intranet.north.nhs.uk/pause",
        PAUSE_TEAMS_PRIVACY_URL="https://intranet.north.nhs.uk/pause/privacy",
        PAUSE_TEAMS_TERMS_URL="https://intranet.north.nhs.uk/pause/terms",
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["name"]["short"] == "Pause North"
    assert manifest["version"] == "1.2.3"
    assert manifest["developer"] == {
        "name": "North Trust HR",
        "websiteUrl": "https://intranet.north.nhs.uk/pause",
        "privacyUrl": "https://intranet.north.nhs.uk/pause/privacy",
        "termsOfUseUrl": "https://intranet.north.nhs.uk/pause/terms",
    }
    assert "Still the template's examples" not in result.stdout


def test_the_template_placeholders_are_pointed_out(tmp_path):
    result = build(tmp_path / "p.zip", PAUSE_TEAMS_APP_ID=APP_ID)
    assert "developer.websiteUrl" in result.stdout


@pytest.mark.parametrize(
    "variable, value, complaint",
    [
        ("PAUSE_TEAMS_APP_NAME", "A name far too long for the Teams app bar", "name.short"),
        ("PAUSE_TEAMS_PRIVACY_URL", "http://intranet.example/privacy", "developer.privacyUrl"),
        ("PAUSE_TEAMS_APP_VERSION", "one", "version"),
    ],
)
def test_values_teams_would_reject_are_refused_before_upload(tmp_path, variable, value, complaint):
    result = build(tmp_path / "p.zip", PAUSE_TEAMS_APP_ID=APP_ID, **{variable: value})
    assert result.returncode == 2
    assert complaint in result.stderr

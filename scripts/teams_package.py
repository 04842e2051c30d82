"""Build the Microsoft Teams app package: a zip of manifest.json, color.png and outline.png.

    PAUSE_TEAMS_APP_ID=<the Azure Bot's Microsoft App ID> python scripts/teams_package.py

The manifest comes from teams/manifest.template.json, which an organisation edits once (names,
descriptions, its own web pages). The variables below override single fields without editing
it; the bot id is always PAUSE_TEAMS_APP_ID. The icons are drawn by teams/icons.py.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from teams.icons import color_icon, outline_icon  # noqa: E402

TEMPLATE = REPO / "teams" / "manifest.template.json"
DEFAULT_OUT = REPO / "dist" / "pause-teams.zip"
APP_ID_TOKEN = "{{PAUSE_TEAMS_APP_ID}}"
MANIFEST_VERSION = "1.16"
SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json"
GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
VERSION = re.compile(r"^\d{1,4}\.\d{1,4}\.\d{1,4}$")
# A zip entry's date; fixed so that the same inputs always give the same package.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# Variable -> the manifest field it sets.
OVERRIDES: Dict[str, Tuple[str, ...]] = {
    "PAUSE_TEAMS_APP_VERSION": ("version",),
    "PAUSE_TEAMS_APP_NAME": ("name", "short"),
    "PAUSE_TEAMS_APP_FULL_NAME": ("name", "full"),
    "PAUSE_TEAMS_DESCRIPTION_SHORT": ("description", "short"),
    "PAUSE_TEAMS_DESCRIPTION_FULL": ("description", "full"),
    "PAUSE_TEAMS_DEVELOPER_NAME": ("developer", "name"),
    "PAUSE_TEAMS_WEBSITE_URL": ("developer", "websiteUrl"),
    "PAUSE_TEAMS_PRIVACY_URL": ("developer", "privacyUrl"),
    "PAUSE_TEAMS_TERMS_URL": ("developer", "termsOfUseUrl"),
}

# Field -> longest text Teams accepts.
LIMITS: Dict[Tuple[str, ...], int] = {
    ("name", "short"): 30,
    ("name", "full"): 100,
    ("description", "short"): 80,
    ("description", "full"): 4000,
    ("developer", "name"): 32,
    ("developer", "websiteUrl"): 2048,
    ("developer", "privacyUrl"): 2048,
    ("developer", "termsOfUseUrl"): 2048,
}


class PackageError(Exception):
    """The package cannot be built as configured; the message says what to change."""


def build_manifest(environ: Mapping[str, str], template: Path = TEMPLATE) -> Dict[str, Any]:
    """The manifest for this organisation's bot, checked; PackageError when it cannot be made."""
    app_id = environ.get("PAUSE_TEAMS_APP_ID", "").strip()
    if not app_id:
        raise PackageError(
            "PAUSE_TEAMS_APP_ID is not set: give the Microsoft App ID of your Azure Bot, for example\n"
            "  PAUSE_TEAMS_APP_ID=00000000-0000-0000-0000-000000000000 make teams-package"
        )
    if not GUID.match(app_id):
        raise PackageError(f"PAUSE_TEAMS_APP_ID={app_id!r} is not a Microsoft App ID (a GUID)")
    try:
        manifest = json.loads(template.read_text(encoding="utf-8").replace(APP_ID_TOKEN, app_id))
    except ValueError as error:
        raise PackageError(f"{template} is not valid JSON: {error}") from None
    for variable, field in OVERRIDES.items():
        value = environ.get(variable, "").strip()
        if value:
            _set(manifest, field, value)
    problems = check_manifest(manifest)
    if problems:
        raise PackageError("the manifest is not valid for Teams:\n  " + "\n  ".join(problems))
    return manifest


def check_manifest(manifest: Dict[str, Any]) -> List[str]:
    """Everything Teams would reject in this manifest (empty when it is fine)."""
    problems = []
    if manifest.get("manifestVersion") != MANIFEST_VERSION:
        problems.append(f"manifestVersion must be {MANIFEST_VERSION}")
    if manifest.get("$schema") != SCHEMA:
        problems.append(f"$schema must be {SCHEMA}")
    if not VERSION.match(str(manifest.get("version", ""))):
        problems.append("version must look like 1.0.0")
    if not GUID.match(str(manifest.get("id", ""))):
        problems.append("id must be a GUID")
    for field, limit in LIMITS.items():
        value = _get(manifest, field)
        name = ".".join(field)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name} is missing")
        elif len(value) > limit:
            problems.append(f"{name} is {len(value)} characters; Teams allows {limit}")
        elif field[0] == "developer" and field[1].endswith("Url") and not value.startswith("https://"):
            problems.append(f"{name} must be an https:// address")
    if _get(manifest, ("icons", "color")) != "color.png" or _get(manifest, ("icons", "outline")) != "outline.png":
        problems.append("icons must be color.png and outline.png")
    if not re.match(r"^#[0-9A-Fa-f]{6}$", str(manifest.get("accentColor", ""))):
        problems.append("accentColor must be a colour such as #005EB8")
    bots = manifest.get("bots")
    if not isinstance(bots, list) or len(bots) != 1:
        problems.append("bots must list exactly one bot")
    else:
        bot = bots[0]
        if bot.get("botId") != manifest.get("id"):
            problems.append("bots[0].botId must be the app id")
        scopes = bot.get("scopes")
        if not scopes or not set(scopes) <= {"personal", "team", "groupChat"}:
            problems.append("bots[0].scopes must name personal, team or groupChat")
    return problems


def build_package(manifest: Dict[str, Any], out: Path) -> Path:
    """Write the zip: manifest.json and the two icons at its top level."""
    out.parent.mkdir(parents=True, exist_ok=True)
    files = [
        ("manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()),
        ("color.png", color_icon()),
        ("outline.png", outline_icon()),
    ]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            package.writestr(entry, data)
    return out


def placeholders(manifest: Dict[str, Any]) -> List[str]:
    """Fields still holding the template's example values."""
    return [
        ".".join(field)
        for field in LIMITS
        if "example" in str(_get(manifest, field)).lower()
    ]


def main(argv: Optional[Sequence[str]] = None, environ: Optional[Mapping[str, str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Microsoft Teams app package for Pause.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the zip")
    parser.add_argument("--template", type=Path, default=TEMPLATE, help="the manifest template")
    args = parser.parse_args(argv)
    try:
        manifest = build_manifest(os.environ if environ is None else environ, args.template)
    except PackageError as error:
        print(f"teams-package: {error}", file=sys.stderr)
        return 2
    out = build_package(manifest, args.out)
    print(f"Built {out} for bot {manifest['id']}: manifest.json, color.png, outline.png")
    left = placeholders(manifest)
    if left:
        print(
            "Still the template's examples: " + ", ".join(left)
            + ". Edit teams/manifest.template.json or set the PAUSE_TEAMS_* variables (see README)."
        )
    print("Upload it in Teams: Apps > Manage your apps > Upload an app.")
    return 0


def _get(manifest: Dict[str, Any], field: Tuple[str, ...]) -> Any:
    value: Any = manifest
    for key in field:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _set(manifest: Dict[str, Any], field: Tuple[str, ...], value: str) -> None:
    target = manifest
    for key in field[:-1]:
        target = target.setdefault(key, {})
    target[field[-1]] = value


if __name__ == "__main__":
    sys.exit(main())

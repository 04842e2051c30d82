"""The command line: each command's output and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Iterator, Tuple

import pytest
from sqlalchemy import text

from bot.cli import build_parser, main
from bot.settings import REPO_ROOT, get_settings
from bot.store import add_follow_up, dispose_engines, get_case, record_case, record_equality, session_scope
from bot.store.migrate import upgrade


@pytest.fixture
def store_url(tmp_path, monkeypatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'var' / 'pause.db'}"
    monkeypatch.setenv("PAUSE_DATABASE_URL", url)
    monkeypatch.setenv("PAUSE_TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'tracker.db'}")
    monkeypatch.delenv("PAUSE_RETENTION_DAYS", raising=False)
    get_settings.cache_clear()
    yield url
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def migrated_store(store_url) -> str:
    upgrade(store_url)
    return store_url


def run(capsys, *arguments: str) -> Tuple[int, str, str]:
    exit_code = main(list(arguments))
    captured = capsys.readouterr()
    return exit_code, captured.out, captured.err


def store_case(url: str, days_old: int = 0, demo: bool = False) -> str:
    with session_scope(url) as session:
        return record_case(
            session,
            channel="cmdline",
            concern_type="conduct",
            route="informal_resolution",
            decision="informal_conversation",
            demo=demo,
            created_at=datetime.now(timezone.utc) - timedelta(days=days_old),
        ).reference


def test_every_command_is_registered():
    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "command").choices
    assert {"db", "report", "purge", "erase"} <= set(commands)


def test_python_dash_m_bot_runs_the_command_line(store_url):
    environment = dict(os.environ, PAUSE_DATABASE_URL=store_url, RASA_TELEMETRY_ENABLED="false")
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert "up to date" in finished.stdout
    no_command = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert no_command.returncode == 2
    assert "usage:" in no_command.stderr


def test_db_upgrade_sets_up_a_fresh_store_and_status_reports_it(store_url, capsys):
    exit_code, _, _ = run(capsys, "db", "status")
    assert exit_code == 1
    exit_code, out, _ = run(capsys, "db", "upgrade")
    assert exit_code == 0
    assert "0003_equality_monitoring" in out
    exit_code, out, _ = run(capsys, "db", "status")
    assert exit_code == 0
    assert "Current revision: 0003_equality_monitoring" in out
    assert run(capsys, "db", "upgrade")[0] == 0


def test_commands_on_a_store_not_set_up_say_how_to_fix_it(store_url, capsys):
    for command in (["report"], ["purge"], ["erase", "P-7K3Q-9MXD"]):
        exit_code, out, err = run(capsys, *command)
        assert exit_code == 1, command
        assert "python -m bot db upgrade" in err
        assert out == ""


def test_the_report_table_leaves_demo_cases_out(migrated_store, capsys):
    store_case(migrated_store)
    store_case(migrated_store, demo=True)
    exit_code, out, _ = run(capsys, "report")
    assert exit_code == 0
    assert "Pause pilot report" in out
    assert "Concerns reflected on" in out
    json_code, json_out, _ = run(capsys, "report", "--json")
    figures = json.loads(json_out)
    assert json_code == 0
    assert (figures["cases"], figures["demo_excluded"], figures["diverted"]) == (1, 1, 1)


def test_report_csv_prints_one_row_per_real_case(migrated_store, capsys):
    first = store_case(migrated_store)
    second = store_case(migrated_store)
    store_case(migrated_store, demo=True)
    exit_code, out, _ = run(capsys, "report", "--csv")
    lines = out.strip().splitlines()
    assert exit_code == 0
    assert lines[0].startswith("reference,created_at,")
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted([first, second])


def test_report_html_writes_a_self_contained_page(migrated_store, capsys, tmp_path):
    store_case(migrated_store)
    page = tmp_path / "pilot.html"
    exit_code, out, _ = run(capsys, "report", "--html", str(page))
    assert exit_code == 0
    assert str(page) in out
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") >= 6
    assert "http://" not in html and "https://" not in html


def test_report_html_into_a_missing_folder_fails_clearly(migrated_store, capsys, tmp_path):
    exit_code, _, err = run(capsys, "report", "--html", str(tmp_path / "missing" / "pilot.html"))
    assert exit_code == 1
    assert "Could not write" in err


@pytest.mark.parametrize(
    "arguments",
    [
        ["report", "--since", "1st March"],
        ["report", "--since", "2025-03-01", "--until", "2025-02-01"],
        ["report", "--json", "--csv"],
        ["purge", "--days", "0"],
        ["purge", "--days", "a year"],
        ["erase", "not-a-reference"],
        ["erase"],
        ["no-such-command"],
    ],
)
def test_wrong_usage_exits_with_code_2(migrated_store, capsys, arguments):
    try:
        exit_code = main(arguments)
    except SystemExit as exit_:
        exit_code = exit_.code
    assert exit_code == 2


def test_purge_uses_the_retention_period_and_is_idempotent(migrated_store, capsys, monkeypatch):
    old = store_case(migrated_store, days_old=40)
    recent = store_case(migrated_store, days_old=10)
    with session_scope(migrated_store) as session:
        add_follow_up(session, old, "resolved_informally")
    monkeypatch.setenv("PAUSE_RETENTION_DAYS", "30")
    get_settings.cache_clear()

    exit_code, out, _ = run(capsys, "purge")
    assert exit_code == 0
    assert out.startswith("Removed 1 case older than 30 days")
    exit_code, out, _ = run(capsys, "purge")
    assert exit_code == 0
    assert out.startswith("Removed 0 cases older than 30 days")
    exit_code, out, _ = run(capsys, "purge", "--days", "5")
    assert out.startswith("Removed 1 case older than 5 days")
    with session_scope(migrated_store) as session:
        assert get_case(session, old) is None
        assert get_case(session, recent) is None


def test_erase_and_the_retention_purge_remove_the_equality_monitoring_groups(migrated_store, capsys, monkeypatch):
    old, erased, kept = (store_case(migrated_store, days_old=days) for days in (40, 1, 1))
    with session_scope(migrated_store) as session:
        for reference, group in ((old, "white"), (erased, "bme"), (kept, "not_stated")):
            record_equality(session, reference, ethnic_group=group, staff_group="other", employment_type="bank")
    assert run(capsys, "erase", erased)[0] == 0
    monkeypatch.setenv("PAUSE_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    assert run(capsys, "purge")[0] == 0
    with session_scope(migrated_store) as session:
        stored = session.execute(text("SELECT ethnic_group, staff_group, employment_type FROM cases")).all()
    assert [tuple(row) for row in stored] == [("not_stated", "other", "bank")]


def test_erase_removes_one_case_and_says_whether_it_existed(migrated_store, capsys):
    erased = store_case(migrated_store)
    kept = store_case(migrated_store)
    exit_code, out, _ = run(capsys, "erase", erased.lower().replace("-", " "))
    assert exit_code == 0
    assert out == f"Erased case {erased} and its follow-ups.\n"
    exit_code, out, _ = run(capsys, "erase", erased)
    assert exit_code == 0
    assert out.startswith(f"No case {erased} is stored")
    with session_scope(migrated_store) as session:
        assert get_case(session, erased) is None
        assert get_case(session, kept) is not None


def test_an_invalid_setting_exits_with_code_3_and_names_it(store_url, capsys, monkeypatch):
    monkeypatch.setenv("PAUSE_RETENTION_DAYS", "forever")
    get_settings.cache_clear()
    exit_code, _, err = run(capsys, "purge")
    assert exit_code == 3
    assert "PAUSE_RETENTION_DAYS" in err


def test_an_unreachable_database_exits_with_code_1(capsys, monkeypatch):
    monkeypatch.setenv("PAUSE_DATABASE_URL", "postgresql://pause:secret-word@127.0.0.1:9/pause")
    get_settings.cache_clear()
    try:
        exit_code, out, err = run(capsys, "report", "--json")
    finally:
        dispose_engines()
        get_settings.cache_clear()
    assert exit_code == 1
    assert out == ""
    assert "could not be used" in err
    assert "secret-word" not in err

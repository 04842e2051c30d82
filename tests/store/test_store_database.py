"""Engines and sessions: nothing connects at import, SQLite is ready for several writers."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import REPO_ROOT, get_settings
from bot.store import (
    Case,
    StoreError,
    StoreFailure,
    dispose_engines,
    get_case,
    get_engine,
    record_case,
    session_scope,
)
from bot.store.migrate import upgrade

WRITERS = 4
CASES_PER_WRITER = 15


@pytest.fixture(autouse=True)
def forget_engines():
    yield
    dispose_engines()
    get_settings.cache_clear()


def test_importing_the_package_connects_to_nothing(tmp_path):
    database = tmp_path / "not-yet" / "pause.db"
    environment = dict(os.environ, PAUSE_DATABASE_URL=f"sqlite:///{database}")
    subprocess.run(
        [sys.executable, "-c", "import bot.store, bot.store.migrate, bot.report, bot.cli"],
        cwd=REPO_ROOT,
        env=environment,
        check=True,
    )
    assert not database.parent.exists()


def test_there_is_one_engine_per_database(tmp_path):
    first = f"sqlite:///{tmp_path / 'a.db'}"
    second = f"sqlite:///{tmp_path / 'b.db'}"
    assert get_engine(first) is get_engine(first)
    assert get_engine(first) is not get_engine(second)


def test_the_configured_database_is_used_by_default(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'configured' / 'pause.db'}"
    monkeypatch.setenv("PAUSE_DATABASE_URL", url)
    get_settings.cache_clear()
    assert get_engine() is get_engine(url)
    upgrade()
    with session_scope() as session:
        record_case(session, channel="cmdline", concern_type="attendance", route="health_support")
    assert (tmp_path / "configured" / "pause.db").exists()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'deep' / 'folder' / 'pause.db'}")
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
    assert (tmp_path / "deep" / "folder" / "pause.db").exists()


def _write_cases(url: str, writer: int) -> None:
    for number in range(CASES_PER_WRITER):
        with session_scope(url) as session:
            record_case(
                session,
                channel="rest",
                organisation="example-trust",
                concern_type="conduct",
                route="informal_resolution",
                idempotency_key=f"writer-{writer}-case-{number}",
            )
        with session_scope(url) as session:
            record_case(
                session,
                channel="rest",
                organisation="example-trust",
                concern_type="conduct",
                route="informal_resolution",
                idempotency_key=f"shared-retry-{number}",
            )


def test_several_processes_can_write_to_one_sqlite_file_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'pause.db'}"
    upgrade(url)
    dispose_engines()
    # Forked writers start at once; spawned ones would spend the test importing.
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_cases, args=(url, n)) for n in range(WRITERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [writer.exitcode for writer in writers] == [0] * WRITERS
    with session_scope(url) as session:
        stored = session.execute(select(func.count()).select_from(Case)).scalar_one()
        shared = session.execute(
            select(func.count()).select_from(Case).where(Case.idempotency_key.like("shared-%"))
        ).scalar_one()
    assert stored == WRITERS * CASES_PER_WRITER + CASES_PER_WRITER
    assert shared == CASES_PER_WRITER


UNREACHABLE = "postgresql://pause@127.0.0.1:9/pause"


def test_an_unreachable_database_raises_the_stores_own_error():
    with pytest.raises(StoreFailure) as failure:
        with session_scope(UNREACHABLE) as session:
            record_case(session, channel="rest", concern_type="conduct", route="development")
    assert isinstance(failure.value, StoreError)
    assert isinstance(failure.value.__cause__, SQLAlchemyError)
    assert "record the case" in str(failure.value)


def test_a_failed_commit_raises_the_stores_own_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'pause.db'}"
    upgrade(url)
    with pytest.raises(StoreFailure):
        with session_scope(url) as session:
            assert get_case(session, "P-0000-0000") is None
            session.add(Case(reference="P-0000-0001", channel="rest"))

"""Equality monitoring in the store: only known groups, on SQLite and PostgreSQL, and gone with
the case when it is erased or purged."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from bot.store import (
    InvalidValue,
    UnknownCase,
    dispose_engines,
    erase_case,
    get_case,
    purge_older_than,
    record_case,
    record_equality,
    session_scope,
)
from bot.store.migrate import downgrade, upgrade
from tests.store.store_test_databases import empty_tables, migrated_sqlite_url, temporary_postgres_database
from tests.store.test_store_repository import a_case

EQUALITY_COLUMNS = ("ethnic_group", "staff_group", "employment_type")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with temporary_postgres_database() as url:
        upgrade(url)
        yield url


@pytest.fixture(params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield migrated_sqlite_url(tmp_path)
        dispose_engines()
    else:
        url = request.getfixturevalue("postgres_url")
        yield url
        empty_tables(url)


def monitored_case(session, **overrides) -> str:
    reference = record_case(session, **a_case(**overrides)).reference
    record_equality(session, reference, ethnic_group="bme", staff_group="nursing_midwifery", employment_type="bank")
    return reference


def stored_groups(url: str) -> list:
    """Every equality value anywhere in the cases table, read with plain SQL."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT {', '.join(EQUALITY_COLUMNS)} FROM cases")).all()
    finally:
        engine.dispose()
    return [value for row in rows for value in row if value is not None]


def test_the_groups_are_stored_on_the_recorded_case_and_kept_when_not_given_again(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case(decision="formal")).reference
        assert (get_case(session, reference).ethnic_group, get_case(session, reference).staff_group) == (None, None)
        record_equality(session, reference, ethnic_group="white")
    with session_scope(store_url) as session:
        record_equality(session, reference, staff_group="allied_health", employment_type="not_stated")
    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert (case.ethnic_group, case.staff_group, case.employment_type) == ("white", "allied_health", "not_stated")
        assert case.decision == "formal"


@pytest.mark.parametrize(
    "column, value",
    [
        ("ethnic_group", "Black British"),
        ("ethnic_group", "asian"),
        ("staff_group", "ward sister on 7B"),
        ("employment_type", "locum"),
    ],
)
def test_anything_but_a_known_group_is_refused_without_echoing_it(store_url, column, value):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
        with pytest.raises(InvalidValue) as refused:
            record_equality(session, reference, **{column: value})
    assert value not in str(refused.value)
    assert stored_groups(store_url) == []


def test_groups_for_an_unknown_case_raise_unknown_case(store_url):
    with session_scope(store_url) as session:
        with pytest.raises(UnknownCase):
            record_equality(session, "P-0000-0000", ethnic_group="white")


@pytest.mark.parametrize("column", EQUALITY_COLUMNS)
def test_the_database_itself_refuses_an_unknown_group(store_url, column):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
    engine = create_engine(store_url, future=True)
    try:
        with pytest.raises(IntegrityError):
            with engine.begin() as connection:
                connection.execute(
                    text(f"UPDATE cases SET {column} = 'a story about someone' WHERE reference = :reference"),
                    {"reference": reference},
                )
    finally:
        engine.dispose()


def test_erasing_a_case_removes_its_groups(store_url):
    with session_scope(store_url) as session:
        erased = monitored_case(session)
        kept = record_case(session, **a_case()).reference
        record_equality(session, kept, ethnic_group="white")
    with session_scope(store_url) as session:
        assert erase_case(session, erased)
    assert stored_groups(store_url) == ["white"]


def test_purging_old_cases_removes_their_groups(store_url):
    now = datetime.now(timezone.utc)
    with session_scope(store_url) as session:
        monitored_case(session, created_at=now - timedelta(days=400))
        recent = record_case(session, **a_case(created_at=now - timedelta(days=10))).reference
        record_equality(session, recent, employment_type="agency")
    with session_scope(store_url) as session:
        assert purge_older_than(session, now - timedelta(days=365)) == 1
    assert stored_groups(store_url) == ["agency"]


def test_the_migration_adds_and_removes_the_columns_keeping_earlier_cases(tmp_path):
    url = f"sqlite:///{tmp_path / 'pause.db'}"
    upgrade(url, "0002_suspension_considered_used")
    with session_scope(url) as session:
        session.execute(
            text(
                "INSERT INTO cases (reference, created_at, updated_at, channel, organisation, concern_type, "
                "answers, route, reasons, unknowns, override, demo) VALUES ('P-0000-0001', '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00', 'rest', 'example-trust', 'conduct', '{}', 'development', '[]', '[]', false, false)"
            )
        )
    upgrade(url)
    with session_scope(url) as session:
        case = get_case(session, "P-0000-0001")
        assert (case.ethnic_group, case.staff_group, case.employment_type) == (None, None, None)
        record_equality(session, "P-0000-0001", ethnic_group="not_stated")
    dispose_engines()
    downgrade(url, "0002_suspension_considered_used")
    engine = create_engine(url, future=True)
    try:
        columns = {column["name"] for column in inspect(engine).get_columns("cases")}
    finally:
        engine.dispose()
    assert not columns & set(EQUALITY_COLUMNS)
    assert "suspension_used" in columns

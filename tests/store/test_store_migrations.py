"""Migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect

from bot.store import dispose_engines, get_engine
from bot.store.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    head_revision,
    is_up_to_date,
    upgrade,
)
from bot.store.models import Base
from tests.store.store_test_databases import temporary_postgres_database


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def empty_store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'pause.db'}"
        dispose_engines()
    else:
        with temporary_postgres_database() as url:
            yield url


def schema_differences(url: str, metadata: MetaData) -> list:
    with get_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_the_migrated_schema_equals_the_models(empty_store_url):
    upgrade(empty_store_url)
    assert schema_differences(empty_store_url, Base.metadata) == []


def test_the_comparison_notices_models_that_differ_from_the_migrations(empty_store_url):
    upgrade(empty_store_url)
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["cases"].c.route.type = String(40)
    Table("signposts", changed, Column("id", Integer, primary_key=True), Column("name", String(40)))
    differences = schema_differences(empty_store_url, changed)
    kinds = sorted(
        (difference[0] if isinstance(difference, tuple) else difference[0][0])
        for difference in differences
    )
    assert kinds == ["add_table", "modify_type"]


def test_upgrade_creates_both_tables_and_is_harmless_to_repeat(empty_store_url):
    assert current_revision(empty_store_url) is None
    assert not is_up_to_date(empty_store_url)
    upgrade(empty_store_url)
    upgrade(empty_store_url)
    assert current_revision(empty_store_url) == head_revision()
    assert is_up_to_date(empty_store_url)
    tables = set(inspect(get_engine(empty_store_url)).get_table_names())
    assert {"cases", "follow_ups"} <= tables


def test_downgrade_to_base_removes_the_tables(empty_store_url):
    upgrade(empty_store_url)
    downgrade(empty_store_url)
    tables = set(inspect(get_engine(empty_store_url)).get_table_names())
    assert not {"cases", "follow_ups"} & tables
    assert current_revision(empty_store_url) is None


def test_migration_files_have_descriptive_names():
    versions = sorted(path.name for path in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert versions == [
        "0001_create_cases_and_follow_ups.py",
        "0002_record_suspension_considered_and_used.py",
        "0003_record_equality_monitoring_groups.py",
    ]
    assert head_revision() == "0003_equality_monitoring"

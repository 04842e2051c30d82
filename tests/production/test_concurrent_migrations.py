"""Replicas starting together each run `python -m bot db upgrade`; all of them must succeed."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot.store import dispose_engines
from bot.store.migrate import is_up_to_date
from tests.conftest import require_server

REPO = Path(__file__).resolve().parents[2]
STARTS = 4


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pause.db'}"
        dispose_engines()
        return
    require_server("PostgreSQL", "127.0.0.1", 5432)
    name = f"pause_migrate_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine("postgresql://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_started_together_all_succeed(empty_database_url: str) -> None:
    env = {**os.environ, "PAUSE_DATABASE_URL": empty_database_url, "PYTHONPATH": str(REPO)}
    starts = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for _ in range(STARTS)
    ]
    outputs = [start.communicate(timeout=120)[0] for start in starts]
    assert [start.returncode for start in starts] == [0] * STARTS, "\n".join(outputs)
    assert all("up to date" in output for output in outputs), "\n".join(outputs)
    assert is_up_to_date(empty_database_url)

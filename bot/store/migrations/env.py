"""Alembic's entry point for the outcome store: runs migrations on the configured database.

The URL comes from :func:`bot.store.migrate.alembic_config` (or the settings), never from a file.
"""

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.database import database_url, get_engine
from bot.store.models import Base


def run_migrations_offline() -> None:
    """Write the SQL out instead of running it (``alembic upgrade --sql``)."""
    url = context.config.attributes.get("url") or database_url()
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection, all in one transaction."""
    with get_engine(context.config.attributes.get("url")).begin() as connection:
        _run(connection)


def _run(connection: Connection) -> None:
    # Batch mode lets later migrations alter SQLite tables, which cannot ALTER most things.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

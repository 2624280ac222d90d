"""The Alembic migrations build exactly the models' schema, on SQLite and on PostgreSQL, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.db import Database
from bot.db.migrate import current, downgrade, head
from bot.db.models import Base


def test_upgrade_builds_the_models_schema(database: Database) -> None:
    assert current(database.engine) == head()
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_table_is_created(database: Database) -> None:
    assert set(Base.metadata.tables) <= set(database.table_names())


def test_downgrade_to_base_removes_every_table_and_upgrade_again_works(database: Database) -> None:
    downgrade(database.engine, "base")
    assert set(database.table_names()) <= {"alembic_version"}
    database.migrate()
    assert current(database.engine) == head()


def test_migrate_is_a_no_op_at_head(database: Database) -> None:
    database.migrate()
    database.migrate()
    assert current(database.engine) == head()

"""The database: models (``bot.db.models``), opening it (``bot.db.database``) and migrating it (``bot.db.migrate``;
the Alembic scripts are in the top-level ``db/`` folder)."""

from bot.db.database import Database, database_url, default_path

__all__ = ["Database", "database_url", "default_path"]

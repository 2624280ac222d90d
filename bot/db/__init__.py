"""The database: models (``bot.db.models``), opening it (``bot.db.database``) and migrations (``bot.db.migrate``)."""

from bot.db.database import Database, database_url, default_path

__all__ = ["Database", "database_url", "default_path"]

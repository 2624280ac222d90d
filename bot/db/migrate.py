"""Alembic, driven from code: ``upgrade(engine)`` brings a database to the newest schema.

The Alembic environment and the migration scripts are in the top-level ``db/`` folder (``db/versions``);
``antifraud db upgrade`` runs them. To add one after changing ``bot/db/models.py``:
``.venv/bin/antifraud db revision -m "what changed"`` (autogenerate against a fresh SQLite database), then read and
edit the script. The functions take the engine, so that this module does not import ``bot.db.database``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def _migrations() -> Path:
    """The Alembic environment and its ``versions/``: the top-level ``db/`` folder of a checkout, which an installed
    package carries as ``bot/migrations`` (``pyproject.toml``)."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "migrations"
    return shipped if shipped.is_dir() else package.parent / "db"


MIGRATIONS = _migrations()


def config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current(engine) == head():
        return
    cfg = config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def revision(engine: Engine, message: str) -> None:
    cfg = config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)

"""The package as pyproject.toml ships it: every package of the tree is listed, and the migrations come along."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_of_the_tree_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    tree = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "bot").rglob("__init__.py")}
    shipped = {name for name in config["packages"] if not name.startswith("bot.migrations")}
    assert shipped == tree
    assert config["package-dir"] == {"bot.migrations": "db"}


def test_the_migrations_are_found_in_a_checkout() -> None:
    from bot.db.migrate import MIGRATIONS

    assert MIGRATIONS == ROOT / "db"
    assert (MIGRATIONS / "env.py").is_file() and sorted((MIGRATIONS / "versions").glob("0*.py"))

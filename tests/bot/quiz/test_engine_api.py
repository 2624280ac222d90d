"""The engine's public API is honest: ``bot.quiz.engine.__all__`` is exactly what the rest of the tree uses.

Every name that a module outside the package takes from ``bot.quiz.engine`` (``from bot.quiz.engine import X``, or
``engine.X`` after ``from bot.quiz import engine``) is in ``__all__``; every name in ``__all__`` is used by the app
or the benchmarks (tests do not count), or is justified below; and only tests reach into the package's modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bot.quiz.engine
from bot.runtime import ROOT

PACKAGE = "bot.quiz.engine"
#: Names in ``__all__`` that no code outside the tests uses by name, and why they are public anyway.
JUSTIFIED = {"FlagScore": "the items of Report.weakest_red_flags, which the front ends format"}


def _sources() -> list[Path]:
    own = ROOT / "bot" / "quiz" / "engine"
    return [
        p
        for folder in ("bot", "bench", "scripts", "tools", "tests")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if own not in p.parents
    ]


def _uses(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The names this module takes from the package, and the package's modules it imports itself."""
    names: set[str] = set()
    modules: set[str] = set()
    aliases: set[str] = set()  # local names bound to the package
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "bot.quiz":
            aliases.update(a.asname or a.name for a in node.names if a.name == "engine")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
            modules.add(node.module or "")
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name == PACKAGE and a.asname:
                    aliases.add(a.asname)
                elif a.name.startswith(PACKAGE + "."):
                    modules.add(a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            names.add(node.attr)
    return names, modules


def _usage() -> dict[Path, tuple[set[str], set[str]]]:
    return {path: _uses(ast.parse(path.read_text(encoding="utf-8"), str(path))) for path in _sources()}


def test_every_name_taken_from_the_package_is_in_all() -> None:
    public = set(bot.quiz.engine.__all__)
    missing = {
        f"{path.relative_to(ROOT)}: {name}"
        for path, (names, _) in _usage().items()
        for name in names
        if name not in public
    }
    assert not missing, f"not in {PACKAGE}.__all__ (export it, or import it from its module in a test): {missing}"


def test_all_has_no_name_only_tests_use() -> None:
    used: set[str] = set()
    for path, (names, _) in _usage().items():
        if "tests" not in path.relative_to(ROOT).parts[:1]:
            used |= names
    unused = set(bot.quiz.engine.__all__) - used - set(JUSTIFIED)
    assert not unused, f"in {PACKAGE}.__all__ but used by no code outside the tests: {unused}"
    assert set(JUSTIFIED) <= set(bot.quiz.engine.__all__)
    assert sorted(bot.quiz.engine.__all__) == bot.quiz.engine.__all__
    assert all(hasattr(bot.quiz.engine, name) for name in bot.quiz.engine.__all__)


def test_only_tests_import_the_package_modules() -> None:
    inside = {
        f"{path.relative_to(ROOT)}: {sorted(modules)}"
        for path, (_, modules) in _usage().items()
        if modules and "tests" not in path.relative_to(ROOT).parts[:1]
    }
    assert not inside, f"import these from {PACKAGE} itself: {inside}"

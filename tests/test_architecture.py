"""Architecture rules that import-linter's contracts (pyproject.toml) do not express: no import cycle between any two
modules of ``bot``, spelt out module by module, and no module over 400 lines unless it is one cohesive table."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import grimp
import pytest

import bot

ROOT = Path(__file__).resolve().parent.parent

MAX_LINES = 400

#: Modules allowed over MAX_LINES, each with the reason. Only cohesive tables belong here, not long logic.
LONG_MODULES_ALLOWED = {
    # The ordered rule table of the masking (patterns, their validators, the amounts and hotline numbers that are not
    # masked) and the one pass that applies it: the order of the rules is the behaviour, so it stays in one file.
    "bot/shared/privacy.py": "one ordered table of masking rules",
}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("bot", cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing itself), by Tarjan."""
    modules = sorted(m for m in graph.modules if m == "bot" or m.startswith("bot."))
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(m: str) -> None:  # recursion depth is bounded by the number of modules (~60)
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in edges[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            component = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                component.append(n)
                if n == m:
                    break
            if len(component) > 1 or m in edges[m]:
                found.append(sorted(component))

    for m in modules:
        if m not in index:
            visit(m)
    return found


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """One cycle through the component, as importer -> imported (line) steps."""
    first = component[0]
    back = next(n for n in sorted(graph.find_modules_directly_imported_by(first)) if n in component)
    chain = [first, *(graph.find_shortest_chain(importer=back, imported=first) or (back, first))]
    steps = []
    for importer, imported in pairwise(chain):
        lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
        steps.append(f"{importer} -> {imported} (l.{', '.join(map(str, lines))})")
    return "; ".join(steps)


def test_no_import_cycle_between_modules(graph: grimp.ImportGraph) -> None:
    cycles = [_describe(graph, c) for c in _cycles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_graph_is_this_checkout(graph: grimp.ImportGraph) -> None:
    # The cycle check is only worth something on this tree's modules (not on an installed copy).
    assert "bot.shared.privacy" in graph.modules
    assert Path(bot.__file__).resolve().parent == ROOT / "bot"


def test_no_long_modules() -> None:
    lines = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted((ROOT / "bot").rglob("*.py"))
    }
    too_long = {p: n for p, n in lines.items() if n > MAX_LINES and p not in LONG_MODULES_ALLOWED}
    assert not too_long, f"modules over {MAX_LINES} lines (split them, or allow a cohesive table): {too_long}"
    stale = sorted(p for p in LONG_MODULES_ALLOWED if lines.get(p, 0) <= MAX_LINES)
    assert not stale, f"allowed to be long but no longer are (remove them from LONG_MODULES_ALLOWED): {stale}"


def test_test_modules_have_unique_names() -> None:
    """The test folders are not packages (pytest's rootdir import mode): two test modules with one file name collide
    at collection, and the whole run stops."""
    seen: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        seen.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}

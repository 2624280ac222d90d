"""bot.channels sits below the front ends: it imports no front end of ours and no chat or web framework (the
import contract in pyproject.toml names bot.channels in the logic layer; this checks the third-party side)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CHANNELS = Path(__file__).resolve().parents[3] / "bot" / "channels"
FORBIDDEN = (
    "bot.telegram", "bot.actions", "bot.cli", "bot.web", "bot.rasa_ext",
    "telegram", "rasa", "rasa_sdk", "starlette", "fastapi", "wechatpy", "typer", "sanic", "flask",
)  # fmt: skip


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CHANNELS.glob("*.py")), ids=lambda p: p.name)
def test_no_front_end_or_framework(path: Path) -> None:
    bad = {n for n in imported(path) for f in FORBIDDEN if n == f or n.startswith(f + ".")}
    assert not bad, f"{path.name} imports {sorted(bad)}"

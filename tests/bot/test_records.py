"""bot/records.py, the YAML reader the knowledge base and the quiz banks share: problems with file and line, the
shared checks, one error type; and the Rasa environment's code does not import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError
from bot.quiz.bank import BankError
from bot.records import InvalidFiles, Problem, RecordError, Source, Text, YamlFile
from bot.settings import ROOT


def read(tmp_path: Path, text: str) -> tuple[YamlFile, list[Problem]]:
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return YamlFile(path, problems), problems


def test_required_unknown_and_duplicate_keys_with_lines(tmp_path: Path) -> None:
    file, problems = read(tmp_path, "id: a\nid: b\ntitel: x\n")
    root = file.compose()
    assert root is not None
    assert file.fields(root, "", ("id", "title")) is not None
    assert [(p.line, p.message) for p in problems] == [
        (2, "duplicate key 'id'"),
        (3, "unknown key 'titel' (did you mean 'title'?)"),
        (1, "missing required key 'title'"),
    ]


def test_bilingual_text_ids_and_sources(tmp_path: Path) -> None:
    file, problems = read(tmp_path, "text: {zh: 你好}\nid: Not_Snake\nsource: {publisher: p, title: t, url: nope}\n")
    root = file.compose()
    assert root is not None
    f = file.fields(root, "", ("text", "id", "source"))
    assert f is not None
    assert file.required(f, "text", "", file.text) is None
    assert file.required(f, "id", "", file.identifier) is None
    assert file.required(f, "source", "", file.source) is None
    assert [str(p).split(":", 1)[1] for p in problems] == [
        "1: text: missing en translation",
        "2: id: id 'Not_Snake' is not snake_case (lower-case letters, digits and single underscores)",
        "3: source.url: malformed URL 'nope': expected http(s)://host/...",
    ]


def test_yaml_syntax_error_and_empty_file(tmp_path: Path) -> None:
    file, problems = read(tmp_path, "a: [1,\n")
    assert file.compose() is None and problems[0].message.startswith("YAML syntax error")
    file, problems = read(tmp_path, "")
    assert file.compose() is None and problems == [Problem(file.name, 1, "the file is empty")]


def test_records_check_themselves() -> None:
    assert Text(zh="你好", en="hello").get("zh-CN") == "你好"
    with pytest.raises(RecordError, match="missing en translation"):
        Text(zh="你好", en=" ")
    with pytest.raises(RecordError, match="malformed URL"):
        Source("p", "t", "ftp://x")


def test_one_error_type_for_every_loader() -> None:
    assert issubclass(KnowledgeError, InvalidFiles) and issubclass(BankError, InvalidFiles)
    error = BankError([Problem("a.yml", 3, "wrong")])
    assert error.problems == [Problem("a.yml", 3, "wrong")] and str(error) == "a.yml:3: wrong"


def test_the_rasa_environment_imports_only_bot_shared() -> None:
    """bot/rasa_ext runs in .venv-rasa (Rasa's own dependencies, no pydantic-settings): of our code it may import
    bot.shared only -- not bot.records, bot.knowledge or bot.settings."""
    found = []
    for path in sorted((ROOT / "bot" / "rasa_ext").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else ([alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            )
            found += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[0] == "bot" and not name.startswith(("bot.shared", "bot.rasa_ext"))
            ]
    assert not found

"""Validated records read from YAML files, shared by the knowledge base (``bot.knowledge``) and the quiz banks
(``bot.quiz.bank``): every problem is reported at once, each with the file and line of the YAML node concerned.

- :class:`YamlFile` reads one file with ``yaml.compose`` (a node tree with positions), not ``safe_load``: scalars
  are taken as written (``000`` stays "000"), duplicate keys are caught, and every check knows its line. Its
  methods read the shapes both loaders use (mappings with required and optional keys, where an unknown key is
  reported with the likely typo; non-empty lists; text; ``{zh: ..., en: ...}`` bilingual text; snake_case ids;
  URLs; sources) and add a :class:`Problem` for anything wrong.
- :class:`InvalidFiles` is the one error type that carries every problem (``KnowledgeError`` and ``BankError``
  are its kinds).
- The records both loaders build (:class:`Text`, :class:`Source`) check their own invariants on construction and
  raise :class:`RecordError`, so that no invalid record can exist, whoever builds it.

The Rasa environment does not import this module (``bot/rasa_ext`` uses only ``bot/shared``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import yaml

from bot.shared.lang import Lang

#: The languages every text is written in.
LANGS: tuple[str, ...] = ("zh", "en")

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"


# --------------------------------------------------------------------------------------------------------------
# Field checks. Each returns a problem message, or None when the value is fine.

_SNAKE_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_HOST = re.compile(r"[^\s./:@]+(?:\.[^\s./:@]+)+")


def id_problem(value: str) -> str | None:
    if not _SNAKE_ID.fullmatch(value):
        return f"id {value!r} is not snake_case (lower-case letters, digits and single underscores)"
    return None


def url_problem(url: str) -> str | None:
    if any(ch.isspace() for ch in url):
        return f"malformed URL {url!r}: contains whitespace"
    parts = urlsplit(url)
    try:
        host, _port = parts.hostname, parts.port  # .port raises ValueError on a bad port
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host or not _HOST.fullmatch(host):
        return f"malformed URL {url!r}: expected http(s)://host/..."
    return None


def blank(value: object) -> bool:
    """Not a string, or only whitespace."""
    return not isinstance(value, str) or not value.strip()


# --------------------------------------------------------------------------------------------------------------
# Records both loaders build.


class RecordError(ValueError):
    """A record's invariants do not hold; ``messages`` lists every broken one."""

    def __init__(self, record: str, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__(f"invalid {record}: " + "; ".join(self.messages))


def raise_if(record: str, messages: list[str]) -> None:
    """Raise :class:`RecordError` for ``record`` if there is any message."""
    if messages:
        raise RecordError(record, messages)


def lang_key(lang: Lang | str) -> str:
    """``zh`` for Chinese (``Lang.ZH``, "zh", "zh-CN", ...), ``en`` for anything else."""
    value = lang.value if isinstance(lang, Enum) else str(lang)
    return "zh" if value.lower().startswith("zh") else "en"


@dataclass(frozen=True)
class Text:
    """A sentence in both languages."""

    zh: str
    en: str

    def __post_init__(self) -> None:
        raise_if("text", [f"missing {lang} translation" for lang in LANGS if blank(getattr(self, lang))])

    def get(self, lang: Lang | str) -> str:
        """The text in ``lang`` (Chinese for any ``zh*``, English otherwise)."""
        return self.zh if lang_key(lang) == "zh" else self.en


@dataclass(frozen=True)
class Source:
    """Where a piece of advice, a number or a question is published."""

    publisher: str
    title: str
    url: str
    note: str | None = None

    def __post_init__(self) -> None:
        messages = [f"empty {name}" for name in ("publisher", "title", "url") if blank(getattr(self, name))]
        if not blank(self.url) and (problem := url_problem(self.url)):
            messages.append(problem)
        raise_if("source", messages)


# --------------------------------------------------------------------------------------------------------------
# Problems, with file and line.


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file. ``line`` is 1-based; 0 when it concerns no line (a missing file)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InvalidFiles(Exception):
    """The files are invalid; ``problems`` lists everything found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path) -> str:
    """The path to show: relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# --------------------------------------------------------------------------------------------------------------
# Reading one file's node tree, reporting problems with lines.

N = TypeVar("N")
Fields = dict[str, tuple[yaml.Node, yaml.Node]]  # key -> (key node, value node)


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def at(where: str, name: str) -> str:
    """Where a key's value is: ``where.name`` (``name`` at the top)."""
    return f"{where}.{name}" if where else name


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def describe(node: yaml.Node) -> str:
    """What a node is, for a message: "a mapping", "a list", "nothing" or the value as written."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "nothing" if node.tag == NULL_TAG else f"{node.value!r}"


class YamlFile:
    """One YAML file: composes it and collects its problems (in ``problems``, shared by the files of one load)."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.name = display_path(path)
        self.problems = problems

    def problem(self, node: yaml.Node | int, message: str, where: str = "") -> None:
        """Report ``message`` at a node's line (or at a line number), prefixed by ``where``."""
        line = node if isinstance(node, int) else line_of(node)
        self.problems.append(Problem(self.name, line, f"{where}: {message}" if where else message))

    def compose(self) -> yaml.Node | None:
        """The file's node tree; None (with the problem reported) if it cannot be read, is not YAML or is empty."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problem(1, f"not UTF-8 text: {error.reason}")
            return None
        except OSError as error:
            self.problem(0, f"cannot read the file: {error.strerror or error}")
            return None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            context = f"{error.context}: " if error.context else ""
            self.problem(mark.line + 1 if mark else 0, f"YAML syntax error: {context}{error.problem}")
            return None
        except yaml.YAMLError as error:
            self.problem(0, f"YAML error: {error}")
            return None
        if node is None:
            self.problem(1, "the file is empty")
        return node

    # --- structure

    def mapping(self, node: yaml.Node, where: str) -> Fields | None:
        """The key/value pairs of a mapping node (duplicate keys reported and dropped)."""
        if is_null(node):
            self.problem(node, "is empty", where)
            return None
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"expected a mapping, found {describe(node)}", where)
            return None
        pairs: Fields = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == NULL_TAG:
                self.problem(key, "invalid key", where)
            elif key.value in pairs:
                self.problem(key, f"duplicate key {key.value!r}", where)
            else:
                pairs[key.value] = (key, value)
        return pairs

    def fields(
        self, node: yaml.Node, where: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> Fields | None:
        """A mapping with known keys: unknown keys (typos) and missing required keys are reported."""
        pairs = self.mapping(node, where)
        if pairs is None:
            return None
        allowed = (*required, *optional)
        for name, (key, _) in pairs.items():
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (expected: {', '.join(allowed)})"
                self.problem(key, f"unknown key {name!r}{hint}", where)
        for name in required:
            if name not in pairs:
                self.problem(node, f"missing required key {name!r}", where)
        return {name: pair for name, pair in pairs.items() if name in allowed}

    def sequence(self, pair: tuple[yaml.Node, yaml.Node], where: str) -> list[yaml.Node] | None:
        """A non-empty list; an empty one is reported on the key's line."""
        key, node = pair
        if is_null(node) or (isinstance(node, yaml.SequenceNode) and not node.value):
            self.problem(key, "is empty", where)
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"expected a list, found {describe(node)}", where)
            return None
        return list(node.value)

    def string(self, node: yaml.Node, where: str, *, empty: str = "is empty") -> str | None:
        """A non-empty scalar, as written in the file."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"expected text, found {describe(node)}", where)
            return None
        if node.tag == NULL_TAG or not node.value.strip():
            self.problem(node, empty, where)
            return None
        return node.value

    def optional_string(self, f: Fields, name: str, where: str) -> str | None:
        pair = f.get(name)
        if pair is None or is_null(pair[1]):
            return None
        return self.string(pair[1], at(where, name))

    def required(self, f: Fields, name: str, where: str, read: Callable[[yaml.Node, str], N | None]) -> N | None:
        """``read`` the value of a required key (its absence was reported by :meth:`fields`)."""
        pair = f.get(name)
        return read(pair[1], at(where, name)) if pair else None

    def each(self, f: Fields, name: str, where: str, read: Callable[[yaml.Node, str], N | None]) -> list[N] | None:
        """``read`` every item of a required non-empty list."""
        pair = f.get(name)
        items = self.sequence(pair, at(where, name)) if pair else None
        if items is None:
            return None
        values = [read(item, f"{at(where, name)}[{i}]") for i, item in enumerate(items)]
        return [v for v in values if v is not None]

    def each_with_node(
        self, f: Fields, name: str, read: Callable[[yaml.Node, str], N | None]
    ) -> list[tuple[yaml.Node, N]]:
        """Like :meth:`each` for a top-level key, keeping each item's node with the value read from it."""
        pair = f.get(name)
        items = self.sequence(pair, name) if pair else None
        pairs = [(item, read(item, f"{name}[{i}]")) for i, item in enumerate(items or [])]
        return [(item, value) for item, value in pairs if value is not None]

    def build(self, node: yaml.Node, where: str, since: int, make: Callable[[], N]) -> N | None:
        """Construct a record if no problem was reported since ``since``; its own checks are reported too."""
        if len(self.problems) > since:
            return None
        try:
            return make()
        except RecordError as error:
            for message in error.messages:
                self.problem(node, message, where)
            return None

    # --- values

    def text(self, node: yaml.Node, where: str) -> Text | None:
        """``{zh: ..., en: ...}``."""
        since = len(self.problems)
        f = self.fields(node, where, (), LANGS)
        if f is None:
            return None
        zh, en = (self.translation(node, f, lang, where) for lang in LANGS)
        if zh is None or en is None:  # reported
            return None
        return self.build(node, where, since, lambda: Text(zh=zh, en=en))

    def translation(self, node: yaml.Node, f: Fields, lang: str, where: str) -> str | None:
        """The ``lang`` key of a bilingual mapping, which must be there and not empty."""
        if lang not in f:
            self.problem(node, f"missing {lang} translation", where)
            return None
        return self.string(f[lang][1], at(where, lang), empty=f"missing {lang} translation")

    def identifier(self, node: yaml.Node, where: str) -> str | None:
        """A snake_case id."""
        value = self.string(node, where)
        if value is not None and (problem := id_problem(value)):
            self.problem(node, problem, where)
            return None
        return value

    def url(self, node: yaml.Node, where: str) -> str | None:
        value = self.string(node, where)
        if value is not None and (problem := url_problem(value)):
            self.problem(node, problem, where)
            return None
        return value

    def source(self, node: yaml.Node, where: str) -> Source | None:
        """``{publisher, title, url, note?}``."""
        since = len(self.problems)
        f = self.fields(node, where, ("publisher", "title", "url"), ("note",))
        if f is None:
            return None
        publisher = self.required(f, "publisher", where, self.string)
        title = self.required(f, "title", where, self.string)
        url = self.required(f, "url", where, self.url)
        note = self.optional_string(f, "note", where)
        if publisher is None or title is None or url is None:  # reported
            return None
        return self.build(node, where, since, lambda: Source(publisher, title, url, note))

"""Load and validate the knowledge base: ``scams/<scam_id>.yml`` (one per scam type) and ``hotlines.yml``.

Validation reports every problem at once, each with the file and line of the YAML node concerned, and raises
:class:`KnowledgeError` if there is any. The YAML is read with ``yaml.compose`` (node tree with positions), not
``safe_load``: scalars are taken as written (``000`` stays "000"), duplicate keys are caught, and every check knows
its line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml

from bot.knowledge.model import (
    LANGS,
    MIN_RED_FLAGS,
    RECOVERY_WARNING_MISSING,
    Contact,
    ContactKind,
    Country,
    KnowledgeBase,
    RecordError,
    RedFlag,
    Scam,
    Source,
    Terms,
    Text,
    country_code_problem,
    has_recovery_warning,
    id_problem,
    phone_problem,
    url_problem,
)
from bot.shared.labels import ScamType

#: The knowledge base shipped with the package.
PACKAGE_DIR = Path(__file__).resolve().parent
SCAMS_DIR = "scams"
HOTLINES_FILE = "hotlines.yml"

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"

SCAM_REQUIRED = (
    "id",
    "name",
    "aliases",
    "summary",
    "how_it_unfolds",
    "red_flags",
    "prevention",
    "if_happening_now",
    "after_loss",
    "sources",
)
SCAM_OPTIONAL = ("also_red_flags",)
RED_FLAG_REQUIRED = ("id", "truth", "cues")
RED_FLAG_TRANSLATIONS = LANGS  # the flag's own text: zh and en keys next to id
SOURCE_REQUIRED = ("publisher", "title", "url")
SOURCE_OPTIONAL = ("note",)
CONTACT_REQUIRED = ("id", "kind", "name", "use_for", "source")
CONTACT_OPTIONAL = ("number", "url")
COUNTRY_KEYS = ("code", "name", "aliases", "contacts")
HOTLINES_KEYS = ("countries", "consular")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the knowledge base. ``line`` is 1-based; 0 when it concerns no line (a missing file)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base is invalid; ``problems`` lists everything found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_knowledge(path: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base in ``path`` (default: the package's own, loaded once and cached).

    Raises :class:`KnowledgeError` listing every problem found.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return _load(PACKAGE_DIR)


def _display(path: Path) -> str:
    """The path to show: relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# --------------------------------------------------------------------------------------------------------------
# Reading one file's node tree, reporting problems with lines.

N = TypeVar("N")
Fields = dict[str, tuple[yaml.Node, yaml.Node]]  # key -> (key node, value node)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "nothing" if node.tag == _NULL else f"{node.value!r}"


class _File:
    """One YAML file: composes it and collects its problems."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.name = _display(path)
        self.problems = problems

    def problem(self, at: yaml.Node | int, message: str, where: str = "") -> None:
        line = at if isinstance(at, int) else _line(at)
        self.problems.append(Problem(self.name, line, f"{where}: {message}" if where else message))

    def compose(self) -> yaml.Node | None:
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
        if _is_null(node):
            self.problem(node, "is empty", where)
            return None
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"expected a mapping, found {_describe(node)}", where)
            return None
        pairs: Fields = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _NULL:
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
        if _is_null(node) or isinstance(node, yaml.SequenceNode) and not node.value:
            self.problem(key, "is empty", where)
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"expected a list, found {_describe(node)}", where)
            return None
        return list(node.value)

    def string(self, node: yaml.Node, where: str, *, empty: str = "is empty") -> str | None:
        """A non-empty scalar, as written in the file."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"expected text, found {_describe(node)}", where)
            return None
        if node.tag == _NULL or not node.value.strip():
            self.problem(node, empty, where)
            return None
        return node.value

    def optional_string(self, f: Fields, name: str, where: str) -> str | None:
        pair = f.get(name)
        if pair is None or _is_null(pair[1]):
            return None
        return self.string(pair[1], _at(where, name))

    def required(self, f: Fields, name: str, where: str, read: Callable[[yaml.Node, str], N | None]) -> N | None:
        """``read`` the value of a required key (its absence was reported by :meth:`fields`)."""
        pair = f.get(name)
        return read(pair[1], _at(where, name)) if pair else None

    def each(self, f: Fields, name: str, where: str, read: Callable[[yaml.Node, str], N | None]) -> list[N] | None:
        """``read`` every item of a required non-empty list."""
        pair = f.get(name)
        items = self.sequence(pair, _at(where, name)) if pair else None
        if items is None:
            return None
        values = [read(item, f"{_at(where, name)}[{i}]") for i, item in enumerate(items)]
        return [v for v in values if v is not None]

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
        return self.build(node, where, since, lambda: Text(zh=zh, en=en))

    def translation(self, node: yaml.Node, f: Fields, lang: str, where: str) -> str | None:
        if lang not in f:
            self.problem(node, f"missing {lang} translation", where)
            return None
        return self.string(f[lang][1], _at(where, lang), empty=f"missing {lang} translation")

    def terms(self, node: yaml.Node, where: str) -> Terms | None:
        """``{zh: [...], en: [...]}``."""
        since = len(self.problems)
        f = self.fields(node, where, (), LANGS)
        if f is None:
            return None
        words: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            if lang not in f:
                self.problem(node, f"missing {lang} aliases", where)
                continue
            items = self.each(f, lang, where, self.string) or []
            words[lang] = tuple(items)
        return self.build(node, where, since, lambda: Terms(**words))

    def url(self, node: yaml.Node, where: str) -> str | None:
        value = self.string(node, where)
        if value is not None and (problem := url_problem(value)):
            self.problem(node, problem, where)
            return None
        return value

    def source(self, node: yaml.Node, where: str) -> Source | None:
        since = len(self.problems)
        f = self.fields(node, where, SOURCE_REQUIRED, SOURCE_OPTIONAL)
        if f is None:
            return None
        publisher = self.required(f, "publisher", where, self.string)
        title = self.required(f, "title", where, self.string)
        url = self.required(f, "url", where, self.url)
        note = self.optional_string(f, "note", where)
        return self.build(node, where, since, lambda: Source(publisher, title, url, note))  # type: ignore[arg-type]

    def identifier(self, node: yaml.Node, where: str) -> str | None:
        value = self.string(node, where)
        if value is not None and (problem := id_problem(value)):
            self.problem(node, problem, where)
            return None
        return value


# --------------------------------------------------------------------------------------------------------------
# Scam files.


@dataclass
class _OwnFlag:
    flag: RedFlag
    file: _File
    node: yaml.Node


@dataclass
class _ScamDraft:
    """A scam file read on its own; the red flags named in ``also_red_flags`` are resolved once all are read."""

    file: _File
    id: ScamType
    red_flags_key: yaml.Node
    own_flags: list[_OwnFlag]
    also: list[tuple[str, yaml.Node]]
    aliases: list[tuple[str, yaml.Node]]
    complete: bool  # every red flag and also_red_flags entry was read without problems
    make: Callable[[tuple[RedFlag, ...]], Scam] | None  # None when the file has problems


def _read_scam(file: _File) -> _ScamDraft | None:
    """Read and check one scam file; None if it cannot be used (its problems are reported)."""
    root = file.compose()
    if root is None:
        return None
    since = len(file.problems)
    f = file.fields(root, "", SCAM_REQUIRED, SCAM_OPTIONAL)
    if f is None:
        return None
    scam_id = _scam_id(file, f)
    owner = scam_id or ScamType.NONE  # the file's other problems are still reported when the id is wrong
    name = file.required(f, "name", "", file.text)
    aliases = file.required(f, "aliases", "", file.terms)
    summary = file.required(f, "summary", "", file.text)
    steps = file.each(f, "how_it_unfolds", "", file.text)
    flags_since = len(file.problems)
    own = [
        _OwnFlag(flag, file, node)
        for node, flag in _each_with_node(file, f, "red_flags", lambda n, w: _red_flag(file, n, w, owner))
    ]
    also = _also_red_flags(file, f)
    complete = len(file.problems) == flags_since
    prevention = file.each(f, "prevention", "", file.text)
    if_happening_now = file.each(f, "if_happening_now", "", file.text)
    after_loss_since = len(file.problems)
    after_loss = file.each(f, "after_loss", "", file.text)
    if after_loss and len(file.problems) == after_loss_since and not has_recovery_warning(after_loss):
        file.problem(f["after_loss"][0], RECOVERY_WARNING_MISSING)
    sources = file.each(f, "sources", "", file.source)
    if scam_id is None:
        return None

    def make(red_flags: tuple[RedFlag, ...]) -> Scam:
        return Scam(
            id=scam_id,
            name=name,  # type: ignore[arg-type]
            aliases=aliases,  # type: ignore[arg-type]
            summary=summary,  # type: ignore[arg-type]
            steps=tuple(steps or ()),
            red_flags=red_flags,
            prevention=tuple(prevention or ()),
            if_happening_now=tuple(if_happening_now or ()),
            after_loss=tuple(after_loss or ()),
            sources=tuple(sources or ()),
        )

    ok = len(file.problems) == since
    red_flags_key = f["red_flags"][0] if "red_flags" in f else root
    aliases_found = _alias_nodes(f.get("aliases"))
    return _ScamDraft(file, scam_id, red_flags_key, own, also, aliases_found, complete, make if ok else None)


def _scam_id(file: _File, f: Fields) -> ScamType | None:
    """The ``id``: a known scam type equal to the file name."""
    if "id" not in f:
        return None
    node = f["id"][1]
    value = file.string(node, "id")
    if value is None:
        return None
    if value not in ScamType._value2member_map_:
        file.problem(node, f"unknown scam id {value!r} (expected one of: {', '.join(t.value for t in ScamType)})")
        return None
    if value != file.path.stem:
        file.problem(node, f"id {value!r} does not match the file name {file.path.name!r}")
        return None
    return ScamType(value)


def _each_with_node(
    file: _File, f: Fields, name: str, read: Callable[[yaml.Node, str], N | None]
) -> list[tuple[yaml.Node, N]]:
    pair = f.get(name)
    items = file.sequence(pair, name) if pair else None
    pairs = [(item, read(item, f"{name}[{i}]")) for i, item in enumerate(items or [])]
    return [(item, value) for item, value in pairs if value is not None]


def _red_flag(file: _File, node: yaml.Node, where: str, owner: ScamType) -> RedFlag | None:
    since = len(file.problems)
    f = file.fields(node, where, RED_FLAG_REQUIRED, RED_FLAG_TRANSLATIONS)
    if f is None:
        return None
    flag_id = file.required(f, "id", where, file.identifier)
    if flag_id:
        where = f"red flag {flag_id!r}"
    zh, en = (file.translation(node, f, lang, where) for lang in LANGS)
    truth = file.required(f, "truth", where, file.text)
    cues = file.required(f, "cues", where, lambda n, w: _cues(file, n, w))

    def make() -> RedFlag:
        return RedFlag(id=flag_id, text=Text(zh=zh, en=en), truth=truth, cues=cues, owner=owner)  # type: ignore[arg-type]

    return file.build(node, where, since, make)


def _cues(file: _File, node: yaml.Node, where: str) -> dict[str, tuple[re.Pattern[str], ...]] | None:
    """``{zh: [regex, ...], en: [regex, ...]}``, compiled case-insensitive."""
    since = len(file.problems)
    f = file.fields(node, where, (), LANGS)
    if f is None:
        return None
    cues: dict[str, tuple[re.Pattern[str], ...]] = {}
    for lang in LANGS:
        if lang not in f:
            file.problem(node, f"missing {lang} cues", where)
            continue
        patterns = file.each(f, lang, where, lambda n, w: _regex(file, n, w))
        cues[lang] = tuple(patterns or ())
    return cues if len(file.problems) == since else None


def _regex(file: _File, node: yaml.Node, where: str) -> re.Pattern[str] | None:
    source = file.string(node, where)
    if source is None:
        return None
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as error:
        file.problem(node, f"invalid regex {source!r}: {error.msg} at position {error.pos}", where)
        return None


def _also_red_flags(file: _File, f: Fields) -> list[tuple[str, yaml.Node]]:
    pair = f.get("also_red_flags")
    if pair is None or _is_null(pair[1]):
        return []
    node = pair[1]
    if not isinstance(node, yaml.SequenceNode):
        file.problem(node, f"expected a list of red-flag ids, found {_describe(node)}", "also_red_flags")
        return []
    items = [(file.string(item, f"also_red_flags[{i}]"), item) for i, item in enumerate(node.value)]
    return [(value, item) for value, item in items if value is not None]


def _alias_nodes(pair: tuple[yaml.Node, yaml.Node] | None) -> list[tuple[str, yaml.Node]]:
    """Every alias string with its node (for the ambiguity check), whatever the problems elsewhere."""
    if pair is None or not isinstance(pair[1], yaml.MappingNode):
        return []
    found = []
    for _, words in pair[1].value:
        if isinstance(words, yaml.SequenceNode):
            found += [(w.value.strip(), w) for w in words.value if isinstance(w, yaml.ScalarNode) and w.value.strip()]
    return found


def _load_scams(root: Path, problems: list[Problem]) -> tuple[dict[ScamType, Scam], dict[str, RedFlag]]:
    scams_dir = root / SCAMS_DIR
    for scam_type in ScamType:
        expected = scams_dir / f"{scam_type.value}.yml"
        if not expected.is_file():
            message = f"missing file: every scam type needs one ({scam_type.value!r})"
            problems.append(Problem(_display(expected), 0, message))
    for stray in sorted(scams_dir.glob("*.yaml")):
        problems.append(Problem(_display(stray), 0, "scam files must end in .yml"))
    drafts = [d for path in sorted(scams_dir.glob("*.yml")) if (d := _read_scam(_File(path, problems)))]
    drafts.sort(key=lambda d: list(ScamType).index(d.id))

    # every red flag by id; a second definition is a problem
    red_flags: dict[str, RedFlag] = {}
    defined_at: dict[str, tuple[_File, yaml.Node]] = {}
    for draft in drafts:
        for own in draft.own_flags:
            first = defined_at.get(own.flag.id)
            if first:
                where = f"{first[0].name}:{_line(first[1])}"
                own.file.problem(own.node, f"duplicate red-flag id {own.flag.id!r} (first defined at {where})")
                continue
            red_flags[own.flag.id] = own.flag
            defined_at[own.flag.id] = (own.file, own.node)

    _check_ambiguous_aliases(
        [(draft.file, alias, node, draft.id.value) for draft in drafts for alias, node in draft.aliases], "scam"
    )

    scams: dict[ScamType, Scam] = {}
    for draft in drafts:
        since = len(problems)
        flags = _resolve_flags(draft, red_flags)
        if draft.complete and len(problems) == since and draft.id is not ScamType.NONE and len(flags) < MIN_RED_FLAGS:
            draft.file.problem(
                draft.red_flags_key,
                f"{len(flags)} red flags (own + also_red_flags); a scam needs at least {MIN_RED_FLAGS}",
            )
        if draft.make is not None:
            make = draft.make
            scam = draft.file.build(draft.red_flags_key, "", since, lambda: make(tuple(flags)))
            if scam is not None:
                scams[draft.id] = scam
    return scams, red_flags


def _resolve_flags(draft: _ScamDraft, red_flags: dict[str, RedFlag]) -> list[RedFlag]:
    """The scam's own flags, then those named in ``also_red_flags`` (unknown or repeated ids reported)."""
    flags = [own.flag for own in draft.own_flags]
    for flag_id, node in draft.also:
        flag = red_flags.get(flag_id)
        if flag is None:
            close = difflib.get_close_matches(flag_id, red_flags, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            draft.file.problem(node, f"also_red_flags: unknown red-flag id {flag_id!r}{hint}")
        elif flag in flags:
            where = "is defined in this file" if flag.owner is draft.id else "is listed twice"
            draft.file.problem(node, f"also_red_flags: {flag_id!r} {where}")
        else:
            flags.append(flag)
    return flags


def _check_ambiguous_aliases(aliases: Iterable[tuple[_File, str, yaml.Node, str]], what: str) -> None:
    """An alias naming two different scams (or countries) is reported where it occurs the second time."""
    seen: dict[str, tuple[str, _File, yaml.Node]] = {}
    for file, alias, node, owner in aliases:
        key = " ".join(alias.lower().split())
        first = seen.setdefault(key, (owner, file, node))
        if first[0] != owner:
            file.problem(
                node, f"alias {alias!r} also names {what} {first[0]!r} ({first[1].name}:{_line(first[2])}): ambiguous"
            )


# --------------------------------------------------------------------------------------------------------------
# hotlines.yml


def _load_hotlines(root: Path, problems: list[Problem]) -> tuple[dict[str, Country], tuple[Contact, ...]]:
    path = root / HOTLINES_FILE
    if not path.is_file():
        problems.append(Problem(_display(path), 0, "missing file: the hotline list"))
        return {}, ()
    file = _File(path, problems)
    node = file.compose()
    if node is None:
        return {}, ()
    f = file.fields(node, "", HOTLINES_KEYS)
    if f is None:
        return {}, ()
    contact_ids: dict[str, yaml.Node] = {}

    def read_contact(node: yaml.Node, where: str) -> Contact | None:
        return _contact(file, node, where, contact_ids)

    countries: dict[str, Country] = {}
    alias_nodes: list[tuple[_File, str, yaml.Node, str]] = []
    for country_node, country in _each_with_node(file, f, "countries", lambda n, w: _country(file, n, w, read_contact)):
        if country.code in countries:
            file.problem(country_node, f"duplicate country code {country.code!r}")
        else:
            countries[country.code] = country
            alias_nodes += [(file, alias, n, country.code) for alias, n in _alias_nodes(_pair(country_node, "aliases"))]
    _check_ambiguous_aliases(alias_nodes, "country")
    consular = file.each(f, "consular", "", read_contact) or []
    return countries, tuple(consular)


def _pair(node: yaml.Node, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)
    return None


def _country(
    file: _File, node: yaml.Node, where: str, read_contact: Callable[[yaml.Node, str], Contact | None]
) -> Country | None:
    since = len(file.problems)
    f = file.fields(node, where, COUNTRY_KEYS)
    if f is None:
        return None
    code = file.required(f, "code", where, file.string)
    if code is not None and (problem := country_code_problem(code)):
        file.problem(f["code"][1], problem, _at(where, "code"))
        code = None
    if code:
        where = f"country {code}"
    name = file.required(f, "name", where, file.text)
    aliases = file.required(f, "aliases", where, file.terms)
    contacts = file.each(f, "contacts", where, read_contact)
    return file.build(
        node, where, since, lambda: Country(code, name, aliases, tuple(contacts or ()))  # type: ignore[arg-type]
    )


def _contact(file: _File, node: yaml.Node, where: str, seen_ids: dict[str, yaml.Node]) -> Contact | None:
    since = len(file.problems)
    f = file.fields(node, where, CONTACT_REQUIRED, CONTACT_OPTIONAL)
    if f is None:
        return None
    contact_id = file.required(f, "id", where, file.identifier)
    if contact_id:
        where = f"contact {contact_id!r}"
        if contact_id in seen_ids:
            file.problem(f["id"][1], f"duplicate contact id (first at line {_line(seen_ids[contact_id])})", where)
        else:
            seen_ids[contact_id] = f["id"][1]
    kind = file.required(f, "kind", where, lambda n, w: _contact_kind(file, n, w))
    number = _number(file, f, where)
    url_given = "url" in f and not _is_null(f["url"][1])
    url = file.url(f["url"][1], _at(where, "url")) if url_given else None
    number_given = "number" in f and not _is_null(f["number"][1])
    if not number_given and not url_given:
        file.problem(node, "has neither a number nor a url", where)
    name = file.required(f, "name", where, file.text)
    use_for = file.required(f, "use_for", where, file.text)
    source = file.required(f, "source", where, file.source)
    return file.build(
        node, where, since, lambda: Contact(contact_id, kind, number, url, name, use_for, source)  # type: ignore[arg-type]
    )


def _contact_kind(file: _File, node: yaml.Node, where: str) -> ContactKind | None:
    value = file.string(node, where)
    if value is None:
        return None
    if value not in ContactKind._value2member_map_:
        expected = ", ".join(k.value for k in ContactKind)
        file.problem(node, f"unknown kind {value!r} (expected one of: {expected})", where)
        return None
    return ContactKind(value)


def _number(file: _File, f: Fields, where: str) -> str | None:
    """A phone number: quoted (YAML would read 000 as 0 and 0300 as an octal number), allowed characters only."""
    pair = f.get("number")
    if pair is None or _is_null(pair[1]):
        return None
    node = pair[1]
    value = file.string(node, _at(where, "number"))
    if value is None:
        return None
    if node.tag != _STR:
        message = f'write the number in quotes ("{value}"): YAML reads it as a number otherwise'
        file.problem(node, message, _at(where, "number"))
    if problem := phone_problem(value):
        file.problem(node, problem, _at(where, "number"))
        return None
    return value


# --------------------------------------------------------------------------------------------------------------


def _load(root: Path) -> KnowledgeBase:
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(_display(root), 0, "not a directory")])
    scams, red_flags = _load_scams(root, problems)
    countries, consular = _load_hotlines(root, problems)
    if problems:
        raise KnowledgeError(sorted(problems, key=lambda p: (p.file, p.line)))
    try:
        return KnowledgeBase(scams=scams, red_flags=red_flags, countries=countries, consular=consular)
    except RecordError as error:  # not reachable when the per-file checks passed; kept as a safety net
        raise KnowledgeError([Problem(_display(root), 0, m) for m in error.messages]) from error


#: Public names for the YAML reader, shared with the quiz-bank loader (``bot.quiz.bank``).
YamlFile = _File
display_path = _display
is_null = _is_null
line_of = _line

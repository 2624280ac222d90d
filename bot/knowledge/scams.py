"""The scam files of the knowledge base, ``scams/<scam_id>.yml`` (one per scam type): each read and checked on its
own, then together (red-flag ids unique across files, ``also_red_flags`` resolved, no alias naming two scams)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml

from bot.knowledge.aliases import alias_nodes, check_ambiguous_aliases, terms
from bot.knowledge.cues import read_cues
from bot.knowledge.model import (
    LANGS,
    MIN_RED_FLAGS,
    RECOVERY_WARNING_MISSING,
    RedFlag,
    Scam,
    Text,
    has_recovery_warning,
)
from bot.knowledge.placeholders import check_steps
from bot.records import (
    Fields,
    Problem,
    YamlFile,
    describe,
    display_path,
    is_null,
    line_of,
)
from bot.shared.labels import ScamType

SCAMS_DIR = "scams"

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


@dataclass
class _OwnFlag:
    flag: RedFlag
    file: YamlFile
    node: yaml.Node


@dataclass
class _ScamDraft:
    """A scam file read on its own; the red flags named in ``also_red_flags`` are resolved once all are read."""

    file: YamlFile
    id: ScamType
    red_flags_key: yaml.Node
    own_flags: list[_OwnFlag]
    also: list[tuple[str, yaml.Node]]
    aliases: list[tuple[str, yaml.Node]]
    complete: bool  # every red flag and also_red_flags entry was read without problems
    make: Callable[[tuple[RedFlag, ...]], Scam] | None  # None when the file has problems


def _read_scam(file: YamlFile, hotline_ids: Collection[str]) -> _ScamDraft | None:
    """Read and check one scam file; None if it cannot be used (its problems are reported)."""
    root = file.compose()
    if root is None:
        return None
    since = len(file.problems)
    f = file.fields(root, "", SCAM_REQUIRED, SCAM_OPTIONAL)
    if f is None:
        return None
    scam_id = _scam_id(file, f)
    check_steps(file, f, hotline_ids)
    owner = scam_id or ScamType.NONE  # the file's other problems are still reported when the id is wrong
    name = file.required(f, "name", "", file.text)
    aliases = file.required(f, "aliases", "", lambda n, w: terms(file, n, w))
    summary = file.required(f, "summary", "", file.text)
    steps = file.each(f, "how_it_unfolds", "", file.text)
    flags_since = len(file.problems)
    own = [
        _OwnFlag(flag, file, node)
        for node, flag in file.each_with_node(f, "red_flags", lambda n, w: _red_flag(file, n, w, owner))
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
    aliases_found = alias_nodes(f.get("aliases"))
    return _ScamDraft(file, scam_id, red_flags_key, own, also, aliases_found, complete, make if ok else None)


def _scam_id(file: YamlFile, f: Fields) -> ScamType | None:
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


def _red_flag(file: YamlFile, node: yaml.Node, where: str, owner: ScamType) -> RedFlag | None:
    since = len(file.problems)
    f = file.fields(node, where, RED_FLAG_REQUIRED, RED_FLAG_TRANSLATIONS)
    if f is None:
        return None
    flag_id = file.required(f, "id", where, file.identifier)
    if flag_id:
        where = f"red flag {flag_id!r}"
    zh, en = (file.translation(node, f, lang, where) for lang in LANGS)
    truth = file.required(f, "truth", where, file.text)
    cues = file.required(f, "cues", where, lambda n, w: read_cues(file, n, w))

    if flag_id is None or zh is None or en is None or truth is None or cues is None:  # reported
        return None
    return file.build(
        node, where, since, lambda: RedFlag(id=flag_id, text=Text(zh=zh, en=en), truth=truth, cues=cues, owner=owner)
    )


def _also_red_flags(file: YamlFile, f: Fields) -> list[tuple[str, yaml.Node]]:
    pair = f.get("also_red_flags")
    if pair is None or is_null(pair[1]):
        return []
    node = pair[1]
    if not isinstance(node, yaml.SequenceNode):
        file.problem(node, f"expected a list of red-flag ids, found {describe(node)}", "also_red_flags")
        return []
    items = [(file.string(item, f"also_red_flags[{i}]"), item) for i, item in enumerate(node.value)]
    return [(value, item) for value, item in items if value is not None]


def load_scams(
    root: Path, problems: list[Problem], hotline_ids: Collection[str] = ()
) -> tuple[dict[ScamType, Scam], dict[str, RedFlag]]:
    """Every scam type's entry and every red flag by id, from ``root/scams``; problems are added to ``problems``.
    ``hotline_ids``: the contact ids of ``hotlines.yml``, which ``{hotline:ID}`` placeholders may name."""
    scams_dir = root / SCAMS_DIR
    for scam_type in ScamType:
        expected = scams_dir / f"{scam_type.value}.yml"
        if not expected.is_file():
            message = f"missing file: every scam type needs one ({scam_type.value!r})"
            problems.append(Problem(display_path(expected), 0, message))
    for stray in sorted(scams_dir.glob("*.yaml")):
        problems.append(Problem(display_path(stray), 0, "scam files must end in .yml"))
    drafts = [d for path in sorted(scams_dir.glob("*.yml")) if (d := _read_scam(YamlFile(path, problems), hotline_ids))]
    drafts.sort(key=lambda d: list(ScamType).index(d.id))

    # every red flag by id; a second definition is a problem
    red_flags: dict[str, RedFlag] = {}
    defined_at: dict[str, tuple[YamlFile, yaml.Node]] = {}
    for draft in drafts:
        for own in draft.own_flags:
            first = defined_at.get(own.flag.id)
            if first:
                where = f"{first[0].name}:{line_of(first[1])}"
                own.file.problem(own.node, f"duplicate red-flag id {own.flag.id!r} (first defined at {where})")
                continue
            red_flags[own.flag.id] = own.flag
            defined_at[own.flag.id] = (own.file, own.node)

    check_ambiguous_aliases(
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
            scam = draft.file.build(draft.red_flags_key, "", since, partial(draft.make, tuple(flags)))
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

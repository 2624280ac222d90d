"""Legitimate look-alikes, ``lookalikes.yml``: kinds of genuine messages and calls that resemble a scam (an
anti-fraud centre's warning call, a bank's fraud alert, a pickup code, a school notice, a courier's tracking text,
marketing), each with what makes it genuine, the one check that confirms it and what would turn it into a scam.
The entry ``general`` (no cues needed) is the fallback for anything else that is not a scam.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.knowledge.cues import Cues, first_match, read_cues
from bot.knowledge.placeholders import check_nowhere
from bot.records import LANGS, Problem, Source, Text, YamlFile, display_path, id_problem, is_null, raise_if

LOOKALIKES_FILE = "lookalikes.yml"
GENERAL = "general"

LOOKALIKE_REQUIRED = ("id", "name", "genuine_signs", "check", "turns_scam", "sources")
LOOKALIKE_OPTIONAL = ("cues", "urgent_note")


@dataclass(frozen=True)
class LookAlike:
    """A kind of genuine message that looks like a scam. Equality and hashing ignore ``cues``."""

    id: str
    name: Text
    cues: dict[str, tuple[re.Pattern[str], ...]] = field(compare=False)
    genuine_signs: tuple[Text, ...]
    check: Text
    turns_scam: Text
    urgent_note: Text | None
    sources: tuple[Source, ...]

    def __post_init__(self) -> None:
        messages = [p for p in [id_problem(self.id)] if p]
        if self.id != GENERAL:
            messages += [f"missing {lang} cues" for lang in LANGS if not self.cues.get(lang)]
        messages += [f"no {name}" for name in ("genuine_signs", "sources") if not getattr(self, name)]
        raise_if(f"look-alike {self.id!r}", messages)

    def matches(self, text: str) -> bool:
        """Whether any cue (in either language) occurs in ``text``."""
        return self.find(text) is not None

    def find(self, text: str) -> str | None:
        """The matched span of the first cue that occurs in ``text``, or None."""
        return first_match(self.cues, text or "")


def load_lookalikes(root: Path, problems: list[Problem]) -> tuple[LookAlike, ...]:
    """The look-alikes of ``root/lookalikes.yml`` in file order (the first that matches wins); problems are added
    to ``problems``: ids unique, ``general`` present."""
    path = root / LOOKALIKES_FILE
    if not path.is_file():
        problems.append(Problem(display_path(path), 0, "missing file: the legitimate look-alikes"))
        return ()
    file = YamlFile(path, problems)
    node = file.compose()
    if node is None:
        return ()
    f = file.fields(node, "", ("lookalikes",))
    if f is None:
        return ()
    check_nowhere(file, node, "")
    found: dict[str, LookAlike] = {}
    for item, entry in file.each_with_node(f, "lookalikes", lambda n, w: _lookalike(file, n, w)):
        if entry.id in found:
            file.problem(item, f"duplicate look-alike id {entry.id!r}")
        else:
            found[entry.id] = entry
    if "lookalikes" in f and GENERAL not in found and not _written(f["lookalikes"][1], GENERAL):
        file.problem(f["lookalikes"][0], f"no entry {GENERAL!r} (the fallback for anything else that is not a scam)")
    return tuple(found.values())


def _written(node: yaml.Node, entry_id: str) -> bool:
    """Whether an item of the list has ``id: entry_id`` (even if the item has problems, reported on their own)."""
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    return any(
        isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode) and v.value == entry_id
        for item in items
        if isinstance(item, yaml.MappingNode)
        for k, v in item.value
    )


def _lookalike(file: YamlFile, node: yaml.Node, where: str) -> LookAlike | None:
    since = len(file.problems)
    f = file.fields(node, where, LOOKALIKE_REQUIRED, LOOKALIKE_OPTIONAL)
    if f is None:
        return None
    entry_id = file.required(f, "id", where, file.identifier)
    if entry_id:
        where = f"look-alike {entry_id!r}"
    name = file.required(f, "name", where, file.text)
    cues: Cues = {}
    if "cues" in f:
        cues = file.required(f, "cues", where, lambda n, w: read_cues(file, n, w)) or {}
    elif entry_id != GENERAL:
        file.problem(node, "missing required key 'cues' (only 'general' may have none)", where)
    signs = file.each(f, "genuine_signs", where, file.text)
    check = file.required(f, "check", where, file.text)
    turns_scam = file.required(f, "turns_scam", where, file.text)
    note_given = "urgent_note" in f and not is_null(f["urgent_note"][1])
    urgent_note = file.text(f["urgent_note"][1], f"{where}.urgent_note") if note_given else None
    sources = file.each(f, "sources", where, file.source)
    if entry_id is None or name is None or check is None or turns_scam is None:  # reported
        return None
    return file.build(
        node,
        where,
        since,
        lambda: LookAlike(
            id=entry_id,
            name=name,
            cues=cues,
            genuine_signs=tuple(signs or ()),
            check=check,
            turns_scam=turns_scam,
            urgent_note=urgent_note,
            sources=tuple(sources or ()),
        ),
    )

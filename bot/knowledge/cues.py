"""Cue patterns in the knowledge base's YAML (of a red flag, of a legitimate look-alike): ``{zh: [regex, ...],
en: [regex, ...]}``, each compiled case-insensitive, an invalid regex reported with its line."""

from __future__ import annotations

import re

import yaml

from bot.records import LANGS, YamlFile

Cues = dict[str, tuple[re.Pattern[str], ...]]


def read_cues(file: YamlFile, node: yaml.Node, where: str) -> Cues | None:
    """``{zh: [regex, ...], en: [regex, ...]}``, compiled case-insensitive; both languages required."""
    since = len(file.problems)
    f = file.fields(node, where, (), LANGS)
    if f is None:
        return None
    cues: Cues = {}
    for lang in LANGS:
        if lang not in f:
            file.problem(node, f"missing {lang} cues", where)
            continue
        patterns = file.each(f, lang, where, lambda n, w: read_regex(file, n, w))
        cues[lang] = tuple(patterns or ())
    return cues if len(file.problems) == since else None


def read_regex(file: YamlFile, node: yaml.Node, where: str) -> re.Pattern[str] | None:
    source = file.string(node, where)
    if source is None:
        return None
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as error:
        file.problem(node, f"invalid regex {source!r}: {error.msg} at position {error.pos}", where)
        return None


def first_match(cues: Cues, text: str) -> str | None:
    """The matched span of the first cue (zh cues first, then en, in file order) that occurs in ``text``."""
    for lang in LANGS:
        for pattern in cues.get(lang, ()):
            if m := pattern.search(text):
                return m.group(0)
    return None

"""Aliases in the knowledge base's YAML (of a scam type, of a country): reading the ``{zh: [...], en: [...]}`` word
lists, and the check that no alias names two different things."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from bot.knowledge.model import LANGS, Terms
from bot.records import YamlFile, line_of


def terms(file: YamlFile, node: yaml.Node, where: str) -> Terms | None:
    """``{zh: [...], en: [...]}``."""
    since = len(file.problems)
    f = file.fields(node, where, (), LANGS)
    if f is None:
        return None
    words: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        if lang not in f:
            file.problem(node, f"missing {lang} aliases", where)
            continue
        items = file.each(f, lang, where, file.string) or []
        words[lang] = tuple(items)
    return file.build(node, where, since, lambda: Terms(**words))


def alias_nodes(pair: tuple[yaml.Node, yaml.Node] | None) -> list[tuple[str, yaml.Node]]:
    """Every alias string with its node (for the ambiguity check), whatever the problems elsewhere."""
    if pair is None or not isinstance(pair[1], yaml.MappingNode):
        return []
    found: list[tuple[str, yaml.Node]] = []
    for _, words in pair[1].value:
        if isinstance(words, yaml.SequenceNode):
            found += [(w.value.strip(), w) for w in words.value if isinstance(w, yaml.ScalarNode) and w.value.strip()]
    return found


def check_ambiguous_aliases(aliases: Iterable[tuple[YamlFile, str, yaml.Node, str]], what: str) -> None:
    """An alias naming two different scams (or countries) is reported where it occurs the second time."""
    seen: dict[str, tuple[str, YamlFile, yaml.Node]] = {}
    for file, alias, node, owner in aliases:
        key = " ".join(alias.lower().split())
        first = seen.setdefault(key, (owner, file, node))
        if first[0] != owner:
            file.problem(
                node, f"alias {alias!r} also names {what} {first[0]!r} ({first[1].name}:{line_of(first[2])}): ambiguous"
            )

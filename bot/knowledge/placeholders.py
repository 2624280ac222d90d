"""Contact placeholders in the step texts of the knowledge base (``prevention``, ``if_happening_now``,
``after_loss``): the numbers of a country are never written into a step, they are filled in from ``hotlines.yml``
by the assistant (``bot.assistant.contacts``) for where the user is ("here") and where the person at risk is
("there").

- ``{police_here}``        the police emergency number the user can dial where they are: danger or happening now only.
- ``{police_there}``       how to get police to the person at risk where they are (someone there calls; 12308).
- ``{non_emergency_here}`` the police non-emergency line where the user is: to check a caller, or report a past loss.
- ``{report_here}``        the fraud report channel(s) where the user is.
- ``{bank_here}``          how to reach the bank (the number on the card; UK 159).
- ``{consular}``           the consular line for Chinese citizens abroad (12308, embassy or consulate).
- ``{hotline:ID}``         one contact of ``hotlines.yml`` by id.

A step must use the same placeholders in both languages. The loader reports an unknown name, an unknown hotline
id, a brace that opens no placeholder, and a placeholder outside the step fields.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

import yaml

from bot.records import LANGS, Fields, YamlFile

#: The placeholder names (``{name}``), besides ``{hotline:ID}``.
NAMES: tuple[str, ...] = (
    "police_here",
    "police_there",
    "non_emergency_here",
    "report_here",
    "bank_here",
    "consular",
)
HOTLINE = "hotline"

#: The fields of a scam file whose texts may hold placeholders.
STEP_FIELDS: tuple[str, ...] = ("prevention", "if_happening_now", "after_loss")

#: ``{name}`` or ``{hotline:id}``: group 1 the name, group 2 the hotline id.
PATTERN = re.compile(r"\{([a-z_]+)(?::([a-z0-9_]+))?\}")
_BRACE = re.compile(r"[{}]")


def placeholders(text: str) -> list[str]:
    """Every placeholder in ``text`` as written inside the braces (``police_here``, ``hotline:cn_96110``)."""
    return [m.group(0)[1:-1] for m in PATTERN.finditer(text)]


def text_problems(text: str, hotline_ids: Collection[str]) -> list[str]:
    """What is wrong with the placeholders of one text."""
    problems = []
    for m in PATTERN.finditer(text):
        name, contact = m.group(1), m.group(2)
        if name == HOTLINE:
            if contact is None:
                problems.append("placeholder {hotline} needs a contact id: {hotline:ID}")
            elif contact not in hotline_ids:
                problems.append(f"placeholder {m.group(0)}: unknown hotline id {contact!r} (not in hotlines.yml)")
        elif contact is not None or name not in NAMES:
            problems.append(f"unknown placeholder {m.group(0)} (expected one of: {', '.join(known())})")
    if _BRACE.search(PATTERN.sub("", text)):
        problems.append("a brace that is not part of a placeholder ({name} or {hotline:ID})")
    return problems


def known() -> list[str]:
    return [f"{{{n}}}" for n in NAMES] + ["{hotline:ID}"]


def check_steps(file: YamlFile, f: Fields, hotline_ids: Collection[str]) -> None:
    """Report placeholder problems in a scam file: in the step fields, each text's placeholders must be known and
    the same in zh and en; in any other field, a placeholder is a problem (it would be shown as written)."""
    for name, (_, node) in f.items():
        if name in STEP_FIELDS and isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                _check_text(file, item, f"{name}[{i}]", hotline_ids)
        else:
            for scalar, where in _scalars(node, name):
                if PATTERN.search(scalar.value):
                    file.problem(
                        scalar, "placeholders are only allowed in prevention, if_happening_now and after_loss", where
                    )


def check_nowhere(file: YamlFile, node: yaml.Node, where: str) -> None:
    """Report any placeholder under ``node`` (a file whose texts are not rendered with contacts)."""
    for scalar, at_ in _scalars(node, where):
        if PATTERN.search(scalar.value):
            file.problem(scalar, "placeholders are not rendered here: write the text without {...}", at_)


def _check_text(file: YamlFile, node: yaml.Node, where: str, hotline_ids: Collection[str]) -> None:
    if not isinstance(node, yaml.MappingNode):
        return  # its shape is reported by the reader
    texts = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
    for lang in LANGS:
        if lang in texts:
            for problem in text_problems(texts[lang].value, hotline_ids):
                file.problem(texts[lang], problem, f"{where}.{lang}")
    if all(lang in texts for lang in LANGS):
        zh, en = (Counter(placeholders(texts[lang].value)) for lang in LANGS)
        if zh != en:
            message = f"zh and en use different placeholders (zh: {sorted(zh.elements())}, en: {sorted(en.elements())})"
            file.problem(node, message, where)


def _scalars(node: yaml.Node, where: str) -> Iterable[tuple[yaml.ScalarNode, str]]:
    """Every scalar value under ``node``, with where it is."""
    if isinstance(node, yaml.ScalarNode):
        yield node, where
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _scalars(item, f"{where}[{i}]")
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, f"{where}.{key.value}" if isinstance(key, yaml.ScalarNode) else where)

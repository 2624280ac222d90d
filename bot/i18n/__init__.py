"""The one string catalog: every fixed text that a person reads, in Chinese and English, for every front end.

    from bot.i18n import t
    t("quiz.summary", lang, right=3, total=5)

- **Where a text lives**: ``bot/i18n/<area>.yml`` (one file per area: ``assistant``, ``quiz``, ``telegram``,
  ``terminal``, ...); its key is ``<area>.<name>``. Teaching content (scams, red flags, hotlines) is not here: it is
  the knowledge base (``bot/knowledge``); nor are the questions (the banks, ``quizzes/``).
- **What is a text**: everything a learner reads, in every front end: the assistant's replies and buttons, the quiz,
  the terminal chat and the terminal quiz, Telegram. **Not texts**, and left in English in the code: what the
  operator reads — the maintenance commands' output (``antifraud quiz validate/import/stats``, ``db``,
  ``kb validate``, ``train``, ``nlu-eval``, ``check``, ``serve``, "ok: 270 questions ..."), server start-up and
  failure messages, command-line usage errors (as Typer's own) and ``--help``; and the patterns that *read* what
  people type (regular expressions, words such as 退出). ``tests/bot/i18n/test_catalog.py`` holds the code to this:
  no Chinese string constant in ``bot/`` outside a short, explained allow-list, and no English words in what the
  learner-facing terminal functions print (a usage error naming an option, "--lang is zh or en", excepted).
- **Every key is used**, and appears in the code as written (``t("quiz.summary", ...)``), so that a search finds its
  users. The one exception is a family of keys built from a prefix and a value (``quiz.audience_<audience>``, see
  :func:`bot.quiz.present.audience_name`); each such prefix is listed, with the values it takes, in the test.
- **An entry** has ``zh`` and ``en``, each a ``str.format`` template. A text that counts something has, in a
  language with plural forms, a mapping of CLDR plural categories instead (``one``, ``other``), chosen by the
  ``count`` argument: ``t("quiz.days_in_row", "en", count=1)`` → "1 day in a row". Chinese has no plural forms.
- **One fallback rule**: a language other than ``zh`` or ``en`` gets :data:`DEFAULT_LANG` (Chinese, the language
  most of the people this project is for read best). A missing key or a missing placeholder value is a bug and
  raises; the catalog's tests make sure no key, language or placeholder is missing.
- The files are read once by the project's one YAML reader (:mod:`bot.records`), checked as they are read (both
  languages, the same placeholders in both, plural forms complete); every problem is reported at once with its file
  and line.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.records import InvalidFiles, Problem, YamlFile, at, line_of

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
CATALOG_DIR = Path(__file__).resolve().parent
#: CLDR plural categories that each language uses (https://cldr.unicode.org/index/cldr-spec/plural-rules).
PLURAL_FORMS = {"zh": ("other",), "en": ("one", "other")}

Template = str | Mapping[str, str]


class CatalogError(InvalidFiles):
    """The catalog files are wrong; ``problems`` lists every problem with its file and line."""


@dataclass(frozen=True)
class Entry:
    key: str
    texts: Mapping[str, Template]  # lang -> template, or lang -> {plural category -> template}
    where: str  # file:line, for messages

    def template(self, lang: str, count: int | None) -> str:
        text = self.texts[lang]
        if isinstance(text, str):
            return text
        if count is None:
            raise TypeError(f"{self.key} has plural forms: pass count=")
        return text[plural_category(lang, count)]


def plural_category(lang: str, count: int) -> str:
    """The CLDR plural category of ``count`` in ``lang`` (integers): English one/other, Chinese other."""
    if lang == "en" and count == 1:
        return "one"
    return "other"


def language(lang: object) -> str:
    """``lang`` (a :class:`bot.shared.lang.Lang`, or its value) as a catalog language; the fallback rule."""
    value = str(lang)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, lang: object, /, *, count: int | None = None, **values: object) -> str:
    """The text ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values`` (and ``count``)."""
    entry = catalog()[key]
    template = entry.template(language(lang), count)
    if count is not None:
        values = {"count": count, **values}
    return template.format(**values) if values else template


def placeholders(template: Template) -> set[str]:
    """The names of the ``{placeholders}`` in a template (in every plural form)."""
    forms = [template] if isinstance(template, str) else list(template.values())
    return {
        name.split(".")[0].split("[")[0] for form in forms for _, name, _, _ in string.Formatter().parse(form) if name
    }


@cache
def catalog(directory: Path = CATALOG_DIR) -> dict[str, Entry]:
    """Every entry of the catalog, by key; :class:`CatalogError` lists every problem at once, with file and line."""
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yml")):
        _read(YamlFile(path, problems), path.stem, entries)
    if problems:
        raise CatalogError(problems)
    return entries


def _read(file: YamlFile, area: str, entries: dict[str, Entry]) -> None:
    node = file.compose()
    pairs = file.mapping(node, "") if node is not None else None
    for name, (key_node, value_node) in (pairs or {}).items():
        key, where = f"{area}.{name}", f"{file.name}:{line_of(key_node)}"
        fields = file.fields(value_node, name, required=LANGS)
        if fields is None or set(fields) != set(LANGS):
            continue
        texts = {lang: _template(file, value_node, lang, at(name, lang)) for lang, (_, value_node) in fields.items()}
        if any(text is None for text in texts.values()):
            continue
        try:
            found = {lang: placeholders(text) - {"count"} for lang, text in texts.items() if text is not None}
        except ValueError as error:
            file.problem(key_node, f"bad placeholder: {error}", name)
            continue
        if len({frozenset(names) for names in found.values()}) > 1:  # count may be left out of a language's words
            differ = "; ".join(f"{lang} {sorted(names)}" for lang, names in found.items())
            file.problem(key_node, f"placeholders differ: {differ}", name)
            continue
        entries[key] = Entry(key, {lang: text for lang, text in texts.items() if text is not None}, where)


def _template(file: YamlFile, node: yaml.Node, lang: str, where: str) -> Template | None:
    """A text, or in a language with plural forms a mapping of every plural category to a text."""
    if not isinstance(node, yaml.MappingNode):
        return file.string(node, where)
    forms = file.fields(node, where, required=PLURAL_FORMS[lang])
    if forms is None or set(forms) != set(PLURAL_FORMS[lang]):
        return None
    texts = {form: file.string(value, at(where, form)) for form, (_, value) in forms.items()}
    return {form: text for form, text in texts.items() if text is not None} if all(texts.values()) else None

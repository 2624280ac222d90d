"""The catalog mechanism: lookup, the fallback rule, plural forms, and every problem of a bad file at once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.assistant.verdicts import RISKS
from bot.i18n import LANGS, CatalogError, catalog, language, placeholders, t
from bot.knowledge.model import RECOVERY_WARNING_MISSING
from bot.quiz.model import Audience
from bot.settings import ROOT
from bot.shared.lang import Lang
from bot.telegram.app import COMMANDS


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    catalog.cache_clear()
    return directory


@pytest.fixture(autouse=True)
def _fresh_cache():
    catalog.cache_clear()
    yield
    catalog.cache_clear()


@pytest.mark.parametrize(
    ("given", "expected"),
    [(Lang.ZH, "zh"), (Lang.EN, "en"), ("en", "en"), ("fr", "zh"), (None, "zh")],
    ids=["Lang.ZH", "Lang.EN", "en", "other-language", "none"],
)
def test_one_fallback_rule(given: object, expected: str) -> None:
    assert language(given) == expected


def test_plural_forms_by_count(tmp_path: Path) -> None:
    directory = write(
        tmp_path, "demo.yml", 'days:\n  zh: "连续 {count} 天"\n  en: {one: "{count} day", other: "{count} days"}\n'
    )
    entries = catalog(directory)
    assert entries["demo.days"].template("en", 1) == "{count} day"
    assert entries["demo.days"].template("en", 2) == "{count} days"
    assert entries["demo.days"].template("zh", 1) == "连续 {count} 天"


def test_every_problem_with_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yml",
        "\n".join(
            [
                'ok: {zh: "好", en: "OK"}',
                'no_en: {zh: "好"}',
                'mismatch: {zh: "{a}", en: "{b}"}',
                'bad_plural: {zh: "x", en: {one: "x"}}',
                'ok: {zh: "再", en: "again"}',
            ]
        )
        + "\n",
    )
    write(tmp_path, "b.yml", "- not\n- a mapping\n")
    write(tmp_path, "c.yml", "key: [unclosed\n")
    with pytest.raises(CatalogError) as raised:
        catalog(tmp_path)
    message = str(raised.value)
    assert "a.yml:2: no_en: missing required key 'en'" in message
    assert "a.yml:3: mismatch: placeholders differ: zh ['a']; en ['b']" in message
    assert "a.yml:4: bad_plural.en: missing required key 'other'" in message
    assert "a.yml:5: duplicate key 'ok'" in message
    assert "b.yml:1: expected a mapping, found a list" in message
    assert "c.yml:2: YAML syntax error" in message
    assert len(raised.value.problems) == 6


def test_placeholders_of_plural_forms() -> None:
    assert placeholders({"one": "{count} day {x}", "other": "{count} days {y:.0%}"}) == {"count", "x", "y"}


def test_lookup_fills_placeholders() -> None:
    assert t("terminal.bye", "en") == "再见 / Bye."
    with pytest.raises(KeyError):
        t("terminal.no_such_key", "en")


# --------------------------------------------------------------------------------------------------------------
# The shipped catalog and the code that uses it

BOT = ROOT / "bot"
MODULES = sorted(BOT.rglob("*.py"))
MODULE_IDS = [str(path.relative_to(ROOT)) for path in MODULES]
SHIPPED = catalog()  # read at collection: a broken catalog fails here, with every problem listed

#: Keys built from a prefix and a value instead of written out in the code: prefix -> every value it takes.
DYNAMIC_KEYS: dict[str, list[str]] = {
    "quiz.audience_": [a.value for a in Audience],  # bot.quiz.present.audience_name
    "telegram.command_": list(COMMANDS),  # bot.telegram.app.command_menu: the bot's command menu
    "assistant.risk_": [r.key for r in RISKS],  # bot.assistant.verdicts: what a message asks of the reader
    "assistant.genuine_no_": [r.key for r in RISKS],  # bot.assistant.verdicts: what it does not ask
}


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def docstrings(module: ast.Module) -> set[int]:
    """ids of the docstring nodes: documentation, not texts."""
    found = set()
    for node in ast.walk(module):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def strings(node: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def source_strings() -> set[str]:
    return {str(n.value) for path in MODULES for n in strings(tree(path))}


SOURCE_STRINGS = source_strings()


def test_shipped_catalog_has_every_language() -> None:
    assert SHIPPED, "the catalog is empty"
    assert all(set(entry.texts) == set(LANGS) for entry in SHIPPED.values())
    assert {key.split(".")[0] for key in SHIPPED} >= {"assistant", "quiz", "terminal"}


@pytest.mark.parametrize("key", sorted(SHIPPED), ids=sorted(SHIPPED))
def test_no_key_unused(key: str) -> None:
    """Every key is written out somewhere in bot/ (or is one of a listed family of built keys)."""
    used = SOURCE_STRINGS
    if key in used:
        return
    prefix = next((p for p in DYNAMIC_KEYS if key.startswith(p)), None)
    assert prefix is not None, f"{key} ({SHIPPED[key].where}) is not used in bot/"
    assert prefix in used, f"nothing in bot/ builds keys from {prefix!r}"
    assert key.removeprefix(prefix) in DYNAMIC_KEYS[prefix], f"{key} is not {prefix} + one of {DYNAMIC_KEYS[prefix]}"


@pytest.mark.parametrize("prefix", sorted(DYNAMIC_KEYS), ids=sorted(DYNAMIC_KEYS))
def test_built_keys_are_complete(prefix: str) -> None:
    assert {key for key in SHIPPED if key.startswith(prefix)} == {prefix + value for value in DYNAMIC_KEYS[prefix]}


def call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def catalog_calls(module: ast.Module) -> list[tuple[ast.Call, str]]:
    """``t("key", ...)`` calls with the key written out (either branch of a conditional key counts)."""
    calls = []
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and call_name(node) == "t" and node.args:
            first = node.args[0]
            branches = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            calls += [(node, b.value) for b in branches if isinstance(b, ast.Constant) and b.value in SHIPPED]
    return calls


@pytest.mark.parametrize("path", MODULES, ids=MODULE_IDS)
def test_call_sites_fill_the_placeholders(path: Path) -> None:
    """Each ``t("key", lang, ...)`` passes exactly the key's placeholders (and ``count=`` iff it has plural forms);
    a key handed on to be looked up elsewhere (``simple_reply("assistant.welcome", ...)``) has none."""
    module = tree(path)
    problems = []
    looked_up = set()
    for call, key in catalog_calls(module):
        looked_up.add(id(call.args[0]))
        looked_up.update(id(n) for n in strings(call.args[0]))
        if any(k.arg is None for k in call.keywords):
            continue  # **values: not checkable here
        entry = SHIPPED[key]
        given = {k.arg for k in call.keywords if k.arg is not None}
        plural = any(isinstance(text, dict) for text in entry.texts.values())
        needed = set().union(*(placeholders(text) for text in entry.texts.values())) - {"count"}
        if given - {"count"} != needed:
            problems.append(f"line {call.lineno}: {key} needs {sorted(needed)}, gets {sorted(given - {'count'})}")
        if plural != ("count" in given):
            problems.append(f"line {call.lineno}: {key} " + ("needs count=" if plural else "has no plural forms"))
    for node in strings(module):
        if node.value in SHIPPED and id(node) not in looked_up:
            entry = SHIPPED[node.value]
            if any(placeholders(text) for text in entry.texts.values()):
                problems.append(f"line {node.lineno}: {node.value} is handed on but has placeholders")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------------------------
# No text left in the code

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

#: Modules whose Chinese strings are all patterns or content, not texts.
CJK_MODULES = {
    "bot/shared/privacy.py": "masks personal data in what people type: patterns, and full-width characters it folds",
    "bot/shared/privacy_accounts.py": "masks bank details and codes in what people type: cue words (patterns)",
    "bot/assistant/analysis.py": "reads what people type: cues of a live or past situation (patterns in tuples)",
    "bot/assistant/forwarded.py": "reads what people paste: the marks of a sent message (patterns in tuples)",
    "bot/assistant/places.py": "reads where people are: words before a place name (patterns)",
    "bot/quiz/synthetic.py": "makes synthetic question banks for tests and benchmarks: bank content, not bot texts",
}
#: Single Chinese strings that are not texts, by module.
CJK_STRINGS: dict[str, dict[str, str]] = {
    "bot/cli/terminal.py": {"退出": "a word the learner types to leave (QUIT), not one the terminal shows"},
    "bot/quiz/present.py": {"。.!！": "punctuation stripped from a typed answer"},
    "bot/campaigns/card.py": {"，。、；：！？）》」』”’…": "closing marks that never start a line when the card wraps"},
    "bot/quiz/model.py": {
        "对": "bank content: the fixed options of a true/false question, stored and checked with each question",
        "错": "(the same)",
    },
    "bot/knowledge/model.py": {
        RECOVERY_WARNING_MISSING: "a check for the knowledge base's author, quoting the Chinese words it looks for",
    },
}
#: Functions whose first argument is a pattern, not a text (``re.compile(r"追回|挽回")``).
PATTERN_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def not_texts(module: ast.Module) -> set[int]:
    """ids of string constants that are documentation or patterns: docstrings, ``help=`` of commands and options
    (shown by --help, like docstrings), and the pattern argument of the ``re`` functions."""
    found = docstrings(module)
    for node in ast.walk(module):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help":
                    found.update(id(n) for n in strings(keyword.value))
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "re"
                and func.attr in PATTERN_FUNCTIONS
                and node.args
            ):
                found.update(id(n) for n in strings(node.args[0]))
    return found


@pytest.mark.parametrize("path", MODULES, ids=MODULE_IDS)
def test_no_chinese_text_in_code(path: Path) -> None:
    """A Chinese string in bot/ is a text that belongs in the catalog, unless it is a pattern or content listed above.
    (bot/telegram is scanned too: its texts belong in bot/i18n/telegram.yml.)"""
    name = str(path.relative_to(ROOT))
    if name in CJK_MODULES:
        return
    module = tree(path)
    skip = not_texts(module)
    allowed = CJK_STRINGS.get(name, {})
    found = [
        f"line {n.lineno}: {str(n.value)[:60]!r}"
        for n in strings(module)
        if id(n) not in skip and n.value not in allowed and CJK.search(str(n.value))
    ]
    assert not found, "texts to move to bot/i18n:\n" + "\n".join(found)


def test_allow_lists_are_current() -> None:
    """Every allow-listed module exists and every allow-listed string is still in its module."""
    for name in CJK_MODULES:
        assert (ROOT / name).is_file(), name
    for name, allowed in CJK_STRINGS.items():
        present = {n.value for n in strings(tree(ROOT / name))}
        assert set(allowed) <= present, f"{name}: no longer has {sorted(set(allowed) - present)}"


#: The terminal functions a learner uses (the rest of bot/cli is the operator's: English by the rule in bot.i18n).
LEARNER_FUNCTIONS = {
    "bot/cli/chat.py": ("chat",),
    "bot/cli/quiz.py": ("quiz", "_ask", "_play"),
}
#: What shows a string to the person at the terminal.
SHOWN_BY = {"echo", "secho", "prompt", "confirm", "err", "status", "input", "_ask"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def learner_functions() -> list[tuple[str, str]]:
    return [(module, name) for module, names in LEARNER_FUNCTIONS.items() for name in names]


@pytest.mark.parametrize(("module", "function"), learner_functions(), ids=[f"{m}::{f}" for m, f in learner_functions()])
def test_no_english_text_in_learner_terminal(module: str, function: str) -> None:
    """What the terminal chat and quiz show comes from the catalog; the only English words allowed in what they
    print are usage errors naming an option ("--lang is zh or en"), as Typer's own usage errors are English."""
    found_function = [n for n in ast.walk(tree(ROOT / module)) if isinstance(n, ast.FunctionDef) and n.name == function]
    assert found_function, f"{module} has no function {function}: update LEARNER_FUNCTIONS"
    lookups = {
        id(n)
        for call in ast.walk(found_function[0])
        if isinstance(call, ast.Call) and call_name(call) == "t"
        for argument in call.args
        for n in strings(argument)
    }  # t("terminal.bye", "en"): a key and a language
    found = []
    for call in ast.walk(found_function[0]):
        if isinstance(call, ast.Call) and call_name(call) in SHOWN_BY:
            for argument in [*call.args, *(k.value for k in call.keywords)]:
                for node in strings(argument):
                    value = str(node.value)
                    if id(node) not in lookups and ENGLISH_WORD.search(value) and not value.startswith("--"):
                        found.append(f"line {node.lineno}: {node.value!r}")
    assert not found, "texts to move to bot/i18n/terminal.yml:\n" + "\n".join(found)

"""The catalog mechanism: lookup, the fallback rule, plural forms, and every problem of a bad file at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import CatalogError, catalog, language, placeholders, t
from bot.shared.lang import Lang


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


@pytest.mark.parametrize(("given", "expected"), [(Lang.ZH, "zh"), (Lang.EN, "en"), ("en", "en"), ("fr", "zh"), (None, "zh")],
                         ids=["Lang.ZH", "Lang.EN", "en", "other-language", "none"])
def test_one_fallback_rule(given: object, expected: str) -> None:
    assert language(given) == expected


def test_plural_forms_by_count(tmp_path: Path) -> None:
    directory = write(tmp_path, "demo.yml", 'days:\n  zh: "连续 {count} 天"\n  en: {one: "{count} day", other: "{count} days"}\n')
    entries = catalog(directory)
    assert entries["demo.days"].template("en", 1) == "{count} day"
    assert entries["demo.days"].template("en", 2) == "{count} days"
    assert entries["demo.days"].template("zh", 1) == "连续 {count} 天"


def test_every_problem_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "\n".join([
        'ok: {zh: "好", en: "OK"}',
        'no_en: {zh: "好"}',
        'mismatch: {zh: "{a}", en: "{b}"}',
        'bad_plural: {zh: "x", en: {one: "x"}}',
        'ok: {zh: "再", en: "again"}',
    ]) + "\n")
    write(tmp_path, "b.yml", "- not\n- a mapping\n")
    write(tmp_path, "c.yml", "key: [unclosed\n")
    with pytest.raises(CatalogError) as raised:
        catalog(tmp_path)
    message = str(raised.value)
    assert "a.yml:2: no_en" in message
    assert "a.yml:3: mismatch: placeholders differ" in message
    assert "a.yml:4: bad_plural: en: plural forms must be one, other" in message
    assert "a.yml:5: 'ok' is defined twice (first at a.yml:1)" in message
    assert "b.yml:1:" in message and "c.yml: not valid YAML" in message


def test_placeholders_of_plural_forms() -> None:
    assert placeholders({"one": "{count} day {x}", "other": "{count} days {y:.0%}"}) == {"count", "x", "y"}


def test_lookup_fills_placeholders() -> None:
    assert t("terminal.bye", "en") == "再见 / Bye."
    with pytest.raises(KeyError):
        t("terminal.no_such_key", "en")

"""The hotline list of the knowledge base, ``hotlines.yml``: countries (code, name, aliases, contacts) and the
consular contacts for Chinese citizens abroad."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from bot.knowledge.aliases import alias_nodes, check_ambiguous_aliases, terms
from bot.knowledge.model import (
    Contact,
    ContactKind,
    Country,
    country_code_problem,
    phone_problem,
)
from bot.records import (
    STR_TAG,
    Fields,
    Problem,
    YamlFile,
    at,
    display_path,
    is_null,
    line_of,
)

HOTLINES_FILE = "hotlines.yml"

CONTACT_REQUIRED = ("id", "kind", "name", "use_for", "source")
CONTACT_OPTIONAL = ("number", "url")
COUNTRY_KEYS = ("code", "name", "aliases", "contacts")
HOTLINES_KEYS = ("countries", "consular")


def load_hotlines(root: Path, problems: list[Problem]) -> tuple[dict[str, Country], tuple[Contact, ...]]:
    """The countries by code and the consular contacts, from ``root/hotlines.yml``; problems are added to
    ``problems``."""
    path = root / HOTLINES_FILE
    if not path.is_file():
        problems.append(Problem(display_path(path), 0, "missing file: the hotline list"))
        return {}, ()
    file = YamlFile(path, problems)
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
    found: list[tuple[YamlFile, str, yaml.Node, str]] = []
    for country_node, country in file.each_with_node(f, "countries", lambda n, w: _country(file, n, w, read_contact)):
        if country.code in countries:
            file.problem(country_node, f"duplicate country code {country.code!r}")
        else:
            countries[country.code] = country
            found += [(file, alias, n, country.code) for alias, n in alias_nodes(_pair(country_node, "aliases"))]
    check_ambiguous_aliases(found, "country")
    consular = file.each(f, "consular", "", read_contact) or []
    return countries, tuple(consular)


def _pair(node: yaml.Node, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)
    return None


def _country(
    file: YamlFile, node: yaml.Node, where: str, read_contact: Callable[[yaml.Node, str], Contact | None]
) -> Country | None:
    since = len(file.problems)
    f = file.fields(node, where, COUNTRY_KEYS)
    if f is None:
        return None
    code = file.required(f, "code", where, file.string)
    if code is not None and (problem := country_code_problem(code)):
        file.problem(f["code"][1], problem, at(where, "code"))
        code = None
    if code:
        where = f"country {code}"
    name = file.required(f, "name", where, file.text)
    aliases = file.required(f, "aliases", where, lambda n, w: terms(file, n, w))
    contacts = file.each(f, "contacts", where, read_contact)
    if code is None or name is None or aliases is None:  # reported
        return None
    return file.build(node, where, since, lambda: Country(code, name, aliases, tuple(contacts or ())))


def _contact(file: YamlFile, node: yaml.Node, where: str, seen_ids: dict[str, yaml.Node]) -> Contact | None:
    since = len(file.problems)
    f = file.fields(node, where, CONTACT_REQUIRED, CONTACT_OPTIONAL)
    if f is None:
        return None
    contact_id = file.required(f, "id", where, file.identifier)
    if contact_id:
        where = f"contact {contact_id!r}"
        if contact_id in seen_ids:
            file.problem(f["id"][1], f"duplicate contact id (first at line {line_of(seen_ids[contact_id])})", where)
        else:
            seen_ids[contact_id] = f["id"][1]
    kind = file.required(f, "kind", where, lambda n, w: _contact_kind(file, n, w))
    number = _number(file, f, where)
    url_given = "url" in f and not is_null(f["url"][1])
    url = file.url(f["url"][1], at(where, "url")) if url_given else None
    number_given = "number" in f and not is_null(f["number"][1])
    if not number_given and not url_given:
        file.problem(node, "has neither a number nor a url", where)
    name = file.required(f, "name", where, file.text)
    use_for = file.required(f, "use_for", where, file.text)
    source = file.required(f, "source", where, file.source)
    if contact_id is None or kind is None or name is None or use_for is None or source is None:  # reported
        return None
    return file.build(node, where, since, lambda: Contact(contact_id, kind, number, url, name, use_for, source))


def _contact_kind(file: YamlFile, node: yaml.Node, where: str) -> ContactKind | None:
    value = file.string(node, where)
    if value is None:
        return None
    if value not in ContactKind._value2member_map_:
        expected = ", ".join(k.value for k in ContactKind)
        file.problem(node, f"unknown kind {value!r} (expected one of: {expected})", where)
        return None
    return ContactKind(value)


def _number(file: YamlFile, f: Fields, where: str) -> str | None:
    """A phone number: quoted (YAML would read 000 as 0 and 0300 as an octal number), allowed characters only."""
    pair = f.get("number")
    if pair is None or is_null(pair[1]):
        return None
    node = pair[1]
    value = file.string(node, at(where, "number"))
    if value is None:
        return None
    if node.tag != STR_TAG:
        message = f'write the number in quotes ("{value}"): YAML reads it as a number otherwise'
        file.problem(node, message, at(where, "number"))
    if problem := phone_problem(value):
        file.problem(node, problem, at(where, "number"))
        return None
    return value

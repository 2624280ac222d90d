"""Load and validate the knowledge base: ``scams/<scam_id>.yml`` (one per scam type, ``bot.knowledge.scams``),
``hotlines.yml`` (``bot.knowledge.hotlines``) and ``lookalikes.yml`` (``bot.knowledge.lookalikes``). Step texts may
hold contact placeholders (``bot.knowledge.placeholders``), checked against the hotline ids.

Validation reports every problem at once, each with the file and line of the YAML node concerned, and raises
:class:`KnowledgeError` if there is any. The files are read with ``bot.records.YamlFile`` (``yaml.compose``, a node
tree with positions, not ``safe_load``): scalars are taken as written (``000`` stays "000"), duplicate keys are
caught, and every check knows its line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.knowledge.hotlines import HOTLINES_FILE, load_hotlines
from bot.knowledge.lookalikes import LOOKALIKES_FILE, load_lookalikes
from bot.knowledge.model import KnowledgeBase, RecordError
from bot.knowledge.scams import SCAMS_DIR, load_scams
from bot.records import InvalidFiles, Problem, display_path

__all__ = [
    "HOTLINES_FILE",
    "LOOKALIKES_FILE",
    "PACKAGE_DIR",
    "SCAMS_DIR",
    "KnowledgeError",
    "Problem",
    "load_knowledge",
]

#: The knowledge base shipped with the package.
PACKAGE_DIR = Path(__file__).resolve().parent


class KnowledgeError(InvalidFiles):
    """The knowledge base is invalid; ``problems`` lists everything found, in file order."""


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


def _load(root: Path) -> KnowledgeBase:
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(display_path(root), 0, "not a directory")])
    countries, consular = load_hotlines(root, problems)
    hotline_ids = {c.id for country in countries.values() for c in country.contacts} | {c.id for c in consular}
    scams, red_flags = load_scams(root, problems, hotline_ids)
    lookalikes = load_lookalikes(root, problems)
    if problems:
        raise KnowledgeError(sorted(problems, key=lambda p: (p.file, p.line)))
    try:
        return KnowledgeBase(
            scams=scams, red_flags=red_flags, countries=countries, consular=consular, lookalikes=lookalikes
        )
    except RecordError as error:  # not reachable when the per-file checks passed; kept as a safety net
        raise KnowledgeError([Problem(display_path(root), 0, m) for m in error.messages]) from error

"""The scam knowledge base: one YAML file per scam type (``scams/<scam_id>.yml``) and the hotline list
(``hotlines.yml``), loaded into typed, validated records.

    from bot.knowledge import load_knowledge
    kb = load_knowledge()           # the package's own files, loaded once
    kb.scam(ScamType.INVESTMENT).red_flags

Validate from the command line: ``python -m bot.knowledge [PATH]``.
"""

from bot.knowledge.loader import KnowledgeError, Problem, load_knowledge
from bot.knowledge.model import (
    Contact,
    ContactKind,
    Country,
    KnowledgeBase,
    LookAlike,
    RedFlag,
    Scam,
    Source,
    Terms,
    Text,
)

__all__ = [
    "Contact",
    "ContactKind",
    "Country",
    "KnowledgeBase",
    "KnowledgeError",
    "LookAlike",
    "Problem",
    "RedFlag",
    "Scam",
    "Source",
    "Terms",
    "Text",
    "load_knowledge",
]

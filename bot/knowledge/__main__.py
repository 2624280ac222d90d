"""``python -m bot.knowledge [PATH]``: validate a knowledge-base directory (default: the package's own).

Prints ``ok: 15 scam types, N red flags, M countries`` and exits 0, or prints every problem as
``file:line: message`` and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, load_knowledge


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.knowledge", description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, help="knowledge-base directory (default: the built-in one)")
    args = parser.parse_args(argv)
    try:
        kb = load_knowledge(args.path)
    except KnowledgeError as error:
        print(error, file=sys.stderr)
        count = len(error.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 1
    print(f"ok: {len(kb.scams)} scam types, {len(kb.red_flags)} red flags, {len(kb.countries)} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())

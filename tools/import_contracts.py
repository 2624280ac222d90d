"""An import-linter contract type the built-in ones do not offer: a package imports the standard library only.

``bot/shared`` is imported both in the app's venv and in the Rasa venv, so it may use nothing else. A ``forbidden``
contract would have to list every third-party package of both venvs and would miss the next one; this contract
lists what is allowed instead. Configured in pyproject.toml (``contract_types``); ``lint-imports`` finds this module
because it runs from the checkout's root.
"""

from __future__ import annotations

import sys
from typing import cast

import grimp
from importlinter import Contract, ContractCheck, fields, output


class StdlibOnlyContract(Contract):
    """The modules of ``packages`` (and their descendants) import only the standard library and each other.

    Needs ``include_external_packages = true``: without it the graph has no third-party imports to find.
    """

    type_name = "stdlib_only"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        external = str(self.session_options.get("include_external_packages", "")).lower() == "true"
        if not external:
            return ContractCheck(kept=False, metadata={"error": "include_external_packages must be true"})
        packages = cast(list[str], self.packages)  # a list once the contract is configured
        missing = [p for p in packages if p not in graph.modules]
        if missing:
            return ContractCheck(kept=False, metadata={"error": f"no such module: {', '.join(missing)}"})
        owned = {m for p in packages for m in {p, *graph.find_descendants(p)}}
        illegal = []
        for importer in sorted(owned):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported in owned or imported.split(".")[0] in sys.stdlib_module_names:
                    continue
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                illegal.append((importer, imported, lines))
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        if "error" in check.metadata:
            output.print_error(check.metadata["error"])
            return
        for importer, imported, lines in check.metadata["illegal"]:
            where = ", ".join(f"l.{n}" for n in lines)
            output.print_error(f"{importer} imports {imported} ({where}): not the standard library", bold=False)
            output.new_line()

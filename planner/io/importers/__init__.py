"""Scenarios from other systems: one module per source, each a pure function `(path, today) -> ImportResult`.

`write_import` writes any result as a scenario folder (tables, scenario.toml,
import_report.json), atomically. Mapping decisions: docs/imports.md.
"""

from planner.io.importers.frepple import import_frepple
from planner.io.importers.inventree import import_inventree, import_inventree_server
from planner.io.importers.result import ImportResult, write_import

__all__ = ["ImportResult", "import_frepple", "import_inventree", "import_inventree_server", "write_import"]

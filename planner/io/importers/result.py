"""What an import gives (`ImportResult`), the helpers importers share, and the one scenario writer.

An importer is a pure function `(path, today) -> ImportResult`: the scenario's
tables as frames keyed by file name (`lots.csv`), a flat report of counts
(`read.*` what was read, `written.*` what the scenario holds, `dropped.*`
what was left out, `assumed.*` what was filled in or changed, `info.*` facts
the contract cannot express) and notes in words. `write_import` writes the
folder atomically: the CSV tables, `scenario.toml` and `import_report.json`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from models.cells import write_csv_text
from models.errors import PlannerError
from models.tables import ITEMS, LINES, LOTS, TABLES
from planner.result.output import MARKER, marker, write_atomically

REPORT_FILE = "import_report.json"


class ImportFailed(PlannerError):
    """The file cannot be imported: not an export of that system, or a record that cannot be read
    (wrong input: exit 2). The message names the file, and the record (model and pk) where there is one."""

    exit_code = 2


MAX_DECIMALS = 6
"""Finest unit an importer scales an item to (10^-6 of the source unit); finer digits are rounded."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """A scenario read from another system: its tables, its planning date and what the import did."""

    source: str
    today: date
    tables: dict[str, pd.DataFrame]
    report: dict[str, int]
    notes: tuple[str, ...] = ()
    objective_key: tuple[str, ...] | None = None
    """The tier key the scenario is to be planned by (None: the contract's default)."""

    def summary(self) -> dict[str, object]:
        """The report as `import_report.json` holds it."""
        return {
            "source": self.source,
            "today": self.today.isoformat(),
            "counts": dict(sorted(self.report.items())),
            "notes": list(self.notes),
        }


@dataclass(slots=True)
class Tally:
    """Counts and notes gathered while importing."""

    counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, keys: Iterable[str]) -> Tally:
        """A tally reporting each of `keys`, 0 unless counted: the checks made show even when nothing hit."""
        return cls(Counter(dict.fromkeys(keys, 0)))

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    def set(self, key: str, n: int) -> None:
        self.counts[key] = n

    def count_written(self, tables: Mapping[str, pd.DataFrame]) -> None:
        """`written.<table>`: how many rows each table of the scenario holds."""
        for name, frame in tables.items():
            self.set(f"written.{name.removesuffix('.csv')}", len(frame))

    def report(self) -> dict[str, int]:
        return {k: int(v) for k, v in sorted(self.counts.items())}


def write_import(
    result: ImportResult,
    out_dir: Path,
    name: str | None = None,
    origin: str = "",
    source: Path | None = None,
    force: bool = False,
) -> None:
    """Write the scenario folder `out_dir` (tables, scenario.toml, import_report.json), all or nothing.

    The folder is claimed as SPEC 11 says; `source` (the file imported) is never replaced.
    """
    name = name or Path(out_dir).resolve().name
    files = {spec.name: _csv(result.tables.get(spec.name), spec.column_names) for spec in TABLES}
    comment = f"# Imported from {result.source}" + (f": {origin}" if origin else "")
    files["scenario.toml"] = (
        f"{comment} (what was dropped or assumed: {REPORT_FILE})\n"
        f"name = {json.dumps(name)}\n"
        f'today = "{result.today.isoformat()}"\n'
        'data = "."\n'
    )
    if result.objective_key is not None:
        files["scenario.toml"] += f"\n[objective]\nkey = {json.dumps(list(result.objective_key))}\n"
    report = result.summary() | ({"file": origin} if origin else {})
    files[REPORT_FILE] = json.dumps(report, indent=2) + "\n"
    files[MARKER] = marker(f"import {result.source}", file=origin)
    write_atomically(Path(out_dir), files, protect=[source] if source else [], force=force)


def _csv(frame: pd.DataFrame | None, columns: tuple[str, ...]) -> str:
    """The table as CSV text, the contract's columns in order, cells written as the contract reads them."""
    if frame is None:
        frame = pd.DataFrame(columns=list(columns))
    body = pd.DataFrame(
        {c: [_cell(v) for v in frame[c]] if c in frame.columns else "" for c in columns},
        index=range(len(frame)),
        columns=list(columns),
    )
    return write_csv_text(body)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def decimals(value: Decimal) -> int:
    """Digits after the decimal point that matter (2.50000 -> 1)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def unit_factors(
    quantities: Mapping[str, Iterable[Decimal]], links: Iterable[tuple[str, str]]
) -> dict[str, int]:
    """Per item, the power of ten that makes all its quantities whole (at most 10^MAX_DECIMALS).

    Items linked (an item and its alternate) share one factor, since lots of one
    serve lines of the other unit for unit.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    digits: dict[str, int] = {}
    for item, values in quantities.items():
        root = find(item)
        digits[root] = max([digits.get(root, 0), *(min(decimals(v), MAX_DECIMALS) for v in values)])
    return {item: 10 ** digits.get(find(item), 0) for item in set(quantities) | set(parent)}


def whole(value: Decimal, factor: int, up: bool) -> int:
    """`value` in units 1/factor, rounded up (demand) or down (supply) where finer than that."""
    scaled = value * factor
    return int(scaled.to_integral_value(rounding="ROUND_CEILING" if up else "ROUND_FLOOR"))


def short_items(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Items whose open demand exceeds the free stock of their own lots (alternates not counted)."""
    lots = tables.get(LOTS.name)
    lines = tables.get(LINES.name)
    items = tables.get(ITEMS.name)
    if lines is None or lines.empty:
        return []
    nonstock = set()
    if items is not None and "stocking" in items.columns:
        nonstock = set(items.loc[items["stocking"].astype(str).str.lower() == "false", "item"])
    demand = lines.groupby("item")["quantity"].sum()
    free: pd.Series = pd.Series(dtype="int64")
    if lots is not None and not lots.empty:
        allocated = lots["allocated"] if "allocated" in lots.columns else 0
        free = (lots["quantity"] - allocated).groupby(lots["item"]).sum()
    return sorted(
        str(item) for item, q in demand.items() if item not in nonstock and int(q) > int(free.get(item, 0))
    )

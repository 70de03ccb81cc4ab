"""Reading the plan's tables (allocations.csv and lines.csv) as written: coerced rows, the sums the
rules need, and "table_format" problems (a missing column, a quantity that is not a whole number, an
unknown source, a line listed twice)."""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import repeat
from typing import NamedTuple

import pandas as pd
from pandas.core.dtypes.cast import maybe_box_native  # type: ignore[attr-defined]  # as to_dict does

from models.records import Line, LineKey
from planner.check.violation import Violation, line_name

ALLOCATION_COLUMNS = ("order", "line", "item", "lot", "warehouse", "owner", "quantity", "source")
LINE_COLUMNS = ("order", "line", "item", "requested", "allocated", "status", "reason", "tier")
SOURCES = ("optimizer", "reservation", "nonstock", "previous", "pin")
OPTIONAL_ALLOCATION_COLUMNS = ("due", "source_id")
OPTIONAL_LINE_COLUMNS = ("available_on", "unit", "ship_date", "priority", "type", "customer")
DESCRIBING_COLUMNS = OPTIONAL_LINE_COLUMNS[1:]
"""lines.csv's columns that repeat what the scenario says of a line (for people: sort and filter)."""
"""SPEC 8's columns: checked where written (a table from before them still reads)."""


class AllocationRow(NamedTuple):
    """One row of allocations.csv, coerced."""

    order: str
    line: str
    item: str
    lot: str
    warehouse: str
    owner: str
    quantity: int
    source: str
    due: str | None = None
    """As written; None when the table has no due column."""
    source_id: str | None = None
    """As written; None when the table has no source_id column."""

    @property
    def key(self) -> LineKey:
        return (self.order, self.line)


class LineRow(NamedTuple):
    """One row of lines.csv, coerced; None where a number did not parse."""

    item: str
    requested: int | None
    allocated: int | None
    status: str
    reason: str
    tier: str
    available_on: str | None = None
    """As written; None when the table has no available_on column."""
    described: dict[str, str] | None = None
    """DESCRIBING_COLUMNS as written (those the table has)."""


def _text(value: object) -> str:
    """A cell as `to_dict` gives it (numpy scalars as Python's, pd.NA as None), stripped; "" when empty."""
    value = maybe_box_native(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _integers(texts: list[str]) -> list[int | None]:
    """`integer` of each text, each distinct text parsed once."""
    parsed = {text: integer(text) for text in set(texts)}
    return [parsed[text] for text in texts]


def _cells(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict[str, list[str]]:
    """Each column's cells as `_text`, top to bottom; a missing column reads as empty cells and, of
    columns with equal names, the last counts (as in `to_dict`)."""
    if not frame.columns.is_unique:
        frame = frame.loc[:, ~frame.columns.duplicated(keep="last")]
    cells: dict[str, list[str]] = {}
    for column in columns:
        if column not in frame.columns:
            cells[column] = [""] * len(frame)
            continue
        series = frame[column]
        if series.dtype.kind in "iu" and not series.hasnans:  # whole numbers, none missing
            cells[column] = [str(value) for value in series.tolist()]
        elif isinstance(series.dtype, pd.StringDtype):  # text, missing as "": stripped at once
            cells[column] = series.str.strip().to_numpy(dtype=object, na_value="").tolist()
        else:
            cells[column] = [
                value.strip() if type(value) is str else _text(value) for value in series.tolist()
            ]
    return cells


def missing_columns(frame: pd.DataFrame, columns: tuple[str, ...], table: str) -> list[Violation]:
    """A table lacking columns is reported (an empty frame without columns is an empty table)."""
    missing = [c for c in columns if c not in frame.columns]
    if not missing or (len(frame) == 0 and len(frame.columns) == 0):
        return []
    return [Violation("table_format", f"{table} lacks column(s) {', '.join(missing)}")]


def read_allocations(frame: pd.DataFrame) -> tuple[list[AllocationRow], list[Violation]]:
    """The allocation rows whose quantity is a whole number; problems with the others reported."""
    cells = _cells(frame, ALLOCATION_COLUMNS + OPTIONAL_ALLOCATION_COLUMNS)
    quantities = _integers(cells["quantity"])
    columns = [quantities if c == "quantity" else cells[c] for c in ALLOCATION_COLUMNS]
    due, source_id = (
        list[str | None](cells[c]) if c in frame.columns else [None] * len(frame)
        for c in OPTIONAL_ALLOCATION_COLUMNS
    )
    rows = [
        AllocationRow(order, line, item, lot, warehouse, owner, quantity, source, day, origin)
        for order, line, item, lot, warehouse, owner, quantity, source, day, origin in zip(
            *columns, due, source_id
        )
        if quantity is not None
    ]
    problems: list[Violation] = []
    for number, (quantity, source) in enumerate(zip(quantities, cells["source"]), start=1):
        if quantity is not None and quantity > 0 and source in SOURCES:
            continue
        order, line, lot = (cells[c][number - 1] for c in ("order", "line", "lot"))
        where = f"allocations row {number} ({order}/{line}, lot {lot or '-'})"
        if quantity is None:
            text = cells["quantity"][number - 1]
            problems.append(Violation("table_format", f"{where}: quantity {text!r} is no number"))
            continue
        if quantity <= 0:
            problems.append(Violation("table_format", f"{where}: quantity {quantity} is not positive"))
        if source not in SOURCES:
            problems.append(Violation("table_format", f"{where}: unknown source {source!r}"))
    return rows, problems


def read_lines(frame: pd.DataFrame) -> tuple[dict[LineKey, LineRow], list[Violation]]:
    """The lines table by (order, line), first row per line; duplicates and bad numbers reported."""
    cells = _cells(frame, LINE_COLUMNS + OPTIONAL_LINE_COLUMNS)
    written_on = "available_on" in frame.columns
    describing = [c for c in DESCRIBING_COLUMNS if c in frame.columns]
    numbers = {column: _integers(cells[column]) for column in ("requested", "allocated")}
    results: dict[LineKey, LineRow] = {}
    problems: list[Violation] = []
    columns = [numbers[c] if c in numbers else cells[c] for c in LINE_COLUMNS]
    available = cells["available_on"] if written_on else [None] * len(frame)
    described_rows = zip(*(cells[c] for c in describing)) if describing else repeat(())
    for number, (
        order,
        line,
        item,
        requested,
        allocated,
        status,
        reason,
        tier,
        available_on,
        described,
    ) in enumerate(zip(*columns, available, described_rows), start=1):
        key = (order, line)
        if requested is None or allocated is None:
            for column in ("requested", "allocated"):
                if numbers[column][number - 1] is None:
                    text = cells[column][number - 1]
                    message = f"lines row {number} ({line_name(key)}): {column} {text!r} is no whole number"
                    problems.append(Violation("table_format", message))
        if key in results:
            message = f"lines row {number}: {line_name(key)} is listed twice"
            problems.append(Violation("table_format", message))
            continue
        results[key] = LineRow(
            item, requested, allocated, status, reason, tier, available_on, dict(zip(describing, described))
        )
    return results, problems


class PlanTables:
    """The plan's rows and line results, with the sums the rules need."""

    def __init__(
        self, rows: list[AllocationRow], results: dict[LineKey, LineRow], lines: tuple[Line, ...]
    ) -> None:
        self.rows = rows
        self.results = results
        self.by_line: dict[LineKey, list[AllocationRow]] = defaultdict(list)
        self.by_lot: dict[str, list[AllocationRow]] = defaultdict(list)
        self.given_to_line: dict[LineKey, int] = defaultdict(int)
        self.optimizer_by_lot: dict[str, int] = defaultdict(int)
        self.held_by_lot: dict[str, int] = defaultdict(int)
        """What the plan's `previous` and `pin` rows fix on each lot, besides reservations."""
        self.optimizer_holders: dict[str, set[LineKey]] = defaultdict(set)
        """The lines the plan's `optimizer` rows give some of each lot to."""
        for row in rows:
            key = row.key
            self.by_line[key].append(row)
            if row.lot:
                self.by_lot[row.lot].append(row)
            self.given_to_line[key] += row.quantity
            if row.source == "optimizer":
                self.optimizer_by_lot[row.lot] += row.quantity
                self.optimizer_holders[row.lot].add(key)
            elif row.source in ("previous", "pin"):
                self.held_by_lot[row.lot] += row.quantity
        self.allocated: list[tuple[LineKey, Line, int]] = []
        """Scenario lines listed in the lines table with a whole-number allocated, in scenario order."""
        for line in lines:
            key = line.key
            result = results.get(key)
            if result is not None and result.allocated is not None:
                self.allocated.append((key, line, result.allocated))

    def given(self, key: LineKey) -> int:
        """The quantity of all rows of the line."""
        return self.given_to_line.get(key, 0)

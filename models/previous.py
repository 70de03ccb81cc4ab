"""Reading the previous plan a re-plan starts from (SPEC 9): a result folder's allocations.csv.

`read_previous(folder)` accepts only a folder the planner wrote (it holds
`run.json` and `allocations.csv`); anything else, and every bad row, is an
`InputErrors` naming the file and row, so nothing is solved or written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from models.errors import InputError, InputErrors
from models.records import PreviousAllocation, PreviousPlan
from models.tables import ROW, Column, TableSpec, parse_table, read_raw

RUN_RECORD = "run.json"
"""The file every result folder of the planner holds (planner.result.output.MARKER)."""
COMPONENTS = "components.txt"
"""The fingerprints of the components a proved plan solved, one a line (planner.engine.takeover)."""

PREVIOUS_ALLOCATIONS = TableSpec(
    "allocations.csv",
    (
        Column("order", required=True),
        Column("line", required=True),
        Column("lot", default=""),
        Column("quantity", "int", required=True, minimum=0),
        Column("source", default=""),
        *(Column(name, default="") for name in ("item", "warehouse", "owner", "due", "source_id")),
    ),
)


def read_previous(folder: str | Path) -> PreviousPlan:
    """The previous plan's allocations from a lot (nonstock rows, which have none, left out)."""
    folder = Path(folder)
    where = str(folder / PREVIOUS_ALLOCATIONS.name)
    if not folder.is_dir() or not (folder / RUN_RECORD).is_file():
        what = "not found" if not folder.exists() else "not a planner result folder (it holds no run.json)"
        raise InputErrors([InputError(str(folder), None, None, f"previous plan {folder}: {what}")])
    errors: list[InputError] = []
    raw = read_raw(folder, PREVIOUS_ALLOCATIONS, errors)
    frame = parse_table(raw, PREVIOUS_ALLOCATIONS, errors) if raw is not None else None
    if errors or frame is None:
        raise InputErrors([InputError(where, e.row, e.column, e.message) for e in errors])
    rows = zip(frame["order"], frame["line"], frame["lot"], frame["quantity"], frame[ROW], strict=True)
    listed = folder / COMPONENTS
    solved = frozenset(listed.read_text(encoding="utf-8").split()) if listed.is_file() else frozenset()
    return previous_plan(str(folder), rows, solved)


def previous_plan(
    folder: str, rows: Iterable[tuple[str, str, str, int, int]], solved: frozenset[str]
) -> PreviousPlan:
    """The previous plan of allocations.csv's (order, line, lot, quantity, row) rows: those from a lot
    (nonstock rows, which have none, and rows of 0 left out)."""
    kept = (
        PreviousAllocation(str(order), str(line), str(lot), int(quantity), int(row))
        for order, line, lot, quantity, row in rows
    )
    return PreviousPlan(folder, tuple(r for r in kept if r.lot and r.quantity > 0), solved)

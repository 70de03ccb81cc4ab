"""plan.xlsx: a result folder's tables as one workbook for people (`--format xlsx`; compare.xlsx for
`planner compare`'s tables).

The sheets are the CSV files as written (lines, allocations, items, explanations from explain.csv)
and the tiers of summary.json, built from the folder's own text, so the workbook says exactly what
the CSVs say: quantities are numbers, dates are date cells, everything else text (escaped like the
CSVs, never a formula). Each sheet has a frozen header row and a filter; the unit column comes
along from the CSVs. The workbook is written with openpyxl (models.workbook), as export-template's
is, and holds no clock: the same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import pandas as pd

from models.cells import read_csv_text
from models.workbook import CREATOR, CellKind, table_sheet, workbook_bytes

XLSX_FILE = "plan.xlsx"
COMPARE_XLSX_FILE = "compare.xlsx"
SHEETS = {"lines": "lines.csv", "allocations": "allocations.csv", "items": "items.csv"}
"""The sheets of plan.xlsx that are a CSV file each, then `tiers`, then `explanations` (explain.csv)."""
EXPLANATIONS = ("explanations", "explain.csv")
TIERS = "tiers"

KINDS: dict[str, CellKind] = {
    **dict.fromkeys(("due", "available_on", "ship_date"), "date"),
    **dict.fromkeys(
        (
            *("quantity", "requested", "allocated", "tier", "priority", "bound", "greedy"),
            *("in_stock", "allocated_before", "available", "required", "deficit", "allocable"),
            *("safety_stock", "on_order", "available_after", "short", "before", "now"),
            *("lines", "lines_full", "lines_partial", "lines_none", "orders", "orders_full"),
            *("base_allocated", "delta", "base_quantity"),
        ),
        "int",
    ),
    **dict.fromkeys(("fill_rate", *(f"fill_p{p}" for p in range(10))), "float"),
}
"""The result and comparison tables' columns that are numbers or dates (SPEC 6, 8, 10; kpis.csv and
the change tables); every other one is text."""


def sheet_tables(files: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """The tables plan.xlsx holds, by sheet, as text cells: from a result folder's files (name -> text)."""
    tables = {sheet: read_csv_text(files[name]) for sheet, name in SHEETS.items()}
    tables[TIERS] = tiers_table(json.loads(files["summary.json"]))
    sheet, name = EXPLANATIONS
    if name in files:
        tables[sheet] = read_csv_text(files[name])
    return tables


def tiers_table(summary: Mapping[str, object]) -> pd.DataFrame:
    """summary.json's tiers as a table: tier, a column per field of the tier key, the tier's figures."""
    key = [str(field) for field in summary["objective_key"]]  # type: ignore[attr-defined]
    rows = [
        [t["tier"], *t["key"], t["requested"], t["allocated"], t["bound"], t.get("greedy")]
        for t in summary["tiers"]  # type: ignore[attr-defined]
    ]
    frame = pd.DataFrame(
        rows, columns=["tier", *key, "requested", "allocated", "bound", "greedy"], dtype=object
    )
    return frame.map(lambda v: "" if v is None else str(v))


def plan_workbook(files: Mapping[str, str]) -> bytes:
    """plan.xlsx's bytes for a result folder's files; stamped with the scenario's `today` (no clock)."""
    today = dt.date.fromisoformat(json.loads(files["summary.json"])["today"])
    return tables_workbook(sheet_tables(files), today, XLSX_FILE)


def compare_workbook(files: Mapping[str, str], today: dt.date) -> bytes:
    """compare.xlsx's bytes: a sheet per CSV table of `planner compare` (kpis, line_changes...)."""
    tables = {
        name.removesuffix(".csv"): read_csv_text(text)
        for name, text in files.items()
        if name.endswith(".csv")
    }
    return tables_workbook(tables, today, COMPARE_XLSX_FILE)


def tables_workbook(tables: Mapping[str, pd.DataFrame], today: dt.date, book: str) -> bytes:
    """Tables of text cells (as a CSV reads) as the workbook `book`, a sheet each in order, typed by
    `KINDS`, each with a frozen header and a filter; stamped with `today` (the same tables, the same
    bytes). Raises UnwritableCell for a text no worksheet can hold."""
    import openpyxl  # 0.2 s that a CSV-only run need not pay

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = CREATOR
    for sheet, frame in tables.items():
        rows = frame.itertuples(index=False)
        table_sheet(workbook, sheet, list(frame.columns), rows, KINDS, filters=True, book=book)
    return workbook_bytes(workbook, dt.datetime.combine(today, dt.time()))

"""The formats a result folder's files are written in: CSV as the contract says, with a BOM first for
Excel (`--excel-csv`), and plan.xlsx beside the CSVs (`--format xlsx`). Neither changes the plan:
every reader of the planner's CSVs takes a BOM (pandas drops it), and plan.xlsx is built from the
CSVs' own text (planner.result.xlsx)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
BOM = "\ufeff"
"""What Excel reads as "this file is UTF-8" at the start of a CSV file."""


def excel_csv(files: Mapping[str, str]) -> dict[str, str]:
    """The files with a BOM before every CSV's text (the other files as they are)."""
    return {name: BOM + text if name.endswith(".csv") else text for name, text in files.items()}


def formatted(
    files: Mapping[str, str],
    format: Format = "csv",
    bom: bool = False,
    workbook: tuple[str, Callable[[Mapping[str, str]], bytes]] | None = None,
) -> dict[str, str | bytes]:
    """A result folder's files (name -> text) as written in `format`, the CSVs with a BOM if `bom`;
    for xlsx, `workbook` names the workbook and builds it from the files (None: plan.xlsx)."""
    written: dict[str, str | bytes] = dict(excel_csv(files) if bom else files)
    if format == "xlsx":
        if workbook is None:
            from planner.result.xlsx import XLSX_FILE, plan_workbook  # openpyxl and pandas: only when asked

            workbook = (XLSX_FILE, plan_workbook)
        name, build = workbook
        written[name] = build(files)
    return written

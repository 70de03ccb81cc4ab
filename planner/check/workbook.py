"""plan.xlsx, when a result folder holds one, says what its CSVs and summary.json say (SPEC 6 for
people: the same tables, typed): every sheet cell for cell, read back as the CSV text it stands for."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from models.workbook import read_sheets
from planner.check.violation import Violation
from planner.result.xlsx import EXPLANATIONS, SHEETS, TIERS, XLSX_FILE


def workbook_figures(out_dir: Path, frames: Mapping[str, pd.DataFrame], summary: object) -> list[Violation]:
    """Where plan.xlsx in `out_dir` differs from the tables `frames` (by file name) and summary.json's
    tiers; nothing when the folder has no plan.xlsx (it is written only when asked for)."""
    path = Path(out_dir) / XLSX_FILE
    if not path.is_file():
        return []
    try:
        sheets = read_sheets(path)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        return [Violation("workbook", f"{path} cannot be read: {exc}")]
    expected = {sheet: frames[name] for sheet, name in SHEETS.items()}
    expected[TIERS] = _tiers(summary)
    sheet, name = EXPLANATIONS
    if name in frames:
        expected[sheet] = frames[name]
    found = []
    if list(sheets) != list(expected):
        found.append(f"has sheets {', '.join(sheets)}, not {', '.join(expected)}")
    for sheet, frame in expected.items():
        if sheet in sheets:
            found += [f"sheet {sheet}: {d}" for d in _differences(sheets[sheet], frame)]
    return [Violation("workbook", f"{path}: {message}") for message in found]


def _tiers(summary: object) -> pd.DataFrame:
    """summary.json's tiers as the text plan.xlsx's tiers sheet stands for."""
    record = summary if isinstance(summary, dict) else {}
    key = [str(f) for f in record.get("objective_key") or []]
    rows = [
        [
            t.get("tier"),
            *(t.get("key") or []),
            t.get("requested"),
            t.get("allocated"),
            t.get("bound"),
            t.get("greedy"),
        ]
        for t in record.get("tiers") or []
        if isinstance(t, dict)
    ]
    text = [["" if v is None else str(v) for v in row] for row in rows]
    return pd.DataFrame(
        text, columns=["tier", *key, "requested", "allocated", "bound", "greedy"], dtype=object
    )


def _differences(sheet: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """The first difference between a sheet and the table it should be, in words (none: the same)."""
    if list(sheet.columns) != list(table.columns):
        return [f"columns {', '.join(map(str, sheet.columns))}, not {', '.join(map(str, table.columns))}"]
    if len(sheet) != len(table):
        return [f"{len(sheet)} rows, not {len(table)}"]
    mine, theirs = sheet.to_numpy(dtype=object), table.to_numpy(dtype=object)
    for row, (a, b) in enumerate(zip(mine.tolist(), theirs.tolist()), start=2):
        for column, x, y in zip(table.columns, a, b):
            if str(x) != str(y):
                return [f"row {row}, column {column}: {x!r}, the table says {y!r}"]
    return []

"""What-if edits of a scenario's tables: `[[override]]`, `[[add]]` and `[[remove]]`.

Edits work on the raw cells (text, as in the CSV files) before parsing, so the
edited tables go through the same validation as any other input. Rows an edit
adds get index numbers from `ADDED_BASE` up; `RowOrigins` remembers which file
and row each came from, so an error in an added row names that file and row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from models.errors import InputError
from models.tables import RawTable, TableSpec, read_added_rows

ADDED_BASE = 1_000_000_000
"""Body index of the first added row (its spreadsheet row number is one more)."""

EDIT_KINDS = ("override", "add", "remove")
_HEADER = re.compile(r"^\s*\[\[\s*(override|add|remove)\s*\]\]", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Edit:
    """One table edit from a scenario file; `label` names it in messages ("what_if.toml, override 2")."""

    kind: str
    table: str
    label: str
    where: dict[str, str] = field(default_factory=dict)
    set: dict[str, str] = field(default_factory=dict)
    file: Path | None = None


@dataclass(slots=True)
class RowOrigins:
    """Where added rows came from: (table, synthetic row) -> (file label, row in that file)."""

    added: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    overridden: dict[tuple[str, int, str], str] = field(default_factory=dict)

    def locate(self, error: InputError) -> InputError:
        """The error pointing at the file its row came from, and at the edit that set its cell."""
        if error.row is None:
            return error
        message = error.message
        label = self.overridden.get((error.table, error.row, error.column or ""))
        if label is not None:
            message = f"{message} (set by {label})"
        if (error.table, error.row) in self.added:
            source, row = self.added[(error.table, error.row)]
            return InputError(f"{source} (added to {error.table})", row, error.column, message)
        return InputError(error.table, error.row, error.column, message)


def cell_text(value: Any) -> str:
    """A TOML value as the text a CSV cell would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(cell_text(v) for v in value)
    return str(value).strip()


def parse_edits(
    document: dict[str, Any], text: str, file: Path, tables: Iterable[str]
) -> tuple[list[Edit], list[str]]:
    """The edits of one scenario file in the order they are written, and the problems found.

    `text` is the file's TOML source: tomllib keeps no order between different
    arrays of tables, so the order of the `[[...]]` headers is read from it.
    """
    known = set(tables)
    problems = [
        f"[[{kind}]] must be an array of tables"
        for kind in EDIT_KINDS
        if not isinstance(document.get(kind, []), list)
    ]
    edits: list[Edit] = []
    seen = dict.fromkeys(EDIT_KINDS, 0)
    headers = _HEADER.findall(text)
    for kind in EDIT_KINDS:
        entries = document.get(kind, [])
        if isinstance(entries, list) and len(entries) != headers.count(kind):
            problems.append(
                f"write each {kind} edit as its own [[{kind}]] table (found {len(entries)} entries)"
            )
    for kind in headers:
        entries = document.get(kind, [])
        seen[kind] += 1
        if isinstance(entries, list) and seen[kind] <= len(entries):
            label = f"{file.name}, {kind} {seen[kind]}"
            edit = _parse_edit(kind, entries[seen[kind] - 1], label, file, known)
            if isinstance(edit, Edit):
                edits.append(edit)
            else:
                problems.append(edit)
    return edits, problems


_KEYS = {"override": {"table", "where", "set"}, "add": {"table", "file"}, "remove": {"table", "where"}}


def _parse_edit(kind: str, entry: Any, label: str, file: Path, known: set[str]) -> Edit | str:
    """One edit, or a message saying what is wrong with it."""
    if not isinstance(entry, dict):
        return f"{label}: must be a table"
    table = entry.get("table")
    name = f"{table}.csv" if isinstance(table, str) and not table.endswith(".csv") else table
    if name not in known:
        return f"{label}: table must be one of {', '.join(sorted(known))}, got {table!r}"
    extra = set(entry) - _KEYS[kind]
    if extra:
        return f"{label}: unknown key(s) {', '.join(sorted(extra))}"
    if kind == "add":
        if not isinstance(entry.get("file"), str):
            return f'{label}: needs file = "rows.csv"'
        source = (file.parent / entry["file"]).resolve()
        if not source.is_file():
            return f"{label}: file '{entry['file']}' not found (looked for {source})"
        return Edit(kind, str(name), label, file=source)
    where, values = entry.get("where"), entry.get("set", {})
    if not isinstance(where, dict) or not where:
        return f"{label}: needs a non-empty where = {{ column = value }}"
    if kind == "override" and (not isinstance(values, dict) or not values):
        return f"{label}: needs a non-empty set = {{ column = value }}"
    return Edit(
        kind,
        str(name),
        label,
        where={str(k).lower(): cell_text(v) for k, v in where.items()},
        set={str(k).lower(): cell_text(v) for k, v in values.items()},
    )


def apply_edits(
    tables: dict[str, RawTable],
    specs: dict[str, TableSpec],
    edits: list[Edit],
    origins: RowOrigins,
    errors: list[InputError],
) -> None:
    """Apply the edits to the raw tables, one after another in the order written.

    Removing an order drops its lines, and removing an order, a line or a lot drops
    the reservations naming it, at that moment: later edits see the result.
    Edits of a table that could not be read are skipped (its error is reported).
    """
    for edit in edits:
        raw = tables.get(edit.table)
        if raw is None:
            continue
        if edit.kind == "add":
            _add(raw, edit, specs[edit.table], origins, errors)
            continue
        unknown = [c for c in [*edit.where, *edit.set] if c not in specs[edit.table].column_names]
        if unknown:
            errors.append(
                InputError(edit.label, None, None, f"{edit.table} has no column {', '.join(unknown)}")
            )
            continue
        match = pd.Series(True, index=raw.body.index)
        for column, value in edit.where.items():
            match &= raw.body[column] == value if column in raw.columns else False
        if not match.any():
            shown = ", ".join(f"{k} = {v!r}" for k, v in edit.where.items())
            errors.append(
                InputError(edit.label, None, "where", f"{{ {shown} }} matches no row of {edit.table}")
            )
        elif edit.kind == "remove":
            gone = raw.body[match]
            raw.body = raw.body[~match]
            _cascade(tables, edit.table, gone)
        else:
            for column, value in edit.set.items():
                _ensure_column(raw, column)
                raw.body.loc[match, column] = value
                for i in raw.body.index[match]:
                    origins.overridden[(edit.table, int(i) + 1, column)] = edit.label


def _ensure_column(raw: RawTable, column: str) -> None:
    if column not in raw.columns:
        raw.columns.append(column)
        raw.body[column] = ""


def _add(raw: RawTable, edit: Edit, spec: TableSpec, origins: RowOrigins, errors: list[InputError]) -> None:
    """Append the rows of the edit's file; they get index numbers from ADDED_BASE up."""
    assert edit.file is not None
    added = read_added_rows(edit.file, spec, errors)
    if added is None:
        return
    for column in added.columns:
        _ensure_column(raw, column)
    start = max(ADDED_BASE, int(raw.body.index.max()) + 1 if len(raw.body) else ADDED_BASE)
    rows = added.body.reindex(columns=raw.columns, fill_value="")
    for i, original in zip(range(start, start + len(rows)), rows.index):
        origins.added[(edit.table, i + 1)] = (edit.file.name, int(original) + 1)
    rows.index = pd.RangeIndex(start, start + len(rows))
    raw.body = pd.concat([raw.body, rows])


def _cascade(tables: dict[str, RawTable], table: str, gone: pd.DataFrame) -> None:
    """Drop the lines of removed orders, and the reservations of removed orders, lines and lots."""

    def drop(name: str, keys: list[str]) -> None:
        raw = tables.get(name)
        if raw is None or not set(keys) <= set(raw.columns) or not set(keys) <= set(gone.columns):
            return
        removed = set(gone[keys].itertuples(index=False, name=None))
        hit = pd.Series(list(raw.body[keys].itertuples(index=False, name=None)), index=raw.body.index)
        raw.body = raw.body[~hit.isin(removed)]

    if table == "orders.csv":
        drop("lines.csv", ["order"])
        drop("reservations.csv", ["order"])
    elif table == "lines.csv":
        drop("reservations.csv", ["order", "line"])
    elif table == "lots.csv":
        drop("reservations.csv", ["lot"])

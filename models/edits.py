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
        """The error with its row pointing at the file the row really came from."""
        if error.row is not None and (error.table, error.row) in self.added:
            source, row = self.added[(error.table, error.row)]
            return InputError(f"{source} (added to {error.table})", row, error.column, error.message)
        if error.row is not None and error.column is not None:
            label = self.overridden.get((error.table, error.row, error.column))
            if label is not None:
                return InputError(error.table, error.row, error.column, f"{error.message} (set by {label})")
        return error


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
    for kind in _HEADER.findall(text):
        entries = document.get(kind, [])
        seen[kind] += 1
        if isinstance(entries, list) and seen[kind] <= len(entries):
            label = f"{file.name}, {kind} {seen[kind]}"
            edit = _parse_edit(kind, entries[seen[kind] - 1], label, file, known)
            (edits if isinstance(edit, Edit) else problems).append(edit)  # type: ignore[arg-type]
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
    table: str,
    columns: list[str],
    body: pd.DataFrame,
    known_columns: tuple[str, ...],
    edits: list[Edit],
    read_rows: Any,
    origins: RowOrigins,
    errors: list[InputError],
    removed: dict[str, pd.DataFrame],
) -> tuple[list[str], pd.DataFrame]:
    """The table's columns (lower-case names) and body after the edits aimed at it.

    `body` has one text column per name in `columns`; its index + 1 is the
    spreadsheet row. Edits may name only `known_columns`. `read_rows(path, errors)`
    reads an added file into (columns, body) the same way, or None.
    `removed` collects removed rows per table, for the cascade.
    """
    columns = list(columns)
    body = _cascade(table, body, removed)
    for edit in (e for e in edits if e.table == table):
        if edit.kind == "add":
            assert edit.file is not None
            read = read_rows(edit.file, errors)
            if read is None:
                continue
            new_columns, new_body = read
            for c in new_columns:
                if c not in columns:
                    columns.append(c)
                    body[c] = ""
            start = max(ADDED_BASE, int(body.index.max()) + 1 if len(body) else ADDED_BASE)
            new_body = new_body.reindex(columns=columns, fill_value="")
            for i, original in zip(range(start, start + len(new_body)), new_body.index):
                origins.added[(table, i + 1)] = (edit.file.name, int(original) + 1)
            new_body.index = pd.RangeIndex(start, start + len(new_body))
            body = pd.concat([body, new_body])
            continue
        unknown = [c for c in [*edit.where, *edit.set] if c not in known_columns]
        if unknown:
            errors.append(InputError(edit.label, None, None, f"{table} has no column {', '.join(unknown)}"))
            continue
        match = pd.Series(True, index=body.index)
        for column, value in edit.where.items():
            match &= body[column] == value if column in columns else False
        if not match.any():
            shown = ", ".join(f"{k} = {v!r}" for k, v in edit.where.items())
            errors.append(InputError(edit.label, None, "where", f"{{ {shown} }} matches no row of {table}"))
            continue
        if edit.kind == "remove":
            removed[table] = pd.concat([removed.get(table, body.iloc[0:0]), body[match]])
            body = body[~match]
            continue
        for column, value in edit.set.items():
            if column not in columns:
                columns.append(column)
                body[column] = ""
            body.loc[match, column] = value
            for i in body.index[match]:
                origins.overridden[(table, int(i) + 1, column)] = edit.label
    return columns, body


def _cascade(table: str, body: pd.DataFrame, removed: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Drop the lines of removed orders, and the reservations of removed orders, lines and lots."""
    if table not in ("lines.csv", "reservations.csv"):
        return body
    keep = pd.Series(True, index=body.index)
    gone = removed.get("orders.csv")
    if gone is not None and "order" in body:
        keep &= ~body["order"].isin(set(gone["order"]))
    gone = removed.get("lines.csv")
    if table == "reservations.csv" and gone is not None and {"order", "line"} <= set(body):
        pairs = set(zip(gone["order"], gone["line"]))
        keep &= pd.Series(
            [(o, n) not in pairs for o, n in zip(body["order"], body["line"])], index=body.index
        )
    gone = removed.get("lots.csv")
    if table == "reservations.csv" and gone is not None and "lot" in body:
        keep &= ~body["lot"].isin(set(gone["lot"]))
    return body[keep]

"""Text cells that a spreadsheet never runs (SPEC 11): one rule to escape, one to undo it.

A spreadsheet treats a cell that begins with `=`, `+`, `-`, `@`, tab or carriage
return as a formula. Every text cell the planner writes (CSV or workbook) goes
through `escape_cell`, which puts one quote `'` before such a text (OWASP's
advice for CSV injection) and before a text that already starts with quotes
followed by one of those characters; every cell the planner reads goes through
`unescape_cell`, which takes exactly that one quote off again. So any text
round-trips, including one that genuinely starts with `'=`; numbers in number
columns (a negative quantity, a delta) stay numbers and are never quoted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from pathlib import Path

import pandas as pd

TRIGGERS = "=+-@\t\r"
"""The first characters that make a spreadsheet read a cell as a formula."""

_LEADS = [*TRIGGERS, "'"]
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def escape_cell(text: str) -> str:
    """`text` as a spreadsheet shows it as text: one quote more if it starts with quotes (or none) and then
    a formula character; otherwise unchanged."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def unescape_cell(text: str) -> str:
    """The text `escape_cell` was given: one leading quote less where quotes lead to a formula character."""
    return text[1:] if _QUOTED.match(text) else text


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell escaped; numbers (and number columns) as they are."""
    out = frame.copy()
    for position in range(len(out.columns)):
        column = out.iloc[:, position]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        if isinstance(column.dtype, pd.StringDtype):  # the tables' text columns: one regex over the column
            needs = column.str.match(_NEEDS_QUOTE.pattern).fillna(False).to_numpy(dtype=bool)
            if needs.any():
                out.isetitem(position, column.where(~needs, "'" + column).array)
        elif pd.api.types.is_string_dtype(column):
            # texts in an object column: only one that starts with a quote or a formula character can change
            suspect = column.str[:1].isin(_LEADS).to_numpy(dtype=bool)
            if suspect.any():
                values = column.to_numpy(dtype=object, copy=True)
                values[suspect] = [escape_cell(v) if isinstance(v, str) else v for v in values[suspect]]
                out.isetitem(position, values)
        else:
            out.isetitem(position, column.map(lambda v: escape_cell(v) if isinstance(v, str) else v).array)
    out.columns = pd.Index([escape_cell(str(c)) for c in out.columns])
    return out


def write_csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text (no index, `\\n` line ends) with every text cell escaped: the one way the
    planner writes a table."""
    return escape_frame(frame).to_csv(index=False, lineterminator="\n")


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of text cells read from a file, each cell unescaped (the header too). Only cells that
    begin with a quote can change, so only those are looked at (a 100k-line plan's tables hold
    millions of cells and almost none of them quoted)."""
    out = frame.copy()
    for position in range(len(out.columns)):
        column = out.iloc[:, position]
        quoted = column.str.startswith("'", na=False).to_numpy(dtype=bool)
        if quoted.any():
            values = column.to_numpy(dtype=object, copy=True)
            values[quoted] = [unescape_cell(v) for v in values[quoted]]
            out.isetitem(position, values)
    out.columns = pd.Index([unescape_cell(str(c)) for c in frame.columns])
    return out


def read_csv_text(text: str) -> pd.DataFrame:
    """A CSV table the planner wrote, given as text: every cell as unescaped text."""
    return unescape_frame(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))


def read_csv_file(path: Path, columns: Collection[str] | None = None) -> pd.DataFrame:
    """A CSV file the planner wrote (with `--excel-csv` a BOM first, which is no part of the header):
    every cell as unescaped text; only the `columns` the file has of those named, if given. Read by
    pyarrow's parser, on every core (a 100k-line plan's table in a third of the time pandas' own
    parser takes); the planner's files are regular, so both read them alike."""
    chosen = None
    if columns is not None:
        with path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file), [])
        chosen = [name for name in header if unescape_cell(name) in columns]
    return unescape_frame(
        pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", usecols=chosen, engine="pyarrow"
        )
    )

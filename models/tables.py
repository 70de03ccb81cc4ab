"""The scenario's CSV tables: their columns, and reading them into typed frames (SPEC section 2).

`read_raw` reads one CSV file's cells and `parse_table` turns them into a pandas frame with one column per
specified column, already parsed and defaulted, plus `ROW` (the spreadsheet row
of each record). Parsing is vectorised per column; cells that cannot be parsed
are reported as `InputError`s and left missing (NA / None) in the frame.
Cross-table checks live in `models.validation`.

The module is over 500 lines because the column specs and the per-kind parsers
they select are kept together: a new column kind changes both.
"""

from __future__ import annotations

import csv
import os
import re
import sys
import warnings
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from models.cells import unescape_frame
from models.errors import InputError
from models.records import DEFAULT_UNIT, FULFILLMENTS, LOT_STATUSES, ORDER_TYPES

ROW = "_row"
"""Frame column holding each record's spreadsheet row (header = row 1)."""

Kind = Literal["str", "int", "bool", "date", "list", "enum"]

_INT_RE = r"[+-]?[0-9]{1,18}"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
_TRUE_WORDS = [word for word, value in _BOOLS.items() if value]
_FALSE_WORDS = [word for word, value in _BOOLS.items() if not value]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: how its cells parse, and the value of an empty cell.

    `required` columns must be present in the file and non-empty in every row;
    otherwise an empty cell takes `default` (None: the record's field is None).
    """

    name: str
    kind: Kind = "str"
    required: bool = False
    default: object = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One CSV table: its file name, columns and key (duplicates of the key are errors)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    optional: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


MAX_QUANTITY = 10**12
"""The largest quantity a cell may hold: a million of them still add up within int64 (SPEC 11)."""
MAX_TOTAL = 10**18
"""The most a quantity column may add up to (int64 holds about 9.2 * 10**18)."""
MAX_COLUMNS = 1_000
"""The widest header a table may have (the contract's tables have at most 13 columns)."""
MAX_WINDOW_DAYS = 100_000
"""The longest allocation window in days (about 270 years; dates end in 9999)."""


def _req(name: str, kind: Kind = "str", minimum: int | None = None) -> Column:
    maximum = MAX_QUANTITY if kind == "int" else None
    return Column(name, kind, required=True, minimum=minimum, maximum=maximum)


def _quantity(name: str, default: int, minimum: int) -> Column:
    return Column(name, "int", default=default, minimum=minimum, maximum=MAX_QUANTITY)


ITEMS = TableSpec(
    "items.csv",
    (
        _req("item"),
        Column("description", default=""),
        Column("stocking", "bool", default=True),
        _quantity("safety_stock", default=0, minimum=0),
        Column("window_days", "int", default=None, minimum=0, maximum=MAX_WINDOW_DAYS),
        _quantity("pack_size", default=1, minimum=1),
        Column("unit", default=DEFAULT_UNIT),
    ),
    key=("item",),
)

LOTS = TableSpec(
    "lots.csv",
    (
        _req("lot"),
        _req("item"),
        _req("warehouse"),
        Column("owner", default=""),
        _req("quantity", "int", minimum=0),
        _quantity("allocated", default=0, minimum=0),
        _quantity("planned_issue", default=0, minimum=0),
        Column("pnp", "bool", default=True),
        Column("status", "enum", default="available", choices=LOT_STATUSES),
        Column("received", "date"),
        Column("expires", "date"),
        Column("due", "date"),
        Column("source_id", default=""),
    ),
    key=("lot",),
)

ORDERS = TableSpec(
    "orders.csv",
    (
        _req("order"),
        Column("type", "enum", default="sales", choices=ORDER_TYPES),
        Column("priority", "int", default=5, minimum=0, maximum=9),
        Column("full_delivery", "bool", default=False),
        Column("released", "bool", default=True),
        Column("printed", "bool", default=False),
        Column("warehouses", "list", default=()),
        Column("owners", "list", default=()),
        Column("customer", default=""),
        Column("keep", "bool", default=None),
    ),
    key=("order",),
)

LINES = TableSpec(
    "lines.csv",
    (
        _req("order"),
        _req("line"),
        _req("item"),
        _req("quantity", "int", minimum=1),
        _req("ship_date", "date"),
        Column("priority", "int", default=None, minimum=0, maximum=9),
        Column("requires_pnp", "bool", default=False),
        Column("full_line", "bool", default=False),
        Column("fulfillment", "enum", default="warehouse", choices=FULFILLMENTS),
        Column("po_received", "bool", default=False),
        Column("warehouses", "list", default=None),
        Column("owners", "list", default=None),
        Column("printed", "bool", default=None),
        Column("keep", "bool", default=None),
    ),
    key=("order", "line"),
)

KITS = TableSpec(
    "kits.csv",
    (_req("kit"), _req("component"), _req("quantity", "int", minimum=1)),
    key=("kit", "component"),
    optional=True,
)

ALTERNATES = TableSpec(
    "alternates.csv",
    (_req("item"), _req("alternate"), Column("rank", "int", default=1, minimum=1)),
    key=("item", "alternate"),
    optional=True,
)

SAFETY_STOCK = TableSpec(
    "safety_stock.csv",
    (_req("item"), _req("warehouse"), _req("quantity", "int", minimum=0)),
    key=("item", "warehouse"),
    optional=True,
)

RESERVATIONS = TableSpec(
    "reservations.csv",
    (_req("order"), _req("line"), _req("lot"), _req("quantity", "int", minimum=1)),
    optional=True,
)

PINS = TableSpec(
    "pins.csv",
    (
        _req("order"),
        _req("line"),
        _req("lot"),
        _req("quantity", "int", minimum=0),
        Column("only", "bool", default=False),
    ),
    key=("order", "line", "lot"),
    optional=True,
)

TABLES: tuple[TableSpec, ...] = (
    ITEMS,
    LOTS,
    ORDERS,
    LINES,
    KITS,
    ALTERNATES,
    SAFETY_STOCK,
    RESERVATIONS,
    PINS,
)
"""Every table of a scenario, in reading order."""


@dataclass(slots=True)
class RawTable:
    """A table's cells as text, before parsing: one column per known column name (lower case).

    The body's index + 1 is each record's spreadsheet row. `usable` is False when a
    required column is missing (the table then takes no part in cross-checks).
    """

    columns: list[str]
    body: pd.DataFrame
    usable: bool = True


def read_raw(folder: Path, spec: TableSpec, errors: list[InputError]) -> RawTable | None:
    """The table's text cells from `folder`, or None when the file cannot be read.

    An absent or blank optional table is an empty table; an absent required table
    is an error, and so is any table that is there but cannot be read (a folder,
    a broken link, a file without read permission: SPEC 11). Header problems are
    reported; unknown columns warn.
    """
    path = folder / spec.name
    if not os.path.lexists(path):
        if spec.optional:
            return RawTable([], pd.DataFrame(index=pd.RangeIndex(0)))
        errors.append(InputError(spec.name, None, None, f"required table {spec.name} not found in {folder}"))
        return None
    if not path.is_file():
        what = "a link to nothing" if not path.exists() else "not a file"
        errors.append(InputError(spec.name, None, None, f"{path} is {what}; it cannot be read as a table"))
        return None
    if spec.optional and _blank_file(path):
        return RawTable([], pd.DataFrame(index=pd.RangeIndex(0)))
    cells = _read_cells(path, spec.name, errors)
    if cells is None:
        return None
    return raw_from_cells(*cells, spec, errors)


def raw_from_cells(
    header: list[str], body: pd.DataFrame, spec: TableSpec, errors: list[InputError]
) -> RawTable:
    """The table from text cells read elsewhere (a CSV file, a workbook sheet).

    `header` holds the stripped column names; `body` the stripped text cells, one
    column per header position, indexed by spreadsheet row - 1, blank rows dropped.
    Header problems are reported under `spec.name`; unknown columns warn.
    """
    if len(header) > MAX_COLUMNS:
        errors.append(_too_wide(spec.name, len(header)))
        return RawTable([], pd.DataFrame(index=body.index), usable=False)
    positions, usable = _match_header(header, body, spec, errors)
    named = pd.DataFrame({str(n): body[p] for n, p in positions.items()}, index=body.index)
    return RawTable(list(positions), named, usable)


def parse_table(raw: RawTable, spec: TableSpec, errors: list[InputError]) -> pd.DataFrame | None:
    """The table parsed per `spec`: the spec's columns plus `ROW`; None when not usable.

    Cell errors are reported even for a table that is not usable.
    """
    body = raw.body
    rows = pd.Series(body.index + 1, index=body.index, dtype="int64")
    data: dict[str, pd.Series] = {}
    for column in spec.columns:
        present = column.name in raw.columns
        cells = body[column.name] if present else pd.Series("", index=body.index, dtype="str")
        data[column.name] = _parse_column(
            cells, column, spec.name, rows, errors, report_empty=present or not column.required
        )
    frame = pd.DataFrame(data, index=body.index)
    frame[ROW] = rows
    return frame.reset_index(drop=True) if raw.usable else None


def read_added_rows(path: Path, spec: TableSpec, errors: list[InputError]) -> RawTable | None:
    """Rows to add to `spec`'s table from another CSV file; its header must name the required columns."""
    cells = _read_cells(path, path.name, errors)
    if cells is None:
        return None
    header, body = cells
    names = [h.lower() for h in header]
    problems = [
        InputError(path.name, 1, n, f"{spec.name} has no column '{n}'")
        for n in names
        if n not in spec.column_names
    ]
    problems += [
        InputError(path.name, 1, c.name, f"required column '{c.name}' is missing")
        for c in spec.columns
        if c.required and c.name not in names
    ]
    if len(set(names)) != len(names):
        problems.append(InputError(path.name, 1, None, "a column appears more than once"))
    errors.extend(problems)
    if problems:
        return None
    body.columns = pd.Index(names)
    return RawTable(names, body)


def _blank_file(path: Path) -> bool:
    """True for a small file holding nothing but whitespace (an optional table saved empty)."""
    try:
        return path.stat().st_size < 1024 and not path.read_bytes().strip()
    except OSError:
        return False


def _read_cells(path: Path, table: str, errors: list[InputError]) -> tuple[list[str], pd.DataFrame] | None:
    """The stripped header names and body cells (index = record number - 1; blank rows dropped).

    The header is read first, alone: a table wider than MAX_COLUMNS is refused before pandas parses it.
    """
    width = _header_width(path)
    if width is not None and width > MAX_COLUMNS:
        errors.append(_too_wide(table, width))
        return None
    try:
        raw = pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",  # Excel's "CSV UTF-8" starts with a BOM
        )
    except pd.errors.EmptyDataError:
        errors.append(InputError(table, None, None, "the file is empty; it needs at least a header row"))
        return None
    except pd.errors.ParserError:
        errors.extend(_ragged_rows(path, table))
        return None
    except UnicodeDecodeError as exc:
        errors.append(_not_utf8(path, table, exc))
        return None
    except OSError as exc:
        errors.append(InputError(table, None, None, f"cannot read the file: {exc}"))
        return None
    raw = unescape_frame(raw.apply(lambda col: col.str.strip()))
    header = [str(h) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:]
    body = body[(body != "").any(axis=1)]
    return header, body


def _not_utf8(path: Path, table: str, exc: UnicodeDecodeError) -> InputError:
    """The error for a file that is not UTF-8, at the line and column of its first bad byte."""
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as found:
        start = found.start
    except OSError:
        start = None
    if start is None:
        return InputError(
            table, None, None, f"the file is not UTF-8 text ({exc.reason}); save it as CSV UTF-8"
        )
    line_start = data.rfind(b"\n", 0, start) + 1
    before = data[line_start:start].decode("utf-8", errors="replace")
    position = len(next(csv.reader([before]), [""])) - 1 if before else 0
    first = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    header = [h.strip().lower() for h in next(csv.reader([first]), [])]
    line = data.count(b"\n", 0, start) + 1
    column = header[position] if line > 1 and position < len(header) and header[position] else None
    message = f"byte 0x{data[start]:02x} is not UTF-8 text; save the file as CSV UTF-8"
    return InputError(table, line, column, message)


def _header_width(path: Path) -> int | None:
    """How many columns the file's first record has; None if the csv module cannot tell (pandas will)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return len(next(csv.reader(handle), []))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def _too_wide(table: str, width: int) -> InputError:
    return InputError(
        table, 1, None, f"the header has {width:,} columns; a table has at most {MAX_COLUMNS:,}"
    )


def _ragged_rows(path: Path, table: str) -> list[InputError]:
    """One error per row that has more cells than the header (pandas stops at the first one)."""
    found: list[InputError] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            width = len(next(reader, []))
            for number, cells in enumerate(reader, start=2):
                if len(cells) > width:
                    message = f"the row has {len(cells)} cells but the header has {width} columns"
                    found.append(InputError(table, number, None, message))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        found.append(InputError(table, None, None, f"cannot read the file as CSV: {exc}"))
    if not found:
        found.append(InputError(table, None, None, "cannot read the file as CSV"))
    return found


def _match_header(
    header: list[str], body: pd.DataFrame, spec: TableSpec, errors: list[InputError]
) -> tuple[dict[str, Hashable], bool]:
    """Map each known column name (case-insensitive) to its position in `body`; report header problems.

    Returns the mapping and whether every required column is present. Unknown
    columns warn; unnamed columns warn only if they hold data.
    """
    known = set(spec.column_names)
    positions: dict[str, Hashable] = {}
    unknown: list[str] = []
    for position, name in zip(body.columns, header, strict=True):
        key = name.lower()
        if key in positions:
            errors.append(InputError(spec.name, 1, key, f"column '{key}' appears more than once"))
        elif key in known:
            positions[key] = position
        elif key == "":
            if (body[position] != "").any():
                _warn(f"{spec.name}: an unnamed column (column {int(str(position)) + 1}) is ignored")
        else:
            unknown.append(name)
    if len(unknown) == 1:
        _warn(f"{spec.name}: unknown column '{unknown[0]}' is ignored")
    elif unknown:
        shown = ", ".join(f"'{n}'" for n in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        _warn(f"{spec.name}: {len(unknown):,} unknown columns are ignored: {shown}")
    usable = True
    for column in spec.columns:
        if column.required and column.name not in positions:
            errors.append(
                InputError(spec.name, 1, column.name, f"required column '{column.name}' is missing")
            )
            usable = False
    return positions, usable


def _warn(message: str) -> None:
    """Warn at the first caller outside the `models` package (whichever loader path led here, through
    any context-manager decorators)."""
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(
        ("models.", "contextlib")
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UserWarning, stacklevel=level)


def _parse_column(
    raw: pd.Series,
    column: Column,
    table: str,
    rows: pd.Series,
    errors: list[InputError],
    report_empty: bool = True,
) -> pd.Series:
    """The column's parsed values: invalid or required-but-empty cells are missing and reported.

    Int columns are Int64, bool columns boolean (NA = missing); date and list
    columns hold Python objects (None = missing); str and enum columns str.
    Empty cells of non-required columns take the column's default.
    """
    empty = raw == ""
    values, invalid = _PARSERS[column.kind](raw, column)
    invalid = invalid & ~empty
    if invalid.any():
        message = _INVALID_MESSAGES[column.kind]
        _report(errors, table, column.name, rows, raw, invalid, lambda v: message(v, column))
    if column.kind == "int" and (column.minimum is not None or column.maximum is not None):
        out_of_range = pd.Series(False, index=raw.index)
        if column.minimum is not None:
            out_of_range |= (values < column.minimum).fillna(False).astype(bool)
        if column.maximum is not None:
            out_of_range |= (values > column.maximum).fillna(False).astype(bool)
        if out_of_range.any():
            _report(
                errors,
                table,
                column.name,
                rows,
                raw,
                out_of_range,
                lambda v: f"{column.name} must be {_range_rule(column, int(v))}, got '{v}'",
            )
            values = values.mask(out_of_range)
    if column.required:
        if report_empty and empty.any():
            _report(
                errors,
                table,
                column.name,
                rows,
                raw,
                empty,
                lambda v: f"{column.name} is required but the cell is empty",
            )
    elif column.default not in (None, "") and column.kind in ("int", "bool", "enum", "str") and empty.any():
        values = values.copy()
        values[empty] = column.default
    return values


def _report(
    errors: list[InputError],
    table: str,
    column: str,
    rows: pd.Series,
    raw: pd.Series,
    mask: pd.Series,
    message: Callable[[str], str],
) -> None:
    """Append one error per cell selected by `mask`."""
    for row, value in zip(rows[mask].tolist(), raw[mask].tolist(), strict=True):
        errors.append(InputError(table, int(row), column, message(str(value))))


def _range_rule(column: Column, value: int) -> str:
    """The bound `value` breaks: "between 0 and 9" for a short range, else the one side it is past."""
    if column.minimum is not None and column.maximum is not None and column.maximum <= 100:
        return f"between {column.minimum} and {column.maximum}"
    if column.minimum is not None and value < column.minimum:
        return f"at least {column.minimum}"
    return f"at most {column.maximum:,}"


def _parse_str(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Text as given; required columns are missing (NA) where empty."""
    values = raw.where(raw != "") if column.required else raw
    return values, pd.Series(False, index=raw.index)


def _parse_int(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (Int64, NA where empty or invalid) and the mask of cells that are not whole numbers.

    Each distinct text is parsed once (a quantity column holds few of them)."""
    codes, texts = pd.factorize(raw, use_na_sentinel=False)
    distinct = pd.Series(texts, dtype=raw.dtype)
    ok = distinct.str.fullmatch(_INT_RE).fillna(False).astype(bool).to_numpy()
    numbers = np.zeros(len(distinct), dtype="int64")
    numbers[ok] = distinct[ok].astype("int64").to_numpy()
    invalid = ~ok[codes]
    values = pd.arrays.IntegerArray(numbers[codes], invalid)
    return pd.Series(values, index=raw.index), pd.Series(invalid, index=raw.index, name=raw.name)


def _parse_bool(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """true/false, yes/no, 1/0 in any case (boolean, NA where empty or invalid) and the invalid mask."""
    lowered = raw.str.lower()
    true = lowered.isin(_TRUE_WORDS).to_numpy(dtype=bool)
    missing = ~(true | lowered.isin(_FALSE_WORDS).to_numpy(dtype=bool))
    values = pd.arrays.BooleanArray(true, missing)
    return pd.Series(values, index=raw.index, name=raw.name), pd.Series(
        missing, index=raw.index, name=raw.name
    )


def _parse_enum(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """One of the column's choices, any case, normalised to lower case (NA where invalid)."""
    lowered = raw.str.lower()
    ok = lowered.isin(column.choices)
    return lowered.where(ok), ~ok


def _parse_date(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """ISO dates YYYY-MM-DD as `datetime.date` (None where empty or invalid) and the invalid mask.

    Each distinct text is parsed once, so dates outside pandas' timestamp range
    (e.g. 9999-12-31) are fine.
    """
    codes, texts = pd.factorize(raw, use_na_sentinel=False)
    parsed = np.empty(len(texts), dtype=object)
    parsed[:] = [_iso_date(text) for text in texts.tolist()]
    values = pd.Series(parsed[codes], index=raw.index, dtype=object, name=raw.name)
    return values, values.isna()


def _iso_date(text: str) -> date | None:
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_list(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """`;`-separated lists as tuples (entries stripped, empty entries and repeats dropped, order kept).

    An empty cell gives the column's default (None or ()); nothing is invalid.
    """
    parsed: dict[str, object] = {}
    for text in raw.unique().tolist():
        if text == "":
            parsed[text] = column.default
        else:
            entries = (entry.strip() for entry in text.split(";"))
            parsed[text] = tuple(dict.fromkeys(entry for entry in entries if entry))
    values = pd.Series([parsed[text] for text in raw.tolist()], index=raw.index, dtype=object)
    return values, pd.Series(False, index=raw.index)


_PARSERS: dict[Kind, Callable[[pd.Series, Column], tuple[pd.Series, pd.Series]]] = {
    "str": _parse_str,
    "int": _parse_int,
    "bool": _parse_bool,
    "enum": _parse_enum,
    "date": _parse_date,
    "list": _parse_list,
}

_INVALID_MESSAGES: dict[Kind, Callable[[str, Column], str]] = {
    "str": lambda v, c: f"'{v}' is not valid",
    "int": lambda v, c: f"'{v}' is not a whole number",
    "bool": lambda v, c: f"'{v}' is not a boolean (use true/false, yes/no or 1/0)",
    "enum": lambda v, c: f"'{v}' is not a valid {c.name} (one of: {', '.join(c.choices)})",
    "date": lambda v, c: f"'{v}' is not a date (use YYYY-MM-DD)",
    "list": lambda v, c: f"'{v}' is not valid",
}

"""A scenario's tables as one Excel workbook: one sheet per table, named like the CSV file without `.csv`.

`read_workbook` turns each sheet into the same raw text table a CSV file gives
(`models.tables.raw_from_cells`), so a workbook goes through exactly the same
parsing and validation; `workbook_error` names the sheet in an error
(`book.xlsx[lines], row 7, column quantity: ...`, rows as Excel numbers them).
`write_workbook` writes the tables (or an empty template) with a documentation sheet.
`table_sheet` is the one way a sheet of a table is written (the template's, a count sheet's and
plan.xlsx's: no cell a formula), `workbook_bytes` the file without a clock in it, and `read_sheets`
reads a workbook's sheets back as CSV text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from models.cells import escape_cell, unescape_cell
from models.errors import InputError, InputErrors, PlannerError
from models.tables import TABLES, RawTable, TableSpec, raw_from_cells, read_raw

WORKBOOK_SUFFIX = ".xlsx"
DOC_SHEET = "documentation"
"""The sheet `write_workbook` explains the tables in; the loader ignores it."""
CREATOR = "allocation-planner"
"""The creator property of every workbook the planner writes."""


def is_workbook(path: Path) -> bool:
    """True when a scenario's `data` names a workbook rather than a folder of CSV files."""
    return path.suffix.lower() == WORKBOOK_SUFFIX


def sheet_name(spec: TableSpec) -> str:
    """The sheet holding a table: its file name without `.csv` (`lines`)."""
    return spec.name.removesuffix(".csv")


def sheet_label(book: Path | str, spec: TableSpec) -> str:
    """How errors name a sheet: `book.xlsx[lines]`."""
    return f"{Path(book).name}[{sheet_name(spec)}]"


def read_workbook(
    path: Path, specs: Iterable[TableSpec], errors: list[InputError]
) -> dict[str, RawTable | None]:
    """Each table's text cells from its sheet, keyed by the table's file name (`lines.csv`).

    A missing or empty optional sheet is an empty table; a missing required
    sheet is an error. Cells become the text a CSV would hold (whole numbers
    without `.0`, dates as YYYY-MM-DD, booleans as true/false), so they parse
    exactly like CSV cells. Formulas count by their saved value.
    """
    import openpyxl  # imported here: 0.2 s that scenarios of CSV files need not pay
    from openpyxl.utils.exceptions import InvalidFileException

    specs = tuple(specs)
    book = path.name
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        errors.append(InputError(book, None, None, f"cannot read the workbook: {exc}"))
        return {spec.name: None for spec in specs}
    try:
        sheets = {name.strip().lower(): workbook[name] for name in workbook.sheetnames}
        known = {sheet_name(spec) for spec in specs} | {DOC_SHEET}
        for name in sorted(set(sheets) - known):
            warnings.warn(f"{book}: unknown sheet '{name}' is ignored", UserWarning, stacklevel=3)
        raws: dict[str, RawTable | None] = {}
        for spec in specs:
            label = sheet_label(path, spec)
            sheet = sheets.get(sheet_name(spec))
            if sheet is None:
                if spec.optional:
                    raws[spec.name] = RawTable([], pd.DataFrame(index=pd.RangeIndex(0)))
                else:
                    message = f"required sheet '{sheet_name(spec)}' not found in {book}"
                    errors.append(InputError(label, None, None, message))
                    raws[spec.name] = None
                continue
            header, body = _sheet_cells(sheet)
            if not header and body.empty:
                if spec.optional:
                    raws[spec.name] = RawTable([], pd.DataFrame(index=pd.RangeIndex(0)))
                else:
                    errors.append(InputError(label, None, None, "the sheet is empty; it needs a header row"))
                    raws[spec.name] = None
                continue
            raws[spec.name] = raw_from_cells(header, body, dataclasses.replace(spec, name=label), errors)
        return raws
    finally:
        workbook.close()


def read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook as the text cells a CSV would hold (header as columns, blank rows
    dropped), by sheet name; raises OSError or ValueError when it is no workbook openpyxl reads."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"not a workbook: {exc}") from exc
    try:
        sheets = {}
        for name in workbook.sheetnames:
            header, body = _sheet_cells(workbook[name])
            body = body.reindex(columns=range(len(header)), fill_value="")
            sheets[name] = pd.DataFrame(body.to_numpy(), columns=header, dtype=object)
        return sheets
    finally:
        workbook.close()


def workbook_error(error: InputError, book: Path | str) -> InputError:
    """An error in a table (`lines.csv`) pointed at its sheet (`book.xlsx[lines]`), in the message too."""
    if error.table not in {spec.name for spec in TABLES}:
        return error
    table, message = error.table, error.message
    for spec in TABLES:
        label = sheet_label(book, spec)
        table = label if table == spec.name else table
        message = message.replace(spec.name, label)
    return InputError(table, error.row, error.column, message)


def _sheet_cells(sheet: Any) -> tuple[list[str], pd.DataFrame]:
    """Header names and body text cells; the body's index is the Excel row number - 1, blank rows dropped."""
    sheet.reset_dimensions()  # some writers record a wrong sheet size; read what is there
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(min_row=1, values_only=True)]
    width = max((len(r) for r in rows), default=0)
    if not rows or not any(any(r) for r in rows):
        return [], pd.DataFrame()
    padded = [r + [""] * (width - len(r)) for r in rows]
    header = padded[0]
    body = pd.DataFrame(padded[1:], index=pd.RangeIndex(1, len(padded)), columns=range(width), dtype=str)
    body = body[(body != "").any(axis=1)]
    return header, body


def _cell_text(value: object) -> str:
    """A cell's value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return unescape_cell(str(value).strip())


def read_folder_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The known columns of a folder's CSV tables as text, keyed by file name; raises `InputErrors`."""
    errors: list[InputError] = []
    raws = {spec.name: read_raw(folder, spec, errors) for spec in TABLES}
    if errors:
        raise InputErrors(errors)
    return {name: raw.body for name, raw in raws.items() if raw is not None}


def written_by_planner(path: Path) -> bool:
    """True for a workbook that `write_workbook` wrote (its creator property says so)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # not a workbook at all, or not one openpyxl can read: not ours
        return False
    try:
        return bool(workbook.properties.creator == CREATOR)
    finally:
        workbook.close()


def write_workbook(path: Path, tables: Mapping[str, pd.DataFrame] | None = None) -> None:
    """Write the tables (keyed by file name, `lines.csv`) as a workbook, atomically; None: an empty template.

    Every table gets a sheet with its header row (a table's own columns, or
    all the contract's columns when it is missing or empty) and a
    `documentation` sheet explains every column. Whole numbers in number
    columns are written as numbers, everything else as text cells escaped
    like CSV cells (models.cells), so no cell is ever a formula.
    """
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.properties.creator = CREATOR
    _documentation_sheet(workbook.active)
    for spec in TABLES:
        _table_sheet(workbook, spec, (tables or {}).get(spec.name), Path(path).name)
    _save(workbook, Path(path))


def write_table_workbook(path: Path, spec: TableSpec, frame: pd.DataFrame) -> None:
    """Write one table as a workbook of one sheet named after it (`sheet_name`), atomically, with the
    same cells as `write_workbook` (numbers in number columns, no formula)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.properties.creator = CREATOR
    workbook.remove(workbook.active)
    _table_sheet(workbook, spec, frame, Path(path).name)
    _save(workbook, Path(path))


def _table_sheet(workbook: Any, spec: TableSpec, frame: pd.DataFrame | None, book: str) -> None:
    """A sheet for `spec`'s table: its header, then the frame's rows (none for None); dates stay text
    (the loader reads either), so a planner's own `2026-11-20` is never turned into a number."""
    columns = list(frame.columns) if frame is not None and len(frame.columns) else list(spec.column_names)
    kinds: dict[str, CellKind] = {c.name: "int" for c in spec.columns if c.kind == "int"}
    rows = frame.itertuples(index=False) if frame is not None else ()
    table_sheet(workbook, sheet_name(spec), columns, rows, kinds, book=book)


CellKind = Literal["int", "float", "date", "str"]
"""How a column's cells are written: numbers as numbers (whole ones in "int" columns, any finite one
in "float" columns), ISO dates as date cells, everything else as text."""


class UnwritableCell(PlannerError):
    """A text holds a control character no worksheet can hold (XML 1.0 forbids it): wrong input, exit 2."""

    exit_code = 2


_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""The characters a worksheet cannot hold (openpyxl refuses them: XML 1.0 has no way to write them)."""


def table_sheet(
    workbook: Any,
    name: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    kinds: Mapping[str, CellKind],
    filters: bool = False,
    book: str = "",
) -> Any:
    """Add a sheet `name` of a table: a bold, frozen header row, then the rows, each cell as
    `kinds` says of its column (`_cell_value`: numbers, dates, else text escaped like a CSV cell,
    models.cells), so no cell is ever a formula. Columns are as wide as their content; `filters`
    puts a filter over the table. Raises UnwritableCell, naming `book[name]`, row and column, for a
    text no worksheet can hold."""
    sheet = workbook.create_sheet(name)
    header = [escape_cell(str(c)) for c in columns]
    column_kinds: list[CellKind] = [kinds.get(str(c), "str") for c in columns]
    for number, row in enumerate([header, *rows], start=1):
        cells = header if number == 1 else [_cell_value(v, kind) for kind, v in zip(column_kinds, row)]
        for column, cell in zip(columns, cells):
            if isinstance(cell, str) and (bad := _NOT_IN_XML.search(cell)):
                raise UnwritableCell(
                    f"{book}[{name}], row {number}, column {column}: {cell!r} holds the control character "
                    f"U+{ord(bad.group()):04X}, which no workbook can hold; remove it from the data "
                    "(the CSV files can hold it)"
                )
        sheet.append(cells)
    _no_formulas(sheet)
    _format_sheet(sheet, [str(c) for c in columns], column_kinds)
    if filters:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def workbook_bytes(workbook: Any, stamp: dt.datetime) -> bytes:
    """The workbook's file, the same bytes for the same content: its created and modified properties
    and every zip entry's time are `stamp` (openpyxl puts the clock in both; a zip's times start in
    1980)."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = workbook.properties.modified = stamp
    zip_time = max(stamp, dt.datetime(1980, 1, 1)).timetuple()[:6]  # a zip holds no earlier time
    first = io.BytesIO()
    with zipfile.ZipFile(first, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    final = io.BytesIO()
    with zipfile.ZipFile(first) as written, zipfile.ZipFile(final, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in written.infolist():
            timed = zipfile.ZipInfo(entry.filename, date_time=zip_time)
            archive.writestr(timed, written.read(entry), compress_type=zipfile.ZIP_DEFLATED)
    return final.getvalue()


def _save(workbook: Any, path: Path) -> None:
    """Save the workbook at `path` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", suffix=WORKBOOK_SUFFIX, dir=path.parent)
    os.close(handle)
    try:
        workbook.save(staging)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def _no_formulas(sheet: Any) -> None:
    """Every text cell a string cell (openpyxl takes a text starting with `=` for a formula)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _cell_value(value: object, kind: CellKind) -> object:
    """What a cell holds: None for empty, an int for a whole number in an "int" column, a float for a
    number in a "float" column, a date for an ISO date in a "date" column, else the text, escaped
    (models.cells: a spreadsheet shows it as text)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if text == "":
        return None
    if kind == "int" and re.fullmatch(r"[+-]?[0-9]{1,18}", text):
        return int(text)
    if kind == "float" and re.fullmatch(r"[+-]?[0-9]{1,18}(\.[0-9]+)?([eE][+-]?[0-9]+)?", text):
        return float(text)
    if kind == "date" and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return escape_cell(text)


_MIN_WIDTH, _MAX_WIDTH = 12, 60


def _format_sheet(sheet: Any, columns: list[str], kinds: Sequence[CellKind]) -> None:
    """Bold, frozen header; text format for text columns (Excel keeps `007` and `2026-11-20`), a date
    format for date columns; each column as wide as its header or its longest cell, within bounds."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(column) + 4 for column in columns]
    for row in sheet.iter_rows(min_row=2):
        for position, cell in enumerate(row):
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
                widths[position] = max(widths[position], 12)
            elif cell.value is not None:
                widths[position] = max(widths[position], len(str(cell.value)) + 2)
    for position, (kind, width) in enumerate(zip(kinds, widths), start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = min(_MAX_WIDTH, max(_MIN_WIDTH, width))
        if kind == "str":
            sheet.column_dimensions[letter].number_format = "@"


def _documentation_sheet(sheet: Any) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = DOC_SHEET
    sheet.append(["Allocation planner scenario workbook (the contract: SPEC section 2)"])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in _INTRO:
        sheet.append([line])
    sheet.append([])
    sheet.append(["sheet", "column", "required", "meaning", "default (empty cell)"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for table, rows in COLUMN_DOCS.items():
        spec = next(s for s in TABLES if sheet_name(s) == table)
        required = {c.name for c in spec.columns if c.required}
        for column, meaning, default in rows:
            key = " (key)" if column in spec.key else ""
            sheet.append([table, column, ("yes" if column in required else "") + key, meaning, default])
    for letter, width in zip("ABCDE", (14, 16, 12, 90, 22)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


_INTRO = (
    "One sheet per table, named like the CSV file without .csv; the header row is row 1;",
    "column order is free; unknown columns are ignored with a warning; an empty cell takes the default.",
    "Sheets kits, alternates, safety_stock, reservations and pins are optional.",
    "Booleans: true/false, yes/no, 1/0. Dates: Excel dates or text YYYY-MM-DD.",
    "Lists: ';'-separated, first preferred. Quantities: whole numbers in the item's base unit.",
    "Errors name the sheet and the Excel row: book.xlsx[lines], row 7, column quantity.",
    'Use it from a scenario file: data = "book.xlsx" (relative to the scenario file).',
)

COLUMN_DOCS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "items": (
        ("item", "item (part) number", ""),
        ("description", "free text", '""'),
        ("stocking", "false = nonstock item: its lines are always fully allocated, with no lot", "true"),
        (
            "safety_stock",
            "quantity, over all warehouses, that automatic allocation must leave unallocated",
            "0",
        ),
        ("window_days", "a line is allocated only if ship_date <= today + window_days", "no window"),
        ("pack_size", "a line of this item is allocated only in whole multiples of pack_size", "1"),
        ("unit", "the unit its whole-number quantities count (e.g. pcs, 0.1 l)", "pcs"),
    ),
    "lots": (
        ("lot", "stock lot id", ""),
        ("item", "item held", ""),
        ("warehouse", "where it is", ""),
        ("owner", "inventory owner (empty = the company itself)", '""'),
        ("quantity", "physically in stock", ""),
        ("allocated", "already committed outside this plan (frozen)", "0"),
        ("planned_issue", "planned issues from delivery/picking orders", "0"),
        ("pnp", "suitable for pick-and-place", "true"),
        (
            "status",
            "available, ingesting, quarantine or blocked; only available lots are allocable",
            "available",
        ),
        ("received", "date received (FIFO tie-break)", "none"),
        ("expires", "expiry date (FEFO tie-break; an expired lot is not allocable)", "none"),
        (
            "due",
            "expected receipt date of supply still to come; it serves lines shipping on or after it",
            "on hand",
        ),
        ("source_id", "the lot's id in the system it was imported from (InvenTree's stock-item pk)", "none"),
    ),
    "orders": (
        ("order", "order number", ""),
        ("type", "sales, distribution, production, loaner, shop or quote", "sales"),
        ("priority", "delivery priority 0..9, 0 highest", "5"),
        ("full_delivery", "every open line fully allocated, or nothing for the order", "false"),
        ("released", "only released orders are allocated", "true"),
        ("printed", "a pick list exists: the order is not allocated", "false"),
        ("warehouses", "allowed warehouses, preferred first", "any"),
        ("owners", "allowed inventory owners, preferred first; * = any", "any (the company's own if set)"),
        ("customer", "free text", '""'),
        ("keep", "re-planning: its lines keep at least what the previous plan gave them", "[plan] keep"),
    ),
    "lines": (
        ("order", "order number (key: order and line)", ""),
        ("line", "line number within the order", ""),
        ("item", "item required (a kit item: see kits)", ""),
        ("quantity", "open quantity still to allocate (> 0)", ""),
        ("ship_date", "shipping / schedule date", ""),
        ("priority", "overrides the order's priority", "order's"),
        ("requires_pnp", "only pnp lots may serve this line", "false"),
        ("full_line", "the whole quantity or nothing", "false"),
        ("fulfillment", "warehouse, special_order or vendor_shipment", "warehouse"),
        ("po_received", "special_order lines are allocated only once their PO is received", "false"),
        ("warehouses", "overrides the order's warehouses", "order's"),
        ("owners", "overrides the order's owners", "order's"),
        ("printed", "overrides the order's printed flag", "order's"),
        ("keep", "overrides the order's keep flag", "order's"),
    ),
    "kits": (
        ("kit", "kit item (holds no lots; its lines are allocated in whole kits)", ""),
        ("component", "component item", ""),
        ("quantity", "component quantity per kit", ""),
    ),
    "alternates": (
        ("item", "item whose lines may also take the alternate", ""),
        ("alternate", "item whose lots may serve them (one way, not transitive)", ""),
        ("rank", "1 = best; the primary item is preferred, then lower rank", "1"),
    ),
    "safety_stock": (
        ("item", "item", ""),
        ("warehouse", "warehouse", ""),
        ("quantity", "safety stock of the item in this warehouse, on top of the item's own", ""),
    ),
    "reservations": (
        ("order", "order of the reserved line", ""),
        ("line", "reserved line", ""),
        ("lot", "lot reserved", ""),
        ("quantity", "allocated before anything else; may use safety stock", ""),
    ),
    "pins": (
        ("order", "order of the pinned line", ""),
        ("line", "pinned line", ""),
        ("lot", "lot pinned", ""),
        ("quantity", "the line gets exactly this much of the lot (0: never from it)", ""),
        ("only", "the line gets nothing from lots it is not pinned to", "false"),
    ),
}

"""Stock take (SPEC 9, seed 001): a sheet of the lots to count, and the counts as a what-if.

`count_sheet` lists the scenario's lots on hand (lot, item, warehouse, owner,
quantity, allocated, planned_issue, counted empty); `write_sheet` writes it as
a workbook or a CSV file. `read_counts` reads a filled sheet (either form) with
the loader's own parsing, so a bad number names the file (or sheet), row and
column. `stock_take` turns the counts into the changes of a what-if
(`planner.app.whatif`): `listed` sets the quantity of each counted lot;
`all` also sets every uncounted lot on hand to 0 unless something is
committed on it (allocated, planned issues, reservations: it keeps its
quantity). `write_whatif` writes the what-if as a TOML file that extends the
scenario (and the new lots, if any, as a CSV file beside it that the TOML
adds), refusing before anything is written.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.cells import write_csv_text
from models.errors import InputError, InputErrors
from models.loading import scenario_inputs
from models.records import Lot, Scenario
from models.tables import MAX_QUANTITY, ROW, Column, TableSpec, parse_table, read_raw
from models.workbook import is_workbook, read_workbook, sheet_label, write_table_workbook, written_by_planner
from planner.app.counting import Mode
from planner.app.whatif import WHATIF_HEADER, Change, WhatIf, lot_floor, lot_quantity, to_toml
from planner.result.output import refuse_file, safe_name, write_file_atomically


def _number(name: str) -> Column:
    return Column(name, "int", minimum=0, maximum=MAX_QUANTITY)


COUNTS = TableSpec(
    "counts.csv",
    (
        Column("lot", required=True),
        Column("item", default=""),
        Column("warehouse", default=""),
        Column("owner", default=""),
        _number("quantity"),
        _number("allocated"),
        _number("planned_issue"),
        _number("counted"),
    ),
    key=("lot",),
)
"""The count sheet: the lot's facts as the scenario has them (quantity, allocated and planned_issue
are shown, not read back) and `counted`, the quantity found; its sheet in a workbook is `counts`."""

NEW_LOT_COLUMNS = ["lot", "item", "warehouse", "owner", "quantity"]


@dataclass(frozen=True, slots=True)
class StockTake:
    """What a count changes: the lots' new quantities, the lots it found that the scenario did not
    know, and the uncounted lots `all` left as they were because something is committed on them."""

    changes: tuple[Change, ...]
    new_lots: pd.DataFrame
    kept: tuple[str, ...]


def count_sheet(scenario: Scenario) -> pd.DataFrame:
    """The lots on hand to count, by lot id, with `counted` empty (supply to come is not counted)."""
    lots = sorted((lot for lot in scenario.lots if not lot.to_come), key=lambda lot: lot.lot)
    rows = [
        [lot.lot, lot.item, lot.warehouse, lot.owner, lot.quantity, lot.allocated, lot.planned_issue, ""]
        for lot in lots
    ]
    return pd.DataFrame(rows, columns=list(COUNTS.column_names))


def write_sheet(frame: pd.DataFrame, path: Path) -> None:
    """The sheet at `path`, atomically: a workbook (sheet `counts`) for `.xlsx`, else a CSV file."""
    if is_workbook(path):
        write_table_workbook(path, COUNTS, frame)
    else:
        write_file_atomically(path, write_csv_text(frame))


def read_counts(path: Path, errors: list[InputError]) -> pd.DataFrame | None:
    """The sheet's rows parsed (`ROW` = its row number, a bad cell missing), in sheet order, or None if
    it cannot be read; every bad cell and every lot listed twice is added to `errors`, naming the file
    (`counts.xlsx[counts]`), row and column."""
    if is_workbook(path):
        spec = dataclasses.replace(COUNTS, name=sheet_label(path, COUNTS))
        raw = read_workbook(path, [COUNTS], errors)[COUNTS.name]
    else:
        spec = dataclasses.replace(COUNTS, name=path.name)
        raw = read_raw(path.parent, spec, errors)
    frame = parse_table(raw, spec, errors) if raw is not None else None
    if frame is not None:
        first: dict[str, int] = {}
        for lot, row in zip(frame["lot"], frame[ROW]):
            if isinstance(lot, str) and first.setdefault(lot, row) != row:
                errors.append(
                    InputError(spec.name, row, "lot", f"lot {lot} is listed before, in row {first[lot]}")
                )
        frame.attrs["label"] = spec.name
    return frame


def take_stock(scenario: Scenario, path: Path, mode: Mode) -> StockTake:
    """The counts of the sheet at `path` as changes of `scenario`; raises InputErrors with every problem
    at once, each naming the sheet's row: a bad cell, a lot listed twice, a count below what is
    committed on its lot, an unknown lot without item and warehouse, a row that contradicts its lot."""
    errors: list[InputError] = []
    counts = read_counts(path, errors)
    stock = _stock_take(scenario, counts, mode, errors) if counts is not None else None
    if errors or stock is None:
        raise InputErrors(errors)
    return stock


def _stock_take(scenario: Scenario, counts: pd.DataFrame, mode: Mode, errors: list[InputError]) -> StockTake:
    """The counts as changes of `scenario`; what is wrong with a row is added to `errors` (see
    `take_stock`)."""
    label = str(counts.attrs.get("label", COUNTS.name))
    lots = {lot.lot: lot for lot in scenario.lots}
    items = {i.item for i in scenario.items} - {k.kit for k in scenario.kits}
    changes: list[Change] = []
    new_rows: list[list[object]] = []
    counted: set[str] = set()
    for record in counts.to_dict("records"):
        if pd.isna(record["lot"]):
            continue  # reported by the reading
        row, lot_id = int(record[ROW]), str(record["lot"])
        count = None if pd.isna(record["counted"]) else int(record["counted"])
        given = {c: str(record[c]) for c in ("item", "warehouse", "owner")}
        lot = lots.get(lot_id)
        if lot is None:
            new = _new_lot(lot_id, given, count, items)
            if isinstance(new, list):
                new_rows.append(new)
                counted.add(lot_id)
            else:
                errors.append(InputError(label, row, *new))
            continue
        problems = [
            (column, f"lot {lot_id} is {column} {getattr(lot, column) or '(none)'!r} in the scenario")
            for column, text in given.items()
            if text and text != getattr(lot, column)
        ]
        if count is not None:
            counted.add(lot_id)
            problem = _count_problem(scenario, lot, count)
            problems += [("counted", problem)] if problem else []
            if not problem and count != lot.quantity:
                changes.append(lot_quantity(lot_id, count))
        errors += [InputError(label, row, column, message) for column, message in problems]
    kept: list[str] = []
    if mode == "all":
        for lot in sorted(scenario.lots, key=lambda lot: lot.lot):
            if lot.lot in counted or lot.to_come or lot.quantity == 0:
                continue
            if lot_floor(scenario, lot.lot) > 0:
                kept.append(lot.lot)
            else:
                changes.append(lot_quantity(lot.lot, 0))
    return StockTake(tuple(changes), pd.DataFrame(new_rows, columns=NEW_LOT_COLUMNS), tuple(kept))


def _count_problem(scenario: Scenario, lot: Lot, count: int) -> str:
    """Why `count` cannot be the lot's quantity, or ''."""
    if lot.to_come:
        return f"lot {lot.lot} is still to come (due {lot.due}); count it once it is received"
    floor = lot_floor(scenario, lot.lot)
    if count < floor:
        return f"lot {lot.lot}: counted {count} is below {_committed(lot, floor)}"
    return ""


def _new_lot(
    lot: str, given: dict[str, str], count: int | None, items: set[str]
) -> list[object] | tuple[str, str]:
    """A lot the scenario does not know, as a row of lots.csv, or (column, message) of what is wrong."""
    if not given["item"] or not given["warehouse"]:
        return ("lot", f"lot {lot} is not in the scenario; a new lot needs its item and warehouse")
    if given["item"] not in items:
        return (
            "item",
            f"item {given['item']} of new lot {lot} is not an item of the scenario that holds lots",
        )
    if count is None:
        return ("counted", f"new lot {lot} needs its count")
    return [lot, given["item"], given["warehouse"], given["owner"], count]


def _committed(lot: Lot, floor: int) -> str:
    """`floor` in words: what is committed on the lot."""
    reserved = floor - lot.allocated - lot.planned_issue
    parts = [f"allocated {lot.allocated}", f"planned issues {lot.planned_issue}"]
    parts += [f"reservations {reserved}"] if reserved else []
    return f"{floor} committed on it ({', '.join(parts)})"


def new_lots_file(target: Path) -> Path:
    """Where `write_whatif` puts the new lots of the what-if `target`: `<stem>.new_lots.csv` beside it."""
    return target.with_name(f"{target.stem}.new_lots.csv")


def is_whatif_file(path: Path) -> bool:
    """True for a what-if file the planner wrote (it begins with `WHATIF_HEADER`)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read(len(WHATIF_HEADER)) == WHATIF_HEADER
    except (OSError, UnicodeDecodeError):
        return False


def is_new_lots_file(path: Path) -> bool:
    """True for a new-lots file the planner wrote (its header is `NEW_LOT_COLUMNS`)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.readline().rstrip("\n") == ",".join(NEW_LOT_COLUMNS)
    except (OSError, UnicodeDecodeError):
        return False


def is_blank_sheet(path: Path) -> bool:
    """True for a count sheet the planner could have written that holds no count yet (a sheet with
    counts is never replaced without --force: it is someone's work)."""
    if is_workbook(path) and not written_by_planner(path):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        errors: list[InputError] = []
        counts = read_counts(path, errors)
    return counts is not None and not errors and bool(counts["counted"].isna().all())


def write_whatif(
    stock: StockTake, scenario_file: Path, counts_file: Path, mode: Mode, target: Path, force: bool = False
) -> None:
    """Write the what-if at `target` (extending `scenario_file`) and its new lots beside it, each in one
    rename, the new lots first; refuses (OutputRefused) before writing anything."""
    new_lots = new_lots_file(target)
    protect = [*scenario_inputs(scenario_file), counts_file]
    refuse_file(target, ours=is_whatif_file, protect=protect, force=force)
    if len(stock.new_lots):
        refuse_file(new_lots, ours=is_new_lots_file, protect=protect, force=force)
        write_file_atomically(new_lots, write_csv_text(stock.new_lots))
    whatif = WhatIf(safe_name(target.stem, "stocktake"), changes=stock.changes)
    origin = f"from the stock count {counts_file.name} (planner stocktake apply --mode {mode})"
    added = (("lots", new_lots.name),) if len(stock.new_lots) else ()
    write_file_atomically(target, to_toml(whatif, scenario_file, target, origin, added))

"""Cross-table checks of a scenario's parsed tables: keys, references and quantities (SPEC section 2).

`cross_check` works on the frames of `models.tables.parse_table` and returns
every problem as an `InputError`. Cells already reported as invalid are
missing in the frames and are skipped here, so one bad cell gives one error.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

import pandas as pd

from models.errors import InputError
from models.tables import (
    ALTERNATES,
    ITEMS,
    KITS,
    LINES,
    LOTS,
    MAX_QUANTITY,
    MAX_TOTAL,
    ORDERS,
    PINS,
    RESERVATIONS,
    ROW,
    SAFETY_STOCK,
    TABLES,
)

Record = dict[Hashable, Any]


def cross_check(tables: Mapping[str, pd.DataFrame]) -> list[InputError]:
    """Every duplicate key, unknown reference and quantity inconsistency between the tables.

    `tables` maps a table's file name to its frame; a table missing from it
    (unreadable) is skipped by every check that needs it.
    """
    errors: list[InputError] = []
    for spec in TABLES:
        frame = tables.get(spec.name)
        if frame is not None and spec.key:
            errors.extend(_duplicates(frame, spec.name, spec.key))
    items = tables.get(ITEMS.name)
    known_items = _values(items, "item") if items is not None else None
    kits = tables.get(KITS.name)
    kit_items = _values(kits, "kit") if kits is not None else set()
    errors.extend(_check_lots(tables.get(LOTS.name), known_items, kit_items))
    errors.extend(_check_lines(tables.get(LINES.name), tables.get(ORDERS.name), known_items))
    errors.extend(_check_kits(kits, known_items, kit_items))
    errors.extend(_check_alternates(tables.get(ALTERNATES.name), known_items))
    errors.extend(_check_safety_stock(tables.get(SAFETY_STOCK.name), known_items))
    errors.extend(_check_reservations(tables, kit_items))
    errors.extend(_check_pins(tables, kit_items))
    errors.extend(_check_kit_needs(tables.get(LINES.name), kits))
    errors.extend(_check_totals(tables))
    return errors


def _check_kit_needs(lines: pd.DataFrame | None, kits: pd.DataFrame | None) -> list[InputError]:
    """A kit line's quantity times each component's per-kit quantity is at most MAX_QUANTITY."""
    if lines is None or kits is None or kits.empty:
        return []
    per_kit = kits.dropna(subset=["kit", "quantity"]).groupby("kit")["quantity"].max()
    need = lines["item"].astype(object).map(per_kit).astype("Float64") * lines["quantity"].astype("Float64")
    return _flag(
        lines,
        need > MAX_QUANTITY,
        LINES.name,
        "quantity",
        lambda r: f"{r['quantity']} kits of '{r['item']}' need more than {MAX_QUANTITY:,} of a component",
    )


def _check_totals(tables: Mapping[str, pd.DataFrame]) -> list[InputError]:
    """No quantity column adds up to more than MAX_TOTAL (so no sum the solve makes overflows)."""
    errors: list[InputError] = []
    for spec in TABLES:
        frame = tables.get(spec.name)
        if frame is None:
            continue
        for column in spec.columns:
            if (
                column.maximum == MAX_QUANTITY
                and float(frame[column.name].astype("Float64").sum()) > MAX_TOTAL
            ):
                message = f"the column adds up to more than {MAX_TOTAL:.0e}; split the scenario"
                errors.append(InputError(spec.name, None, column.name, message))
    return errors


def _values(frame: pd.DataFrame, column: str) -> set[str]:
    """The distinct non-missing values of a column."""
    return set(frame[column].dropna().tolist())


def _true(mask: pd.Series) -> pd.Series:
    """A plain bool mask: missing counts as False."""
    return mask.fillna(False).astype(bool)


def _isin(values: pd.Series, known: set[str]) -> pd.Series:
    """Which values are in `known` (missing: False); via object dtype, much faster than Arrow-backed isin."""
    return _true(values.astype(object).isin(known))


def _unknown(frame: pd.DataFrame, column: str, known: set[str]) -> pd.Series:
    """Rows whose (non-missing) value in `column` is not in `known`."""
    values = frame[column]
    return _true(values.notna()) & ~_isin(values, known)


def _flag(
    frame: pd.DataFrame,
    mask: pd.Series,
    table: str,
    column: str,
    message: Callable[[Record], str],
) -> list[InputError]:
    """One error per row selected by `mask`, at that row's spreadsheet row and `column`."""
    mask = _true(mask)
    if not mask.any():
        return []
    selected = frame[mask]
    return [
        InputError(table, int(record[ROW]), column, message(record)) for record in selected.to_dict("records")
    ]


def _key_text(values: Iterable[object]) -> str:
    parts = [str(v) for v in values]
    return f"'{parts[0]}'" if len(parts) == 1 else f"({', '.join(parts)})"


def _duplicates(frame: pd.DataFrame, table: str, key: tuple[str, ...]) -> list[InputError]:
    """Each repeat of a key, reported on the key's last column with the row of its first occurrence."""
    keys = list(key)
    sub = frame[[*keys, ROW]].dropna(subset=keys)
    repeated = sub[sub.duplicated(subset=keys, keep=False)]
    if repeated.empty:
        return []
    first = repeated.groupby(keys, sort=False)[ROW].transform("min")
    later = repeated[repeated[ROW] != first].assign(_first=first)
    return _flag(
        later,
        pd.Series(True, index=later.index),
        table,
        key[-1],
        lambda r: f"duplicate key {_key_text(r[k] for k in keys)}, first at row {r['_first']}",
    )


def _check_lots(
    lots: pd.DataFrame | None, known_items: set[str] | None, kit_items: set[str]
) -> list[InputError]:
    """Lots name known, non-kit items and have non-negative allocable stock."""
    if lots is None:
        return []
    table = LOTS.name
    errors: list[InputError] = []
    unknown = pd.Series(False, index=lots.index)
    if known_items is not None:
        unknown = _unknown(lots, "item", known_items)
        errors += _flag(lots, unknown, table, "item", lambda r: f"unknown item '{r['item']}'")
    is_kit = _isin(lots["item"], kit_items) & ~unknown
    errors += _flag(
        lots,
        is_kit,
        table,
        "item",
        lambda r: f"item '{r['item']}' is a kit; kit items hold no lots",
    )
    allocable = lots["quantity"] - lots["allocated"] - lots["planned_issue"]
    errors += _flag(
        lots.assign(_allocable=allocable),
        allocable < 0,
        table,
        "quantity",
        lambda r: (
            f"allocable quantity is negative: quantity {r['quantity']} - allocated {r['allocated']}"
            f" - planned_issue {r['planned_issue']} = {r['_allocable']}"
        ),
    )
    return errors


def _check_lines(
    lines: pd.DataFrame | None, orders: pd.DataFrame | None, known_items: set[str] | None
) -> list[InputError]:
    """Lines name known items and known orders."""
    if lines is None:
        return []
    errors: list[InputError] = []
    if known_items is not None:
        mask = _unknown(lines, "item", known_items)
        errors += _flag(lines, mask, LINES.name, "item", lambda r: f"unknown item '{r['item']}'")
    if orders is not None:
        mask = _unknown(lines, "order", _values(orders, "order"))
        errors += _flag(lines, mask, LINES.name, "order", lambda r: f"unknown order '{r['order']}'")
    return errors


def _check_kits(
    kits: pd.DataFrame | None, known_items: set[str] | None, kit_items: set[str]
) -> list[InputError]:
    """Kits and components are known items; a component is neither its kit nor another kit."""
    if kits is None:
        return []
    table = KITS.name
    errors: list[InputError] = []
    if known_items is not None:
        mask = _unknown(kits, "kit", known_items)
        errors += _flag(kits, mask, table, "kit", lambda r: f"unknown item '{r['kit']}'")
        mask = _unknown(kits, "component", known_items)
        errors += _flag(kits, mask, table, "component", lambda r: f"unknown item '{r['component']}'")
    itself = _true(kits["component"] == kits["kit"])
    errors += _flag(
        kits,
        itself,
        table,
        "component",
        lambda r: f"component '{r['component']}' is the kit itself",
    )
    nested = _isin(kits["component"], kit_items) & ~itself
    errors += _flag(
        kits,
        nested,
        table,
        "component",
        lambda r: f"component '{r['component']}' is itself a kit; nested kits are not supported",
    )
    return errors


def _check_alternates(alternates: pd.DataFrame | None, known_items: set[str] | None) -> list[InputError]:
    """Both items of an alternate are known, and an item is not its own alternate."""
    if alternates is None:
        return []
    table = ALTERNATES.name
    errors: list[InputError] = []
    if known_items is not None:
        mask = _unknown(alternates, "item", known_items)
        errors += _flag(alternates, mask, table, "item", lambda r: f"unknown item '{r['item']}'")
        mask = _unknown(alternates, "alternate", known_items)
        errors += _flag(alternates, mask, table, "alternate", lambda r: f"unknown item '{r['alternate']}'")
    itself = alternates["alternate"] == alternates["item"]
    errors += _flag(
        alternates,
        itself,
        table,
        "alternate",
        lambda r: f"alternate '{r['alternate']}' is the item itself",
    )
    return errors


def _check_safety_stock(safety_stock: pd.DataFrame | None, known_items: set[str] | None) -> list[InputError]:
    """Per-warehouse safety stock names known items."""
    if safety_stock is None or known_items is None:
        return []
    mask = _unknown(safety_stock, "item", known_items)
    return _flag(safety_stock, mask, SAFETY_STOCK.name, "item", lambda r: f"unknown item '{r['item']}'")


def _check_reservations(tables: Mapping[str, pd.DataFrame], kit_items: set[str]) -> list[InputError]:
    """Reservations name known orders, lines and lots, are not on kit lines,
    and per line / per lot stay within the line's quantity / the lot's allocable quantity."""
    reservations = tables.get(RESERVATIONS.name)
    if reservations is None:
        return []
    table = RESERVATIONS.name
    errors: list[InputError] = []
    orders = tables.get(ORDERS.name)
    lines = tables.get(LINES.name)
    lots = tables.get(LOTS.name)

    unknown_order = pd.Series(False, index=reservations.index)
    if orders is not None:
        unknown_order = _unknown(reservations, "order", _values(orders, "order"))
        errors += _flag(
            reservations, unknown_order, table, "order", lambda r: f"unknown order '{r['order']}'"
        )

    if lines is not None:
        line_info = _line_info(lines)
        merged = reservations.merge(line_info, on=["order", "line"], how="left")
        keyed = _true(merged["order"].notna() & merged["line"].notna())
        known_line = _true(merged["_known_line"].astype("boolean"))
        missing = keyed & ~known_line & ~unknown_order.to_numpy()
        errors += _flag(merged, missing, table, "line", lambda r: f"unknown line ({r['order']}, {r['line']})")
        on_kit = known_line & _isin(merged["_line_item"], kit_items)
        errors += _flag(
            merged,
            on_kit,
            table,
            "line",
            lambda r: (
                f"line ({r['order']}, {r['line']}) is for kit '{r['_line_item']}';"
                " reservations are not made on kit lines"
            ),
        )
        merged["_total"] = merged.groupby(["order", "line"])["quantity"].transform("sum")
        over = known_line & _true(merged["_total"] > merged["_line_quantity"])
        errors += _flag(
            merged,
            over,
            table,
            "quantity",
            lambda r: (
                f"reservations for line ({r['order']}, {r['line']}) total {r['_total']},"
                f" above the line's quantity {r['_line_quantity']}"
            ),
        )

    if lots is not None:
        lot_info = _lot_info(lots)
        merged = reservations.merge(lot_info, on="lot", how="left")
        known_lot = _true(merged["_known_lot"].astype("boolean"))
        unknown_lot = _true(merged["lot"].notna()) & ~known_lot
        errors += _flag(merged, unknown_lot, table, "lot", lambda r: f"unknown lot '{r['lot']}'")
        merged["_total"] = merged.groupby("lot")["quantity"].transform("sum")
        over = known_lot & _true(merged["_allocable"] >= 0) & _true(merged["_total"] > merged["_allocable"])
        errors += _flag(
            merged,
            over,
            table,
            "quantity",
            lambda r: (
                f"reservations on lot '{r['lot']}' total {r['_total']},"
                f" above its allocable quantity {r['_allocable']}"
            ),
        )
    return errors


def _check_pins(tables: Mapping[str, pd.DataFrame], kit_items: set[str]) -> list[InputError]:
    """Pins name known orders, lines and lots (SPEC 9); a pin is the line's whole quantity from its lot,
    so it is not below the reservations of that (line, lot); and what pins and reservations fix
    stays within each lot's allocable quantity and each plain line's quantity (a kit line's pins
    count component units, checked when its kit is known: planner.engine.pins)."""
    pins = tables.get(PINS.name)
    if pins is None or pins.empty:
        return []
    table = PINS.name
    errors: list[InputError] = []
    orders, lines, lots = tables.get(ORDERS.name), tables.get(LINES.name), tables.get(LOTS.name)
    unknown_order = pd.Series(False, index=pins.index)
    if orders is not None:
        unknown_order = _unknown(pins, "order", _values(orders, "order"))
        errors += _flag(pins, unknown_order, table, "order", lambda r: f"unknown order '{r['order']}'")
    reservations = tables.get(RESERVATIONS.name)
    keys = ["order", "line", "lot"]
    reserved_pair = (
        reservations.groupby(keys)["quantity"].sum().rename("_reserved").reset_index()
        if reservations is not None and not reservations.empty
        else pd.DataFrame(
            {**{k: pd.Series(dtype=object) for k in keys}, "_reserved": pd.Series(dtype="Int64")}
        )
    )
    merged = pins.merge(reserved_pair, on=keys, how="left")
    merged["_reserved"] = merged["_reserved"].astype("Int64").fillna(0)
    errors += _flag(
        merged,
        merged["quantity"] < merged["_reserved"],
        table,
        "quantity",
        lambda r: (
            f"the pin gives line ({r['order']}, {r['line']}) {r['quantity']} of lot '{r['lot']}', less than"
            f" its reservations of that lot ({r['_reserved']}); a pin is the line's whole quantity of the lot"
        ),
    )
    merged["_beyond"] = (merged["quantity"] - merged["_reserved"]).clip(lower=0)
    if lines is not None:
        line_info = _line_info(lines)
        on_line = merged.merge(line_info, on=["order", "line"], how="left")
        keyed = _true(on_line["order"].notna() & on_line["line"].notna())
        known_line = _true(on_line["_known_line"].astype("boolean"))
        missing = keyed & ~known_line & ~unknown_order.to_numpy()
        errors += _flag(
            on_line, missing, table, "line", lambda r: f"unknown line ({r['order']}, {r['line']})"
        )
        line_reserved = (
            reservations.groupby(["order", "line"])["quantity"].sum()
            if reservations is not None and not reservations.empty
            else pd.Series(dtype="Int64")
        )
        on_line["_line_reserved"] = [
            int(line_reserved.get((o, ln), 0))
            for o, ln in zip(on_line["order"], on_line["line"], strict=True)
        ]
        on_line["_fixed"] = (
            on_line.groupby(["order", "line"])["_beyond"].transform("sum") + on_line["_line_reserved"]
        )
        plain = known_line & ~_isin(on_line["_line_item"], kit_items)
        errors += _flag(
            on_line,
            plain & _true(on_line["_fixed"] > on_line["_line_quantity"]),
            table,
            "quantity",
            lambda r: (
                f"pins and reservations for line ({r['order']}, {r['line']}) total {r['_fixed']},"
                f" above the line's quantity {r['_line_quantity']}"
            ),
        )
    if lots is not None:
        lot_info = _lot_info(lots)
        on_lot = merged.merge(lot_info, on="lot", how="left")
        known_lot = _true(on_lot["_known_lot"].astype("boolean"))
        unknown_lot = _true(on_lot["lot"].notna()) & ~known_lot
        errors += _flag(on_lot, unknown_lot, table, "lot", lambda r: f"unknown lot '{r['lot']}'")
        lot_reserved = (
            reservations.groupby("lot")["quantity"].sum()
            if reservations is not None and not reservations.empty
            else pd.Series(dtype="Int64")
        )
        on_lot["_fixed"] = on_lot.groupby("lot")["_beyond"].transform("sum") + [
            int(lot_reserved.get(lot, 0)) for lot in on_lot["lot"]
        ]
        over = known_lot & _true(on_lot["_allocable"] >= 0) & _true(on_lot["_fixed"] > on_lot["_allocable"])
        errors += _flag(
            on_lot,
            over,
            table,
            "quantity",
            lambda r: (
                f"pins and reservations on lot '{r['lot']}' total {r['_fixed']},"
                f" above its allocable quantity {r['_allocable']}"
            ),
        )
    return errors


def _lot_info(lots: pd.DataFrame) -> pd.DataFrame:
    """Per lot id (first row of each), its allocable quantity and a `_known_lot` marker to merge on."""
    return (
        lots.assign(
            _allocable=lots["quantity"] - lots["allocated"] - lots["planned_issue"],
            _known_lot=True,
        )[["lot", "_allocable", "_known_lot"]]
        .dropna(subset=["lot"])
        .drop_duplicates(subset=["lot"])
    )


def _line_info(lines: pd.DataFrame) -> pd.DataFrame:
    """Per (order, line) (first row of each), its quantity and item and a `_known_line` marker to
    merge on."""
    return (
        lines[["order", "line", "quantity", "item"]]
        .dropna(subset=["order", "line"])
        .drop_duplicates(subset=["order", "line"])
        .rename(columns={"quantity": "_line_quantity", "item": "_line_item"})
        .assign(_known_line=True)
    )

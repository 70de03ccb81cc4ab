"""Builders of tiny scenarios for tests, and readers of a plan's tables.

Every builder takes the record's key fields positionally and everything else
as keywords with the contract's defaults (SPEC section 2). Dates may be given
as ISO text and lists as ";"-separated text, as in the CSV files.

`scenario(...)` fills in what a test does not care about: an order with default
settings for every order a line names, and a default (stocking) item for every
item a lot, line, kit or alternate names. `today` is 2026-11-20.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from models.records import (
    DEFAULT_OBJECTIVE_KEY,
    Alternate,
    Item,
    KitComponent,
    Line,
    Lot,
    Order,
    Pin,
    Reservation,
    Scenario,
    WarehouseSafetyStock,
)

TODAY = date(2026, 11, 20)
D1 = "2026-12-01"
D2 = "2026-12-02"
D3 = "2026-12-03"


def _date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _day(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _list(value: tuple[str, ...] | str | None) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(part for part in value.split(";") if part)
    return value


def item(item: str, **kw: Any) -> Item:
    """An item; stocking, no safety stock, no window, pack size 1 unless given."""
    return Item(item, **kw)


def lot(lot: str, item: str, quantity: int = 10, warehouse: str = "W1", **kw: Any) -> Lot:
    """A lot of `quantity` in `warehouse`, owner "", available, pnp, nothing committed, on hand
    (no `due`), unless given."""
    for name in ("received", "expires", "due"):
        if name in kw:
            kw[name] = _date(kw[name])
    return Lot(lot=lot, item=item, warehouse=warehouse, quantity=quantity, **kw)


def order(order: str, **kw: Any) -> Order:
    """A released sales order of priority 5 with no warehouse or owner lists, unless given."""
    for name in ("warehouses", "owners"):
        if name in kw:
            kw[name] = _list(kw[name]) or ()
    return Order(order, **kw)


def line(order: str, line: str, item: str, quantity: int, ship_date: date | str = D1, **kw: Any) -> Line:
    """An order line shipping on `ship_date` (default 2026-12-01) with no overrides unless given."""
    for name in ("warehouses", "owners"):
        if name in kw:
            kw[name] = _list(kw[name])
    return Line(order, line, item, quantity, _day(ship_date), **kw)


def kit(kit: str, component: str, quantity: int) -> KitComponent:
    return KitComponent(kit, component, quantity)


def alternate(item: str, alternate: str, rank: int = 1) -> Alternate:
    return Alternate(item, alternate, rank)


def safety(item: str, warehouse: str, quantity: int) -> WarehouseSafetyStock:
    """A row of safety_stock.csv: per-warehouse safety stock."""
    return WarehouseSafetyStock(item, warehouse, quantity)


def reservation(order: str, line: str, lot: str, quantity: int) -> Reservation:
    return Reservation(order, line, lot, quantity)


def pin(order: str, line: str, lot: str, quantity: int, only: bool = False) -> Pin:
    """A row of pins.csv (SPEC 9): the line gets exactly `quantity` of `lot`."""
    return Pin(order, line, lot, quantity, only)


def scenario(
    *,
    lots: Iterable[Lot] = (),
    lines: Iterable[Line] = (),
    items: Iterable[Item] = (),
    orders: Iterable[Order] = (),
    kits: Iterable[KitComponent] = (),
    alternates: Iterable[Alternate] = (),
    safety_stock: Iterable[WarehouseSafetyStock] = (),
    reservations: Iterable[Reservation] = (),
    pins: Iterable[Pin] = (),
    today: date | str = TODAY,
    objective_key: tuple[str, ...] = DEFAULT_OBJECTIVE_KEY,
    name: str = "test",
    company: str = "",
) -> Scenario:
    """A scenario of these tables; orders and items that are referenced but not given get defaults."""
    lots, lines, kits, alternates = tuple(lots), tuple(lines), tuple(kits), tuple(alternates)
    item_list = {i.item: i for i in items}
    named = (
        [x.item for x in lots]
        + [x.item for x in lines]
        + [n for k in kits for n in (k.kit, k.component)]
        + [n for a in alternates for n in (a.item, a.alternate)]
    )
    for n in named:
        item_list.setdefault(n, Item(n))
    order_list = {o.order: o for o in orders}
    for ln in lines:
        order_list.setdefault(ln.order, Order(ln.order))
    return Scenario(
        name=name,
        today=_day(today),
        items=tuple(sorted(item_list.values(), key=lambda i: i.item)),
        lots=tuple(sorted(lots, key=lambda x: x.lot)),
        orders=tuple(sorted(order_list.values(), key=lambda o: o.order)),
        lines=lines,
        kits=kits,
        alternates=alternates,
        safety_stock=tuple(safety_stock),
        reservations=tuple(reservations),
        pins=tuple(pins),
        objective_key=objective_key,
        company=company,
    )


# ---------------------------------------------------------------------------
# Fixtures: named scenarios
# ---------------------------------------------------------------------------


def spec7_example() -> Scenario:
    """SPEC section 7's worked example: the case that shows why the planner optimises.

    Item X has 10 in NY (lot A1) and 10 in CA (lot A2). Line S/L1 (10, ships
    2026-12-01) may use CA then NY, preferring CA; line S/L2 (10, ships a day
    later) may only use CA. What is special: L1's *preferred* warehouse holds the
    only stock L2 can use, so a greedy planner that serves L1 from CA leaves L2
    with nothing (10/0), while the optimum serves L1 from NY and L2 from CA
    (tier 1 = 10, tier 2 = 10). A line's preference list only breaks ties; it
    never costs a later tier its stock.
    """
    return scenario(
        lots=[lot("A1", "X", 10, warehouse="NY"), lot("A2", "X", 10, warehouse="CA")],
        lines=[
            line("S", "L1", "X", 10, "2026-12-01", warehouses="CA;NY"),
            line("S", "L2", "X", 10, "2026-12-02", warehouses="CA"),
        ],
    )


# ---------------------------------------------------------------------------
# Reading a plan's tables
# ---------------------------------------------------------------------------


def allocations(plan: Any) -> list[tuple[str, str, str, str, int, str]]:
    """The plan's allocation rows as sorted (order, line, item, lot, quantity, source)."""
    frame = plan.allocations_frame()
    return sorted(
        (str(r["order"]), str(r["line"]), str(r["item"]), str(r["lot"]), int(r["quantity"]), str(r["source"]))
        for r in frame.to_dict("records")
    )


def lines_by_key(plan: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """lines.csv rows by (order, line): allocated, status, reason and tier (None for no tier)."""
    out = {}
    for r in plan.lines_frame().to_dict("records"):
        tier = r["tier"]
        out[(str(r["order"]), str(r["line"]))] = {
            "allocated": int(r["allocated"]),
            "status": str(r["status"]),
            "reason": str(r["reason"]),
            "tier": None if tier == "" or tier is None else int(tier),
        }
    return out


def line_result(plan: Any, order: str, line: str) -> tuple[int, str, str]:
    """(allocated, status, reason) of one line."""
    r = lines_by_key(plan)[(order, line)]
    return r["allocated"], r["status"], r["reason"]


def tier_totals(plan: Any) -> list[int]:
    """Allocated quantity of each tier, tier 1 first."""
    return [t.allocated for t in plan.tiers]

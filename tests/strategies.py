"""Hypothesis strategies: tiny valid scenarios that exercise every feature of SPEC sections 2-4.

`small_scenarios()` builds `Scenario` records directly (no loader), valid per
SPEC section 2: known references, unique keys, no lots of kit items, no nested
kits, allocable stock >= 0, reservations not on kit lines and, per line and per
lot, within the line's quantity and the lot's allocable quantity. Alternates
are drawn among non-kit items only (SPEC gives a kit line's lots through its
components, which may have alternates).

Random scenarios rarely make the greedy baseline go wrong: most lines are kept
out or find plenty. `small_scenarios(contended=True)` therefore draws scenarios
where every line takes part and every lot is usable and holds stock, while
keeping warehouse/owner/pnp restrictions, alternates, kits, full lines, full
delivery, pack sizes, safety stock and reservations; `scenarios()` mixes both.

Both draw SPEC 8 too: lots to come (`due`: late, due today, or due between and
after the lines' ship dates, so a receipt is usable by later lines only) and,
in about a third of the examples, a `company` (lots of owner "" or MAIN are its
own; owners lists may hold `*`).

`pinned_scenarios()` adds random valid pins (SPEC 9) to `scenarios()`: exact pins
and pins of 0 on lines that take part, from lots that may serve them, `only`
sometimes, within what lots and lines have left after reservations.

`tier_loop_scenarios()` is aimed at the lexicographic tier loop: many tiers,
full-delivery orders spanning them, reservations covering whole lines, pools
that turn contended late; see its docstring.

In `sampled_from` lists the most common value comes first, so that shrinking
moves towards plain scenarios.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any, TypedDict, Unpack

from hypothesis import strategies as st

from models.records import (
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

TODAY = date(2026, 3, 10)
WAREHOUSES = ("W1", "W2")
WAREHOUSE_LISTS: tuple[tuple[str, ...], ...] = ((), ("W1",), ("W2",), ("W1", "W2"), ("W2", "W1"))
OWNER_LISTS: tuple[tuple[str, ...], ...] = (
    (),
    ("A",),
    ("B",),
    ("A", "B"),
    ("B", "A"),
    ("*",),
    ("A", "*"),
    ("MAIN",),
)
DUES = (None,) * 5 + tuple(TODAY + timedelta(days=d) for d in (-2, 0, 1, 2, 3, 5))
"""Lots on hand mostly; else supply to come: late, due today, or due within the lines' ship dates
(today + 0..3 or 4) and after them."""
COMPANIES = ("",) * 2 + ("MAIN",)
"""The company named in about a third of the examples (SPEC 8)."""
ORDER_TYPES = ("sales",) * 4 + ("production",) * 3 + ("distribution", "loaner", "shop", "quote")


def _often(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in `one_in` draws (False shrinks first)."""
    return draw(st.sampled_from([False] * (one_in - 1) + [True]))


def _count(draw: st.DrawFn, most: int) -> int:
    """1..most, the larger counts about as often as the smaller (1 shrinks first)."""
    return draw(st.sampled_from([n for n in range(1, most + 1) for _ in range(1 + n // 2)]))


@st.composite
def small_scenarios(
    draw: st.DrawFn,
    max_items: int = 3,
    max_lots: int = 4,
    max_orders: int = 3,
    max_lines: int = 5,
    max_qty: int = 6,
    contended: bool = False,
) -> Scenario:
    """A tiny valid scenario: 1-`max_items` items (+ an optional kit), lots, orders and lines.

    With `contended`, no line is kept out (section 3), every lot is usable with stock,
    and there are at most 2 items, so that lines compete for the same lots.
    """
    # Items: P1 always stocks, the others occasionally do not.
    n_items = _count(draw, min(max_items, 2) if contended else max_items)
    items: list[Item] = []
    for n in range(n_items):
        items.append(
            Item(
                item=f"P{n + 1}",
                stocking=n == 0 or contended or not _often(draw, 6),
                safety_stock=draw(st.sampled_from([0] * 6 + [1, 2])),
                window_days=None if contended else draw(st.sampled_from([None] * 5 + [0, 1, 2])),
                pack_size=draw(st.sampled_from([1, 1, 1, 2, 3])),
            )
        )
    parts = [i.item for i in items]
    stocking_parts = [i.item for i in items if i.stocking]

    # An optional kit of 1-2 components (a component may occasionally be nonstock).
    kits: list[KitComponent] = []
    if _often(draw, 3):
        components = draw(
            st.lists(st.sampled_from(parts), min_size=1, max_size=min(2, len(parts)), unique=True)
        )
        kits = [KitComponent("K1", c, draw(st.integers(1, 2))) for c in components]
        items.append(
            Item(
                item="K1",
                stocking=contended or not _often(draw, 8),
                window_days=None if contended else draw(st.sampled_from([None, None, None, 1])),
                pack_size=draw(st.sampled_from([1, 1, 1, 2])),
            )
        )
    all_items = [i.item for i in items]

    # Alternates among the non-kit items (one way, rank 1-2).
    alternates: list[Alternate] = []
    if len(parts) > 1:
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(parts), st.sampled_from(parts)).filter(lambda p: p[0] != p[1]),
                max_size=2,
                unique=True,
            )
        )
        alternates = [Alternate(a, b, draw(st.integers(1, 2))) for a, b in pairs]

    # Lots: stocking non-kit items only, P1 more often.
    lots: list[Lot] = []
    for n in range(_count(draw, max_lots)):
        quantity = 0 if not contended and _often(draw, 10) else draw(st.integers(1, max_qty))
        allocated = draw(st.integers(0, quantity)) if not contended and _often(draw, 4) else 0
        planned = draw(st.integers(0, quantity - allocated)) if not contended and _often(draw, 4) else 0
        statuses = ["available"] if contended else ["available"] * 12 + ["ingesting", "quarantine", "blocked"]
        expiries = [None] * 5 + [TODAY, TODAY + timedelta(days=30)]
        if not contended:
            expiries.append(TODAY - timedelta(days=1))
        lots.append(
            Lot(
                lot=f"L{n + 1}",
                item=draw(st.sampled_from(["P1", *stocking_parts])),
                warehouse=draw(st.sampled_from(WAREHOUSES)),
                quantity=quantity,
                owner=draw(st.sampled_from(["", "", "A", "B", "MAIN"])),
                allocated=allocated,
                planned_issue=planned,
                pnp=not _often(draw, 5),
                status=draw(st.sampled_from(statuses)),
                received=draw(st.sampled_from([None, TODAY - timedelta(days=20), TODAY - timedelta(days=5)])),
                expires=draw(st.sampled_from(expiries)),
                due=draw(st.sampled_from(DUES)),
            )
        )

    # Orders.
    orders: list[Order] = []
    for n in range(_count(draw, max_orders)):
        orders.append(
            Order(
                order=f"O{n + 1}",
                type=draw(st.sampled_from(ORDER_TYPES[:-1] if contended else ORDER_TYPES)),
                priority=draw(st.integers(0, 2)),
                full_delivery=_often(draw, 4),
                released=contended or not _often(draw, 20),
                printed=not contended and _often(draw, 25),
                warehouses=draw(st.sampled_from(WAREHOUSE_LISTS)) if _often(draw, 3) else (),
                owners=draw(st.sampled_from(OWNER_LISTS)) if _often(draw, 3) else (),
            )
        )

    # Lines: numbered per order, P1 more often.
    lines: list[Line] = []
    next_line = {o.order: 1 for o in orders}
    fulfillments = (
        ["warehouse"] if contended else ["warehouse"] * 12 + ["special_order"] * 2 + ["vendor_shipment"]
    )
    for _ in range(_count(draw, max_lines)):
        order = draw(st.sampled_from([o.order for o in orders]))
        number = next_line[order]
        next_line[order] += 1
        lines.append(
            Line(
                order=order,
                line=str(number),
                item=draw(st.sampled_from(["P1", "P1", *all_items])),
                quantity=draw(st.integers(1, max_qty)),
                ship_date=TODAY + timedelta(days=draw(st.integers(0, 3))),
                priority=draw(st.sampled_from([None, None, 0, 1, 2])),
                requires_pnp=_often(draw, 5),
                full_line=_often(draw, 5),
                fulfillment=draw(st.sampled_from(fulfillments)),
                po_received=draw(st.booleans()),
                warehouses=draw(st.sampled_from(WAREHOUSE_LISTS)) if _often(draw, 2) else None,
                owners=draw(st.sampled_from(OWNER_LISTS)) if _often(draw, 4) else None,
                printed=None if contended or not _often(draw, 15) else draw(st.booleans()),
            )
        )

    # Per-warehouse safety stock.
    safety = (
        draw(
            st.lists(
                st.tuples(st.sampled_from(stocking_parts), st.sampled_from(WAREHOUSES)),
                min_size=1,
                max_size=2,
                unique=True,
            )
        )
        if _often(draw, 4)
        else []
    )
    safety_stock = [WarehouseSafetyStock(i, w, draw(st.integers(0, 2))) for i, w in safety]

    # Reservations: not on kit lines; per line <= quantity, per lot <= allocable.
    kit_items = {k.kit for k in kits}
    reservations: list[Reservation] = []
    candidates = [(ln, lot) for ln in lines if ln.item not in kit_items for lot in lots]
    if candidates and _often(draw, 3):
        chosen = draw(st.lists(st.sampled_from(range(len(candidates))), min_size=1, max_size=3, unique=True))
        line_left = {ln.key: ln.quantity for ln in lines}
        lot_left = {lot.lot: lot.allocable for lot in lots}
        for c in chosen:
            ln, lot = candidates[c]
            most = min(line_left[ln.key], lot_left[lot.lot])
            if most <= 0:
                continue
            q = draw(st.integers(1, most))
            line_left[ln.key] -= q
            lot_left[lot.lot] -= q
            reservations.append(Reservation(ln.order, ln.line, lot.lot, q))

    objective_key = draw(st.sampled_from([("ship_date", "priority")] * 4 + [("priority", "ship_date")]))
    return Scenario(
        company=draw(st.sampled_from(COMPANIES)),
        name="random",
        today=TODAY,
        items=tuple(items),
        lots=tuple(lots),
        orders=tuple(orders),
        lines=tuple(lines),
        kits=tuple(kits),
        alternates=tuple(alternates),
        safety_stock=tuple(safety_stock),
        reservations=tuple(reservations),
        objective_key=objective_key,
    )


class Sizes(TypedDict, total=False):
    """The sizes `small_scenarios` takes."""

    max_items: int
    max_lots: int
    max_orders: int
    max_lines: int
    max_qty: int


MEDIUM: Sizes = {"max_items": 3, "max_lots": 6, "max_orders": 4, "max_lines": 12, "max_qty": 8}


def scenarios(**sizes: Unpack[Sizes]) -> st.SearchStrategy[Scenario]:
    """Half plain random scenarios, half contended ones, of the given sizes."""
    return st.one_of(small_scenarios(**sizes), small_scenarios(**sizes, contended=True))


def medium_scenarios() -> st.SearchStrategy[Scenario]:
    """Somewhat larger scenarios (up to 12 lines, 6 lots), plain and contended."""
    return scenarios(**MEDIUM)


# ---------------------------------------------------------------------------
# Scenarios that stress the lexicographic tier loop (planner/engine/tier_loop.py)
# ---------------------------------------------------------------------------

BLOCKING: tuple[dict[str, Any], ...] = (
    {"fulfillment": "vendor_shipment"},
    {"printed": True},
    {"fulfillment": "special_order", "po_received": False},
)
"""Line settings that keep a line out (section 3) and so block its full-delivery order."""


@st.composite
def tier_loop_scenarios(
    draw: st.DrawFn,
    max_lots: int = 4,
    max_orders: int = 4,
    max_lines: int = 7,
    max_qty: int = 6,
) -> Scenario:
    """A tiny scenario aimed at the tier loop: activation, contended pools, parts and their settling.

    Every lot is usable and (almost) every line takes part. Compared with
    `small_scenarios(contended=True)` it draws, much more often: full-delivery
    orders (half of them) whose lines spread over several ship dates and
    priorities, so tiers are many; reservations that cover a line in full (often
    the first line of a full-delivery order); open quantities that are not whole
    packs; full lines; a kit whose components plain lines also ask for; alternates
    that tie the lots of two items into one pool; item and per-warehouse safety
    stock; a nonstock item (its lines, a kit component); *hot* scenarios where one
    or two lots serve every line, so that a pool can stay slack for the first
    tiers and turn contended at a late one; and full-delivery orders blocked by a
    line that takes no part (section 3).
    At most `max_lots` lots and `max_lines` lines (8 brute-force steps at most).
    """
    hot = _often(draw, 2)
    n_parts = 1 if hot and _often(draw, 2) else _count(draw, 3)
    items: list[Item] = [
        Item(
            item=f"P{n + 1}",
            safety_stock=draw(st.sampled_from([0] * 4 + [1, 2])),
            pack_size=draw(st.sampled_from([1, 1, 2, 3])),
        )
        for n in range(n_parts)
    ]
    parts = [i.item for i in items]
    # Occasionally a nonstock item N1: its lines take no part but block no order, and as a
    # kit component it needs no lot (a kit of N1 alone needs no stock at all).
    nonstock = ["N1"] if _often(draw, 5) else []
    items += [Item(item=n, stocking=False) for n in nonstock]

    kits: list[KitComponent] = []
    if _often(draw, 2):
        components = draw(
            st.lists(
                st.sampled_from(parts + nonstock),
                min_size=1,
                max_size=min(2, len(parts + nonstock)),
                unique=True,
            )
        )
        kits = [KitComponent("K1", c, draw(st.sampled_from([1, 1, 2]))) for c in components]
        items.append(Item(item="K1", pack_size=draw(st.sampled_from([1, 1, 2]))))
    line_items = ["P1", "P1", *parts, *nonstock, *(["K1"] if kits else [])]

    alternates: list[Alternate] = []
    if len(parts) > 1 and _often(draw, 2):
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(parts), st.sampled_from(parts)).filter(lambda p: p[0] != p[1]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        )
        alternates = [Alternate(a, b, draw(st.integers(1, 2))) for a, b in pairs]

    n_lots = _count(draw, 2 if hot else max_lots)
    lots = [
        Lot(
            lot=f"L{n + 1}",
            item=draw(st.sampled_from(["P1", *parts])),
            warehouse=draw(st.sampled_from(WAREHOUSES)),
            quantity=draw(st.sampled_from([0, *range(1, max_qty + 1)] if not hot else range(2, max_qty + 1))),
            owner=draw(st.sampled_from(["", "", "", "A", "B", "MAIN"])),
            allocated=draw(st.sampled_from([0] * 6 + [1])),
            pnp=not _often(draw, 6),
            due=draw(st.sampled_from(DUES)),
        )
        for n in range(n_lots)
    ]
    lots = [lot if lot.allocable >= 0 else dataclasses.replace(lot, allocated=0) for lot in lots]

    orders = [
        Order(
            order=f"O{n + 1}",
            priority=draw(st.integers(0, 2)),
            full_delivery=_often(draw, 2),
            warehouses=draw(st.sampled_from(WAREHOUSE_LISTS)) if _often(draw, 4) else (),
            owners=draw(st.sampled_from(OWNER_LISTS)) if _often(draw, 6) else (),
        )
        for n in range(_count(draw, max_orders))
    ]

    lines: list[Line] = []
    next_line = {o.order: 1 for o in orders}
    for _ in range(_count(draw, max_lines)):
        order = draw(st.sampled_from([o.order for o in orders]))
        number = next_line[order]
        next_line[order] += 1
        blocking = draw(st.sampled_from(BLOCKING)) if _often(draw, 12) else {}
        lines.append(
            Line(
                order=order,
                line=str(number),
                item=draw(st.sampled_from(line_items)),
                quantity=draw(st.integers(1, max_qty)),
                ship_date=TODAY + timedelta(days=draw(st.integers(0, 4))),
                priority=draw(st.sampled_from([None, None, 0, 1, 2])),
                requires_pnp=_often(draw, 6),
                full_line=_often(draw, 4),
                warehouses=draw(st.sampled_from(WAREHOUSE_LISTS)) if _often(draw, 3) else None,
                owners=draw(st.sampled_from(OWNER_LISTS)) if _often(draw, 6) else None,
                **blocking,
            )
        )

    safety = draw(
        st.lists(st.tuples(st.sampled_from(parts), st.sampled_from(WAREHOUSES)), max_size=2, unique=True)
    )
    safety_stock = [WarehouseSafetyStock(i, w, draw(st.integers(1, 2))) for i, w in safety]

    # Reservations, often covering a whole line (first lines of full-delivery orders most often):
    # from lots of the line's item or an alternate; per lot within its allocable quantity.
    serving = {p: {p} | {a.alternate for a in alternates if a.item == p} for p in parts}
    lot_left = {lot.lot: lot.allocable for lot in lots}
    reservations: list[Reservation] = []
    full_delivery = {o.order for o in orders if o.full_delivery}
    for ln in lines:
        if ln.item not in serving:
            continue  # no reservations on kit lines
        first_of_fd = ln.order in full_delivery and ln.line == "1"
        if not _often(draw, 2 if first_of_fd else 4):
            continue
        candidates = [lot.lot for lot in lots if lot.item in serving[ln.item] and lot_left[lot.lot] > 0]
        if not candidates:
            continue
        left = ln.quantity
        for name in draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=2, unique=True)):
            most = min(left, lot_left[name])
            if most <= 0:
                continue
            q = most if draw(st.sampled_from([True, True, False])) else draw(st.integers(1, most))
            left -= q
            lot_left[name] -= q
            reservations.append(Reservation(ln.order, ln.line, name, q))

    objective_key = draw(st.sampled_from([("ship_date", "priority")] * 3 + [("priority", "ship_date")]))
    return Scenario(
        company=draw(st.sampled_from(COMPANIES)),
        name="tier-loop",
        today=TODAY,
        items=tuple(items),
        lots=tuple(lots),
        orders=tuple(orders),
        lines=tuple(lines),
        kits=tuple(kits),
        alternates=tuple(alternates),
        safety_stock=tuple(safety_stock),
        reservations=tuple(reservations),
        objective_key=objective_key,
    )


# ---------------------------------------------------------------------------
# Pins (SPEC 9)
# ---------------------------------------------------------------------------


@st.composite
def pinned_scenarios(
    draw: st.DrawFn, base: st.SearchStrategy[Scenario] | None = None, out_of_ratio: bool = False
) -> Scenario:
    """A scenario of `base` (default `scenarios()`) with 1-3 valid pins on plain lines that take
    part, from lots that may serve them (section 3, as tests/reference.py transcribes it): a pin is
    at least the reservations of its (line, lot), and pins and reservations stay within each lot's
    allocable quantity and each line's quantity; `only` about one pin in four. A full line or a
    line of a full-delivery order is pinned in about half the examples that have one, and a kit
    line's components in whole kits wherever a kit line takes part; with `out_of_ratio`, always on
    one component only (out of kit ratio wherever the kit has another stocking component)."""
    from tests.reference import lot_may_serve, no_part_reason

    scenario = draw(scenarios() if base is None else base)
    kit_items = {k.kit for k in scenario.kits}
    alternates: dict[str, set[str]] = {}
    for a in scenario.alternates:
        alternates.setdefault(a.item, set()).add(a.alternate)
    candidates = [
        (ln, lot)
        for ln in scenario.lines
        if ln.item not in kit_items and no_part_reason(scenario, ln) is None
        for lot in scenario.lots
        if lot_may_serve(scenario, ln, lot, {ln.item} | alternates.get(ln.item, set()))
    ]
    chosen = (
        draw(st.lists(st.sampled_from(range(len(candidates))), min_size=1, max_size=3, unique=True))
        if candidates
        else []
    )
    orders = {o.order: o for o in scenario.orders}
    forcing = [n for n, (ln, _) in enumerate(candidates) if ln.full_line or orders[ln.order].full_delivery]
    if forcing and _often(draw, 2):
        chosen = list(dict.fromkeys([draw(st.sampled_from(forcing)), *chosen]))
    reserved_pair: dict[tuple[tuple[str, str], str], int] = {}
    line_left = {ln.key: ln.quantity for ln in scenario.lines}
    lot_left = {lot.lot: lot.allocable for lot in scenario.lots}
    for r in scenario.reservations:
        reserved_pair[((r.order, r.line), r.lot)] = (
            reserved_pair.get(((r.order, r.line), r.lot), 0) + r.quantity
        )
        line_left[(r.order, r.line)] -= r.quantity
        lot_left[r.lot] -= r.quantity
    pins = []
    for c in chosen:
        ln, lot = candidates[c]
        reserved = reserved_pair.get((ln.key, lot.lot), 0)
        beyond = draw(st.integers(0, max(0, min(line_left[ln.key], lot_left[lot.lot]))))
        line_left[ln.key] -= beyond
        lot_left[lot.lot] -= beyond
        reserved_elsewhere = any(key == ln.key and other != lot.lot for key, other in reserved_pair)
        only = _often(draw, 4) and not reserved_elsewhere  # else an input error
        pins.append(Pin(ln.order, ln.line, lot.lot, reserved + beyond, only))
    pins += draw(_kit_pins(scenario, alternates, lot_left, out_of_ratio))
    return scenario.replace(pins=tuple(sorted(pins, key=lambda p: (p.order, p.line, p.lot))))


@st.composite
def _kit_pins(
    draw: st.DrawFn,
    scenario: Scenario,
    alternates: dict[str, set[str]],
    lot_left: dict[str, int],
    out_of_ratio: bool = False,
) -> list[Pin]:
    """Pins of one kit line that takes part, on lots of its very component items that may serve it:
    about half the time in whole kits (every stocking component k x its per-kit quantity, `only`
    sometimes), else on some components only, any quantity (the optimiser then matches the
    others), as long as the kits they start fit the line; with `out_of_ratio`, one lot of one
    component only, at least one unit, and up to what the line's kits hold of every component the
    lot may give (where that is more than its own, the pin fits the line only split over them)."""
    from tests.reference import lot_may_serve, no_part_reason

    per_kit = {k.component: k.quantity for k in scenario.kits}
    stocking = {i.item for i in scenario.items if i.stocking}
    components = [c for c in per_kit if c in stocking]
    kit_lines = [ln for ln in scenario.lines if ln.item in {k.kit for k in scenario.kits}]
    kit_lines = [ln for ln in kit_lines if no_part_reason(scenario, ln) is None]
    if not kit_lines or not components:
        return []
    ln = draw(st.sampled_from(kit_lines))
    serving = {
        c: [
            lot
            for lot in scenario.lots
            if lot.item == c and lot_may_serve(scenario, ln, lot, {c} | alternates.get(c, set()))
        ]
        for c in components
    }
    pins = []
    if out_of_ratio:  # one component only: the optimiser must match the others
        pinnable = [c for c in components if serving[c]]
        if not pinnable:
            return []
        c = draw(st.sampled_from(pinnable))
        lot = draw(st.sampled_from(serving[c]))
        # Up to what the line's kits hold of every component the lot may give (it splits over them).
        gives = [p for p in components if p == c or c in alternates.get(p, set())]
        most = min(lot_left[lot.lot], ln.quantity * sum(per_kit[p] for p in gives))
        if most > 0:
            pins.append(Pin(ln.order, ln.line, lot.lot, draw(st.integers(1, most))))
    elif _often(draw, 2):  # in whole kits
        if not all(serving.values()):
            return []
        most = min(max(lot_left[lot.lot] for lot in lots) // per_kit[c] for c, lots in serving.items())
        kits = draw(st.integers(0, max(0, min(ln.quantity, most))))
        for c, lots in serving.items():
            lot = draw(st.sampled_from([lot for lot in lots if lot_left[lot.lot] >= kits * per_kit[c]]))
            pins.append(Pin(ln.order, ln.line, lot.lot, kits * per_kit[c], _often(draw, 4)))
    else:  # some components, any quantity
        for c, lots in serving.items():
            if lots and _often(draw, 2):
                lot = draw(st.sampled_from(lots))
                most = min(lot_left[lot.lot], ln.quantity * per_kit[c])
                pins.append(Pin(ln.order, ln.line, lot.lot, draw(st.integers(0, max(0, most)))))
    for pin in pins:
        lot_left[pin.lot] -= pin.quantity
    return pins


@st.composite
def kit_scenarios(draw: st.DrawFn, max_qty: int = 6) -> Scenario:
    """A tiny scenario around a kit K1 of two stocking components P1 and P2 (1-2 of each per kit):
    1-2 kit lines that take part, beside 1-3 lines of P1 or P2 that compete for the same 2-4 lots
    (packs, full lines, full-delivery orders, safety stock, lots to come, warehouse lists, one
    component an alternate of the other sometimes, or each of the other). For kit pins out of
    kit ratio, which
    `scenarios()` seldom gives (`pinned_scenarios(kit_scenarios(), out_of_ratio=True)`)."""
    items = [
        Item(
            item=p,
            safety_stock=draw(st.sampled_from([0, 0, 0, 1])),
            pack_size=draw(st.sampled_from([1, 1, 2])),
        )
        for p in ("P1", "P2")
    ]
    items.append(Item(item="K1", pack_size=draw(st.sampled_from([1, 1, 2]))))
    kits = [KitComponent("K1", p, draw(st.sampled_from([1, 1, 2]))) for p in ("P1", "P2")]
    lots = [
        Lot(
            lot=f"L{n + 1}",
            item=item,
            warehouse=draw(st.sampled_from(WAREHOUSES)),
            quantity=draw(st.integers(0, max_qty)),
            due=draw(st.sampled_from(DUES)),
        )
        for n, item in enumerate(["P1", "P2", *draw(st.lists(st.sampled_from(["P1", "P2"]), max_size=2))])
    ]
    orders = [
        Order(order=f"O{n + 1}", priority=draw(st.integers(0, 2)), full_delivery=_often(draw, 3))
        for n in range(_count(draw, 2))
    ]
    line_items = ["K1", *draw(st.lists(st.sampled_from(["K1", "P1", "P2"]), min_size=1, max_size=3))]
    lines: list[Line] = []
    next_line = {o.order: 1 for o in orders}
    for item in line_items:
        order = draw(st.sampled_from([o.order for o in orders]))
        lines.append(
            Line(
                order=order,
                line=str(next_line[order]),
                item=item,
                quantity=draw(st.integers(1, 3 if item == "K1" else max_qty - 1)),
                ship_date=TODAY + timedelta(days=draw(st.integers(0, 3))),
                full_line=_often(draw, 3),
                warehouses=draw(st.sampled_from(WAREHOUSE_LISTS)) if _often(draw, 4) else None,
            )
        )
        next_line[order] += 1
    one_way = [(Alternate("P1", "P2", 1),), (Alternate("P2", "P1", 1),)]
    alternates = draw(st.sampled_from([(), (), *one_way, (*one_way[0], *one_way[1])]))
    return Scenario(
        name="kit-pins",
        today=TODAY,
        items=tuple(items),
        lots=tuple(lots),
        orders=tuple(orders),
        lines=tuple(lines),
        kits=tuple(kits),
        alternates=alternates,
    )

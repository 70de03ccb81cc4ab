"""The optimisation model of one component (SPEC section 4), one function per restriction.

Columns: `x` per (demand, lot) pair, the quantity the lot gives (continuous: once
every line's quantity is whole, a whole assignment exists, since what is left is
a network flow with whole capacities, and `planner.engine.flow` finds it); `a` per line,
the quantity the optimiser adds beyond reservations (whole units, or whole kits).
The builder loops over the prepared tables and never filters data itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from planner.engine.components import Component
from planner.engine.eligibility import Prepared
from planner.engine.ids import LineId, PairId, demand_pairs, line_of
from planner.engine.mip import Mip


@dataclass(slots=True)
class ComponentModel:
    """A component's MIP and where its line and pair columns are."""

    mip: Mip
    line_col: dict[LineId, int]
    pair_col: dict[PairId, int]


def build_model(prep: Prepared, comp: Component) -> ComponentModel:
    """Every restriction of section 4 over one component's lines, demands, pairs and lots."""
    mip = Mip()
    line_col = {
        li: mip.add_var(0, prep.lines[li].open_after_reservations, True, f"a[{li}]") for li in comp.lines
    }
    pair_col = {p: mip.add_var(0, _pair_bound(prep, p), False, f"x[{p}]") for p in comp.pairs}
    model = ComponentModel(mip, line_col, pair_col)
    add_kit_ratio(prep, comp, model)
    add_lot_capacity(prep, comp, model)
    add_safety_stock(prep, comp, model)
    add_pack_size(prep, comp, model)
    add_full_line(prep, comp, model)
    add_full_delivery(prep, comp, model)
    return model


def _pair_bound(prep: Prepared, p: PairId) -> int:
    pair = prep.pairs[p]
    demand = prep.demands[pair.demand]
    return min(prep.capacity[pair.lot], demand.per_unit * prep.lines[demand.line].open_after_reservations)


def add_kit_ratio(prep: Prepared, comp: Component, model: ComponentModel) -> None:
    """4.6 (and plain lines, per_unit 1): each demand's lots give exactly per_unit x a[line]."""
    for d in comp.demands:
        demand, pairs = prep.demands[d], demand_pairs(prep)[d]
        cols = [model.pair_col[p] for p in pairs] + [model.line_col[line_of(prep, d)]]
        coefs = [1] * len(pairs) + [-demand.per_unit]
        model.mip.add_row(cols, coefs, 0, 0, f"demand[{d}]")


def add_lot_capacity(prep: Prepared, comp: Component, model: ComponentModel) -> None:
    """4.1: a lot gives no more than its allocable quantity less honoured reservations."""
    for lot in sorted({prep.pairs[p].lot for p in comp.pairs}):
        ps = [p for p in cast(tuple[PairId, ...], prep.lot_pairs[lot]) if p in model.pair_col]
        if len(ps) > 1:
            cols = [model.pair_col[p] for p in ps]
            model.mip.add_row(cols, [1] * len(ps), 0, prep.capacity[lot], f"lot[{lot}]")


def add_safety_stock(prep: Prepared, comp: Component, model: ComponentModel) -> None:
    """4.2: per item and per (item, warehouse), the optimiser leaves the safety stock."""
    for g in comp.groups:
        group = prep.cap_groups[g]
        cols = [
            model.pair_col[p]
            for lot in group.lots
            for p in cast(tuple[PairId, ...], prep.lot_pairs[lot])
            if p in model.pair_col
        ]
        if cols:
            model.mip.add_row(cols, [1] * len(cols), 0, group.cap, f"safety[{group.label}]")


def add_pack_size(prep: Prepared, comp: Component, model: ComponentModel) -> None:
    """4.5: what the optimiser adds to a line is a whole number of packs (kits: of kit packs)."""
    for li in comp.lines:
        line = prep.lines[li]
        if line.pack_size > 1 and not (line.full_line or line.full_delivery):
            packs = model.mip.add_var(0, line.open_after_reservations // line.pack_size, True, f"m[{li}]")
            model.mip.add_row([model.line_col[li], packs], [1, -line.pack_size], 0, 0, f"pack[{li}]")


def _all_or_nothing(model: ComponentModel, lines: list[LineId], open_qty: list[int], switch: int) -> None:
    for li, qty in zip(lines, open_qty):
        model.mip.add_row([model.line_col[li], switch], [1, -qty], 0, 0, f"whole[{li}]")


def _whole_is_possible(prep: Prepared, li: LineId) -> bool:
    line = prep.lines[li]
    return line.open_after_reservations % line.pack_size == 0


def add_full_line(prep: Prepared, comp: Component, model: ComponentModel) -> None:
    """4.4: a full_line line gets its whole open quantity or nothing beyond reservations."""
    for li in comp.lines:
        line = prep.lines[li]
        if line.full_line and not line.full_delivery:
            y = model.mip.add_var(0, 1 if _whole_is_possible(prep, li) else 0, True, f"y[{li}]")
            _all_or_nothing(model, [li], [line.open_after_reservations], y)


def add_full_delivery(prep: Prepared, comp: Component, model: ComponentModel) -> None:
    """4.3: every stocking line of a full-delivery order in full, or the order gets nothing more.

    An order with a line that takes no part is blocked: its switch is fixed at 0.
    """
    by_order: dict[str, list[LineId]] = defaultdict(list)
    for li in comp.lines:
        if prep.lines[li].full_delivery:
            by_order[prep.lines[li].key[0]].append(li)
    for order, lines in sorted(by_order.items()):
        possible = order not in prep.blocked_orders and all(_whole_is_possible(prep, li) for li in lines)
        z = model.mip.add_var(0, 1 if possible else 0, True, f"z[{order}]")
        _all_or_nothing(model, lines, [prep.lines[li].open_after_reservations for li in lines], z)

"""The independent checker (planner.check): each rule passes a valid plan and flags exactly its own breach.

Plans are written by hand as the tables the CLI writes (allocations.csv, lines.csv), over
tiny scenarios built from records. Every broken plan differs from a valid one in one respect,
and must yield violations of that one rule only.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from models.loading import load_scenario
from models.records import (
    Alternate,
    Item,
    KitComponent,
    Line,
    Lot,
    Order,
    Reservation,
    Scenario,
    WarehouseSafetyStock,
)
from planner.check import ALLOCATION_COLUMNS, LINE_COLUMNS, Violation, check_dir, check_tables
from planner.engine.solve import solve

TODAY = date(2026, 11, 20)
SHIP = date(2026, 12, 1)
CONFORMANCE = Path(__file__).resolve().parents[4] / "shared" / "conformance"

AllocationRow = tuple[str, str, str, str, str, str, int | str, str]
LinesRow = tuple[str, str, str, int | str, int | str, str, str, int | str]


def make(
    lots: list[Lot],
    lines: list[Line],
    items: list[Item] | None = None,
    orders: list[Order] | None = None,
    **tables: object,
) -> Scenario:
    """A scenario on TODAY; items and orders default to plain ones for every name used."""
    names = {lot.item for lot in lots} | {ln.item for ln in lines}
    given = {i.item for i in items or []}
    all_items = list(items or []) + [Item(n) for n in sorted(names - given)]
    order_names = {o.order for o in orders or []}
    all_orders = list(orders or []) + [Order(n) for n in sorted({ln.order for ln in lines} - order_names)]
    return Scenario(
        name="test",
        today=TODAY,
        items=tuple(all_items),
        lots=tuple(lots),
        orders=tuple(all_orders),
        lines=tuple(lines),
        **tables,  # type: ignore[arg-type]  # each a table of the Scenario field of its name
    )


def take(
    scenario: Scenario, order: str, line: str, lot: str, quantity: int, source: str = "optimizer"
) -> AllocationRow:
    """An allocation row of `quantity` from `lot`, repeating the lot's item, warehouse and owner."""
    the_lot = next(x for x in scenario.lots if x.lot == lot)
    return (order, line, the_lot.item, lot, the_lot.warehouse, the_lot.owner, quantity, source)


def nonstock(order: str, line: str, item: str, quantity: int) -> AllocationRow:
    """A nonstock allocation row: no lot."""
    return (order, line, item, "", "", "", quantity, "nonstock")


def check(scenario: Scenario, rows: list[AllocationRow], lines: list[LinesRow]) -> list[Violation]:
    allocations = pd.DataFrame(rows, columns=list(ALLOCATION_COLUMNS))
    return check_tables(scenario, allocations, pd.DataFrame(lines, columns=list(LINE_COLUMNS)))


def rules(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


# --------------------------------------------------------------------------
# SPEC section 7's worked example
# --------------------------------------------------------------------------


def worked_example() -> Scenario:
    """Lots A1 (X, NY, 10), A2 (X, CA, 10); L1 may use CA;NY, ships first; L2 only CA."""
    return make(
        lots=[Lot("A1", "X", "NY", 10), Lot("A2", "X", "CA", 10)],
        lines=[
            Line("SO1", "L1", "X", 10, date(2026, 12, 1), warehouses=("CA", "NY")),
            Line("SO2", "L2", "X", 10, date(2026, 12, 2), warehouses=("CA",)),
        ],
    )


def test_worked_example_optimum_passes() -> None:
    """The optimal plan (L1 from NY, L2 from CA) keeps every rule."""
    sc = worked_example()
    rows = [take(sc, "SO1", "L1", "A1", 10), take(sc, "SO2", "L2", "A2", 10)]
    lines: list[LinesRow] = [
        ("SO1", "L1", "X", 10, 10, "full", "", 1),
        ("SO2", "L2", "X", 10, 10, "full", "", 2),
    ]
    assert check(sc, rows, lines) == []


def test_greedy_plan_is_valid_though_not_optimal() -> None:
    """The checker judges feasibility, not optimality: the greedy plan breaks no rule."""
    sc = worked_example()
    rows = [take(sc, "SO1", "L1", "A2", 10)]
    lines: list[LinesRow] = [
        ("SO1", "L1", "X", 10, 10, "full", "", 1),
        ("SO2", "L2", "X", 10, 0, "none", "short", 2),
    ]
    assert check(sc, rows, lines) == []


def test_wrong_warehouse_is_flagged() -> None:
    """A lot outside the line's warehouses may not serve it (lot_may_not_serve)."""
    sc = worked_example()
    rows = [take(sc, "SO1", "L1", "A2", 10), take(sc, "SO2", "L2", "A1", 10)]
    lines: list[LinesRow] = [
        ("SO1", "L1", "X", 10, 10, "full", "", 1),
        ("SO2", "L2", "X", 10, 10, "full", "", 2),
    ]
    violations = check(sc, rows, lines)
    assert rules(violations) == {"lot_may_not_serve"}
    assert "lot A1" in violations[0].message
    assert "SO2/L2" in violations[0].message


def test_order_warehouses_apply_when_line_has_none() -> None:
    """Without its own list a line uses its order's warehouses."""
    sc = make(
        lots=[Lot("A1", "X", "NY", 10)],
        lines=[Line("SO1", "1", "X", 10, SHIP)],
        orders=[Order("SO1", warehouses=("CA",))],
    )
    rows = [take(sc, "SO1", "1", "A1", 10)]
    assert rules(check(sc, rows, [("SO1", "1", "X", 10, 10, "full", "", 1)])) == {"lot_may_not_serve"}


def test_wrong_tier_numbers_are_flagged() -> None:
    """Lines with different keys must carry different, ascending tier numbers."""
    sc = worked_example()
    rows = [take(sc, "SO1", "L1", "A1", 10), take(sc, "SO2", "L2", "A2", 10)]
    lines: list[LinesRow] = [
        ("SO1", "L1", "X", 10, 10, "full", "", 1),
        ("SO2", "L2", "X", 10, 10, "full", "", 1),
    ]
    assert rules(check(sc, rows, lines)) == {"tier"}


def test_tiers_follow_the_objective_key_and_effective_priority() -> None:
    """Equal keys share a tier; the line's priority overrides its order's; the key order is configurable."""
    lines = [
        Line("SO1", "1", "X", 1, date(2026, 12, 1)),  # priority 5 from its order
        Line("SO1", "2", "X", 1, date(2026, 12, 2), priority=0),
        Line("SO2", "1", "X", 1, date(2026, 12, 1), priority=5),
    ]
    sc = make(lots=[Lot("A1", "X", "NY", 3)], lines=lines)
    rows = [take(sc, o, ln, "A1", 1) for o, ln in (("SO1", "1"), ("SO1", "2"), ("SO2", "1"))]
    by_date: list[LinesRow] = [
        ("SO1", "1", "X", 1, 1, "full", "", 1),
        ("SO1", "2", "X", 1, 1, "full", "", 2),
        ("SO2", "1", "X", 1, 1, "full", "", 1),
    ]
    assert check(sc, rows, by_date) == []
    by_priority: list[LinesRow] = [
        (o, ln, i, r, a, s, why, {"2": 1}.get(ln, 2)) for o, ln, i, r, a, s, why, _ in by_date
    ]
    assert check(sc.replace(objective_key=("priority", "ship_date")), rows, by_priority) == []
    assert rules(check(sc, rows, by_priority)) == {"tier"}


# --------------------------------------------------------------------------
# Which lots may serve a line
# --------------------------------------------------------------------------


def one_line(lot: Lot, line: Line, **kw: object) -> tuple[Scenario, list[LinesRow]]:
    """A scenario of one lot and one line served in full from it, and the plan's lines table."""
    sc = make(lots=[lot], lines=[line], **kw)  # type: ignore[arg-type]  # make's own table keywords
    return sc, [(line.order, line.line, line.item, line.quantity, line.quantity, "full", "", 1)]


def test_pnp_line_from_pnp_lot_passes() -> None:
    """A pnp lot may serve a line that requires pnp."""
    sc, lines = one_line(
        Lot("P1", "X", "NY", 10, pnp=True), Line("SO1", "1", "X", 10, SHIP, requires_pnp=True)
    )
    assert check(sc, [take(sc, "SO1", "1", "P1", 10)], lines) == []


def test_non_pnp_lot_on_pnp_line_is_flagged() -> None:
    """A lot that is not pnp may not serve a line that requires pnp."""
    sc, lines = one_line(
        Lot("T1", "X", "NY", 10, pnp=False), Line("SO1", "1", "X", 10, SHIP, requires_pnp=True)
    )
    violations = check(sc, [take(sc, "SO1", "1", "T1", 10)], lines)
    assert rules(violations) == {"lot_may_not_serve"}
    assert "pnp" in violations[0].message


def test_owner_in_list_passes() -> None:
    """A lot whose owner is in the order's owners may serve the line."""
    lot, line = Lot("O1", "X", "NY", 10, owner="ACME"), Line("SO1", "1", "X", 10, SHIP)
    sc, lines = one_line(lot, line, orders=[Order("SO1", owners=("ACME", "OWN"))])
    assert check(sc, [take(sc, "SO1", "1", "O1", 10)], lines) == []


def test_owner_not_in_list_is_flagged() -> None:
    """A lot whose owner is not in the line's owners (overriding the order's) may not serve it."""
    lot = Lot("O1", "X", "NY", 10, owner="ACME")
    line = Line("SO1", "1", "X", 10, SHIP, owners=("OWN",))
    sc, lines = one_line(lot, line, orders=[Order("SO1", owners=("ACME",))])
    violations = check(sc, [take(sc, "SO1", "1", "O1", 10)], lines)
    assert rules(violations) == {"lot_may_not_serve"}
    assert "owner 'ACME'" in violations[0].message


@pytest.mark.parametrize(
    "lot",
    [
        Lot("Q1", "X", "NY", 10, status="quarantine"),
        Lot("E1", "X", "NY", 10, expires=date(2026, 11, 19)),
        Lot("Y1", "Y", "NY", 10),
    ],
    ids=["quarantine", "expired", "other_item"],
)
def test_unusable_or_foreign_lot_is_flagged(lot: Lot) -> None:
    """Only available, unexpired lots of the line's item (or an alternate) may serve it."""
    sc, lines = one_line(lot, Line("SO1", "1", "X", 10, SHIP))
    assert rules(check(sc, [take(sc, "SO1", "1", lot.lot, 10)], lines)) == {"lot_may_not_serve"}


def test_lot_expiring_today_may_serve() -> None:
    """A lot expiring today is not yet expired."""
    sc, lines = one_line(Lot("E1", "X", "NY", 10, expires=TODAY), Line("SO1", "1", "X", 10, SHIP))
    assert check(sc, [take(sc, "SO1", "1", "E1", 10)], lines) == []


def test_alternates_serve_one_way() -> None:
    """A lot of X's alternate may serve an X line; a lot of X may not serve a line of its alternate."""
    sc = make(
        lots=[Lot("B1", "XB", "NY", 10), Lot("B2", "XB", "NY", 10), Lot("A1", "X", "NY", 10)],
        lines=[Line("SO1", "1", "X", 10, SHIP), Line("SO2", "1", "XB", 10, SHIP)],
        alternates=(Alternate("X", "XB"),),
    )
    lines: list[LinesRow] = [
        ("SO1", "1", "X", 10, 10, "full", "", 1),
        ("SO2", "1", "XB", 10, 10, "full", "", 1),
    ]
    good = [take(sc, "SO1", "1", "B1", 10), take(sc, "SO2", "1", "B2", 10)]
    assert check(sc, good, lines) == []
    bad = [take(sc, "SO1", "1", "B1", 10), take(sc, "SO2", "1", "A1", 10)]
    assert rules(check(sc, bad, lines)) == {"lot_may_not_serve"}


def test_row_must_repeat_its_lot() -> None:
    """A row's item, warehouse and owner must be those of its lot (mismatch)."""
    sc, lines = one_line(Lot("A1", "X", "NY", 10), Line("SO1", "1", "X", 10, SHIP))
    rows: list[AllocationRow] = [("SO1", "1", "X", "A1", "CA", "", 10, "optimizer")]
    assert rules(check(sc, rows, lines)) == {"mismatch"}


# --------------------------------------------------------------------------
# Hard restrictions
# --------------------------------------------------------------------------


def capacity_scenario() -> Scenario:
    """Lot C1 holds 10 of which 2 are allocated and 3 planned for issue: 5 allocable."""
    return make(
        lots=[Lot("C1", "X", "NY", 10, allocated=2, planned_issue=3)], lines=[Line("SO1", "1", "X", 6, SHIP)]
    )


def test_lot_within_capacity_passes() -> None:
    """A lot giving its allocable quantity is within capacity."""
    sc = capacity_scenario()
    assert check(sc, [take(sc, "SO1", "1", "C1", 5)], [("SO1", "1", "X", 6, 5, "partial", "short", 1)]) == []


def test_lot_over_capacity_is_flagged() -> None:
    """A lot giving more than quantity - allocated - planned_issue breaks lot capacity."""
    sc = capacity_scenario()
    violations = check(sc, [take(sc, "SO1", "1", "C1", 6)], [("SO1", "1", "X", 6, 6, "full", "", 1)])
    assert rules(violations) == {"lot_capacity"}
    assert "lot C1" in violations[0].message
    assert "gives 6" in violations[0].message


def safety_scenario(reservations: tuple[Reservation, ...] = ()) -> Scenario:
    """Item S keeps 4 in safety stock; lots S1 (NY, 10) and an expired S2 (NY, 50, not counted)."""
    return make(
        lots=[Lot("S1", "S", "NY", 10), Lot("S2", "S", "NY", 50, expires=date(2026, 1, 1))],
        lines=[Line("SO1", "1", "S", 10, SHIP)],
        items=[Item("S", safety_stock=4)],
        reservations=reservations,
    )


def test_safety_stock_kept_passes() -> None:
    """The optimiser may take allocable - safety stock = 6 of item S."""
    sc = safety_scenario()
    rows = [take(sc, "SO1", "1", "S1", 6)]
    assert check(sc, rows, [("SO1", "1", "S", 10, 6, "partial", "safety_stock", 1)]) == []


def test_safety_stock_broken_is_flagged() -> None:
    """The optimiser taking 7 of item S eats into its safety stock of 4."""
    sc = safety_scenario()
    violations = check(
        sc, [take(sc, "SO1", "1", "S1", 7)], [("SO1", "1", "S", 10, 7, "partial", "safety_stock", 1)]
    )
    assert rules(violations) == {"safety_stock"}
    assert "item S" in violations[0].message
    assert "at most 6" in violations[0].message


def test_reservations_may_use_safety_stock() -> None:
    """A reservation of 8 may take safety stock; the optimiser may then add nothing."""
    sc = safety_scenario(reservations=(Reservation("SO1", "1", "S1", 8),))
    lines: list[LinesRow] = [("SO1", "1", "S", 10, 8, "partial", "safety_stock", 1)]
    assert check(sc, [take(sc, "SO1", "1", "S1", 8, "reservation")], lines) == []
    rows = [take(sc, "SO1", "1", "S1", 8, "reservation"), take(sc, "SO1", "1", "S1", 1)]
    lines = [("SO1", "1", "S", 10, 9, "partial", "safety_stock", 1)]
    assert rules(check(sc, rows, lines)) == {"safety_stock"}


def test_warehouse_safety_stock_is_kept_per_warehouse() -> None:
    """safety_stock.csv limits what the optimiser takes from that warehouse's lots."""
    sc = make(
        lots=[Lot("N1", "X", "NY", 10), Lot("C1", "X", "CA", 10)],
        lines=[Line("SO1", "1", "X", 20, SHIP)],
        safety_stock=(WarehouseSafetyStock("X", "NY", 3),),
    )
    good = [take(sc, "SO1", "1", "N1", 7), take(sc, "SO1", "1", "C1", 10)]
    assert check(sc, good, [("SO1", "1", "X", 20, 17, "partial", "safety_stock", 1)]) == []
    bad = [take(sc, "SO1", "1", "N1", 8), take(sc, "SO1", "1", "C1", 10)]
    violations = check(sc, bad, [("SO1", "1", "X", 20, 18, "partial", "safety_stock", 1)])
    assert rules(violations) == {"safety_stock"}
    assert "in NY" in violations[0].message


def full_delivery_scenario() -> Scenario:
    """Order FD (full delivery) has two lines of 10 X; only 15 X in stock; a nonstock line NS too."""
    return make(
        lots=[Lot("A1", "X", "NY", 15)],
        lines=[Line("FD", "1", "X", 10, SHIP), Line("FD", "2", "X", 10, SHIP), Line("FD", "3", "N", 2, SHIP)],
        items=[Item("N", stocking=False)],
        orders=[Order("FD", full_delivery=True)],
    )


def test_full_delivery_nothing_passes() -> None:
    """A full_delivery order that cannot be served in full may get nothing (its nonstock line aside)."""
    sc = full_delivery_scenario()
    lines: list[LinesRow] = [
        ("FD", "1", "X", 10, 0, "none", "full_delivery_blocked", 1),
        ("FD", "2", "X", 10, 0, "none", "full_delivery_blocked", 1),
        ("FD", "3", "N", 2, 2, "full", "nonstock", ""),
    ]
    assert check(sc, [nonstock("FD", "3", "N", 2)], lines) == []


def test_full_delivery_partially_served_is_flagged() -> None:
    """Serving one line of a full_delivery order and not the other breaks full delivery."""
    sc = full_delivery_scenario()
    rows = [take(sc, "FD", "1", "A1", 10), take(sc, "FD", "2", "A1", 5), nonstock("FD", "3", "N", 2)]
    lines: list[LinesRow] = [
        ("FD", "1", "X", 10, 10, "full", "", 1),
        ("FD", "2", "X", 10, 5, "partial", "full_delivery_blocked", 1),
        ("FD", "3", "N", 2, 2, "full", "nonstock", ""),
    ]
    violations = check(sc, rows, lines)
    assert rules(violations) == {"full_delivery"}
    assert "order FD" in violations[0].message


def test_full_delivery_blocked_by_an_ineligible_line() -> None:
    """One line that takes no part (here printed) means the order gets nothing."""
    sc = full_delivery_scenario()
    sc = sc.replace(lines=(Line("FD", "1", "X", 10, SHIP), Line("FD", "2", "X", 5, SHIP, printed=True)))
    lines: list[LinesRow] = [
        ("FD", "1", "X", 10, 10, "full", "", 1),
        ("FD", "2", "X", 5, 0, "none", "printed", ""),
    ]
    assert rules(check(sc, [take(sc, "FD", "1", "A1", 10)], lines)) == {"full_delivery"}
    lines[0] = ("FD", "1", "X", 10, 0, "none", "full_delivery_blocked", 1)
    assert check(sc, [], lines) == []


def full_line_scenario() -> Scenario:
    """A full_line line of 10 X with only 6 in stock."""
    return make(lots=[Lot("A1", "X", "NY", 6)], lines=[Line("SO1", "1", "X", 10, SHIP, full_line=True)])


def test_full_line_nothing_passes() -> None:
    """A full_line line that cannot be filled gets nothing."""
    sc = full_line_scenario()
    assert check(sc, [], [("SO1", "1", "X", 10, 0, "none", "full_line_short", 1)]) == []


def test_full_line_partial_is_flagged() -> None:
    """A full_line line served in part breaks full line."""
    sc = full_line_scenario()
    violations = check(
        sc, [take(sc, "SO1", "1", "A1", 6)], [("SO1", "1", "X", 10, 6, "partial", "full_line_short", 1)]
    )
    assert rules(violations) == {"full_line"}


def pack_scenario() -> Scenario:
    """Item P comes in packs of 4; a line of 10 P, 20 in stock."""
    return make(
        lots=[Lot("A1", "P", "NY", 20)],
        lines=[Line("SO1", "1", "P", 10, SHIP)],
        items=[Item("P", pack_size=4)],
    )


def test_pack_size_multiple_passes() -> None:
    """A line of a packed item may get a multiple of its pack size; lacking less than a pack, its
    reason is pack_remainder."""
    sc = pack_scenario()
    assert (
        check(sc, [take(sc, "SO1", "1", "A1", 8)], [("SO1", "1", "P", 10, 8, "partial", "pack_remainder", 1)])
        == []
    )


def test_pack_size_broken_is_flagged() -> None:
    """A line of a packed item getting no multiple of its pack size breaks pack size."""
    sc = pack_scenario()
    violations = check(
        sc, [take(sc, "SO1", "1", "A1", 7)], [("SO1", "1", "P", 10, 7, "partial", "pack_remainder", 1)]
    )
    assert rules(violations) == {"pack_size"}
    assert "pack size 4" in violations[0].message


def kit_scenario() -> Scenario:
    """Kit K = 2 x C1 + 1 x C2 + 1 x N (nonstock); C2 has alternate C2B; one line of 3 kits."""
    return make(
        lots=[Lot("L1", "C1", "NY", 10), Lot("L2", "C2", "NY", 2), Lot("L3", "C2B", "NY", 5)],
        lines=[Line("SO1", "1", "K", 3, SHIP)],
        items=[Item("K"), Item("C1"), Item("C2"), Item("C2B"), Item("N", stocking=False)],
        kits=(KitComponent("K", "C1", 2), KitComponent("K", "C2", 1), KitComponent("K", "N", 1)),
        alternates=(Alternate("C2", "C2B"),),
    )


def test_kit_in_ratio_passes() -> None:
    """3 kits take 6 C1, 3 C2 (2 of them from an alternate) and 3 N by nonstock rows."""
    sc = kit_scenario()
    rows = [
        take(sc, "SO1", "1", "L1", 6),
        take(sc, "SO1", "1", "L2", 1),
        take(sc, "SO1", "1", "L3", 2),
        nonstock("SO1", "1", "N", 3),
    ]
    assert check(sc, rows, [("SO1", "1", "K", 3, 3, "full", "", 1)]) == []


def test_kit_ratio_broken_is_flagged() -> None:
    """3 kits with only 5 C1 break the kit ratio, naming the component."""
    sc = kit_scenario()
    rows = [take(sc, "SO1", "1", "L1", 5), take(sc, "SO1", "1", "L2", 2), take(sc, "SO1", "1", "L3", 1)]
    rows.append(nonstock("SO1", "1", "N", 3))
    violations = check(sc, rows, [("SO1", "1", "K", 3, 3, "full", "", 1)])
    assert rules(violations) == {"kit_ratio"}
    assert "component C1" in violations[0].message
    assert "= 6" in violations[0].message


def test_kit_missing_nonstock_component_is_flagged() -> None:
    """A nonstock component still needs its k x quantity, as nonstock rows."""
    sc = kit_scenario()
    rows = [take(sc, "SO1", "1", "L1", 6), take(sc, "SO1", "1", "L2", 2), take(sc, "SO1", "1", "L3", 1)]
    assert rules(check(sc, rows, [("SO1", "1", "K", 3, 3, "full", "", 1)])) == {"kit_ratio"}


def test_kit_with_shared_alternate_is_split_when_possible() -> None:
    """Lots of an alternate of two components count for either, as long as a split gives each its due."""
    sc = make(
        lots=[Lot("LP", "P", "NY", 5), Lot("LD", "D", "NY", 5)],
        lines=[Line("SO1", "1", "K", 2, SHIP)],
        kits=(KitComponent("K", "P", 1), KitComponent("K", "Q", 1)),
        alternates=(Alternate("P", "D"), Alternate("Q", "D")),
        items=[Item("K"), Item("P"), Item("Q"), Item("D")],
    )
    lines: list[LinesRow] = [("SO1", "1", "K", 2, 2, "full", "", 1)]
    assert check(sc, [take(sc, "SO1", "1", "LP", 1), take(sc, "SO1", "1", "LD", 3)], lines) == []
    assert check(sc, [take(sc, "SO1", "1", "LD", 4)], lines) == []
    lopsided = [take(sc, "SO1", "1", "LP", 3), take(sc, "SO1", "1", "LD", 1)]  # Q can get only 1
    assert rules(check(sc, lopsided, lines)) == {"kit_ratio"}


def test_line_above_its_quantity_is_flagged() -> None:
    """No line gets more than its quantity."""
    sc = make(lots=[Lot("A1", "X", "NY", 20)], lines=[Line("SO1", "1", "X", 10, SHIP)])
    violations = check(
        sc, [take(sc, "SO1", "1", "A1", 12)], [("SO1", "1", "X", 10, 12, "partial", "short", 1)]
    )
    assert rules(violations) == {"line_quantity"}


def test_allocated_must_equal_the_rows() -> None:
    """A non-kit line's allocated equals the sum of its rows."""
    sc = make(lots=[Lot("A1", "X", "NY", 20)], lines=[Line("SO1", "1", "X", 10, SHIP)])
    violations = check(sc, [take(sc, "SO1", "1", "A1", 4)], [("SO1", "1", "X", 10, 5, "partial", "short", 1)])
    assert rules(violations) == {"line_quantity"}


# --------------------------------------------------------------------------
# Eligibility, nonstock and reservations
# --------------------------------------------------------------------------


def nonstock_scenario() -> Scenario:
    """A line of 5 of the nonstock item N (outside any window: nonstock comes first)."""
    return make(
        lots=[],
        lines=[Line("SO1", "1", "N", 5, date(2027, 6, 1))],
        items=[Item("N", stocking=False, window_days=10)],
    )


def test_nonstock_line_in_full_passes() -> None:
    """A nonstock line gets its whole quantity by a nonstock row, with reason nonstock and no tier."""
    sc = nonstock_scenario()
    assert check(sc, [nonstock("SO1", "1", "N", 5)], [("SO1", "1", "N", 5, 5, "full", "nonstock", "")]) == []


def test_nonstock_line_not_fully_allocated_is_flagged() -> None:
    """A nonstock line left without its quantity breaks the nonstock rule."""
    sc = nonstock_scenario()
    violations = check(sc, [], [("SO1", "1", "N", 5, 0, "none", "nonstock", "")])
    assert rules(violations) == {"nonstock"}
    assert "SO1/1" in violations[0].message


def test_nonstock_kit_line_may_be_given_as_the_kit_or_its_components() -> None:
    """A nonstock kit line is served by nonstock rows of the kit item, or of each component x kits."""
    sc = make(
        lots=[],
        lines=[Line("SO1", "1", "NK", 2, SHIP)],
        items=[Item("NK", stocking=False), Item("C")],
        kits=(KitComponent("NK", "C", 3),),
    )
    lines: list[LinesRow] = [("SO1", "1", "NK", 2, 2, "full", "nonstock", "")]
    assert check(sc, [nonstock("SO1", "1", "NK", 2)], lines) == []
    assert check(sc, [nonstock("SO1", "1", "C", 6)], lines) == []
    assert rules(check(sc, [nonstock("SO1", "1", "C", 5)], lines)) == {"nonstock"}


def test_nonstock_row_on_a_stocking_line_is_flagged() -> None:
    """A row without a lot serves only nonstock lines or nonstock kit components."""
    sc = make(lots=[], lines=[Line("SO1", "1", "X", 5, SHIP)])
    violations = check(sc, [nonstock("SO1", "1", "X", 5)], [("SO1", "1", "X", 5, 5, "full", "", 1)])
    assert rules(violations) == {"nonstock"}


def printed_scenario() -> Scenario:
    """Order SO1 is printed; its line 1 inherits that, line 2 overrides it (printed=False)."""
    return make(
        lots=[Lot("A1", "X", "NY", 20)],
        lines=[Line("SO1", "1", "X", 10, SHIP), Line("SO1", "2", "X", 10, SHIP, printed=False)],
        orders=[Order("SO1", printed=True)],
    )


def test_printed_line_left_alone_passes() -> None:
    """A printed line gets nothing and says printed; the line overriding the flag takes part."""
    sc = printed_scenario()
    lines: list[LinesRow] = [
        ("SO1", "1", "X", 10, 0, "none", "printed", ""),
        ("SO1", "2", "X", 10, 10, "full", "", 1),
    ]
    assert check(sc, [take(sc, "SO1", "2", "A1", 10)], lines) == []


def test_ineligible_printed_line_allocated_is_flagged() -> None:
    """Allocating to a printed line breaks eligibility."""
    sc = printed_scenario()
    rows = [take(sc, "SO1", "1", "A1", 10), take(sc, "SO1", "2", "A1", 10)]
    lines: list[LinesRow] = [
        ("SO1", "1", "X", 10, 10, "full", "printed", ""),
        ("SO1", "2", "X", 10, 10, "full", "", 1),
    ]
    violations = check(sc, rows, lines)
    assert rules(violations) == {"eligibility"}
    assert "SO1/1" in violations[0].message
    assert "printed" in violations[0].message


@pytest.mark.parametrize(
    ("order", "line", "reason"),
    [
        (Order("Q", type="quote", released=False), Line("Q", "1", "X", 1, SHIP, printed=True), "quote"),
        (Order("R", released=False), Line("R", "1", "X", 1, SHIP, printed=True), "not_released"),
        (Order("V"), Line("V", "1", "X", 1, SHIP, fulfillment="vendor_shipment"), "vendor_shipment"),
        (Order("P"), Line("P", "1", "X", 1, SHIP, fulfillment="special_order"), "po_not_received"),
        (Order("W"), Line("W", "1", "X", 1, date(2026, 12, 11)), "outside_window"),
    ],
)
def test_no_part_reasons_come_first_in_spec_order(order: Order, line: Line, reason: str) -> None:
    """The first applicable reason of SPEC section 3 is the one required; any other is flagged."""
    sc = make(lots=[Lot("A1", "X", "NY", 5)], lines=[line], orders=[order], items=[Item("X", window_days=20)])
    assert check(sc, [], [(line.order, "1", "X", 1, 0, "none", reason, "")]) == []
    assert rules(check(sc, [], [(line.order, "1", "X", 1, 0, "none", "short", "")])) == {"reason"}


def test_special_order_with_po_received_and_window_edge_take_part() -> None:
    """A received special order and a line shipping exactly at today + window take part."""
    sc = make(
        lots=[Lot("A1", "X", "NY", 5)],
        lines=[Line("SO1", "1", "X", 1, SHIP, fulfillment="special_order", po_received=True)],
        items=[Item("X", window_days=11)],  # SHIP is today + 11
    )
    assert check(sc, [take(sc, "SO1", "1", "A1", 1)], [("SO1", "1", "X", 1, 1, "full", "", 1)]) == []


def reservation_scenario() -> Scenario:
    """Line SO1/1 (10 X) reserves 4 of lot A1."""
    return make(
        lots=[Lot("A1", "X", "NY", 20)],
        lines=[Line("SO1", "1", "X", 10, SHIP)],
        reservations=(Reservation("SO1", "1", "A1", 4),),
    )


def test_reservation_honoured_passes() -> None:
    """An honoured reservation appears as a reservation row of its quantity."""
    sc = reservation_scenario()
    rows = [take(sc, "SO1", "1", "A1", 4, "reservation"), take(sc, "SO1", "1", "A1", 6)]
    assert check(sc, rows, [("SO1", "1", "X", 10, 10, "full", "", 1)]) == []


def test_reservation_not_honoured_is_flagged() -> None:
    """A reservation the plan does not show as reservation rows is flagged."""
    sc = reservation_scenario()
    violations = check(sc, [take(sc, "SO1", "1", "A1", 10)], [("SO1", "1", "X", 10, 10, "full", "", 1)])
    assert rules(violations) == {"reservation"}
    assert "reserves 4" in violations[0].message
    assert "lot A1" in violations[0].message


def test_reservation_that_may_not_serve_is_ignored() -> None:
    """A reservation from a lot that may not serve its line is not honoured: no reservation rows."""
    sc = reservation_scenario()
    sc = sc.replace(lines=(Line("SO1", "1", "X", 10, SHIP, warehouses=("CA",)),))
    lines: list[LinesRow] = [("SO1", "1", "X", 10, 0, "none", "no_eligible_stock", 1)]
    assert check(sc, [], lines) == []
    lines = [("SO1", "1", "X", 10, 4, "partial", "no_eligible_stock", 1)]
    violations = check(sc, [take(sc, "SO1", "1", "A1", 4, "reservation")], lines)
    assert rules(violations) == {"reservation", "lot_may_not_serve"}


def test_full_line_may_keep_just_its_reservation() -> None:
    """A full_line line short of stock may keep its reservation and get nothing more."""
    sc = reservation_scenario()
    sc = sc.replace(lines=(Line("SO1", "1", "X", 30, SHIP, full_line=True),))
    rows = [take(sc, "SO1", "1", "A1", 4, "reservation")]
    assert check(sc, rows, [("SO1", "1", "X", 30, 4, "partial", "full_line_short", 1)]) == []


# --------------------------------------------------------------------------
# Status, reason, references, reading from files
# --------------------------------------------------------------------------


def test_wrong_status_is_flagged() -> None:
    """Status must follow allocated vs requested."""
    sc = make(lots=[Lot("A1", "X", "NY", 20)], lines=[Line("SO1", "1", "X", 10, SHIP)])
    violations = check(sc, [take(sc, "SO1", "1", "A1", 10)], [("SO1", "1", "X", 10, 10, "partial", "", 1)])
    assert rules(violations) == {"status"}


def test_no_eligible_stock_when_the_lots_it_may_use_have_none_left() -> None:
    """A lot that may serve the line but has no allocable stock gives it none: no_eligible_stock is
    required, short is wrong (SPEC 7's table)."""
    sc = make(lots=[Lot("A1", "X", "NY", 0)], lines=[Line("SO1", "1", "X", 10, SHIP)])
    assert check(sc, [], [("SO1", "1", "X", 10, 0, "none", "no_eligible_stock", 1)]) == []
    assert rules(check(sc, [], [("SO1", "1", "X", 10, 0, "none", "short", 1)])) == {"reason"}


def test_a_wrong_reason_is_told_with_the_code_lines_csv_should_hold() -> None:
    """The message names the reason the line should have as lines.csv writes it."""
    sc = make(lots=[Lot("A1", "X", "NY", 0)], lines=[Line("SO1", "1", "X", 10, SHIP)])
    [found] = check(sc, [], [("SO1", "1", "X", 10, 0, "none", "short", 1)])
    assert found.message == (
        "line SO1/1 has reason 'short' but no lot that may serve it has allocable stock: 'no_eligible_stock'"
    )


def test_no_eligible_stock_only_when_true() -> None:
    """no_eligible_stock is wrong while a lot that may serve has stock, and required when none has."""
    sc = make(lots=[Lot("A1", "X", "NY", 20)], lines=[Line("SO1", "1", "X", 10, SHIP, warehouses=("NY",))])
    assert rules(check(sc, [], [("SO1", "1", "X", 10, 0, "none", "no_eligible_stock", 1)])) == {"reason"}
    sc = sc.replace(lines=(Line("SO1", "1", "X", 10, SHIP, warehouses=("CA",)),))
    assert check(sc, [], [("SO1", "1", "X", 10, 0, "none", "no_eligible_stock", 1)]) == []
    assert rules(check(sc, [], [("SO1", "1", "X", 10, 0, "none", "short", 1)])) == {"reason"}


def test_reason_must_fit_the_line() -> None:
    """A short line needs a shortage code that fits it: full_line_short, pack_size, full_delivery_blocked."""
    sc = make(lots=[Lot("A1", "X", "NY", 20)], lines=[Line("SO1", "1", "X", 10, SHIP)])
    for reason in ("full_line_short", "pack_size", "full_delivery_blocked", "whatever", ""):
        assert rules(check(sc, [], [("SO1", "1", "X", 10, 0, "none", reason, 1)])) == {"reason"}, reason


def test_unknown_references_are_flagged() -> None:
    """Rows naming an unknown lot or line, and scenario lines missing from the lines table, are flagged."""
    sc = make(
        lots=[Lot("A1", "X", "NY", 20)],
        lines=[Line("SO1", "1", "X", 10, SHIP), Line("SO1", "2", "X", 1, SHIP)],
    )
    rows: list[AllocationRow] = [("SO1", "1", "X", "ZZ", "NY", "", 10, "optimizer")]
    lines: list[LinesRow] = [("SO1", "1", "X", 10, 10, "full", "", 1), ("SO9", "1", "X", 1, 0, "none", "", 1)]
    messages = [v.message for v in check(sc, rows, lines) if v.rule == "unknown_reference"]
    assert rules(check(sc, rows, lines)) == {"unknown_reference"}
    assert len(messages) == 3
    assert any("lot ZZ" in m for m in messages)


def test_an_optimizer_row_of_an_unknown_line_is_reported_not_raised() -> None:
    """The optimiser giving a known lot to a line the scenario does not have is an unknown reference
    (the short reasons, which look at who holds each lot, skip it rather than fail)."""
    sc = make(lots=[Lot("A1", "X", "NY", 20)], lines=[Line("SO1", "1", "X", 10, SHIP)])
    rows: list[AllocationRow] = [("SO9", "1", "X", "A1", "NY", "", 5, "optimizer")]
    lines: list[LinesRow] = [("SO1", "1", "X", 10, 0, "none", "short", 1)]
    found = check(sc, rows, lines)
    assert "unknown_reference" in rules(found)
    assert any("SO9" in v.message for v in found if v.rule == "unknown_reference")


def test_check_dir_reads_written_tables(tmp_path: Path) -> None:
    """check_dir reads the written tables as text and finds what check_tables finds."""
    sc = worked_example()
    solve(sc).write(tmp_path)
    lines = pd.read_csv(tmp_path / "lines.csv", dtype=str, keep_default_na=False)
    lines.loc[lines["order"] == "SO2", "status"] = "none"
    lines.to_csv(tmp_path / "lines.csv", index=False)
    assert rules(check_dir(sc, tmp_path)) == {"status"}
    (tmp_path / "lines.csv").unlink()
    assert rules(check_dir(sc, tmp_path)) == {"table_format"}


# --------------------------------------------------------------------------
# Malformed tables: read cell by cell as text, reported as table_format
# --------------------------------------------------------------------------


def optimum_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The worked example's optimal plan as the frames `check` builds."""
    sc = worked_example()
    rows = [take(sc, "SO1", "L1", "A1", 10), take(sc, "SO2", "L2", "A2", 10)]
    lines: list[LinesRow] = [
        ("SO1", "L1", "X", 10, 10, "full", "", 1),
        ("SO2", "L2", "X", 10, 10, "full", "", 2),
    ]
    allocations = pd.DataFrame(rows, columns=list(ALLOCATION_COLUMNS))
    return allocations, pd.DataFrame(lines, columns=list(LINE_COLUMNS))


def test_missing_columns_are_reported_and_an_empty_frame_is_an_empty_table() -> None:
    """A missing column is one table_format violation per table and nothing else is checked; a frame
    with neither rows nor columns is an empty table."""
    sc = worked_example()
    allocations, lines = optimum_tables()
    assert check_tables(sc, allocations.drop(columns=["source"]), lines.drop(columns=["tier", "reason"])) == [
        Violation("table_format", "allocations lacks column(s) source"),
        Violation("table_format", "lines lacks column(s) reason, tier"),
    ]
    found = check_tables(sc, pd.DataFrame(), lines)
    assert {v.message for v in found} == {
        "line SO1/L1 is listed as allocated 10 but its rows give 0",
        "line SO2/L2 is listed as allocated 10 but its rows give 0",
    }


@pytest.mark.parametrize("typed", [int, str, float])
def test_numbers_read_the_same_from_text_ints_and_whole_floats(typed: type) -> None:
    """Quantities, requested and allocated may be ints, their text or whole floats ("10.0"): all pass."""
    sc = worked_example()
    allocations, lines = optimum_tables()
    allocations["quantity"] = allocations["quantity"].map(typed)
    for column in ("requested", "allocated", "tier"):
        lines[column] = lines[column].map(typed)
    assert check_tables(sc, allocations, lines) == []


@pytest.mark.parametrize("cell", [None, float("nan"), pd.NA, "", "  ", "ten", "1.5"])
def test_a_quantity_that_is_no_whole_number_is_reported_with_its_text(cell: object) -> None:
    """An empty, NaN or non-whole quantity is reported with the cell's stripped text ("" when empty);
    the row then counts for nothing."""
    sc = worked_example()
    allocations, lines = optimum_tables()
    allocations["quantity"] = pd.Series([cell, 10], dtype=object)
    text = "" if cell is None or cell is pd.NA or cell != cell else str(cell).strip()
    found = check_tables(sc, allocations, lines)
    message = f"allocations row 1 (SO1/L1, lot A1): quantity {text!r} is no number"
    assert Violation("table_format", message) in found
    assert Violation("line_quantity", "line SO1/L1 is listed as allocated 10 but its rows give 0") in found
    lines["allocated"] = pd.Series([10, cell], dtype=object)
    message = f"lines row 2 (line SO2/L2): allocated {text!r} is no whole number"
    assert Violation("table_format", message) in check_tables(sc, allocations, lines)


def test_cells_are_stripped_and_a_bad_source_or_quantity_reported() -> None:
    """Key cells padded with spaces name the same line; an unknown source and a quantity that is not
    positive are reported with the row's number and line."""
    sc = worked_example()
    allocations, lines = optimum_tables()
    allocations.loc[0, "order"] = " SO1 "
    assert check_tables(sc, allocations, lines) == []
    allocations.loc[0, "source"] = "manual"
    allocations.loc[1, "quantity"] = 0
    assert {v.message for v in check_tables(sc, allocations, lines) if v.rule == "table_format"} == {
        "allocations row 1 (SO1/L1, lot A1): unknown source 'manual'",
        "allocations row 2 (SO2/L2, lot A2): quantity 0 is not positive",
    }


def test_a_line_listed_twice_is_reported_and_its_first_row_counts() -> None:
    """A second row of a line is a table_format violation and is otherwise ignored."""
    sc = worked_example()
    allocations, lines = optimum_tables()
    twice = pd.concat([lines, lines.iloc[[0]].assign(allocated=3, status="partial")], ignore_index=True)
    assert check_tables(sc, allocations, twice) == [
        Violation("table_format", "lines row 3: line SO1/L1 is listed twice")
    ]


def test_of_columns_with_equal_names_the_last_counts() -> None:
    """A frame with two columns of one name is read by the last of them."""
    sc = worked_example()
    allocations, lines = optimum_tables()
    doubled = pd.concat([allocations.assign(quantity="x"), allocations[["quantity"]]], axis=1)
    assert check_tables(sc, doubled, lines) == []


def test_violations_are_sorted_and_never_raised() -> None:
    """Many problems at once come back as a sorted list; bad numbers are reported, not raised."""
    sc = worked_example()
    rows: list[AllocationRow] = [("SO1", "L1", "X", "A1", "NY", "", "ten", "optimizer")]
    lines: list[LinesRow] = [
        ("SO1", "L1", "X", 10, 0, "full", "", 2),
        ("SO2", "L2", "X", "x", 0, "none", "short", 2),
    ]
    violations = check(sc, rows, lines)
    assert violations == sorted(violations, key=lambda v: (v.rule, v.message))
    assert {"table_format", "status", "tier"} <= rules(violations)


# --------------------------------------------------------------------------
# The transcription of SPEC section 3 against the conformance cases
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", sorted(p.name for p in CONFORMANCE.glob("case*")) if CONFORMANCE.is_dir() else []
)
def test_eligibility_and_tier_keys_match_conformance(case: str) -> None:
    """The checker's reasons for lines taking no part, and its tier keys, are the conformance cases' own."""
    loading = pytest.importorskip("models.loading")
    from planner.check.facts import Facts
    from planner.check.reports import tier_key

    sc = loading.load_scenario(CONFORMANCE / case)
    expected = json.loads((CONFORMANCE / case / "expected.json").read_text())
    facts = Facts(sc)
    reasons = {f"{o}/{ln}": why for (o, ln), why in facts.reason.items() if why is not None}
    assert reasons == expected["ineligible"]
    keys = sorted({tier_key(facts, ln) for ln in sc.lines if facts.reason[ln.key] is None})
    shown = [[v.isoformat() if isinstance(v, date) else v for v in key] for key in keys]
    assert shown == [t["key"] for t in expected["tiers"]]


# --------------------------------------------------------------------------
# SPEC section 8: supply to come, company and `*` owners, the new columns
# --------------------------------------------------------------------------


def to_come() -> Scenario:
    """PO (X, 10, due 12-02) and OH (X, 10 on hand); O/1 ships 12-01, O/2 ships 12-03."""
    return make(
        lots=[Lot("OH", "X", "W", 10), Lot("PO", "X", "W", 10, due=date(2026, 12, 2))],
        lines=[Line("O", "1", "X", 10, date(2026, 12, 1)), Line("O", "2", "X", 10, date(2026, 12, 3))],
    )


def with_columns(
    rows: list[AllocationRow], due: list[str], lines: list[LinesRow], available_on: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    allocations = pd.DataFrame(rows, columns=list(ALLOCATION_COLUMNS)).assign(due=due)
    return allocations, pd.DataFrame(lines, columns=list(LINE_COLUMNS)).assign(available_on=available_on)


def test_receipt_serving_lines_in_time_passes() -> None:
    """OH to O/1 and PO to O/2, with due and available_on as the planner writes them: no violation."""
    sc = to_come()
    rows = [take(sc, "O", "1", "OH", 10), take(sc, "O", "2", "PO", 10)]
    lines: list[LinesRow] = [("O", "1", "X", 10, 10, "full", "", 1), ("O", "2", "X", 10, 10, "full", "", 2)]
    assert check_tables(sc, *with_columns(rows, ["", "2026-12-02"], lines, ["", "2026-12-02"])) == []


def test_receipt_due_after_the_ship_date_may_not_serve() -> None:
    """PO (due 12-02) to O/1 (ships 12-01) breaks eligibility: lot_may_not_serve, naming the due."""
    sc = to_come()
    rows = [take(sc, "O", "1", "PO", 10), take(sc, "O", "2", "OH", 10)]
    lines: list[LinesRow] = [("O", "1", "X", 10, 10, "full", "", 1), ("O", "2", "X", 10, 10, "full", "", 2)]
    violations = check(sc, rows, lines)
    assert rules(violations) == {"lot_may_not_serve"}
    assert "due 2026-12-02" in violations[0].message


def test_wrong_due_and_available_on_are_flagged() -> None:
    """A due column that does not repeat the lot's, and an available_on that is not the latest
    arrival among the line's lots, are flagged (mismatch, available_on)."""
    sc = to_come()
    rows = [take(sc, "O", "1", "OH", 10), take(sc, "O", "2", "PO", 10)]
    lines: list[LinesRow] = [("O", "1", "X", 10, 10, "full", "", 1), ("O", "2", "X", 10, 10, "full", "", 2)]
    found = check_tables(sc, *with_columns(rows, ["", "2026-12-01"], lines, ["", "2026-12-02"]))
    assert rules(found) == {"mismatch"}
    found = check_tables(sc, *with_columns(rows, ["", "2026-12-02"], lines, ["2026-12-02", ""]))
    assert rules(found) == {"available_on"}


def test_late_receipt_counts_as_today() -> None:
    """A lot due before today serves a line shipping today; its available_on is today."""
    sc = make(lots=[Lot("PO", "X", "W", 5, due=date(2026, 11, 1))], lines=[Line("O", "1", "X", 5, TODAY)])
    rows = [take(sc, "O", "1", "PO", 5)]
    lines: list[LinesRow] = [("O", "1", "X", 5, 5, "full", "", 1)]
    assert check_tables(sc, *with_columns(rows, ["2026-11-01"], lines, [TODAY.isoformat()])) == []


def test_company_lines_without_owners_take_no_consignment_stock() -> None:
    """With company MAIN, consignment stock (owner ACME) may not serve a line listing no owners;
    `*` allows it, and the company's own lots (owner "" or MAIN) serve either."""
    lots = [Lot("OWN", "X", "W", 5), Lot("CONS", "X", "W", 5, owner="ACME")]
    plain = make(lots, [Line("O", "1", "X", 10, SHIP)], company="MAIN")
    rows = [take(plain, "O", "1", "OWN", 5), take(plain, "O", "1", "CONS", 5)]
    lines: list[LinesRow] = [("O", "1", "X", 10, 10, "full", "", 1)]
    violations = check(plain, rows, lines)
    assert rules(violations) == {"lot_may_not_serve"}
    assert "CONS" in violations[0].message
    star = make(lots, [Line("O", "1", "X", 10, SHIP, owners=("*",))], company="MAIN")
    assert check(star, rows, lines) == []
    without = make(lots, [Line("O", "1", "X", 10, SHIP)])
    assert check(without, rows, lines) == []


def test_source_id_must_repeat_the_lots() -> None:
    """A source_id column (the lot's id in the system it was imported from) must repeat the lot's
    source_id: the right one passes, a wrong or missing one is a mismatch naming it."""
    sc = make(lots=[Lot("A1", "X", "NY", 10, source_id="172")], lines=[Line("SO1", "1", "X", 10, SHIP)])
    rows = [take(sc, "SO1", "1", "A1", 10)]
    lines: list[LinesRow] = [("SO1", "1", "X", 10, 10, "full", "", 1)]
    frame = pd.DataFrame(rows, columns=list(ALLOCATION_COLUMNS))
    line_frame = pd.DataFrame(lines, columns=list(LINE_COLUMNS))
    assert check_tables(sc, frame.assign(source_id=["172"]), line_frame) == []
    for wrong in ("173", ""):
        found = check_tables(sc, frame.assign(source_id=[wrong]), line_frame)
        assert rules(found) == {"mismatch"}
        assert "source_id" in found[0].message


def test_solved_plan_writes_each_lots_source_id(tmp_path: Path) -> None:
    """allocations.csv carries each lot's source_id (empty for a lot without one), and the checker
    passes the plan as written."""
    sc = make(
        lots=[Lot("A1", "X", "NY", 4, source_id="417"), Lot("A2", "X", "NY", 4)],
        lines=[Line("SO1", "1", "X", 8, SHIP)],
    )
    solve(sc).write(tmp_path / "out")
    tmp_path = tmp_path / "out"
    written = pd.read_csv(tmp_path / "allocations.csv", dtype=str, keep_default_na=False)
    assert dict(zip(written["lot"], written["source_id"])) == {"A1": "417", "A2": ""}
    assert check_dir(sc, tmp_path) == []


def test_lines_columns_that_repeat_the_scenario_are_checked(tmp_path: Path) -> None:
    """lines.csv's ship_date, priority, type, customer and unit repeat the scenario (priority: the
    line's, else its order's); a row that says otherwise is a violation naming the column."""
    demo = load_scenario(Path(__file__).resolve().parents[3] / "scenarios" / "demo.toml")
    plan = solve(demo)
    lines = plan.lines_frame()
    assert not check_tables(demo, plan.allocations_frame(), lines)
    for column, wrong in (
        ("ship_date", "2030-01-01"),
        ("priority", "0"),
        ("type", "quote"),
        ("customer", "X"),
        ("unit", "kg"),
    ):
        bad = lines.astype(object)
        bad.loc[0, column] = wrong
        found = check_tables(demo, plan.allocations_frame(), bad)
        assert any(column in v.message for v in found), (column, found)

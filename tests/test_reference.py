"""The brute-force reference (tests/reference.py) on hand-computed cases, so it is not trusted blindly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pytest

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
from tests.reference import reference_optimum

TODAY = date(2026, 11, 20)


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def scenario(
    items: Iterable[Item], lots: Iterable[Lot], orders: Iterable[Order], lines: Iterable[Line], **tables: Any
) -> Scenario:
    return Scenario("hand", TODAY, tuple(items), tuple(lots), tuple(orders), tuple(lines), **tables)


def test_worked_example_of_spec_section_7() -> None:
    """SPEC 7: L1 is served from NY so that L2, which may only use CA, gets CA: tier 1 = 10, tier 2 = 10."""
    s = scenario(
        [Item("X")],
        [Lot("A1", "X", "NY", 10), Lot("A2", "X", "CA", 10)],
        [Order("O")],
        [
            Line("O", "1", "X", 10, date(2026, 12, 1), warehouses=("CA", "NY")),
            Line("O", "2", "X", 10, date(2026, 12, 2), warehouses=("CA",)),
        ],
    )
    result = reference_optimum(s)
    assert result.keys == ((date(2026, 12, 1), 5), (date(2026, 12, 2), 5))
    assert result.totals == (10, 10)
    assert result.added == {("O", "1"): 10, ("O", "2"): 10}


def test_kit_is_bounded_by_its_scarcest_component_and_pack_size() -> None:
    """K = 2 x C1 + 1 x C2 with 5 of C1 and 3 of C2: at most 2 kits.

    In kit packs of 2: 2 kits; as a full line of 3: none."""
    items = [Item("C1"), Item("C2"), Item("K")]
    lots = [Lot("L1", "C1", "W", 5), Lot("L2", "C2", "W", 3)]
    kits = (KitComponent("K", "C1", 2), KitComponent("K", "C2", 1))
    line = Line("O", "1", "K", 3, day(1))
    assert reference_optimum(scenario(items, lots, [Order("O")], [line], kits=kits)).totals == (2,)
    packed = [Item("C1"), Item("C2"), Item("K", pack_size=2)]
    assert reference_optimum(scenario(packed, lots, [Order("O")], [line], kits=kits)).totals == (2,)
    whole = Line("O", "1", "K", 3, day(1), full_line=True)
    assert reference_optimum(scenario(items, lots, [Order("O")], [whole], kits=kits)).totals == (0,)
    # A nonstock component needs no lot: K2 = 1 x C1 + 1 x N, bounded by C1 only.
    items2 = [Item("C1"), Item("N", stocking=False), Item("K2")]
    kits2 = (KitComponent("K2", "C1", 1), KitComponent("K2", "N", 1))
    line2 = Line("O", "1", "K2", 6, day(1))
    assert reference_optimum(scenario(items2, lots[:1], [Order("O")], [line2], kits=kits2)).totals == (5,)


def test_kit_components_share_an_alternate_lot() -> None:
    """K = C1 + C2, C2 may use C1's lots: with 4 of C1 and no C2 lot, 2 kits (C1 stands in for C2)."""
    s = scenario(
        [Item("C1"), Item("C2"), Item("K")],
        [Lot("L1", "C1", "W", 4)],
        [Order("O")],
        [Line("O", "1", "K", 3, day(0))],
        kits=(KitComponent("K", "C1", 1), KitComponent("K", "C2", 1)),
        alternates=(Alternate("C2", "C1", 1),),
    )
    assert reference_optimum(s).totals == (2,)


def test_full_delivery_safety_stock_and_reservations() -> None:
    """X: 6 in stock, safety stock 2, so the optimiser may take 4.

    Order F (full delivery) asks 3 (day 1) + 2 (day 2) = 5 > 4: it gets nothing, tier 1 = 0;
    then O/1 (day 2) takes 4: tier 2 = 4. With O/1 reserving 4 (reservations may use safety
    stock), the cap drops to max(0, 6 - 4 - 2) = 0: tier 2 = 4 (all reserved), tier 1 = 0.
    """
    items = [Item("X", safety_stock=2)]
    lots = [Lot("L1", "X", "W", 6)]
    orders = [Order("F", full_delivery=True), Order("O")]
    lines = [
        Line("F", "1", "X", 3, day(1)),
        Line("F", "2", "X", 2, day(2)),
        Line("O", "1", "X", 4, day(2)),
    ]
    assert reference_optimum(scenario(items, lots, orders, lines)).totals == (0, 4)
    reserved = reference_optimum(
        scenario(items, lots, orders, lines, reservations=(Reservation("O", "1", "L1", 4),))
    )
    assert reserved.totals == (0, 4)
    assert reserved.reserved[("O", "1")] == 4
    # Without safety stock the full-delivery order fits (5) and O/1 gets the last 1.
    plain = reference_optimum(scenario([Item("X")], lots, orders, lines))
    assert plain.totals == (3, 3)
    # A full-delivery order with a line that takes no part is blocked.
    blocked = [*lines, Line("F", "3", "X", 1, day(1), fulfillment="vendor_shipment")]
    assert reference_optimum(scenario([Item("X")], lots, orders, blocked)).totals == (0, 4)


def test_warehouse_safety_stock_pack_size_full_line_and_eligibility() -> None:
    """Per-(item, warehouse) safety stock, pack size, full line, pnp, expiry and ignored reservations."""
    items = [Item("X", pack_size=2), Item("Y")]
    lots = [
        Lot("N1", "X", "NY", 5),
        Lot("C1", "X", "CA", 3, pnp=False),
        Lot("E1", "X", "CA", 9, expires=TODAY - timedelta(days=1)),  # expired: never allocable
        Lot("Q1", "X", "CA", 9, status="quarantine"),
        Lot("Y1", "Y", "CA", 2),
    ]
    safety = (WarehouseSafetyStock("X", "NY", 2),)  # NY gives the optimiser at most 3
    lines = [
        Line("O", "1", "X", 5, day(0)),  # packs of 2: at most 4 (NY 3 -> 2 used, CA 3)
        Line("O", "2", "X", 4, day(1), requires_pnp=True),  # only NY lots are pnp
        Line("O", "3", "Y", 3, day(1), full_line=True),  # 2 in stock: all or nothing -> 0
    ]
    result = reference_optimum(scenario(items, lots, [Order("O")], lines, safety_stock=safety))
    # Tier 1: O/1 gets 4 (two packs) of the 6 usable (NY capped at 3, CA 3).
    # Tier 2: O/1 should take CA's 3 + NY's 1, so that O/2 (pnp: NY only) gets one pack of 2; O/3 gets 0.
    assert result.totals == (4, 2)
    # A reservation whose lot may not serve the line (not pnp) is ignored and gives nothing.
    ignored = reference_optimum(
        scenario(
            items,
            lots,
            [Order("O")],
            lines,
            safety_stock=safety,
            reservations=(Reservation("O", "2", "C1", 3),),
        )
    )
    assert ignored.reserved[("O", "2")] == 0
    assert ignored.totals == (4, 2)
    # With X as Y's alternate, O/3 may take its whole 3 as Y1's 2 + 1 of X.
    alt = reference_optimum(
        scenario(items, lots, [Order("O")], lines, safety_stock=safety, alternates=(Alternate("Y", "X", 1),))
    )
    # Tier 1 still 4; tier 2: O/2 (pnp, NY only) and O/3 (whole 3 from Y1 + X) compete for X:
    # X has NY 3 (cap) + CA 3 = 6, O/1 takes 4; 2 left; O/2 wants a pack of 2 from NY, O/3 wants
    # 1 more unit: O/1 from CA 3 + NY 1, NY left 2 -> O/2 2, nothing for O/3 (total 2); or
    # O/1 NY 2 + CA 2, CA 1 -> O/3 3 (Y1 2 + CA 1), NY 1 -> O/2 0 (total 3). The optimum is 3.
    assert alt.totals == (4, 3)


def test_priority_first_objective_key() -> None:
    """With the key (priority, ship_date), a later line of priority 0 comes before an earlier one of 5."""
    s = scenario(
        [Item("X")],
        [Lot("L1", "X", "W", 4)],
        [Order("O", priority=5)],
        [Line("O", "1", "X", 4, day(0)), Line("O", "2", "X", 3, day(3), priority=0)],
        objective_key=("priority", "ship_date"),
    )
    result = reference_optimum(s)
    assert result.keys == ((0, day(3)), (5, day(0)))
    assert result.totals == (3, 1)


@pytest.mark.parametrize(
    ("order", "line", "reason"),
    [
        (Order("O", type="quote"), Line("O", "1", "X", 1, day(0)), "quote"),
        (Order("O", released=False), Line("O", "1", "X", 1, day(0)), "not_released"),
        (Order("O", printed=True), Line("O", "1", "X", 1, day(0)), "printed"),
        (Order("O"), Line("O", "1", "X", 1, day(0), fulfillment="vendor_shipment"), "vendor_shipment"),
        (Order("O"), Line("O", "1", "X", 1, day(0), fulfillment="special_order"), "po_not_received"),
        (Order("O"), Line("O", "1", "N", 1, day(0)), "nonstock"),
        (Order("O"), Line("O", "1", "X", 1, day(3)), "outside_window"),
        (Order("O", printed=True), Line("O", "1", "X", 1, day(0), printed=False), None),
    ],
)
def test_lines_that_take_no_part(order: Order, line: Line, reason: str | None) -> None:
    """Section 3's exclusions; a line that takes no part forms no tier."""
    s = scenario(
        [Item("X", window_days=2), Item("N", stocking=False)], [Lot("L", "X", "W", 5)], [order], [line]
    )
    result = reference_optimum(s)
    assert result.reasons[line.key] == reason
    assert result.totals == (() if reason else (1,))


def test_receipt_serves_only_lines_shipping_on_or_after_its_due_date() -> None:
    """SPEC 8: PO (10, due day 2) cannot serve the line of day 1, serves the one of day 3; a late
    receipt (due before today) counts as today."""
    s = scenario(
        [Item("X")],
        [Lot("PO", "X", "W", 10, due=day(2)), Lot("LATE", "X", "W", 3, due=day(-5))],
        [Order("O")],
        [Line("O", "1", "X", 10, day(1)), Line("O", "2", "X", 10, day(3))],
    )
    assert reference_optimum(s).totals == (3, 10)


def test_company_owners_and_star() -> None:
    """SPEC 8: with company MAIN a line listing no owners takes only owner "" and MAIN; `*` any."""
    lots = [
        Lot("OWN", "X", "W", 2),
        Lot("MINE", "X", "W", 2, owner="MAIN"),
        Lot("C", "X", "W", 2, owner="ACME"),
    ]
    plain = scenario([Item("X")], lots, [Order("O")], [Line("O", "1", "X", 6, day(1))])
    assert reference_optimum(plain).totals == (6,)
    assert reference_optimum(plain.replace(company="MAIN")).totals == (4,)
    star = scenario([Item("X")], lots, [Order("O", owners=("*",))], [Line("O", "1", "X", 6, day(1))])
    assert reference_optimum(star.replace(company="MAIN")).totals == (6,)


def _stand_ins(lots: list[Lot], lines: list[Line], pins: tuple[Pin, ...], both_ways: bool) -> Scenario:
    """Kit K = 1 P1 + 1 P2 in order O; P1 may stand in for P2, and P2 for P1 when `both_ways`."""
    alternates = (Alternate("P2", "P1", 1),) + ((Alternate("P1", "P2", 1),) if both_ways else ())
    return scenario(
        [Item("P1"), Item("P2"), Item("K")],
        lots,
        [Order("O")],
        lines,
        kits=(KitComponent("K", "P1", 1), KitComponent("K", "P2", 1)),
        alternates=alternates,
        pins=pins,
    )


def test_kit_pins_on_lots_that_may_give_either_component_start_the_fewest_kits_they_split_into() -> None:
    """P1 and P2 stand in for each other; O/1 wants 1 kit, pinned to L1:1 and L2:1 (both P1): split
    as 1 P1 + 1 P2 they start 1 kit, the line's quantity (not 2, as P1 alone, which no plan fits)."""
    s = _stand_ins(
        [Lot("L1", "P1", "W", 1), Lot("L2", "P1", "W", 1)],
        [Line("O", "1", "K", 1, day(0))],
        (Pin("O", "1", "L1", 1), Pin("O", "1", "L2", 1)),
        both_ways=True,
    )
    result = reference_optimum(s)
    assert result.totals == (1,)
    assert result.reserved == {("O", "1"): 1}


def test_the_make_up_of_a_split_kit_pin_follows_its_split() -> None:
    """P1 may stand in for P2. O/2 (day 1) wants 2 kits, pinned to 3 of L1 (P1); O/1 (day 0) wants
    1 P1. The pin splits as 2 P1 (its own item first) + 1 P2: 2 kits whose make-up is 1 P2, from L3,
    so L2 serves O/1: (1, 2). (Split as 1 P1 + 2 P2, the make-up of 1 P1 would take L2: (0, 2).)"""
    s = _stand_ins(
        [Lot("L1", "P1", "W", 3), Lot("L2", "P1", "W", 1), Lot("L3", "P2", "W", 1)],
        [Line("O", "1", "P1", 1, day(0)), Line("O", "2", "K", 2, day(1))],
        (Pin("O", "2", "L1", 3),),
        both_ways=False,
    )
    assert reference_optimum(s).totals == (1, 2)

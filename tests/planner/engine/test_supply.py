"""Supply still to come, pegging, whose stock it is, and units (SPEC section 8), each rule on a tiny
scenario whose plan was worked out by hand.

Every test runs twice (fixture `run`, as in test_restrictions.py): as the engine routes it and
with every component forced through the MIP tier loop, so the flow and the tier loop must both
reach the hand-computed plan with dated supply.
"""

from __future__ import annotations

from collections.abc import Callable

from planner.result.plan import Plan
from tests.builders import (
    D1,
    D2,
    D3,
    TODAY,
    allocations,
    item,
    kit,
    line,
    line_result,
    lot,
    order,
    reservation,
    scenario,
    tier_totals,
)

OPT = "optimizer"
RES = "reservation"


def _column(plan: Plan, table: str, column: str) -> dict[tuple[str, ...], str]:
    frame = plan.allocations_frame() if table == "allocations" else plan.lines_frame()
    keys = ["order", "line", "lot"] if table == "allocations" else ["order", "line"]
    return {tuple(str(r[k]) for k in keys): str(r[column]) for r in frame.to_dict("records")}


# ---------------------------------------------------------------------------
# due: a receipt serves only lines shipping on or after it
# ---------------------------------------------------------------------------


def test_receipt_too_late_for_an_early_line_serves_a_later_one(run: Callable[..., Plan]) -> None:
    """PO (10 of X, due 2026-12-02) may not serve O/1 (ships 12-01) but serves O/2 (ships 12-03):
    O/1 gets nothing although it is in the earlier tier; O/2 gets the 10, available on 12-02."""
    s = scenario(
        lots=[lot("PO", "X", 10, due=D2)],
        lines=[line("O", "1", "X", 10, D1), line("O", "2", "X", 10, D3)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "2", "X", "PO", 10, OPT)]
    assert tier_totals(plan) == [0, 10]
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")
    assert _column(plan, "allocations", "due") == {("O", "2", "PO"): D2}
    assert _column(plan, "lines", "available_on") == {("O", "1"): "", ("O", "2"): D2}


def test_on_hand_goes_to_the_early_line_and_the_receipt_to_the_later(run: Callable[..., Plan]) -> None:
    """10 on hand and 10 due 12-02; O/2 (ships 12-03) prefers stock on hand, O/1 (12-01) can only
    use it: the optimum gives O/1 the stock on hand and O/2 the receipt, both full."""
    s = scenario(
        lots=[lot("OH", "X", 10), lot("PO", "X", 10, due=D2)],
        lines=[line("O", "1", "X", 10, D1), line("O", "2", "X", 10, D3)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "OH", 10, OPT), ("O", "2", "X", "PO", 10, OPT)]
    assert _column(plan, "allocations", "due") == {("O", "1", "OH"): "", ("O", "2", "PO"): D2}
    assert _column(plan, "lines", "available_on") == {("O", "1"): "", ("O", "2"): D2}


def test_late_receipt_counts_as_today_and_is_noted(run: Callable[..., Plan]) -> None:
    """A receipt due 2026-11-15, before today (11-20), is late: it counts as due today, so it serves a
    line shipping today (available on today), not one that shipped on 11-18; summary.json notes it."""
    s = scenario(
        lots=[lot("PO-LATE", "X", 10, due="2026-11-15")],
        lines=[line("O", "1", "X", 4, "2026-11-18"), line("O", "2", "X", 4, TODAY)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "2", "X", "PO-LATE", 4, OPT)]
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")
    assert _column(plan, "allocations", "due") == {("O", "2", "PO-LATE"): "2026-11-15"}
    assert _column(plan, "lines", "available_on")[("O", "2")] == TODAY.isoformat()
    notes = plan.summary.notes
    assert any("PO-LATE" in n and "2026-11-15" in n and "late" in n for n in notes), notes


def test_receipt_due_on_the_ship_date_may_serve(run: Callable[..., Plan]) -> None:
    """due <= ship_date: a receipt due on the line's ship date serves it."""
    plan = run(scenario(lots=[lot("PO", "X", 5, due=D1)], lines=[line("O", "1", "X", 5, D1)]))
    assert allocations(plan) == [("O", "1", "X", "PO", 5, OPT)]


def test_receipt_not_available_does_not_count(run: Callable[..., Plan]) -> None:
    """A lot to come must be available like any lot: an ingesting receipt serves nothing."""
    s = scenario(lots=[lot("PO", "X", 5, due=D1, status="ingesting")], lines=[line("O", "1", "X", 5, D2)])
    assert line_result(run(s), "O", "1") == (0, "none", "no_eligible_stock")


def test_kit_line_uses_its_own_ship_date_for_components(run: Callable[..., Plan]) -> None:
    """A kit line's components may come from receipts due by the kit line's ship date."""
    s = scenario(
        lots=[lot("C-PO", "C", 4, due=D2), lot("D-OH", "D", 4)],
        lines=[line("S", "1", "K", 2, D1), line("S", "2", "K", 2, D3)],
        kits=[kit("K", "C", 2), kit("K", "D", 2)],
    )
    plan = run(s)
    assert line_result(plan, "S", "1") == (0, "none", "no_eligible_stock")
    assert line_result(plan, "S", "2")[0] == 2
    assert _column(plan, "lines", "available_on")[("S", "2")] == D2


# ---------------------------------------------------------------------------
# Preference: on hand before to come, then earlier due (SPEC 5.2 as amended in 8)
# ---------------------------------------------------------------------------


def test_on_hand_preferred_over_to_come_at_equal_totals(run: Callable[..., Plan]) -> None:
    """Either lot fills the line; the one on hand is taken, even though it expires later."""
    s = scenario(
        lots=[lot("OH", "X", 10, expires="2027-06-01"), lot("PO", "X", 10, due=D1, expires="2027-01-01")],
        lines=[line("O", "1", "X", 6, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "OH", 6, OPT)]
    assert _column(plan, "lines", "available_on") == {("O", "1"): ""}


def test_earlier_receipt_preferred(run: Callable[..., Plan]) -> None:
    """Between two receipts in time for the line, the one due first is taken."""
    s = scenario(
        lots=[lot("PO-A", "X", 10, due=D2), lot("PO-B", "X", 10, due=D1)],
        lines=[line("O", "1", "X", 6, D3)],
    )
    assert allocations(run(s)) == [("O", "1", "X", "PO-B", 6, OPT)]


def test_warehouse_order_comes_before_on_hand(run: Callable[..., Plan]) -> None:
    """Warehouses are preferred before on hand: a receipt in the first warehouse beats stock on hand
    in the second."""
    s = scenario(
        lots=[lot("OH-W2", "X", 10, warehouse="W2"), lot("PO-W1", "X", 10, warehouse="W1", due=D1)],
        lines=[line("O", "1", "X", 6, D2, warehouses="W1;W2")],
    )
    assert allocations(run(s)) == [("O", "1", "X", "PO-W1", 6, OPT)]


# ---------------------------------------------------------------------------
# Pegging: a reservation on a lot to come
# ---------------------------------------------------------------------------


def test_pegged_receipt_goes_to_its_sales_order(run: Callable[..., Plan]) -> None:
    """A shop order's output (ASSY, 5, due 12-01) is reserved for SO/1 (ships 12-03, priority 9);
    SO-RUSH/1 ships first (12-02, priority 0) but gets only the 3 left of the output."""
    s = scenario(
        lots=[lot("MO-OUT", "ASSY", 8, due=D1)],
        orders=[order("SO", priority=9), order("SO-RUSH", priority=0)],
        lines=[line("SO", "1", "ASSY", 5, D3), line("SO-RUSH", "1", "ASSY", 5, D2)],
        reservations=[reservation("SO", "1", "MO-OUT", 5)],
    )
    plan = run(s)
    assert allocations(plan) == [
        ("SO", "1", "ASSY", "MO-OUT", 5, RES),
        ("SO-RUSH", "1", "ASSY", "MO-OUT", 3, OPT),
    ]
    assert _column(plan, "lines", "available_on") == {("SO", "1"): D1, ("SO-RUSH", "1"): D1}
    assert plan.summary.ignored_reservations == ()


def test_peg_on_a_receipt_due_after_the_ship_date_is_ignored(run: Callable[..., Plan]) -> None:
    """A reservation is honoured only if its lot may serve the line: a receipt due after the line
    ships may not, so the reservation is ignored and reported."""
    s = scenario(
        lots=[lot("MO-OUT", "ASSY", 5, due=D3)],
        lines=[line("SO", "1", "ASSY", 5, D1)],
        reservations=[reservation("SO", "1", "MO-OUT", 5)],
    )
    plan = run(s)
    assert allocations(plan) == []
    (ignored,) = plan.summary.ignored_reservations
    assert ignored.lot == "MO-OUT"
    assert "due" in ignored.why


# ---------------------------------------------------------------------------
# Whose stock: company and *
# ---------------------------------------------------------------------------

OWNER_LOTS = [
    lot("OWN", "X", 3),
    lot("MAIN-1", "X", 3, owner="MAIN"),
    lot("ACME-1", "X", 3, owner="ACME"),
]


def test_company_set_empty_owners_take_only_the_company_s_stock(run: Callable[..., Plan]) -> None:
    """With company MAIN, a line listing no owners takes the lots of owner "" and MAIN (6), not the
    consignment stock of ACME."""
    s = scenario(lots=OWNER_LOTS, lines=[line("MO", "1", "X", 9)], company="MAIN")
    plan = run(s)
    assert allocations(plan) == [("MO", "1", "X", "MAIN-1", 3, OPT), ("MO", "1", "X", "OWN", 3, OPT)]
    assert line_result(plan, "MO", "1") == (6, "partial", "short")


def test_star_owner_means_any_owner(run: Callable[..., Plan]) -> None:
    """With company MAIN, owners `*` allow every lot, consignment stock included."""
    s = scenario(lots=OWNER_LOTS, lines=[line("MO", "1", "X", 9, owners="*")], company="MAIN")
    assert line_result(run(s), "MO", "1") == (9, "full", "")


def test_star_after_named_owners_prefers_them(run: Callable[..., Plan]) -> None:
    """owners ACME;* : ACME's lot first, then any other."""
    s = scenario(lots=OWNER_LOTS, lines=[line("SO", "1", "X", 4, owners="ACME;*")], company="MAIN")
    got = allocations(run(s))
    assert ("SO", "1", "X", "ACME-1", 3, OPT) in got
    assert sum(q for *_, q, _ in got) == 4


def test_company_named_in_a_list_means_its_own_lots_too(run: Callable[..., Plan]) -> None:
    """owners MAIN with company MAIN: owner "" is the company, so both OWN and MAIN-1 serve."""
    s = scenario(lots=OWNER_LOTS, lines=[line("SO", "1", "X", 9, owners="MAIN")], company="MAIN")
    assert line_result(run(s), "SO", "1") == (6, "partial", "short")


def test_without_company_empty_owners_mean_any(run: Callable[..., Plan]) -> None:
    """Without company, an empty owners list takes every lot, as before SPEC 8."""
    s = scenario(lots=OWNER_LOTS, lines=[line("MO", "1", "X", 9)])
    assert line_result(run(s), "MO", "1") == (9, "full", "")


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


def test_units_are_carried_to_lines_and_items(run: Callable[..., Plan]) -> None:
    """An item's unit is written beside its quantities in lines.csv and items.csv; pcs by default."""
    s = scenario(
        items=[item("PAINT", unit="0.1 l"), item("BOLT")],
        lots=[lot("P1", "PAINT", 50), lot("B1", "BOLT", 10)],
        lines=[line("O", "1", "PAINT", 30), line("O", "2", "BOLT", 4)],
    )
    plan = run(s)
    assert _column(plan, "lines", "unit") == {("O", "1"): "0.1 l", ("O", "2"): "pcs"}
    items = plan.items_frame().set_index("item")
    assert items.loc["PAINT", "unit"] == "0.1 l"
    assert items.loc["BOLT", "unit"] == "pcs"


# ---------------------------------------------------------------------------
# items.csv: InvenTree's meanings, on_order and short
# ---------------------------------------------------------------------------


def test_items_table_has_inventree_meanings_and_on_order(run: Callable[..., Plan]) -> None:
    """X: on hand 100 (30 allocated before) and 40 to come; lines ask 60 (ship 12-01) and 50 (12-03).

    in_stock 100, allocated_before 30, available 70, required 30 + 110 = 140, deficit 40,
    allocable 70, on_order 40, allocated 60 + 50 = 110, available_after 0, short 0."""
    s = scenario(
        lots=[lot("OH", "X", 100, allocated=30), lot("PO", "X", 40, due=D2)],
        lines=[line("O", "1", "X", 60, D1), line("O", "2", "X", 50, D3)],
    )
    row = run(s).items_frame().set_index("item").loc["X"].to_dict()
    assert row == {
        "in_stock": 100,
        "allocated_before": 30,
        "available": 70,
        "required": 140,
        "deficit": 40,
        "allocable": 70,
        "safety_stock": 0,
        "on_order": 40,
        "allocated": 110,
        "available_after": 0,
        "short": 0,
        "unit": "pcs",
    }

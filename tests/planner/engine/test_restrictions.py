"""Every hard restriction (SPEC section 4) and eligibility rule (section 3), each on a tiny
scenario whose optimal plan was computed by hand.

Where the optimum is unique the test states the exact allocation rows; where only
the tier totals are forced it states the per-line totals and tier totals. Each
restriction has a case it lets through and a case where it limits or refuses.

Every test runs twice (fixture `run`): as the engine routes it ("flow": components
without integer restrictions go to the exact min-cost flow) and with every component
forced through the MIP tier loop ("mip"), so both engines must reach the hand-computed plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from models.records import Scenario
from planner.engine.solve import solve
from planner.result.plan import Plan
from tests.builders import (
    D1,
    D2,
    D3,
    allocations,
    alternate,
    item,
    kit,
    line,
    line_result,
    lines_by_key,
    lot,
    order,
    reservation,
    safety,
    scenario,
    spec7_example,
    tier_totals,
)

OPT = "optimizer"
RES = "reservation"
NONSTOCK = "nonstock"


# ---------------------------------------------------------------------------
# SPEC section 7: why optimise
# ---------------------------------------------------------------------------


def test_spec7_worked_example_optimum(run: Callable[..., Plan]) -> None:
    """SPEC 7: the optimum serves L1 from NY and L2 from CA, tier 1 = 10 and tier 2 = 10."""
    plan = run(spec7_example())
    assert allocations(plan) == [
        ("S", "L1", "X", "A1", 10, OPT),
        ("S", "L2", "X", "A2", 10, OPT),
    ]
    assert tier_totals(plan) == [10, 10]
    assert [t.bound for t in plan.tiers] == [10, 10]
    assert line_result(plan, "S", "L1") == (10, "full", "")
    assert line_result(plan, "S", "L2") == (10, "full", "")


def test_spec7_worked_example_greedy_baseline() -> None:
    """SPEC 7: the ERP-style greedy serves L1 from its preferred CA and leaves L2 nothing (10/0)."""
    plan = solve(spec7_example(), solver="greedy")
    assert allocations(plan) == [("S", "L1", "X", "A2", 10, OPT)]
    assert tier_totals(plan) == [10, 0]
    assert line_result(plan, "S", "L2") == (0, "none", "short")
    # The optimum's summary reports the greedy for comparison.
    assert [t["greedy"] for t in solve(spec7_example()).summary.to_json()["tiers"]] == [10, 0]


# ---------------------------------------------------------------------------
# Eligibility: which lots may serve a line (section 3)
# ---------------------------------------------------------------------------


def test_pnp_line_refuses_non_pnp_lot(run: Callable[..., Plan]) -> None:
    """A requires_pnp line takes only pnp lots: 4 from the pnp lot, nothing from the 10 non-pnp."""
    s = scenario(
        lots=[lot("NP", "X", 10, pnp=False), lot("P", "X", 4)],
        lines=[line("O", "1", "X", 10, requires_pnp=True)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "P", 4, OPT)]
    assert line_result(plan, "O", "1") == (4, "partial", "short")


def test_pnp_line_with_only_non_pnp_stock_gets_nothing(run: Callable[..., Plan]) -> None:
    """A requires_pnp line with only non-pnp stock gets nothing (no_eligible_stock)."""
    s = scenario(
        lots=[lot("NP", "X", 10, pnp=False)],
        lines=[line("O", "1", "X", 5, requires_pnp=True), line("O", "2", "X", 5, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "2", "X", "NP", 5, OPT)]
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")


def test_pnp_stock_is_kept_for_the_later_pnp_line(run: Callable[..., Plan]) -> None:
    """SPEC 7 for pnp: tier 1 (no pnp need) takes the non-pnp lot so the tier-2 pnp line gets the pnp lot."""
    s = scenario(
        lots=[lot("A_PNP", "X", 10), lot("B_NP", "X", 10, pnp=False)],
        lines=[line("O", "1", "X", 10, D1), line("O", "2", "X", 10, D2, requires_pnp=True)],
    )
    plan = run(s)
    assert allocations(plan) == [
        ("O", "1", "X", "B_NP", 10, OPT),
        ("O", "2", "X", "A_PNP", 10, OPT),
    ]
    assert tier_totals(plan) == [10, 10]


def test_line_limited_to_one_warehouse(run: Callable[..., Plan]) -> None:
    """Stock split over NY (6) and CA (6): a line allowed only NY gets NY's 6 and is short."""
    s = scenario(
        lots=[lot("N", "X", 6, warehouse="NY"), lot("C", "X", 6, warehouse="CA")],
        lines=[line("O", "1", "X", 10, warehouses="NY")],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "N", 6, OPT)]
    assert line_result(plan, "O", "1") == (6, "partial", "short")


def test_line_allowed_both_warehouses(run: Callable[..., Plan]) -> None:
    """The same line allowed NY;CA gets all 10: NY's 6 first (preferred), then 4 from CA."""
    s = scenario(
        lots=[lot("N", "X", 6, warehouse="NY"), lot("C", "X", 6, warehouse="CA")],
        lines=[line("O", "1", "X", 10, warehouses="NY;CA")],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "C", 4, OPT), ("O", "1", "X", "N", 6, OPT)]
    assert line_result(plan, "O", "1") == (10, "full", "")


def test_line_warehouses_override_the_orders(run: Callable[..., Plan]) -> None:
    """A line's warehouses replace its order's: order says CA, line says NY, so only NY stock is used."""
    s = scenario(
        orders=[order("O", warehouses="CA")],
        lots=[lot("N", "X", 3, warehouse="NY"), lot("C", "X", 10, warehouse="CA")],
        lines=[line("O", "1", "X", 5, warehouses="NY"), line("O", "2", "X", 4, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "N", 3, OPT), ("O", "2", "X", "C", 4, OPT)]


def test_owner_not_listed_is_refused(run: Callable[..., Plan]) -> None:
    """A line listing owner ACME may not use the company's own lots (owner "") nor BETA's."""
    s = scenario(
        lots=[lot("OWN", "X", 10), lot("B", "X", 10, owner="BETA"), lot("A", "X", 2, owner="ACME")],
        lines=[line("O", "1", "X", 5, owners="ACME")],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "A", 2, OPT)]
    assert line_result(plan, "O", "1") == (2, "partial", "short")


def test_expired_and_unavailable_lots_are_not_used(run: Callable[..., Plan]) -> None:
    """Expired (yesterday), quarantine, ingesting and blocked lots give nothing; a lot expiring today does."""
    s = scenario(
        lots=[
            lot("EXP", "X", 5, expires="2026-11-19"),
            lot("TOD", "X", 3, expires="2026-11-20"),
            lot("Q", "X", 5, status="quarantine"),
            lot("I", "X", 5, status="ingesting"),
            lot("B", "X", 5, status="blocked"),
        ],
        lines=[line("O", "1", "X", 20)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "TOD", 3, OPT)]
    assert line_result(plan, "O", "1") == (3, "partial", "short")


def test_only_unusable_lots_give_no_eligible_stock(run: Callable[..., Plan]) -> None:
    """A line whose only lots are expired or not available gets nothing, reason no_eligible_stock."""
    s = scenario(
        lots=[lot("EXP", "X", 5, expires="2026-11-19"), lot("Q", "X", 5, status="quarantine")],
        lines=[line("O", "1", "X", 4)],
    )
    plan = run(s)
    assert allocations(plan) == []
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")


# ---------------------------------------------------------------------------
# Eligibility: which lines take part (section 3)
# ---------------------------------------------------------------------------


def test_line_outside_window_is_untouched(run: Callable[..., Plan]) -> None:
    """window_days 10 from 2026-11-20: a line shipping 11-30 is allocated, one shipping 12-01 is not."""
    s = scenario(
        items=[item("X", window_days=10)],
        lots=[lot("X1", "X", 10)],
        lines=[line("O", "1", "X", 5, "2026-11-30"), line("O", "2", "X", 5, "2026-12-01")],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 5, OPT)]
    rows = lines_by_key(plan)
    assert rows[("O", "1")] == {"allocated": 5, "status": "full", "reason": "", "tier": 1}
    assert rows[("O", "2")] == {"allocated": 0, "status": "none", "reason": "outside_window", "tier": None}


def test_kit_line_uses_the_kit_items_window(run: Callable[..., Plan]) -> None:
    """A kit line is windowed by the kit item (window 5), not by its components (no window)."""
    s = scenario(
        items=[item("K", window_days=5)],
        kits=[kit("K", "A", 1)],
        lots=[lot("A1", "A", 10)],
        lines=[line("O", "1", "K", 2, "2026-11-26"), line("O", "2", "A", 3, "2027-01-01")],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "2", "A", "A1", 3, OPT)]
    assert line_result(plan, "O", "1") == (0, "none", "outside_window")


def test_nonstock_line_allocated_without_lot(run: Callable[..., Plan]) -> None:
    """A nonstock line is allocated in full at once with no lot (source nonstock),
    whatever its window or stock."""
    s = scenario(
        items=[item("N", stocking=False, window_days=0)],
        lots=[lot("N1", "N", 2)],
        lines=[line("O", "1", "N", 7, "2027-06-01")],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "N", "", 7, NONSTOCK)]
    row = plan.allocations_frame().iloc[0]
    assert (row["lot"], row["warehouse"], row["owner"]) == ("", "", "")
    assert lines_by_key(plan)[("O", "1")] == {
        "allocated": 7,
        "status": "full",
        "reason": "nonstock",
        "tier": None,
    }


SKIPPED = [
    pytest.param({"printed": True}, {}, "printed", id="order_printed"),
    pytest.param({}, {"printed": True}, "printed", id="line_printed"),
    pytest.param({"released": False}, {}, "not_released", id="not_released"),
    pytest.param({"type": "quote"}, {}, "quote", id="quote"),
    pytest.param({}, {"fulfillment": "vendor_shipment"}, "vendor_shipment", id="vendor_shipment"),
    pytest.param({}, {"fulfillment": "special_order"}, "po_not_received", id="po_not_received"),
]


@pytest.mark.parametrize(("order_kw", "line_kw", "reason"), SKIPPED)
def test_skipped_line_gets_nothing_and_its_stock_goes_on(
    run: Callable[..., Plan], order_kw: dict[str, Any], line_kw: dict[str, Any], reason: str
) -> None:
    """A line kept out (printed, unreleased, quote, vendor shipment, PO not received) gets nothing,
    has its reason code and no tier, and the later line gets the stock."""
    s = scenario(
        orders=[order("S", **order_kw)],
        lots=[lot("X1", "X", 10)],
        lines=[line("S", "1", "X", 10, D1, **line_kw), line("T", "1", "X", 10, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("T", "1", "X", "X1", 10, OPT)]
    assert lines_by_key(plan)[("S", "1")] == {
        "allocated": 0,
        "status": "none",
        "reason": reason,
        "tier": None,
    }
    assert lines_by_key(plan)[("T", "1")]["tier"] == 1


@pytest.mark.parametrize(
    ("order_kw", "line_kw"),
    [
        pytest.param({"printed": True}, {"printed": False}, id="line_unprinted_overrides_order"),
        pytest.param({}, {"fulfillment": "special_order", "po_received": True}, id="special_order_received"),
        pytest.param({"type": "production"}, {}, id="production_order"),
    ],
)
def test_line_that_takes_part_wins_the_stock(
    run: Callable[..., Plan], order_kw: dict[str, Any], line_kw: dict[str, Any]
) -> None:
    """Control for the skipped cases: a line printed=false on a printed order, a special order whose
    PO is received, a production order: each takes part and, being earlier, gets the stock."""
    s = scenario(
        orders=[order("S", **order_kw)],
        lots=[lot("X1", "X", 10)],
        lines=[line("S", "1", "X", 10, D1, **line_kw), line("T", "1", "X", 10, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("S", "1", "X", "X1", 10, OPT)]
    assert line_result(plan, "T", "1") == (0, "none", "short")


VENDOR = {"fulfillment": "vendor_shipment"}
PRECEDENCE = [
    ({"type": "quote", "released": False, "printed": True}, VENDOR, False, "quote"),
    ({"released": False, "printed": True}, VENDOR, False, "not_released"),
    ({"printed": True}, VENDOR, False, "printed"),
    ({}, VENDOR, False, "vendor_shipment"),
    ({}, {"fulfillment": "special_order"}, False, "po_not_received"),
    ({}, {}, False, "nonstock"),
    ({}, {}, True, "outside_window"),
]


@pytest.mark.parametrize(
    ("order_kw", "line_kw", "stocking", "reason"), PRECEDENCE, ids=[p[3] for p in PRECEDENCE]
)
def test_reason_precedence(
    run: Callable[..., Plan], order_kw: dict[str, Any], line_kw: dict[str, Any], stocking: bool, reason: str
) -> None:
    """When several reasons apply, the first in SPEC 3's order is reported: quote, not_released,
    printed, vendor_shipment, po_not_received, nonstock, outside_window (each case drops the one before)."""
    s = scenario(
        items=[item("X", stocking=stocking, window_days=0)],
        orders=[order("S", **order_kw)],
        lots=[lot("X1", "X", 10)],
        lines=[line("S", "1", "X", 4, "2026-12-24", **line_kw)],
    )
    plan = run(s)
    assert line_result(plan, "S", "1")[2] == reason
    expected_rows = [("S", "1", "X", "", 4, NONSTOCK)] if reason == "nonstock" else []
    assert allocations(plan) == expected_rows


# ---------------------------------------------------------------------------
# 4.1 Lot capacity
# ---------------------------------------------------------------------------


def test_lot_capacity_is_quantity_less_allocated_less_planned_issue(run: Callable[..., Plan]) -> None:
    """Lot of 10 with 3 allocated and 2 planned to issue gives 5: tier 1 takes 4, tier 2 the last 1."""
    s = scenario(
        lots=[lot("X1", "X", 10, allocated=3, planned_issue=2)],
        lines=[line("O", "1", "X", 4, D1), line("O", "2", "X", 4, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 4, OPT), ("O", "2", "X", "X1", 1, OPT)]
    assert tier_totals(plan) == [4, 1]
    assert line_result(plan, "O", "2") == (1, "partial", "short")


def test_lot_capacity_shared_within_a_tier(run: Callable[..., Plan]) -> None:
    """Two lines of one tier share a lot of allocable 5: the tier gets 5 in all, no line above its 4."""
    s = scenario(
        lots=[lot("X1", "X", 6, planned_issue=1)],
        lines=[line("O", "1", "X", 4), line("P", "1", "X", 4)],
    )
    plan = run(s)
    rows = lines_by_key(plan)
    assert tier_totals(plan) == [5]
    assert sorted(r["allocated"] for r in rows.values()) == [1, 4]
    assert sum(q for *_, q, _ in allocations(plan)) == 5


def test_fully_committed_lot_gives_no_eligible_stock(run: Callable[..., Plan]) -> None:
    """A lot whose stock is all allocated or planned to issue gives nothing: no_eligible_stock."""
    s = scenario(lots=[lot("X1", "X", 5, allocated=2, planned_issue=3)], lines=[line("O", "1", "X", 1)])
    plan = run(s)
    assert allocations(plan) == []
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")


def test_item_without_stock_gives_no_eligible_stock(run: Callable[..., Plan]) -> None:
    """A line for an item with no lots at all gets nothing, reason no_eligible_stock."""
    s = scenario(items=[item("Y")], lots=[lot("X1", "X", 5)], lines=[line("O", "1", "Y", 3)])
    plan = run(s)
    assert allocations(plan) == []
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")


# ---------------------------------------------------------------------------
# 4.2 Safety stock
# ---------------------------------------------------------------------------


def test_item_safety_stock_held_back(run: Callable[..., Plan]) -> None:
    """Item safety stock 3 on a lot of 10: a line of 10 gets 7, reason safety_stock."""
    s = scenario(
        items=[item("X", safety_stock=3)], lots=[lot("X1", "X", 10)], lines=[line("O", "1", "X", 10)]
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 7, OPT)]
    assert line_result(plan, "O", "1") == (7, "partial", "safety_stock")


def test_item_safety_stock_not_limiting(run: Callable[..., Plan]) -> None:
    """Item safety stock 3 on a lot of 10: a line of 5 is served in full."""
    s = scenario(items=[item("X", safety_stock=3)], lots=[lot("X1", "X", 10)], lines=[line("O", "1", "X", 5)])
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 5, OPT)]


def test_item_safety_stock_counts_only_usable_lots(run: Callable[..., Plan]) -> None:
    """A (allocable of usable lots) excludes a quarantined lot: 10 usable - 5 safety = 5 for the line."""
    s = scenario(
        items=[item("X", safety_stock=5)],
        lots=[lot("X1", "X", 10), lot("XQ", "X", 10, status="quarantine")],
        lines=[line("O", "1", "X", 10)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 5, OPT)]
    assert line_result(plan, "O", "1") == (5, "partial", "safety_stock")


def test_warehouse_safety_stock_held_back(run: Callable[..., Plan]) -> None:
    """Safety stock 4 in NY only: of NY 10 and CA 10 a line of 20 gets NY 6 + CA 10 = 16."""
    s = scenario(
        safety_stock=[safety("X", "NY", 4)],
        lots=[lot("N", "X", 10, warehouse="NY"), lot("C", "X", 10, warehouse="CA")],
        lines=[line("O", "1", "X", 20)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "C", 10, OPT), ("O", "1", "X", "N", 6, OPT)]
    assert line_result(plan, "O", "1") == (16, "partial", "safety_stock")


def test_item_and_warehouse_safety_stock_together(run: Callable[..., Plan]) -> None:
    """Item safety 5 and NY safety 4 over NY 10 + CA 10: the line gets 20 - 5 = 15, NY gives at most 6."""
    s = scenario(
        items=[item("X", safety_stock=5)],
        safety_stock=[safety("X", "NY", 4)],
        lots=[lot("N", "X", 10, warehouse="NY"), lot("C", "X", 10, warehouse="CA")],
        lines=[line("O", "1", "X", 20)],
    )
    plan = run(s)
    assert line_result(plan, "O", "1") == (15, "partial", "safety_stock")
    from_ny = sum(q for _, _, _, lot_id, q, _ in allocations(plan) if lot_id == "N")
    assert from_ny <= 6


def test_reservation_may_use_safety_stock(run: Callable[..., Plan]) -> None:
    """Safety stock 10 on a lot of 10: a reservation of 4 is honoured anyway; the optimiser adds
    nothing to any line (cap = max(0, 10 - 4 - 10) = 0), both short for safety_stock."""
    s = scenario(
        items=[item("X", safety_stock=10)],
        lots=[lot("X1", "X", 10)],
        lines=[line("R", "1", "X", 6, D1), line("T", "1", "X", 5, D2)],
        reservations=[reservation("R", "1", "X1", 4)],
    )
    plan = run(s)
    assert allocations(plan) == [("R", "1", "X", "X1", 4, RES)]
    assert line_result(plan, "R", "1") == (4, "partial", "safety_stock")
    assert line_result(plan, "T", "1") == (0, "none", "safety_stock")


# ---------------------------------------------------------------------------
# 4.3 Full delivery
# ---------------------------------------------------------------------------


def _full_delivery(y_stock: int, items: tuple[Any, ...] = (), **fd_line2: Any) -> Scenario:
    """Order FD (full delivery): 5 X and 5 Y on 12-01. Order O2: 5 X on 12-02. Stock: X 5, Y `y_stock`."""
    return scenario(
        items=items,
        orders=[order("FD", full_delivery=True)],
        lots=[lot("X1", "X", 5), lot("Y1", "Y", y_stock)],
        lines=[
            line("FD", "1", "X", 5, D1),
            line("FD", "2", fd_line2.pop("item", "Y"), 5, D1, **fd_line2),
            line("O2", "1", "X", 5, D2),
        ],
    )


def test_full_delivery_order_completed(run: Callable[..., Plan]) -> None:
    """With Y stock 5 the full-delivery order is served whole; the later line finds X spent."""
    plan = run(_full_delivery(5))
    assert allocations(plan) == [("FD", "1", "X", "X1", 5, OPT), ("FD", "2", "Y", "Y1", 5, OPT)]
    assert tier_totals(plan) == [10, 0]
    assert line_result(plan, "O2", "1") == (0, "none", "short")


def test_full_delivery_order_that_cannot_complete_gets_nothing(run: Callable[..., Plan]) -> None:
    """With Y stock 3 the order cannot complete: it gets nothing (full_delivery_blocked) and
    its X goes to the later line (tiers 0/5)."""
    plan = run(_full_delivery(3))
    assert allocations(plan) == [("O2", "1", "X", "X1", 5, OPT)]
    assert tier_totals(plan) == [0, 5]
    assert line_result(plan, "FD", "1") == (0, "none", "full_delivery_blocked")
    assert line_result(plan, "FD", "2") == (0, "none", "full_delivery_blocked")


def test_full_delivery_greedy_turns_the_later_line_away() -> None:
    """SPEC 7: the greedy gives FD/1 the X, fails FD/2, rolls the order back too late: tiers 0/0."""
    plan = solve(_full_delivery(3), solver="greedy")
    assert allocations(plan) == []
    assert tier_totals(plan) == [0, 0]


def test_full_delivery_order_blocked_by_an_ineligible_line(run: Callable[..., Plan]) -> None:
    """One line of the order is a vendor shipment (takes no part): the whole order is blocked,
    even with ample Y, and its X goes to the later line."""
    plan = run(_full_delivery(10, fulfillment="vendor_shipment"))
    assert allocations(plan) == [("O2", "1", "X", "X1", 5, OPT)]
    assert line_result(plan, "FD", "1") == (0, "none", "full_delivery_blocked")
    assert line_result(plan, "FD", "2") == (0, "none", "vendor_shipment")


def test_full_delivery_order_not_blocked_by_a_nonstock_line(run: Callable[..., Plan]) -> None:
    """A nonstock line does not block a full-delivery order: only stocking lines must be complete."""
    plan = run(_full_delivery(0, items=(item("N", stocking=False),), item="N"))
    assert allocations(plan) == [("FD", "1", "X", "X1", 5, OPT), ("FD", "2", "N", "", 5, NONSTOCK)]
    assert line_result(plan, "FD", "2") == (5, "full", "nonstock")
    assert line_result(plan, "O2", "1") == (0, "none", "short")


def test_full_delivery_order_spanning_tiers(run: Callable[..., Plan]) -> None:
    """FD/1 (tier 1) can only be served if FD/2 (tier 3) is too, so maximising tier 1 gives FD's
    Y to FD/2 ahead of O2/1 (tier 2): tiers 5/0/5. The greedy serves O2/1 and then rolls FD back: 0/5/0."""
    s = scenario(
        orders=[order("FD", full_delivery=True)],
        lots=[lot("X1", "X", 5), lot("Y1", "Y", 5)],
        lines=[line("FD", "1", "X", 5, D1), line("FD", "2", "Y", 5, D3), line("O2", "1", "Y", 5, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("FD", "1", "X", "X1", 5, OPT), ("FD", "2", "Y", "Y1", 5, OPT)]
    assert tier_totals(plan) == [5, 0, 5]
    assert line_result(plan, "O2", "1") == (0, "none", "short")
    greedy = solve(s, solver="greedy")
    assert tier_totals(greedy) == [0, 5, 0]
    assert line_result(greedy, "FD", "1") == (0, "none", "full_delivery_blocked")


def test_full_delivery_order_whose_first_line_is_fully_reserved(run: Callable[..., Plan]) -> None:
    """FD/1 (tier 1) is covered by its reservation, so the order's only open line is FD/2 (tier 3),
    on uncontended stock: it is served in full. (The engine once missed it, settling the order at
    the tier of a line with nothing left to add.)"""
    s = scenario(
        orders=[order("FD", full_delivery=True)],
        lots=[lot("X1", "X", 5), lot("Y1", "Y", 8)],
        lines=[line("FD", "1", "X", 5, D1), line("FD", "2", "Y", 5, D3), line("O2", "1", "Y", 3, D2)],
        reservations=[reservation("FD", "1", "X1", 5)],
    )
    plan = run(s)
    assert line_result(plan, "FD", "2") == (5, "full", "")
    assert tier_totals(plan) == [5, 3, 5]


# ---------------------------------------------------------------------------
# 4.4 Full line
# ---------------------------------------------------------------------------


def test_full_line_served_whole(run: Callable[..., Plan]) -> None:
    """A full_line line of 10 with 12 in stock gets 10; the later line gets the 2 left."""
    s = scenario(
        lots=[lot("X1", "X", 12)],
        lines=[line("O", "1", "X", 10, D1, full_line=True), line("O", "2", "X", 5, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 10, OPT), ("O", "2", "X", "X1", 2, OPT)]
    assert tier_totals(plan) == [10, 2]


def test_full_line_short_gets_nothing(run: Callable[..., Plan]) -> None:
    """A full_line line of 10 with 7 in stock gets nothing (full_line_short); the later line gets 5."""
    s = scenario(
        lots=[lot("X1", "X", 7)],
        lines=[line("O", "1", "X", 10, D1, full_line=True), line("O", "2", "X", 5, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "2", "X", "X1", 5, OPT)]
    assert line_result(plan, "O", "1") == (0, "none", "full_line_short")
    assert tier_totals(plan) == [0, 5]


# ---------------------------------------------------------------------------
# 4.5 Pack size
# ---------------------------------------------------------------------------


def test_pack_size_whole_packs_only(run: Callable[..., Plan]) -> None:
    """Pack 4, stock 10: a line of 10 gets 8 (2 packs) and lacks 2, less than a pack (reason
    pack_remainder); the later line of 4 gets nothing, as only 2 are left (reason pack_size)."""
    s = scenario(
        items=[item("X", pack_size=4)],
        lots=[lot("X1", "X", 10)],
        lines=[line("O", "1", "X", 10, D1), line("O", "2", "X", 4, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 8, OPT)]
    assert line_result(plan, "O", "1") == (8, "partial", "pack_remainder")
    assert line_result(plan, "O", "2") == (0, "none", "pack_size")
    assert tier_totals(plan) == [8, 0]


def test_pack_size_line_served_in_full(run: Callable[..., Plan]) -> None:
    """Pack 4, stock 10: a line of 8 (two packs) is served in full."""
    s = scenario(items=[item("X", pack_size=4)], lots=[lot("X1", "X", 10)], lines=[line("O", "1", "X", 8)])
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "X1", 8, OPT)]


# ---------------------------------------------------------------------------
# 4.6 Kits
# ---------------------------------------------------------------------------


def test_kit_limited_by_scarcest_component(run: Callable[..., Plan]) -> None:
    """Kit K = 2 A + 3 B + 1 N (nonstock), stock A 10, B 10: 5 kits asked, B allows 3: A 6, B 9, N 3."""
    s = scenario(
        items=[item("N", stocking=False)],
        kits=[kit("K", "A", 2), kit("K", "B", 3), kit("K", "N", 1)],
        lots=[lot("A1", "A", 10), lot("B1", "B", 10)],
        lines=[line("O", "1", "K", 5)],
    )
    plan = run(s)
    assert allocations(plan) == [
        ("O", "1", "A", "A1", 6, OPT),
        ("O", "1", "B", "B1", 9, OPT),
        ("O", "1", "N", "", 3, NONSTOCK),
    ]
    assert line_result(plan, "O", "1") == (3, "partial", "short")


def test_kit_fully_served(run: Callable[..., Plan]) -> None:
    """Kit K = 2 A + 3 B with ample stock: 2 kits take exactly 4 A and 6 B."""
    s = scenario(
        kits=[kit("K", "A", 2), kit("K", "B", 3)],
        lots=[lot("A1", "A", 10), lot("B1", "B", 10)],
        lines=[line("O", "1", "K", 2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "A", "A1", 4, OPT), ("O", "1", "B", "B1", 6, OPT)]
    assert line_result(plan, "O", "1") == (2, "full", "")


def test_kit_with_a_missing_component_gets_nothing(run: Callable[..., Plan]) -> None:
    """A kit whose component B has no stock gets no kit at all, and A is left for a later line."""
    s = scenario(
        kits=[kit("K", "A", 1), kit("K", "B", 1)],
        lots=[lot("A1", "A", 10)],
        lines=[line("O", "1", "K", 2, D1), line("O", "2", "A", 10, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "2", "A", "A1", 10, OPT)]
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")


# ---------------------------------------------------------------------------
# Owners, alternates and preferences (section 5.2 and SPEC 7)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("owners", "lot_id"), [("ACME;BETA", "A"), ("BETA;ACME", "B")])
def test_first_listed_owner_used_first(run: Callable[..., Plan], owners: str, lot_id: str) -> None:
    """When stock suffices, the first-listed owner's lot serves the line."""
    s = scenario(
        lots=[lot("A", "X", 10, owner="ACME"), lot("B", "X", 10, owner="BETA")],
        lines=[line("O", "1", "X", 5, owners=owners)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", lot_id, 5, OPT)]


def test_later_listed_owner_used_when_a_later_tier_needs_the_first(run: Callable[..., Plan]) -> None:
    """SPEC 7 for owners: tier 1 lists ACME;BETA, tier 2 only ACME: tier 1 takes BETA's lot, tier 2 ACME's."""
    s = scenario(
        lots=[lot("A", "X", 10, owner="ACME"), lot("B", "X", 10, owner="BETA")],
        lines=[line("O", "1", "X", 10, D1, owners="ACME;BETA"), line("O", "2", "X", 10, D2, owners="ACME")],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "X", "B", 10, OPT), ("O", "2", "X", "A", 10, OPT)]
    assert tier_totals(plan) == [10, 10]


def test_alternate_primary_preferred(run: Callable[..., Plan]) -> None:
    """With stock of both, a line of P is served from P, not its alternate Q."""
    s = scenario(
        alternates=[alternate("P", "Q")],
        lots=[lot("P1", "P", 10), lot("Q1", "Q", 10)],
        lines=[line("O", "1", "P", 5)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "P", "P1", 5, OPT)]


def test_alternate_used_when_primary_short(run: Callable[..., Plan]) -> None:
    """A line of 15 P with P 10 and alternate Q 10: all of P, then 5 of Q (the item column names Q)."""
    s = scenario(
        alternates=[alternate("P", "Q")],
        lots=[lot("P1", "P", 10), lot("Q1", "Q", 10)],
        lines=[line("O", "1", "P", 15)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "P", "P1", 10, OPT), ("O", "1", "Q", "Q1", 5, OPT)]


def test_alternate_lower_rank_preferred(run: Callable[..., Plan]) -> None:
    """P has alternates Q (rank 2) and R (rank 1): R's lot is used first, then Q's."""
    s = scenario(
        alternates=[alternate("P", "Q", 2), alternate("P", "R", 1)],
        lots=[lot("Q1", "Q", 10), lot("R1", "R", 10)],
        lines=[line("O", "1", "P", 15)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "Q", "Q1", 5, OPT), ("O", "1", "R", "R1", 10, OPT)]


def test_alternate_is_one_way(run: Callable[..., Plan]) -> None:
    """Q is an alternate of P, not P of Q: a line of Q cannot use P's lot (no_eligible_stock)."""
    s = scenario(
        alternates=[alternate("P", "Q")],
        lots=[lot("P1", "P", 10)],
        lines=[line("O", "1", "Q", 5)],
    )
    plan = run(s)
    assert allocations(plan) == []
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")


def test_alternate_is_not_transitive(run: Callable[..., Plan]) -> None:
    """P -> Q and Q -> R: a line of P cannot use R (no_eligible_stock); a line of Q can."""
    s = scenario(
        alternates=[alternate("P", "Q"), alternate("Q", "R")],
        lots=[lot("R1", "R", 10)],
        lines=[line("O", "1", "P", 5, D1), line("O", "2", "Q", 5, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "2", "R", "R1", 5, OPT)]
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")


def test_alternate_spares_the_primary_for_a_later_tier(run: Callable[..., Plan]) -> None:
    """SPEC 7 for alternates: tier 1 (item P, alternate Q) takes Q so tier 2 (item R, whose only
    stock is its alternate P) gets P's lot: 10/10 where the greedy gets 10/0."""
    s = scenario(
        alternates=[alternate("P", "Q"), alternate("R", "P")],
        lots=[lot("P1", "P", 10), lot("Q1", "Q", 10)],
        lines=[line("O", "1", "P", 10, D1), line("O", "2", "R", 10, D2)],
    )
    plan = run(s)
    assert allocations(plan) == [("O", "1", "Q", "Q1", 10, OPT), ("O", "2", "P", "P1", 10, OPT)]
    assert tier_totals(plan) == [10, 10]
    assert tier_totals(solve(s, solver="greedy")) == [10, 0]


def test_preference_order_alternate_owner_warehouse_fefo(run: Callable[..., Plan]) -> None:
    """Section 5.2's order: primary beats an earlier owner, owner beats warehouse, warehouse beats FEFO."""
    base = {"owners": "ACME;BETA", "warehouses": "NY;CA"}
    cases = [
        # primary P (BETA, CA) vs alternate Q (ACME, NY): primary wins
        (
            [
                lot("P1", "P", 5, owner="BETA", warehouse="CA"),
                lot("Q1", "Q", 5, owner="ACME", warehouse="NY"),
            ],
            "P1",
        ),
        # owner ACME in CA vs BETA in NY: owner wins
        (
            [
                lot("P1", "P", 5, owner="BETA", warehouse="NY"),
                lot("P2", "P", 5, owner="ACME", warehouse="CA"),
            ],
            "P2",
        ),
        # NY no expiry vs CA expiring soon: warehouse wins
        (
            [
                lot("P1", "P", 5, owner="ACME", warehouse="CA", expires="2026-12-10"),
                lot("P2", "P", 5, owner="ACME", warehouse="NY"),
            ],
            "P2",
        ),
    ]
    for lots, winner in cases:
        s = scenario(alternates=[alternate("P", "Q")], lots=lots, lines=[line("O", "1", "P", 5, **base)])
        rows = allocations(run(s))
        assert [(r[3], r[4]) for r in rows] == [(winner, 5)], (lots, rows)


def test_fefo_then_fifo(run: Callable[..., Plan]) -> None:
    """Among otherwise equal lots: the one expiring first; with no expiry difference, the one received
    first; and expiry outranks receipt."""
    cases = [
        (
            [
                lot("E1", "X", 5, expires="2027-01-10"),
                lot("E2", "X", 5, expires="2026-12-31"),
                lot("E3", "X", 5),
            ],
            "E2",
        ),
        (
            [
                lot("F1", "X", 5, received="2026-05-01"),
                lot("F2", "X", 5, received="2026-03-01"),
                lot("F3", "X", 5),
            ],
            "F2",
        ),
        (
            [
                lot("G1", "X", 5, expires="2027-06-01", received="2026-01-01"),
                lot("G2", "X", 5, expires="2027-03-01", received="2026-06-01"),
            ],
            "G2",
        ),
    ]
    for lots, winner in cases:
        rows = allocations(run(scenario(lots=lots, lines=[line("O", "1", "X", 5)])))
        assert rows == [("O", "1", "X", winner, 5, OPT)], (lots, rows)


# ---------------------------------------------------------------------------
# Reservations
# ---------------------------------------------------------------------------


def test_reservation_honoured_before_earlier_tiers(run: Callable[..., Plan]) -> None:
    """A reservation of 6 on a tier-2 line is allocated first (source reservation); the tier-1 line
    takes the other 14; the reserved line gets nothing more."""
    s = scenario(
        lots=[lot("A", "X", 10), lot("B", "X", 10)],
        lines=[line("R", "1", "X", 8, D2), line("T", "1", "X", 14, D1)],
        reservations=[reservation("R", "1", "A", 6)],
    )
    plan = run(s)
    assert allocations(plan) == [
        ("R", "1", "X", "A", 6, RES),
        ("T", "1", "X", "A", 4, OPT),
        ("T", "1", "X", "B", 10, OPT),
    ]
    assert tier_totals(plan) == [14, 6]
    assert line_result(plan, "R", "1") == (6, "partial", "short")
    assert plan.summary.to_json()["ignored_reservations"] == []


def test_reservation_topped_up_by_optimizer(run: Callable[..., Plan]) -> None:
    """A line of 8 with 3 reserved from A gets 5 more from the optimiser."""
    s = scenario(
        lots=[lot("A", "X", 10)],
        lines=[line("R", "1", "X", 8)],
        reservations=[reservation("R", "1", "A", 3)],
    )
    plan = run(s)
    assert allocations(plan) == [("R", "1", "X", "A", 3, RES), ("R", "1", "X", "A", 5, OPT)]
    assert line_result(plan, "R", "1") == (8, "full", "")


RESERVED_OUT = [
    pytest.param(
        scenario(
            lots=[lot("A", "X", 5)],
            lines=[line("R", "1", "X", 10)],
            reservations=[reservation("R", "1", "A", 5)],
        ),
        [("R", "1", "X", "A", 5, RES)],
        ("R", "1", 5),
        id="own_reservation_takes_the_only_lot",
    ),
    pytest.param(
        scenario(
            lots=[lot("A", "X", 5)],
            lines=[line("R", "1", "X", 5, D2), line("T", "1", "X", 3, D1)],
            reservations=[reservation("R", "1", "A", 5)],
        ),
        [("R", "1", "X", "A", 5, RES)],
        ("T", "1", 0),
        id="other_lines_reservation_takes_the_only_lot",
    ),
    pytest.param(
        scenario(
            kits=[kit("K", "A", 1)],
            lots=[lot("A1", "A", 5)],
            lines=[line("R", "1", "A", 5, D2), line("K", "1", "K", 2, D1)],
            reservations=[reservation("R", "1", "A1", 5)],
        ),
        [("R", "1", "A", "A1", 5, RES)],
        ("K", "1", 0),
        id="reservation_takes_a_kit_components_only_lot",
    ),
]


@pytest.mark.parametrize(("s", "rows", "short_line"), RESERVED_OUT)
def test_line_whose_only_lot_is_used_up_by_reservations(
    run: Callable[..., Plan], s: Scenario, rows: list[Any], short_line: tuple[str, str, int]
) -> None:
    """A valid scenario in which reservations take all of the only lot a line may use: the plan is
    the reservation alone, and the line left short is reported (no_eligible_stock, as no stock is
    left for it, or short). A plan must come back: the reservation is within the lot's allocable
    quantity, so the input is valid and solve must not reject its own plan."""
    plan = run(s)
    assert allocations(plan) == rows
    order_id, line_id, allocated = short_line
    got, _, reason = line_result(plan, order_id, line_id)
    assert got == allocated
    assert reason in ("no_eligible_stock", "short")


@pytest.mark.parametrize(
    ("lots", "line_kw", "order_kw"),
    [
        pytest.param(
            [lot("BAD", "X", 10, warehouse="CA")], {"warehouses": "NY"}, {}, id="lot_in_other_warehouse"
        ),
        pytest.param([lot("BAD", "X", 10, status="quarantine")], {}, {}, id="lot_not_available"),
        pytest.param([lot("BAD", "X", 10, expires="2026-11-01")], {}, {}, id="lot_expired"),
        pytest.param([lot("BAD", "X", 10, pnp=False)], {"requires_pnp": True}, {}, id="lot_not_pnp"),
        pytest.param([lot("BAD", "Y", 10)], {}, {}, id="lot_of_other_item"),
        pytest.param([lot("BAD", "X", 10)], {}, {"printed": True}, id="line_takes_no_part"),
    ],
)
def test_invalid_reservation_ignored_and_reported(
    run: Callable[..., Plan], lots: list[Any], line_kw: dict[str, Any], order_kw: dict[str, Any]
) -> None:
    """A reservation whose lot may not serve its line (or whose line takes no part) is ignored, listed
    in summary.to_json()['ignored_reservations'], and the line is served by the optimiser from lot GOOD."""
    s = scenario(
        orders=[order("R", **order_kw)],
        lots=[*lots, lot("GOOD", "X", 10, warehouse="NY")],
        lines=[line("R", "1", "X", 5, **line_kw)],
        reservations=[reservation("R", "1", "BAD", 5)],
    )
    plan = run(s)
    ignored = plan.summary.to_json()["ignored_reservations"]
    assert [(r["order"], r["line"], r["lot"], r["quantity"]) for r in ignored] == [("R", "1", "BAD", 5)]
    assert ignored[0]["why"]
    expected = [] if order_kw.get("printed") else [("R", "1", "X", "GOOD", 5, OPT)]
    assert allocations(plan) == expected
    assert not any(r[5] == RES for r in allocations(plan))


# ---------------------------------------------------------------------------
# The objective key (section 5.1)
# ---------------------------------------------------------------------------


def _two_competing_lines(**kw: Any) -> Scenario:
    """Lot of 10; A/1 ships 12-01 at priority 5, B/1 ships 12-02 at priority 0; each wants 10."""
    return scenario(
        orders=[order("A", priority=5), order("B", priority=0)],
        lots=[lot("X1", "X", 10)],
        lines=[line("A", "1", "X", 10, D1), line("B", "1", "X", 10, D2)],
        **kw,
    )


def test_default_key_earlier_ship_date_wins(run: Callable[..., Plan]) -> None:
    """Default key (ship_date, priority): the earlier line A/1 gets the stock despite its lower priority."""
    plan = run(_two_competing_lines())
    assert allocations(plan) == [("A", "1", "X", "X1", 10, OPT)]
    assert lines_by_key(plan)[("A", "1")]["tier"] == 1
    assert lines_by_key(plan)[("B", "1")]["tier"] == 2


def test_priority_first_key_higher_priority_wins(run: Callable[..., Plan]) -> None:
    """Key (priority, ship_date): B/1 (priority 0) comes first and gets the stock."""
    plan = run(_two_competing_lines(objective_key=("priority", "ship_date")))
    assert allocations(plan) == [("B", "1", "X", "X1", 10, OPT)]
    assert lines_by_key(plan)[("B", "1")]["tier"] == 1
    assert line_result(plan, "A", "1") == (0, "none", "short")


def test_line_priority_overrides_order_priority(run: Callable[..., Plan]) -> None:
    """Same ship date: line priority 1 on an order of priority 5 beats an order of priority 2."""
    s = scenario(
        orders=[order("A", priority=5), order("B", priority=2)],
        lots=[lot("X1", "X", 10)],
        lines=[line("A", "1", "X", 10, D3, priority=1), line("B", "1", "X", 10, D3)],
    )
    plan = run(s)
    assert allocations(plan) == [("A", "1", "X", "X1", 10, OPT)]
    assert [t.key for t in plan.tiers] == [
        (s.lines[0].ship_date, 1),
        (s.lines[0].ship_date, 2),
    ]

"""Re-planning from a previous plan (SPEC 9): stale rows, printed and kept lines, the fewest changes.

Each test is a tiny scenario re-planned from a previous plan written by hand,
and states the property it checks.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from models.codes import Source
from models.records import Item, PreviousAllocation, PreviousPlan, Scenario
from planner.engine.solve import solve
from planner.result.plan import Plan
from tests.builders import (
    D1,
    D2,
    allocations,
    alternate,
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


def previous(*rows: tuple[str, str, str, int]) -> PreviousPlan:
    """A previous plan of (order, line, lot, quantity) rows."""
    return PreviousPlan(
        "prev",
        tuple(PreviousAllocation(o, ln, lot_id, q, n + 2) for n, (o, ln, lot_id, q) in enumerate(rows)),
    )


def replan(data: Scenario, *rows: tuple[str, str, str, int], keep: bool = False) -> Plan:
    return solve(data.replace(previous=previous(*rows), keep=keep))


def lots_of(plan: Plan) -> dict[tuple[str, str, str], int]:
    """Quantity per (order, line, lot), every source."""
    out: dict[tuple[str, str, str], int] = {}
    for o, ln, _, lot_id, q, _ in allocations(plan):
        if lot_id:
            out[(o, ln, lot_id)] = out.get((o, ln, lot_id), 0) + q
    return out


def changes(plan: Plan) -> list[tuple[str, str, str, int, int]]:
    return [tuple(r) for r in plan.changes_frame().itertuples(index=False)]


def test_a_plan_re_planned_from_itself_changes_nothing() -> None:
    """Property: with the same facts, re-planning from a plan reproduces it: no change, nothing dropped."""
    data = scenario(
        lots=[lot("A1", "X", 10, warehouse="NY"), lot("A2", "X", 10, warehouse="CA")],
        lines=[line("S", "1", "X", 8, D1), line("S", "2", "X", 8, D2), line("T", "1", "X", 8, D2)],
    )
    first = solve(data)
    rows = [(o, ln, lot_id, q) for (o, ln, lot_id), q in lots_of(first).items()]
    again = replan(data, *rows)
    assert lots_of(again) == lots_of(first)
    assert changes(again) == []
    assert again.summary.changes is not None
    assert again.summary.changes.units_moved == 0
    assert again.summary.changes.dropped == {"line_gone": 0, "lot_gone": 0, "may_not_serve": 0}


def test_without_a_previous_plan_there_is_no_changes_table() -> None:
    """Property: a plan made from nothing writes no changes.csv and no summary changes (as before SPEC 9)."""
    plan = solve(scenario(lots=[lot("A1", "X", 10)], lines=[line("S", "1", "X", 5)]))
    assert "changes.csv" not in plan.files()
    assert "changes" not in plan.summary.to_json()


def test_stale_rows_are_dropped_and_counted_by_reason() -> None:
    """Property: rows of a gone line, a gone lot, or a lot that may no longer serve the line are
    dropped, counted per reason, and listed in changes.csv with now = 0."""
    data = scenario(
        lots=[lot("A1", "X", 10, warehouse="NY"), lot("A2", "X", 10, warehouse="CA")],
        lines=[line("S", "1", "X", 5, warehouses="CA")],
    )
    plan = replan(data, ("S", "1", "A1", 5), ("GONE", "1", "A2", 3), ("S", "1", "OLD", 2))
    assert plan.summary.changes is not None
    assert plan.summary.changes.dropped == {"line_gone": 1, "lot_gone": 1, "may_not_serve": 1}
    assert ("GONE", "1", "A2", 3, 0) in changes(plan)
    assert ("S", "1", "A1", 5, 0) in changes(plan)
    assert ("S", "1", "OLD", 2, 0) in changes(plan)


def test_a_printed_line_keeps_its_previous_allocation_as_far_as_the_lot_holds_it() -> None:
    """Property: a printed line keeps its previous lots exactly (source previous, no tier), capped by
    what the lot still holds; the rest of the lot goes to other lines."""
    data = scenario(
        lots=[lot("A1", "X", 6)],
        lines=[line("P", "1", "X", 8, printed=True), line("S", "1", "X", 8)],
    )
    plan = replan(data, ("P", "1", "A1", 8))
    assert ("P", "1", "X", "A1", 6, str(Source.PREVIOUS)) in allocations(plan)
    assert line_result(plan, "P", "1") == (6, "partial", "printed")
    assert line_result(plan, "S", "1")[0] == 0
    assert any("P/1 keeps 6 of lot A1" in n for n in plan.notes)


def test_a_kept_line_is_not_taken_by_a_new_earlier_line() -> None:
    """Property (issue 12's first case): a kept line keeps its lots before any tier, so a new order
    with an earlier date gets only free stock."""
    data = scenario(
        lots=[lot("A1", "X", 10)],
        orders=[order("OLD", keep=True)],
        lines=[line("OLD", "1", "X", 10, D2), line("NEW", "1", "X", 10, D1)],
    )
    assert line_result(solve(data), "NEW", "1")[0] == 10  # from nothing, the earlier line wins
    plan = replan(data, ("OLD", "1", "A1", 10))
    assert line_result(plan, "OLD", "1")[0] == 10
    assert line_result(plan, "NEW", "1")[0] == 0
    assert ("OLD", "1", "X", "A1", 10, str(Source.PREVIOUS)) in allocations(plan)


def test_a_kept_line_counts_its_reservation_towards_what_it_keeps() -> None:
    """Property (SPEC 9, keep: at least what it had of each lot): a kept line whose previous row of a
    lot came from its reservation there keeps that row and no more; re-planned from its own plan, the
    reservation is not carried over a second time on top of itself, taking an earlier line's unit."""
    data = scenario(
        lots=[lot("L1", "X", 2)],
        orders=[order("O1", keep=True)],
        lines=[line("O1", "1", "X", 2, D2), line("O2", "1", "X", 1, D1)],
        reservations=[reservation("O1", "1", "L1", 1)],
    )
    first = solve(data)
    assert lots_of(first) == {("O1", "1", "L1"): 1, ("O2", "1", "L1"): 1}
    again = replan(data, *[(o, ln, lot_id, q) for (o, ln, lot_id), q in lots_of(first).items()])
    assert lots_of(again) == lots_of(first)
    assert changes(again) == []
    assert again.summary.changes is not None
    assert again.summary.changes.units_moved == 0


def test_keep_line_overrides_order_and_scenario_default() -> None:
    """Property: `keep` on a line overrides its order's, which overrides the scenario's [plan] keep."""
    data = scenario(
        lots=[lot("A1", "X", 10)],
        orders=[order("OLD", keep=False)],
        lines=[line("OLD", "1", "X", 10, D2, keep=True), line("NEW", "1", "X", 10, D1)],
    )
    assert line_result(replan(data, ("OLD", "1", "A1", 10)), "OLD", "1")[0] == 10
    released = replace(data, lines=(replace(data.lines[0], keep=None), data.lines[1]))
    assert line_result(replan(released, ("OLD", "1", "A1", 10), keep=True), "OLD", "1")[0] == 0
    default = replace(released, orders=tuple(replace(o, keep=None) for o in released.orders))
    assert line_result(replan(default, ("OLD", "1", "A1", 10), keep=True), "OLD", "1")[0] == 10


def test_a_kept_quantity_the_lot_no_longer_holds_is_reduced_and_reported() -> None:
    """Property: a kept line keeps what the lot still has, and the plan says what it could not keep."""
    data = scenario(lots=[lot("A1", "X", 4)], lines=[line("S", "1", "X", 10, keep=True)])
    plan = replan(data, ("S", "1", "A1", 10))
    assert line_result(plan, "S", "1")[0] == 4
    assert any("S/1 keeps 4 of lot A1, not the 10" in n for n in plan.notes)


def test_a_cancelled_order_does_not_move_a_served_line_to_another_warehouse() -> None:
    """Property (issue 12's second case): cancelling an order frees its stock, but a line served
    from its second warehouse stays there: moving it changes units for no tier's gain."""
    base = scenario(
        lots=[lot("NY1", "X", 10, warehouse="NY"), lot("CA1", "X", 10, warehouse="CA")],
        lines=[line("A", "1", "X", 10, D1, warehouses="NY"), line("B", "1", "X", 10, D2, warehouses="NY;CA")],
    )
    first = solve(base)
    assert lots_of(first) == {("A", "1", "NY1"): 10, ("B", "1", "CA1"): 10}
    cancelled = replace(base, lines=base.lines[1:], orders=tuple(o for o in base.orders if o.order != "A"))
    assert lots_of(solve(cancelled)) == {("B", "1", "NY1"): 10}  # from nothing: the preferred warehouse
    plan = replan(cancelled, ("A", "1", "NY1", 10), ("B", "1", "CA1", 10))
    assert lots_of(plan) == {("B", "1", "CA1"): 10}
    assert changes(plan) == [("A", "1", "NY1", 10, 0)]
    assert plan.summary.changes is not None
    assert plan.summary.changes.units_moved == 10
    assert plan.summary.changes.dropped["line_gone"] == 1


def test_lines_of_one_tier_trade_quantity_to_avoid_moves() -> None:
    """Property: holding the tier total, the line the previous plan served keeps it, whichever it was."""
    data = scenario(lots=[lot("A1", "X", 10)], lines=[line("S", "1", "X", 10), line("S", "2", "X", 10)])
    for served in ("1", "2"):
        plan = replan(data, ("S", served, "A1", 10))
        assert lots_of(plan) == {("S", served, "A1"): 10}
        assert tier_totals(plan) == [10]


def test_integer_lines_of_one_tier_trade_quantity_to_avoid_moves() -> None:
    """Property: the same where pack sizes apply (the MIP of the fewest-changes level), proved optimal."""
    from tests.builders import item

    data = scenario(
        items=[item("X", pack_size=5)],
        lots=[lot("A1", "X", 10)],
        lines=[line("S", "1", "X", 10), line("S", "2", "X", 10), line("S", "3", "X", 5, D2)],
    )
    for served in ("1", "2"):
        plan = replan(data, ("S", served, "A1", 10))
        assert lots_of(plan) == {("S", served, "A1"): 10}
        assert tier_totals(plan) == [10, 0]
        assert str(plan.status) == "optimal"


def test_a_kept_kit_line_gets_its_nonstock_component_for_the_kits_it_keeps() -> None:
    """Property: kit K = 1 A + 2 S (S nonstock). K/1 had 2 kits (2 of A1) and is kept; A1 holds
    no more, so it keeps those 2 kits and its nonstock row gives 2 x 2 = 4 S (not 0 for the
    optimiser's 0 kits: the checker's kit ratio counts every kit the line holds)."""
    data = scenario(
        items=[item("S", stocking=False)],
        lots=[lot("A1", "A", 2)],
        kits=[kit("K", "A", 1), kit("K", "S", 2)],
        lines=[line("K", "1", "K", 3, D1, keep=True)],
    )
    plan = replan(data, ("K", "1", "A1", 2))
    assert ("K", "1", "S", "", 4, str(Source.NONSTOCK)) in allocations(plan)
    assert line_result(plan, "K", "1") == (2, "partial", "no_eligible_stock")


def test_a_kept_kit_whose_components_stand_in_for_each_other_keeps_whole_kits() -> None:
    """Property: kit K = 1 P1 + 1 P2, P1 and P2 alternates of each other, lots L1 and L2 of P1
    with 1 each. K/1 (2 kits) had L1:1 and L2:1, which is one kit (L1 as P1, L2 standing in for
    P2), and is kept: it keeps that one kit, the plan honours kit ratio (it was rejected), and
    nothing is left to add."""
    data = scenario(
        lots=[lot("L1", "P1", 1), lot("L2", "P1", 1)],
        kits=[kit("K", "P1", 1), kit("K", "P2", 1)],
        alternates=[alternate("P1", "P2"), alternate("P2", "P1")],
        lines=[line("K", "1", "K", 2, D1, keep=True)],
    )
    plan = replan(data, ("K", "1", "L1", 1), ("K", "1", "L2", 1))
    assert lots_of(plan) == {("K", "1", "L1"): 1, ("K", "1", "L2"): 1}
    assert line_result(plan, "K", "1")[0] == 1
    assert str(plan.status) == "optimal"


@pytest.mark.parametrize(
    ("kit_item", "full_line"),
    [(item("K", pack_size=2), False), (item("K"), True)],
    ids=["packs of 2 kits", "full line"],
)
def test_the_kits_a_kept_kit_line_keeps_are_counted_as_kits_where_its_components_stand_in_for_each_other(
    kit_item: Item, full_line: bool
) -> None:
    """Property: as above (K/1 of 2 kits kept, L1:1 and L2:1 of P1 are one kit), with K in packs
    of 2 kits, or K/1 a full line. The kept kit is fixed like a reservation: the optimiser may add
    only whole packs beyond it (none: no stock is left), and a full line may stay at what it
    keeps. The plan keeps the one kit and is accepted (the checker counted the two P1 rows as 2
    kits kept, once for each component, and rejected the plan: 1 kit is -1 beyond 2 kept, and a
    full line of 2 at 1 is neither 2 nor the 2 kept)."""
    data = scenario(
        items=[kit_item],
        lots=[lot("L1", "P1", 1), lot("L2", "P1", 1)],
        kits=[kit("K", "P1", 1), kit("K", "P2", 1)],
        alternates=[alternate("P1", "P2"), alternate("P2", "P1")],
        orders=[order("O", priority=0)],
        lines=[line("O", "1", "K", 2, D1, keep=True, full_line=full_line)],
    )
    plan = replan(data, ("O", "1", "L1", 1), ("O", "1", "L2", 1))
    assert lots_of(plan) == {("O", "1", "L1"): 1, ("O", "1", "L2"): 1}
    assert line_result(plan, "O", "1")[0] == 1
    assert str(plan.status) == "optimal"

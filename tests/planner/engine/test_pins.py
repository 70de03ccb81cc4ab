"""Pins (SPEC 9): hand-worked cases, each solved as routed and through the tier loop (`run`).

Each test states the property it checks; the numbers are worked out by hand in its docstring.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from models.errors import InputErrors
from models.records import PreviousAllocation, PreviousPlan, Scenario
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
    pin,
    reservation,
    safety,
    scenario,
    tier_totals,
)

Run = Callable[..., Plan]


def rows(plan: Plan, order_id: str, line_id: str) -> list[tuple[str, int, str]]:
    """(lot, quantity, source) of one line's allocation rows."""
    return [(lo, q, src) for o, ln, _, lo, q, src in allocations(plan) if (o, ln) == (order_id, line_id)]


def test_an_exact_pin_takes_stock_an_earlier_tier_would_have_got(run: Run) -> None:
    """A1 holds 10; S/1 (tier 1) and T/1 (tier 2) each want 10. Unpinned, tier 1 takes all 10.
    Pinning T/1 to 6 of A1 serves the pin first: T/1 gets exactly 6 (source pin), S/1 the 4 left,
    and the tiers are [4, 6], the optimum under the pin."""
    data = scenario(
        lots=[lot("A1", "X", 10)], lines=[line("S", "1", "X", 10, D1), line("T", "1", "X", 10, D2)]
    )
    assert tier_totals(run(data)) == [10, 0]
    plan = run(data.replace(pins=(pin("T", "1", "A1", 6),)))
    assert rows(plan, "T", "1") == [("A1", 6, "pin")]
    assert rows(plan, "S", "1") == [("A1", 4, "optimizer")]
    assert tier_totals(plan) == [4, 6]


def test_a_pin_of_zero_moves_a_line_off_a_lot(run: Run) -> None:
    """S/1 prefers W1 (A1) to W2 (A2) and gets 5 from A1 unpinned; a pin of 0 on A1 moves it to A2."""
    data = scenario(
        lots=[lot("A1", "X", 10, warehouse="W1"), lot("A2", "X", 10, warehouse="W2")],
        lines=[line("S", "1", "X", 5, D1, warehouses="W1;W2")],
    )
    assert rows(run(data), "S", "1") == [("A1", 5, "optimizer")]
    plan = run(data.replace(pins=(pin("S", "1", "A1", 0),)))
    assert rows(plan, "S", "1") == [("A2", 5, "optimizer")]


def test_an_exact_pin_forbids_more_from_its_lot(run: Run) -> None:
    """S/1 wants 8 and may use only A1 (10); pinned to 3 of A1 it gets exactly 3, though A1 holds more:
    short, and no other lot it may use gives it anything (no_eligible_stock)."""
    data = scenario(lots=[lot("A1", "X", 10)], lines=[line("S", "1", "X", 8, D1)])
    plan = run(data.replace(pins=(pin("S", "1", "A1", 3),)))
    assert rows(plan, "S", "1") == [("A1", 3, "pin")]
    assert line_result(plan, "S", "1") == (3, "partial", "no_eligible_stock")


def test_only_gives_nothing_from_lots_not_pinned(run: Run) -> None:
    """S/1 wants 8; A1 and A2 hold 10 each. Pinned to 3 of A2 with `only`, it gets exactly those 3;
    without `only` the optimiser adds the other 5 from A1."""
    data = scenario(lots=[lot("A1", "X", 10), lot("A2", "X", 10)], lines=[line("S", "1", "X", 8, D1)])
    only = run(data.replace(pins=(pin("S", "1", "A2", 3, only=True),)))
    assert rows(only, "S", "1") == [("A2", 3, "pin")]
    free = run(data.replace(pins=(pin("S", "1", "A2", 3),)))
    assert rows(free, "S", "1") == [("A1", 5, "optimizer"), ("A2", 3, "pin")]


def test_a_pin_on_a_full_line_forces_it_to_complete(run: Run) -> None:
    """A1 and A2 hold 10 each. S/1 (tier 1) wants 15; T/1 (tier 2) is a full line of 10. Unpinned,
    S/1 takes 15 and T/1, which cannot be whole in the 5 left, gets nothing: [15, 0]. With a pin of
    2 of A1 on T/1 it must be completed: 2 from A1 and, A1 being closed to it beyond the pin, 8
    from A2; S/1 gets the other 10: [10, 10]."""
    data = scenario(
        lots=[lot("A1", "X", 10), lot("A2", "X", 10)],
        lines=[line("S", "1", "X", 15, D1), line("T", "1", "X", 10, D2, full_line=True)],
    )
    assert tier_totals(run(data)) == [15, 0]
    plan = run(data.replace(pins=(pin("T", "1", "A1", 2),)))
    assert rows(plan, "T", "1") == [("A1", 2, "pin"), ("A2", 8, "optimizer")]
    assert tier_totals(plan) == [10, 10]
    assert [t.bound for t in plan.tiers] == [10, 10]


def test_a_full_delivery_order_with_a_pin_is_completed(run: Run) -> None:
    """Y has 3 (B1). T/1 (tier 1) wants 3 Y; full-delivery order F wants 4 X and 3 Y (tier 2).
    Unpinned, T/1 takes the Y and F gets nothing. A pin of 1 of A1 on F/1 makes F complete: F/1
    gets the pin and 3 from A2, F/2 the 3 Y, and T/1 nothing."""
    data = scenario(
        lots=[lot("A1", "X", 10), lot("A2", "X", 10), lot("B1", "Y", 3)],
        orders=[order("F", full_delivery=True)],
        lines=[line("T", "1", "Y", 3, D1), line("F", "1", "X", 4, D2), line("F", "2", "Y", 3, D2)],
    )
    assert tier_totals(run(data)) == [3, 0]
    plan = run(data.replace(pins=(pin("F", "1", "A1", 1),)))
    assert rows(plan, "F", "1") == [("A1", 1, "pin"), ("A2", 3, "optimizer")]
    assert rows(plan, "F", "2") == [("B1", 3, "optimizer")]
    assert tier_totals(plan) == [0, 7]


def test_a_nonstock_line_does_not_keep_a_pinned_full_delivery_order_from_completing(run: Run) -> None:
    """Full-delivery F: F/1 wants 4 X (pinned to 1 of A1), F/2 is nonstock. The nonstock line is
    allocated in full and blocks nothing: F completes, F/1 with 3 more from A2."""
    data = scenario(
        items=[item("S", stocking=False)],
        lots=[lot("A1", "X", 10), lot("A2", "X", 10)],
        orders=[order("F", full_delivery=True)],
        lines=[line("F", "1", "X", 4, D1), line("F", "2", "S", 2, D1)],
        pins=[pin("F", "1", "A1", 1)],
    )
    plan = run(data)
    assert rows(plan, "F", "1") == [("A1", 1, "pin"), ("A2", 3, "optimizer")]
    assert rows(plan, "F", "2") == [("", 2, "nonstock")]


def test_a_pinned_full_delivery_order_that_cannot_be_filled_is_an_input_error() -> None:
    """As above, but Y holds only 2: F cannot ship complete, so its pin is refused, naming the row."""
    data = scenario(
        lots=[lot("A1", "X", 10), lot("B1", "Y", 2)],
        orders=[order("F", full_delivery=True)],
        lines=[line("F", "1", "X", 4, D2), line("F", "2", "Y", 3, D2)],
        pins=[pin("F", "1", "A1", 1)],
    )
    with pytest.raises(InputErrors) as caught:
        solve(data)
    assert "pins.csv" in str(caught.value)
    assert "order F ships complete" in str(caught.value)


def test_a_kit_pinned_in_ratio_counts_its_kits_and_the_optimiser_adds_whole_kits(run: Run) -> None:
    """Kit K = 1 A + 2 B + 1 S (S nonstock). K/1 wants 3 kits; pins of 1 of A1 and 2 of B1 make 1
    kit, fixed; the optimiser adds 2 whole kits from the other lots A2, B2 (A1 and B1 are closed
    beyond the pins), and S gets a nonstock row for all 3 kits."""
    data = scenario(
        items=[item("S", stocking=False)],
        lots=[lot("A1", "A", 5), lot("A2", "A", 5), lot("B1", "B", 5), lot("B2", "B", 5)],
        kits=[kit("K", "A", 1), kit("K", "B", 2), kit("K", "S", 1)],
        lines=[line("K", "1", "K", 3, D1)],
        pins=[pin("K", "1", "A1", 1), pin("K", "1", "B1", 2)],
    )
    plan = run(data)
    assert rows(plan, "K", "1") == [
        ("A1", 1, "pin"),
        ("A2", 2, "optimizer"),
        ("B1", 2, "pin"),
        ("B2", 4, "optimizer"),
        ("", 3, "nonstock"),
    ]
    assert line_result(plan, "K", "1") == (3, "full", "")


def test_a_kit_pin_on_one_component_has_the_others_matched(run: Run) -> None:
    """Kit K = 1 A + 2 B. K/1 wants 3 kits; a pin of 1 of A1 starts one kit, so the optimiser must
    add its 2 B (from B1, 5). Beyond that kit it adds whole kits: A from A2 (A1 is closed beyond the
    pin), B from the 3 left in B1: one more kit. K/1 gets 2 kits, its components in ratio."""
    data = scenario(
        lots=[lot("A1", "A", 5), lot("A2", "A", 5), lot("B1", "B", 5)],
        kits=[kit("K", "A", 1), kit("K", "B", 2)],
        lines=[line("K", "1", "K", 3, D1)],
        pins=[pin("K", "1", "A1", 1)],
    )
    plan = run(data)
    assert rows(plan, "K", "1") == [("A1", 1, "pin"), ("A2", 1, "optimizer"), ("B1", 4, "optimizer")]
    assert line_result(plan, "K", "1") == (2, "partial", "short")


def test_matching_a_kit_pin_takes_stock_an_earlier_tier_would_have_got(run: Run) -> None:
    """As above with S/1 (tier 1) wanting 5 B: unpinned it takes all of B1 and K/1 (tier 2) gets no
    kit. With the pin of 1 A, K/1's kit must be matched first: 2 B go to it, S/1 gets 3."""
    data = scenario(
        lots=[lot("A1", "A", 5), lot("B1", "B", 5)],
        kits=[kit("K", "A", 1), kit("K", "B", 2)],
        lines=[line("S", "1", "B", 5, D1), line("K", "1", "K", 3, D2)],
    )
    assert tier_totals(run(data)) == [5, 0]
    plan = run(data.replace(pins=(pin("K", "1", "A1", 1),)))
    assert rows(plan, "K", "1") == [("A1", 1, "pin"), ("B1", 2, "optimizer")]
    assert tier_totals(plan) == [3, 1]


def test_a_kit_pin_on_a_lot_of_one_component_gives_that_component_where_another_may_use_it(run: Run) -> None:
    """Kit K = 1 A + 2 B in packs of 2 kits, and B may stand in for A (alternates). K/1 wants 3
    kits; a pin of 2 of B1, a lot of component B itself, gives B: 1 kit (counted as A it would be
    2). The optimiser matches it with 1 A from A1 (preferred to B2: the primary item) and adds one
    pack of 2 kits (2 A from A1, 4 B from B2; B1 is closed beyond the pin): 3 kits. The checker
    counts B1 as B alike (1 kit fixed, 2 added: whole packs)."""
    data = scenario(
        items=[item("K", pack_size=2)],
        lots=[lot("A1", "A", 10), lot("B1", "B", 10), lot("B2", "B", 10)],
        kits=[kit("K", "A", 1), kit("K", "B", 2)],
        alternates=[alternate("A", "B")],
        lines=[line("K", "1", "K", 3, D1)],
        pins=[pin("K", "1", "B1", 2)],
    )
    plan = run(data)
    assert rows(plan, "K", "1") == [("A1", 3, "optimizer"), ("B1", 2, "pin"), ("B2", 4, "optimizer")]
    assert line_result(plan, "K", "1") == (3, "full", "")


def test_pins_of_one_components_lots_make_one_kit_where_the_components_stand_in_for_each_other(
    run: Run,
) -> None:
    """Kit K = 1 P1 + 1 P2, P1 and P2 alternates of each other; lots L1 and L2 of P1 hold 1 each.
    K/1 wants 1 kit and is pinned to L1:1 and L2:1. Both lots may give either part, so the pins
    split as 1 P1 + 1 P2: one kit, the line's quantity (counted both as P1 they would need 2 kits,
    and the pins were refused). Nothing is left to match or add: 1 kit, full."""
    data = scenario(
        lots=[lot("L1", "P1", 1), lot("L2", "P1", 1)],
        kits=[kit("K", "P1", 1), kit("K", "P2", 1)],
        alternates=[alternate("P1", "P2"), alternate("P2", "P1")],
        lines=[line("K", "1", "K", 1, D1)],
        pins=[pin("K", "1", "L1", 1), pin("K", "1", "L2", 1)],
    )
    plan = run(data)
    assert rows(plan, "K", "1") == [("L1", 1, "pin"), ("L2", 1, "pin")]
    assert line_result(plan, "K", "1") == (1, "full", "")


def test_a_kit_pin_split_over_the_components_has_the_make_up_its_split_leaves(run: Run) -> None:
    """Kit K = 1 P1 + 1 P2, and P1 may stand in for P2 (one way). K/1 (tier 2) wants 2 kits and is
    pinned to 3 of L1 (P1); S/1 (tier 1) wants 1 P1. As P1 alone the pin would need 3 kits, above
    the line's 2; split, L1 gives 2 P1 (its own item first) and 1 P2: 2 kits, whose make-up is 1
    P2. L3 (P2) gives it, so L2, the only P1 left, serves S/1: tiers [1, 2]. (Split as 1 P1 and 2
    P2, the make-up would be 1 P1, which only L2 could give, and S/1 would get nothing.)"""
    data = scenario(
        lots=[lot("L1", "P1", 3), lot("L2", "P1", 1), lot("L3", "P2", 1)],
        kits=[kit("K", "P1", 1), kit("K", "P2", 1)],
        alternates=[alternate("P2", "P1")],
        lines=[line("S", "1", "P1", 1, D1), line("K", "1", "K", 2, D2)],
        pins=[pin("K", "1", "L1", 3)],
    )
    plan = run(data)
    assert rows(plan, "K", "1") == [("L1", 3, "pin"), ("L3", 1, "optimizer")]
    assert rows(plan, "S", "1") == [("L2", 1, "optimizer")]
    assert line_result(plan, "K", "1") == (2, "full", "")
    assert tier_totals(plan) == [1, 2]


def test_kit_pins_split_over_the_components_count_their_fewest_kits_for_the_pack_size(run: Run) -> None:
    """As in the kit of P1 and P2 that stand in for each other above, in packs of 2 kits, with L3
    (P2, 4) besides: K/1 wants 3 kits; the pins L1:1 and L2:1 fix 1 kit, so the optimiser adds a
    pack of 2 kits from L3 (2 P1 as an alternate, 2 P2): 3 kits, full, which the checker accepts
    (counting the pins as 2 kits, it would see 1 kit beyond them, not whole packs; and the engine,
    counting them so, fixed 2 kits and added nothing)."""
    data = scenario(
        items=[item("K", pack_size=2)],
        lots=[lot("L1", "P1", 1), lot("L2", "P1", 1), lot("L3", "P2", 4)],
        kits=[kit("K", "P1", 1), kit("K", "P2", 1)],
        alternates=[alternate("P1", "P2"), alternate("P2", "P1")],
        lines=[line("K", "1", "K", 3, D1)],
        pins=[pin("K", "1", "L1", 1), pin("K", "1", "L2", 1)],
    )
    plan = run(data)
    assert rows(plan, "K", "1") == [("L1", 1, "pin"), ("L2", 1, "pin"), ("L3", 4, "optimizer")]
    assert line_result(plan, "K", "1") == (3, "full", "")


def test_a_kit_pin_that_cannot_be_matched_is_an_input_error() -> None:
    """Kit K = 1 A + 2 B and no B in stock: a pin of 1 A starts a kit no plan can match; refused."""
    data = scenario(
        lots=[lot("A1", "A", 5), lot("B1", "B", 1)],
        kits=[kit("K", "A", 1), kit("K", "B", 2)],
        lines=[line("K", "1", "K", 3, D1)],
        pins=[pin("K", "1", "A1", 1)],
    )
    with pytest.raises(InputErrors, match="cannot be matched"):
        solve(data)


def test_an_only_kit_pinned_out_of_ratio_is_an_input_error() -> None:
    """With `only` the kit gets nothing beyond its pins, so pins of 1 A and 1 B (kit = 1 A + 2 B)
    can never make whole kits: both pin rows are refused."""
    data = scenario(
        lots=[lot("A1", "A", 5), lot("B1", "B", 5)],
        kits=[kit("K", "A", 1), kit("K", "B", 2)],
        lines=[line("K", "1", "K", 3, D1)],
        pins=[pin("K", "1", "A1", 1, only=True), pin("K", "1", "B1", 1)],
    )
    with pytest.raises(InputErrors) as caught:
        solve(data)
    assert len(caught.value.errors) == 2
    assert all("kit ratio" in e.message for e in caught.value.errors)


def test_pins_count_towards_the_pack_size(run: Run) -> None:
    """Pack size 3. S/1 wants 10 and is pinned to 4 of A1; the optimiser adds whole packs beyond
    the pin from A2 (10): 6 (10 - 4), so S/1 is full. T/1 wants 9 pinned to 4 of A3: of the 5
    open one pack (3) fits, from A2; it lacks 2, less than a pack: 7, pack_remainder."""
    data = scenario(
        items=[item("X", pack_size=3)],
        lots=[lot("A1", "X", 4), lot("A2", "X", 10), lot("A3", "X", 4)],
        lines=[line("S", "1", "X", 10, D1), line("T", "1", "X", 9, D2)],
        pins=[pin("S", "1", "A1", 4), pin("T", "1", "A3", 4)],
    )
    plan = run(data)
    assert rows(plan, "S", "1") == [("A1", 4, "pin"), ("A2", 6, "optimizer")]
    assert rows(plan, "T", "1") == [("A2", 3, "optimizer"), ("A3", 4, "pin")]
    assert line_result(plan, "T", "1") == (7, "partial", "pack_remainder")


def test_a_pin_may_use_safety_stock(run: Run) -> None:
    """X holds 10 with safety stock 8: the optimiser may take 2, but a pin of 6 is honoured (like a
    reservation), and the optimiser then takes nothing more (10 - 6 - 8 < 0)."""
    data = scenario(
        items=[item("X", safety_stock=8)],
        lots=[lot("A1", "X", 10), lot("A2", "X", 0)],
        lines=[line("S", "1", "X", 9, D1), line("T", "1", "X", 9, D1)],
        pins=[pin("S", "1", "A1", 6)],
    )
    plan = run(data)
    assert rows(plan, "S", "1") == [("A1", 6, "pin")]
    assert rows(plan, "T", "1") == []


def test_a_pin_includes_the_reservations_of_its_line_and_lot(run: Run) -> None:
    """S/1 reserves 2 of A1 and is pinned to 5 of A1: it gets exactly 5 of A1, as a reservation
    row of 2 and a pin row of 3."""
    data = scenario(
        lots=[lot("A1", "X", 10)],
        lines=[line("S", "1", "X", 8, D1)],
        reservations=[reservation("S", "1", "A1", 2)],
        pins=[pin("S", "1", "A1", 5)],
    )
    assert rows(run(data), "S", "1") == [("A1", 2, "reservation"), ("A1", 3, "pin")]


def test_a_kept_line_keeps_what_it_had_but_a_pin_decides_its_lot() -> None:
    """S/1 is kept and had 4 of A1 and 4 of A2. Pinned to 1 of A1, it gets exactly 1 of A1 and
    keeps its 4 of A2 (source previous); the optimiser adds the 3 left from A2 (A2 and A3 change
    as many units, and A2 comes first by lot id)."""
    data = scenario(
        lots=[lot("A1", "X", 10), lot("A2", "X", 10), lot("A3", "X", 10)],
        lines=[line("S", "1", "X", 8, D1, keep=True)],
        pins=[pin("S", "1", "A1", 1)],
    )
    before = PreviousPlan(
        "prev", (PreviousAllocation("S", "1", "A1", 4, 2), PreviousAllocation("S", "1", "A2", 4, 3))
    )
    plan = solve(data.replace(previous=before))
    assert rows(plan, "S", "1") == [("A1", 1, "pin"), ("A2", 3, "optimizer"), ("A2", 4, "previous")]


@pytest.mark.parametrize(
    ("pins", "column", "words"),
    [
        ([pin("P", "1", "A1", 1)], "line", "takes no part (printed)"),
        ([pin("S", "1", "B1", 1)], "lot", "may not serve"),
        ([pin("S", "1", "A1", 2, only=True)], "only", "reservations on lot(s) A2"),
    ],
)
def test_pins_the_engine_cannot_honour_are_input_errors(pins: list[object], column: str, words: str) -> None:
    """A pin on a line that takes no part, from a lot that may not serve it, or `only` beside a
    reservation on another lot: an input error on its row (the table's own checks: tests/test_pins_cli.py)."""
    data = scenario(
        lots=[lot("A1", "X", 10), lot("A2", "X", 10), lot("B1", "Y", 10)],
        orders=[order("P", printed=True)],
        lines=[line("S", "1", "X", 8, D1), line("P", "1", "X", 8, D1)],
        reservations=[reservation("S", "1", "A2", 2)],
        pins=pins,  # type: ignore[arg-type]  # the parameter's pins
    )
    errors = _errors(data)
    assert errors
    assert all(e[0] == "pins.csv" and e[2] == column for e in errors), errors
    assert any(words in e[3] for e in errors), errors


def _errors(data: Scenario) -> list[tuple[str, int | None, str | None, str]]:
    try:
        solve(data)
    except InputErrors as exc:
        return [(e.table, e.row, e.column, e.message) for e in exc.errors]
    return []


def test_a_scenario_without_pins_is_solved_as_before() -> None:
    """No pins: no pinned tier, the engine's tiers are the contract's."""
    data = scenario(
        lots=[lot("A1", "X", 10)], lines=[line("S", "1", "X", 10, D1)], safety_stock=[safety("X", "W1", 0)]
    )
    prep = solve(data).prepared
    assert prep.tiers == prep.report_tiers
    assert prep.line_tier == prep.report_tier


def test_pins_are_served_before_a_kept_line_keeps_what_it_had() -> None:
    """A1 holds 10. K/1 is kept and had 5 of A1; P/1 is pinned to 8 of A1. The pin comes first, so
    K/1 keeps only the 2 left (reported in the notes), and the checker accepts the shortfall."""
    data = scenario(
        lots=[lot("A1", "X", 10)],
        lines=[line("K", "1", "X", 5, D1, keep=True), line("P", "1", "X", 8, D2)],
        pins=[pin("P", "1", "A1", 8)],
    )
    plan = solve(data.replace(previous=PreviousPlan("prev", (PreviousAllocation("K", "1", "A1", 5, 2),))))
    assert rows(plan, "K", "1") == [("A1", 2, "previous")]
    assert rows(plan, "P", "1") == [("A1", 8, "pin")]
    assert any("keeps 2 of lot A1" in note for note in plan.summary.notes)


def test_fewest_changes_beside_a_kit_pin_out_of_ratio_is_not_claimed_proved() -> None:
    """Kit K = 1 A + 2 B, K/1 pinned to 1 of A1 (a kit made up from B beyond the pin), re-planned
    from a previous plan: the make-up's lots are counted apart from the kit line's in the
    fewest-changes level, so its minimum over the kit line's rows is not proved; the plan says so
    (status feasible, a note naming the kit line) instead of calling it optimal."""
    data = scenario(
        lots=[lot("A1", "A", 5), lot("A2", "A", 5), lot("B1", "B", 5), lot("B2", "B", 5)],
        kits=[kit("K", "A", 1), kit("K", "B", 2)],
        lines=[line("K", "1", "K", 3, D1)],
        pins=[pin("K", "1", "A1", 1)],
    )
    before = PreviousPlan("prev", (PreviousAllocation("K", "1", "B2", 2, 2),))
    plan = solve(data.replace(previous=before))
    assert plan.summary.status == "feasible"
    assert any("fewest changes" in note and "K/1" in note for note in plan.summary.notes)
    assert solve(data).summary.status == "optimal"


def test_under_a_time_limit_a_pinned_plan_is_not_claimed_optimal_and_its_notes_name_the_contract_tiers() -> (
    None
):
    """The case of test_a_pin_on_a_full_line_forces_it_to_complete, stopped at once by a time limit of
    0: the pinned T/1 is still completed, the plan is `feasible`, not `optimal`, every tier's bound
    is at least its allocation, and the notes name the tier left unsolved by its number in the
    contract (tier 1, S/1's), as summary.json numbers tiers, not by the engine's count with its
    pinned tier first (which would call it tier 2)."""
    data = scenario(
        lots=[lot("A1", "X", 10), lot("A2", "X", 10)],
        lines=[line("S", "1", "X", 15, D1), line("T", "1", "X", 10, D2, full_line=True)],
        pins=[pin("T", "1", "A1", 2)],
    )
    plan = solve(data, time_limit=0.0)
    assert plan.status == "feasible"
    assert rows(plan, "T", "1") == [("A1", 2, "pin"), ("A2", 8, "optimizer")]
    assert all(t.bound >= t.allocated for t in plan.tiers)
    assert plan.notes
    assert all(note.startswith("tier 1:") for note in plan.notes), plan.notes

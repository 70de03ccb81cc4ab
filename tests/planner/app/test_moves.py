"""moves.csv (planner.app.compare.moves): the stock a line took from one lot and now takes from another.

A plan is compared in its written form, so the plans here are allocation tables on the summary of
the demo's plan: random ones for the properties, a hand-made one for the pairing rule.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.loading import load_scenario
from planner.app.compare import WrittenPlan, lot_changes, move_totals, moves
from planner.engine.solve import solve

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
LOTS = {"A": ("I1", "W1"), "B": ("I2", "W1"), "C": ("I1", "W2"), "D": ("I2", "W1"), "E": ("I1", "W1")}
"""Lot -> (item, warehouse) of the made-up plans."""
LINES = [("O1", "1"), ("O1", "2"), ("O2", "1")]


@pytest.fixture(scope="module")
def base() -> WrittenPlan:
    return WrittenPlan.of_plan(solve(load_scenario(SCENARIOS / "demo.toml")))


def plan(like: WrittenPlan, name: str, held: dict[tuple[str, str, str], int]) -> WrittenPlan:
    """A written plan named `name` whose lines take `held` ((order, line, lot) -> quantity)."""
    rows = [
        [o, ln, LOTS[lot][0], lot, LOTS[lot][1], "MAIN", q, "optimizer", ""]
        for (o, ln, lot), q in held.items()
    ]
    columns = ["order", "line", "item", "lot", "warehouse", "owner", "quantity", "source", "due"]
    lines = pd.DataFrame(
        [[o, ln, "I1", 0, 0, "", ""] for o, ln in LINES],
        columns=["order", "line", "item", "requested", "allocated", "reason", "tier"],
    )
    summary = dataclasses.replace(like.summary, scenario=name)
    return WrittenPlan(lines, summary, pd.DataFrame(rows, columns=columns))


holdings = st.dictionaries(
    st.tuples(st.sampled_from(LINES), st.sampled_from(sorted(LOTS))).map(lambda k: (*k[0], k[1])),
    st.integers(min_value=1, max_value=9),
    max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(before=holdings, now=holdings)
def test_moves_add_up_to_the_lot_changes_and_pair_all_they_can(
    base: WrittenPlan, before: dict[tuple[str, str, str], int], now: dict[tuple[str, str, str], int]
) -> None:
    """Property: per (line, lot), what moves.csv sends to the lot less what it takes from it is the
    change lot_changes.csv shows; per line, the units paired from one lot to another are the most
    that can be (the smaller of what the line lost and what it gained); no move is from a lot to
    itself or of nothing."""
    old, new = plan(base, "old", before), plan(base, "new", now)
    table = moves(old, [new])
    assert (table["quantity"] > 0).all()
    assert (table["from_lot"] != table["to_lot"]).all()
    net: dict[tuple[str, str, str], int] = {}
    for o, ln, a, b, q in zip(
        table["order"], table["line"], table["from_lot"], table["to_lot"], table["quantity"]
    ):
        if a:
            net[(o, ln, a)] = net.get((o, ln, a), 0) - int(q)
        if b:
            net[(o, ln, b)] = net.get((o, ln, b), 0) + int(q)
    changes = lot_changes(old, [new])
    expected = {
        (o, ln, lot): int(d)
        for o, ln, lot, d in zip(changes["order"], changes["line"], changes["lot"], changes["delta"])
    }
    assert net == expected
    for o, ln in LINES:
        deltas = [now.get((o, ln, lot), 0) - before.get((o, ln, lot), 0) for lot in LOTS]
        rows = table[(table["order"] == o) & (table["line"] == ln)]
        paired = rows["quantity"][(rows["from_lot"] != "") & (rows["to_lot"] != "")].sum()
        assert paired == min(sum(d for d in deltas if d > 0), -sum(d for d in deltas if d < 0))


def test_a_line_s_stock_is_paired_item_with_item_then_warehouse_with_warehouse(base: WrittenPlan) -> None:
    """The pairing rule, by hand: O1/1 gives up 5 of A (I1, W1) and 3 of B (I2, W1) and now takes 5 of
    C (I1, W2), 3 of D (I2, W1) and 2 of E (I1, W1). A kit's component stays with its component, so
    I1 pairs with I1 before warehouses count: A -> E 2 (same item, same warehouse), A -> C 3 (same
    item), B -> D 3; then C has 2 left with nothing lost to pair: newly allocated. Of the 8 units
    moved between lots, the 3 of A -> C changed warehouse."""
    old = plan(base, "old", {("O1", "1", "A"): 5, ("O1", "1", "B"): 3})
    new = plan(base, "new", {("O1", "1", "C"): 5, ("O1", "1", "D"): 3, ("O1", "1", "E"): 2})
    table = moves(old, [new])
    rows = list(zip(table["from_lot"], table["to_lot"], table["quantity"]))
    assert rows == [("", "C", 2), ("A", "C", 3), ("A", "E", 2), ("B", "D", 3)]
    assert move_totals(table, "new") == {
        "between_lots": 8,
        "between_warehouses": 3,
        "allocated": 2,
        "released": 0,
    }

"""The starving step (planner/engine/starving.py): lot-set capacity and starved lines."""

from __future__ import annotations

from planner.engine.backends import get_backend
from planner.engine.components import components
from planner.engine.eligibility import prepare
from planner.engine.ids import LineId, LotId
from planner.engine.loop_state import LoopState
from planner.engine.starving import least_step, lot_set_capacity, starved
from tests.builders import item, line, lot, order, safety, scenario

X1, X2 = LotId(0), LotId(1)


def test_capacity_of_lots_within_nested_safety_stock() -> None:
    """X: 10 in W1 and 10 in W2, item safety 5 (15 for both), W1 safety 4 (6 from X1): X1 alone
    gives 6, X2 alone 10, both together 15."""
    s = scenario(
        items=[item("X", safety_stock=5)],
        lots=[lot("X1", "X", 10, "W1"), lot("X2", "X", 10, "W2")],
        lines=[line("A", "1", "X", 30)],
        safety_stock=[safety("X", "W1", 4)],
    )
    prep = prepare(s)
    assert [x.lot for x in prep.lots] == ["X1", "X2"]
    assert lot_set_capacity(prep, frozenset([X1])) == 6
    assert lot_set_capacity(prep, frozenset([X2])) == 10
    assert lot_set_capacity(prep, frozenset([X1, X2])) == 15


def test_lines_needing_more_than_is_spare_are_starved_with_their_order() -> None:
    """Spare 3 on X1: the full line A/1 (5) and full-delivery F/1 (5) cannot start, so F/2 goes
    with its order; the plain B/1 needs one unit and may still get some."""
    s = scenario(
        orders=[order("F", full_delivery=True)],
        lots=[lot("X1", "X", 10), lot("Y1", "Y", 10)],
        lines=[
            line("A", "1", "X", 5, full_line=True),
            line("B", "1", "X", 5),
            line("F", "1", "X", 5),
            line("F", "2", "Y", 2),
        ],
    )
    prep = prepare(s)
    index = {f"{ln.key[0]}/{ln.key[1]}": LineId(i) for i, ln in enumerate(prep.lines)}
    (comp,) = components(prep)
    state = LoopState.start(prep, comp, get_backend("highs"), None)
    assert [least_step(state, index[k]) for k in ("A/1", "B/1", "F/1")] == [5, 1, 5]
    assert starved(state, comp.lines) == set(), "nothing is known to be short yet"
    state.spare.record(frozenset([X1]), 3)
    assert starved(state, comp.lines) == {index["A/1"], index["F/1"], index["F/2"]}

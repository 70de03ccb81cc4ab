"""Pools and holdings of the tier loop (planner/engine/pools.py, planner/engine/holdings.py)."""

from __future__ import annotations

from planner.engine.components import components
from planner.engine.contention import Contention, contention
from planner.engine.eligibility import Prepared, prepare
from planner.engine.holdings import Holdings
from planner.engine.ids import LineId, PoolId, line_demands
from planner.engine.pools import Pools
from tests.builders import line, lot, scenario

# A/1 and B/1 want 6 each of X's 10 (two lots, the same lot list for both); C/1 wants Y.
SHARED_X = scenario(
    lots=[lot("X1", "X", 5), lot("X2", "X", 5, "W2"), lot("Y1", "Y", 5)],
    lines=[line("A", "1", "X", 6, full_line=True), line("B", "1", "X", 6), line("C", "1", "Y", 1)],
)


def _setup() -> tuple[Prepared, dict[str, LineId], Contention, Pools, Holdings]:
    prep = prepare(SHARED_X)
    index = {f"{ln.key[0]}/{ln.key[1]}": LineId(i) for i, ln in enumerate(prep.lines)}
    (comp,) = [c for c in components(prep) if index["A/1"] in c.lines]
    state = contention(prep, comp)
    pools = Pools(state.n_pools)
    return prep, index, state, pools, Holdings(prep, comp.lines, state.pool_of_demand, pools)


def test_units_are_kept_only_on_contended_pools() -> None:
    """What lines hold before their pool is contended is counted once it is, then kept as they change."""
    prep, index, state, pools, holdings = _setup()
    a, b = index["A/1"], index["B/1"]
    (demand_a,) = line_demands(prep)[a]
    pool = state.pool_of_demand[demand_a]
    assert state.saturation == {pool: 0}, "X is short at the first tier"
    holdings.hold(a, 4)
    assert holdings.on_pools({pool}) == {}
    pools.add_line(pool, a)
    pools.add_line(pool, b)
    pools.contend(pool)
    holdings.count_pool(pool, pools.lines_on(pool))
    assert holdings.on_pools({pool}) == {demand_a: 4}
    holdings.hold(b, 3)
    holdings.hold(a, 0)
    assert holdings.added[a] == 0
    assert holdings.added[b] == 3
    assert holdings.on_pools({pool}) == {demand_a: 3}, "one demand carries the lot list's units"
    holdings.hold(b, 0)
    assert holdings.on_pools({pool}) == {}, "a list holding nothing is left out"


def test_pools_flag_what_is_contended() -> None:
    """A contended pool is in the set and flagged in the array, the others not."""
    pools = Pools(3)
    pools.contend(PoolId(1))
    assert pools.contended == {PoolId(1)}
    assert pools.contended_flags.tolist() == [False, True, False]

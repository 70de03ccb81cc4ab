"""What the lines of one component hold in the tier loop, and the units held per contended
pool and lot list.

The fill flow (planner.engine.ladder) serves a tier's new lines beside what the other
lines on their pools hold. Lines with demands on the same lot list compete for the same
lots in the same way, so one demand per lot list stands for all of them in that flow, with
their units together; the units are kept as lines change, so that a hot item's thousands
of lines are not summed again at every tier.
"""

from __future__ import annotations

from collections import defaultdict

from planner.engine.eligibility import Prepared
from planner.engine.ids import DemandId, LineId, LotListId, PoolId, demand_lots, line_demands
from planner.engine.pools import Pools


class Holdings:
    """Per line what the optimiser adds to it so far; per lot list of a contended pool's
    demands, the units those demands hold."""

    def __init__(
        self, prep: Prepared, lines: list[LineId], pool_of_demand: dict[DemandId, PoolId], pools: Pools
    ) -> None:
        self._prep, self._pool_of_demand, self._contended = prep, pool_of_demand, pools.contended
        self._demands_of, self._lots_of = line_demands(prep), demand_lots(prep)
        self.added: dict[LineId, int] = dict.fromkeys(lines, 0)
        """Per line, the quantity it holds beyond reservations (do not change; see `hold`)."""
        self._units: dict[LotListId, int] = {}
        self._representative: dict[LotListId, DemandId] = {}
        self._lists_of_pool: dict[PoolId, list[LotListId]] = defaultdict(list)

    def hold(self, line: LineId, quantity: int) -> None:
        """Set what the line holds, keeping the contended pools' units per lot list."""
        change, self.added[line] = quantity - self.added[line], quantity
        if change:
            for d in self._demands_of[line]:
                if self._pool_of_demand[d] in self._contended:
                    self._count(d, change)

    def give_uncontended(self, lines: list[LineId], quantity: dict[LineId, int]) -> None:
        """Set what lines with no demand on a contended pool hold (there are no units to keep)."""
        self.added.update((li, quantity[li]) for li in lines)

    def count_pool(self, pool: PoolId, lines: list[LineId]) -> None:
        """Start counting a pool that has just become contended: what its lines hold on it."""
        pool_of = self._pool_of_demand
        for li in lines:
            for d in self._demands_of[li]:
                if pool_of[d] == pool:
                    self._count(d, self.added[li])

    def _count(self, d: DemandId, quantity: int) -> None:
        """Count `quantity` more of the demand's line in its lot list's units."""
        lots = self._lots_of[d]
        if lots not in self._representative:
            self._representative[lots], self._units[lots] = d, 0
            self._lists_of_pool[self._pool_of_demand[d]].append(lots)
        self._units[lots] += self._prep.demands[d].per_unit * quantity

    def on_pools(self, pools: set[PoolId]) -> dict[DemandId, int]:
        """The units held on the pools (ascending), per lot list, each carried by one demand of
        the list; lists holding nothing are left out."""
        units, representative = self._units, self._representative
        return {
            representative[lots]: units[lots]
            for pool in sorted(pools)
            for lots in self._lists_of_pool[pool]
            if units[lots]
        }

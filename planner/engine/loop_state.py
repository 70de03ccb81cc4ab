"""The state of the tier loop over one component (planner.engine.tier_loop): what the ladder's
steps (planner.engine.ladder) read and change, each part of it in its own small class."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from planner.engine.backends import Backend
from planner.engine.blocks import LineTable
from planner.engine.components import Component
from planner.engine.contention import Contention, contention
from planner.engine.eligibility import Prepared
from planner.engine.holdings import Holdings
from planner.engine.ids import LineId
from planner.engine.parts import Parts
from planner.engine.pools import Pools
from planner.engine.spare import SpareLedger


@dataclass(slots=True)
class TierOutcome:
    """Per line the quantity added; per tier the proven bound; whether every tier was proved."""

    added: dict[LineId, int] = field(default_factory=dict)
    bounds: dict[int, int] = field(default_factory=dict)
    proved: bool = True
    notes: list[str] = field(default_factory=list)
    solves: int = 0
    """MIP solves run (the other parts were settled without one)."""


@dataclass(slots=True)
class LoopState:
    """One component's tier loop so far.

    `max_addable` starts as the contention's and drops to 0 for lines proved starved
    (planner.engine.starving); `fixed` holds the lines that every plan keeping the earlier
    tiers' totals leaves as they are (planner.engine.blocks).
    """

    prep: Prepared
    component: Component
    contention: Contention
    backend: Backend
    deadline: float | None
    """time.monotonic() by which the loop stops proving (None: no limit)."""
    parts: Parts
    pools: Pools
    holdings: Holdings
    spare: SpareLedger
    max_addable: dict[LineId, int]
    fixed: set[LineId] = field(default_factory=set)
    outcome: TierOutcome = field(default_factory=TierOutcome)
    _table: LineTable | None = None

    @property
    def table(self) -> LineTable:
        """The component's lines as arrays for planner.engine.blocks, built when first needed
        (most components never cut a part into blocks)."""
        if self._table is None:
            self._table = LineTable.of(self.prep, self.component, self.contention)
        return self._table

    @classmethod
    def start(cls, prep: Prepared, comp: Component, backend: Backend, deadline: float | None) -> LoopState:
        """The state before tier 1: no line active, no pool contended, nothing held."""
        state = contention(prep, comp)
        pools = Pools(state.n_pools)
        return cls(
            prep,
            comp,
            state,
            backend,
            deadline,
            Parts(len(prep.lines), state.n_pools),
            pools,
            Holdings(prep, comp.lines, state.pool_of_demand, pools),
            SpareLedger(),
            dict(state.max_addable),
        )

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def out_of_time(self, tier: int) -> bool:
        """Whether the deadline has passed (then the outcome notes which tier it left unsolved)."""
        if self.deadline is None or time.monotonic() < self.deadline:
            return False
        self.outcome.notes.append(f"{self.prep.tier_name(tier)}: time limit reached before it was solved")
        return True

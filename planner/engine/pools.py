"""The pools of one component in the tier loop: which are contended so far, and the active
lines on each.

A pool becomes contended at its saturation tier (planner.engine.contention) and stays
contended; only contended pools tie lines into parts and need rows in a block's MIP.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

from planner.engine.ids import LineId, PoolId


class Pools:
    """Per pool its active lines (in the order they became active), and the contended pools."""

    def __init__(self, n_pools: int) -> None:
        self.contended: set[PoolId] = set()
        self.contended_flags: npt.NDArray[np.bool_] = np.zeros(n_pools, dtype=bool)
        """The contended pools as flags indexed by pool (for planner.engine.blocks)."""
        self._lines: dict[PoolId, list[LineId]] = defaultdict(list)

    def add_line(self, pool: PoolId, line: LineId) -> None:
        """The line is active and has a demand on the pool."""
        self._lines[pool].append(line)

    def lines_on(self, pool: PoolId) -> list[LineId]:
        """The active lines with a demand on the pool (do not change the list)."""
        return self._lines[pool]

    def contend(self, pool: PoolId) -> None:
        """The pool is contended from now on."""
        self.contended.add(pool)
        self.contended_flags[pool] = True

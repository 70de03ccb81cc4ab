"""What a plan leaves in the lots: per lot, and what the optimiser may still take of a set of lots
within the safety-stock caps (SPEC 4.2). The short reasons and explain.csv's rule rows read it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from planner.result.plan import Plan


class Leftover:
    """Per lot what the plan leaves of its capacity (`lot`), and per safety-stock group what the
    optimiser may still take of its lots (`group`)."""

    def __init__(self, plan: Plan) -> None:
        prep, held = plan.prepared, plan.holdings
        ours = held.optimiser
        taken = np.bincount(held.lot[ours], weights=held.quantity[ours], minlength=len(prep.lots))
        used: list[int] = taken.astype(np.int64).tolist()
        self.lot_groups = prep.lot_groups
        self.lot = [capacity - u for capacity, u in zip(prep.capacity, used)]
        self.group = [group.cap - sum(used[lot] for lot in group.lots) for group in prep.cap_groups]

    def left(self, lots: Iterable[int]) -> int:
        """What the plan leaves in these lots, safety stock included."""
        return sum(max(0, self.lot[lot]) for lot in lots)

    def free(self, lots: Iterable[int]) -> int:
        """The most the optimiser could still take from these lots together: each lot's leftover,
        within what each of their safety-stock groups has left (the groups are laminar: an item's
        group holds its per-warehouse groups, so each lot's groups nest, outer first)."""
        inner: dict[tuple[int, ...], int] = defaultdict(int)
        for lot in lots:
            inner[self.lot_groups[lot]] += max(0, self.lot[lot])
        total = 0
        outer: dict[int, int] = defaultdict(int)
        for groups, amount in inner.items():
            if len(groups) == 2:
                outer[groups[0]] += min(amount, max(0, self.group[groups[1]]))
            elif groups:
                outer[groups[0]] += amount
            else:
                total += amount
        return total + sum(min(amount, max(0, self.group[g])) for g, amount in outer.items())

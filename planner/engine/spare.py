"""The spare ledger of the tier loop: per set of lots, the most the lines not yet active can
still take from it (planner.engine.starving finds it)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from planner.engine.ids import LotId

LotSet = frozenset[LotId]


class SpareLedger:
    """Spare per known set of lots. Spare only shrinks as tiers go on: holding more tiers'
    totals narrows the plans, and later lines are among those not yet active."""

    def __init__(self) -> None:
        self._spare: dict[LotSet, int] = {}
        self._sets_of_lot: dict[LotId, list[LotSet]] = defaultdict(list)

    def of(self, lots: LotSet) -> float:
        """The spare known for exactly this set of lots (infinite if none is known)."""
        return self._spare.get(lots, math.inf)

    def record(self, lots: LotSet, spare: int) -> None:
        """What the set has spare at most, as just found (the ledger keeps the least)."""
        if lots not in self._spare:
            for lot in sorted(lots):
                self._sets_of_lot[lot].append(lots)
        self._spare[lots] = min(spare, self._spare.get(lots, spare))

    def for_lots(self, lots: Sequence[LotId]) -> float:
        """The least spare of the known sets that hold every one of the lots (no lots: 0, since
        a demand that may use no lot can get nothing; no such set: infinite)."""
        if not lots:
            return 0
        sets = self._sets_of_lot.get(lots[0])
        if not sets:
            return math.inf
        return min((self._spare[s] for s in sets if s.issuperset(lots)), default=math.inf)

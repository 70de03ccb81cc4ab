"""The spare ledger of the starving step (planner/engine/spare.py)."""

from __future__ import annotations

import math

from planner.engine.ids import LotId
from planner.engine.spare import SpareLedger

A, B, C = LotId(0), LotId(1), LotId(2)


def test_unknown_sets_have_infinite_spare_and_no_lots_none() -> None:
    """Nothing recorded: any lots have unbounded spare; a demand with no lots gets nothing."""
    ledger = SpareLedger()
    assert ledger.for_lots([A]) == math.inf
    assert ledger.of(frozenset([A])) == math.inf
    assert ledger.for_lots([]) == 0


def test_spare_only_shrinks() -> None:
    """A later, larger finding for the same set does not raise its spare."""
    ledger = SpareLedger()
    ledger.record(frozenset([A, B]), 5)
    ledger.record(frozenset([A, B]), 8)
    assert ledger.of(frozenset([A, B])) == 5
    ledger.record(frozenset([A, B]), 2)
    assert ledger.of(frozenset([A, B])) == 2


def test_lots_take_the_least_spare_of_the_sets_holding_them_all() -> None:
    """{A, B} spare 3 and {A, B, C} spare 1: lots A and B, B alone, and A and C all get 1 (the
    least over the sets that hold them); a set missing one of the lots bounds nothing."""
    ledger = SpareLedger()
    ledger.record(frozenset([A, B]), 3)
    ledger.record(frozenset([A, B, C]), 1)
    assert ledger.for_lots([A, B]) == 1
    assert ledger.for_lots([B]) == 1
    assert ledger.for_lots([A, C]) == 1
    ledger2 = SpareLedger()
    ledger2.record(frozenset([A, B]), 3)
    assert ledger2.for_lots([A, C]) == math.inf
    assert ledger2.for_lots([B, A]) == 3

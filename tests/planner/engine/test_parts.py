"""Parts of the tier loop (planner/engine/parts.py): lines tied by contended pools and orders."""

from __future__ import annotations

from planner.engine.ids import LineId, PoolId
from planner.engine.parts import Parts

L0, L1, L2, L3 = (LineId(i) for i in range(4))
P0, P1 = PoolId(0), PoolId(1)


def test_lines_apart_until_a_pool_or_an_order_ties_them() -> None:
    """L0 and L1 share pool 0, L2 and L3 an order; the groups keep the order given."""
    parts = Parts(4, 2)
    assert len(parts.by_part([L0, L1, L2, L3])) == 4
    parts.join_pool(L1, P0)
    parts.join_pool(L0, P0)
    parts.join_order(L3, "FD")
    parts.join_order(L2, "FD")
    grouped = parts.by_part([L3, L0, L2, L1])
    assert sorted(grouped.values()) == [[L0, L1], [L3, L2]]
    assert parts.part_of(L0) == parts.part_of(L1) != parts.part_of(L2)


def test_a_part_with_a_contended_pool_has_no_uncontended_lines() -> None:
    """Only a part joined through orders alone gives its lines back as uncontended."""
    parts = Parts(4, 2)
    parts.join_order(L2, "FD")
    parts.join_order(L3, "FD")
    parts.join_pool(L0, P1)
    assert sorted(parts.uncontended_lines(parts.part_of(L2)) or []) == [L2, L3]
    assert parts.uncontended_lines(parts.part_of(L0)) is None
    assert parts.lines(parts.part_of(L0)) == [L0]
    assert parts.uncontended_lines(parts.part_of(L1)) == [L1]


def test_parts_only_merge() -> None:
    """Joining a second pool to a line merges both pools' lines into one part."""
    parts = Parts(4, 2)
    parts.join_pool(L0, P0)
    parts.join_pool(L1, P1)
    parts.join_pool(L2, P0)
    parts.join_pool(L2, P1)
    assert sorted(parts.lines(parts.part_of(L0))) == [L0, L1, L2]

"""Node numbering of graphs over several kinds of index (planner/engine/ids.py)."""

from __future__ import annotations

import numpy as np

from planner.engine.ids import Span, spans


def test_spans_lie_one_after_another_from_node_0() -> None:
    """Three kinds of 2, 0 and 3 nodes: 0-1, none, 2-4; each span ends where the next starts."""
    lines, empty, pools = spans(2, 0, 3)
    assert (lines, empty, pools) == (Span(0, 2), Span(2, 0), Span(2, 3))
    assert pools.end == 5
    assert [pools.node(i) for i in range(3)] == [2, 3, 4]
    assert pools.nodes(np.array([0, 2], dtype=np.int64)).tolist() == [2, 4]


def test_a_span_tells_its_nodes_apart_from_others() -> None:
    """holds, index, indices and covers see only the span's own nodes."""
    _, pools = spans(2, 3)
    assert [n for n in range(6) if pools.holds(n)] == [2, 3, 4]
    assert pools.index(4) == 2
    assert pools.indices([4, 0, 2, 5]) == [2, 0]
    assert pools.covers([2, 3])
    assert not pools.covers([2, 1])

"""Grouping members by owner (planner.engine.eligibility._group), the index lists `Prepared` keeps
per line, demand and lot: each owner's members in the order given, every owner listed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.engine.eligibility import _group


@given(
    st.integers(0, 6).flatmap(
        lambda size: st.tuples(
            st.just(size), st.lists(st.integers(0, max(size - 1, 0)) if size else st.nothing())
        )
    )
)
def test_each_owner_lists_its_members_in_the_order_given(case: tuple[int, list[int]]) -> None:
    size, owners = case
    members = [10 * n + 7 for n in range(len(owners))]
    groups = _group(size, owners, members)
    assert len(groups) == size
    for owner, group in enumerate(groups):
        assert list(group) == [m for o, m in zip(owners, members) if o == owner]
        assert all(type(m) is int for m in group)

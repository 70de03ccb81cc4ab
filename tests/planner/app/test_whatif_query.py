"""A what-if as the text of a URL query parameter (planner.app.whatif.to_query / from_query), so a
browser refresh keeps it: every what-if the editor can make reads back as itself, and any other text
is refused with a WhatIfError (never another exception)."""

from __future__ import annotations

import contextlib
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from planner.app.whatif import (
    WhatIf,
    WhatIfError,
    from_query,
    item_window,
    line_priority,
    line_ship_date,
    lot_quantity,
    order_priority,
    to_query,
)

ids = st.text(min_size=1, max_size=12)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
changes = st.one_of(
    st.builds(order_priority, ids, st.integers(0, 9)),
    st.builds(line_priority, ids, ids, st.none() | st.integers(0, 9)),
    st.builds(line_ship_date, ids, ids, days),
    st.builds(lot_quantity, ids, st.integers(0, 10**9)),
    st.builds(item_window, ids, st.none() | st.integers(0, 400)),
)


@st.composite
def whatifs(draw: st.DrawFn) -> WhatIf:
    edit = WhatIf(draw(ids), today=draw(st.none() | days))
    for change in draw(st.lists(changes, max_size=6)):
        edit = edit.with_change(change)
    return edit


@given(whatifs())
def test_every_whatif_reads_back_as_itself(edit: WhatIf) -> None:
    """from_query(to_query(w)) == w, for every kind of change, dates, emptied cells and odd ids."""
    assert from_query(to_query(edit)) == edit


@given(st.text(max_size=200))
def test_other_text_is_refused_plainly(text: str) -> None:
    """Text that is not a what-if raises WhatIfError, nothing else (a hand-edited or cut-off URL)."""
    with contextlib.suppress(WhatIfError):
        from_query(text)


def test_a_cut_off_or_wrong_value_is_refused() -> None:
    """A what-if whose text was cut off, or whose change is not one the editor makes, is refused."""
    text = to_query(WhatIf("w").with_change(order_priority("SO-1", 2)))
    for broken in ("[" * 100_000, text[:-3], text.replace('"orders"', '"kits"'), text.replace("2]", '"2"]')):
        try:
            from_query(broken)
        except WhatIfError:
            continue
        raise AssertionError(f"accepted {broken!r}")

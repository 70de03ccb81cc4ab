"""Reading cells back (models.cells.unescape_frame): the frame is exactly the cell rule applied to
every cell and header, whatever the texts."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from models.cells import escape_cell, unescape_cell, unescape_frame

TEXTS = st.one_of(st.text(max_size=6), st.sampled_from(["'", "''=1", "'=x", "'-5", "'plain", "=1"]))


@given(
    st.lists(st.lists(TEXTS, min_size=3, max_size=3), max_size=8),
    st.lists(TEXTS, min_size=3, max_size=3, unique=True),
)
def test_unescape_frame_is_the_cell_rule_on_every_cell(rows: list[list[str]], header: list[str]) -> None:
    """unescape_frame(frame) == every cell through unescape_cell, headers too; escaped cells read back."""
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    out = unescape_frame(frame)
    assert list(out.columns) == [unescape_cell(h) for h in header]
    assert out.values.tolist() == [[unescape_cell(c) for c in row] for row in rows]
    escaped = frame.map(escape_cell)
    assert unescape_frame(escaped).values.tolist() == rows

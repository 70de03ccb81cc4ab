"""Reading cells back (models.cells.unescape_frame): the frame is exactly the cell rule applied to
every cell and header, whatever the texts."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from models.cells import escape_cell, escape_frame, unescape_cell, unescape_frame

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


@settings(deadline=None)  # the first call imports pyarrow compute
@given(st.lists(st.one_of(st.none(), TEXTS), max_size=8), st.sampled_from(["str", "object"]))
def test_escape_frame_is_the_cell_rule_on_every_text_cell(cells: list[str | None], dtype: str) -> None:
    """escape_frame(frame) == escape_cell on every text cell, as a text column (the tables' own) or
    an object column; missing cells stay missing and number columns stay numbers."""
    frame = pd.DataFrame({"=text": pd.Series(cells, dtype=dtype), "n": range(-len(cells), 0)})
    out = escape_frame(frame)
    assert list(out.columns) == ["'=text", "n"]
    assert [None if pd.isna(v) else v for v in out["'=text"]] == [
        None if c is None else escape_cell(c) for c in cells
    ]
    assert out["n"].tolist() == list(range(-len(cells), 0))

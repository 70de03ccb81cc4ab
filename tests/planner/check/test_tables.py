"""Reading a plan's tables (planner.check.tables): each cell is read as `_text` reads it, whatever
the column's type, so a column read at once says what a cell read alone would."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.check.tables import _cells, _text

CELLS = st.one_of(st.none(), st.text(max_size=5), st.sampled_from([" x ", "\t1", "", "  "]))


@settings(deadline=None)  # the first call imports pyarrow compute
@given(st.lists(CELLS, max_size=8), st.sampled_from(["str", "object"]))
def test_cells_are_each_cell_read_alone(cells: list[str | None], dtype: str) -> None:
    """_cells gives every cell of a text or object column as `_text` gives it (stripped, "" when
    missing); a whole-number column as its numbers' texts; a missing column as empty cells."""
    frame = pd.DataFrame({"text": pd.Series(cells, dtype=dtype), "n": range(len(cells))})
    read = _cells(frame, ("text", "n", "absent"))
    assert read["text"] == [_text(v) for v in frame["text"].tolist()]
    assert read["n"] == [str(n) for n in range(len(cells))]
    assert read["absent"] == [""] * len(cells)

"""`planner explain`'s words (planner/app/explain.py `in_words`) on hand-made plans written to a
folder, the way the CLI and the dashboard read them."""

from __future__ import annotations

from pathlib import Path

from planner.app.explain import explain_lines, in_words
from planner.engine.solve import solve
from tests.builders import item, line, lot, scenario


def test_extra_stock_below_safety_stock_says_what_is_made_up_first(tmp_path: Path) -> None:
    """X keeps 2 as safety stock and has 1 (lot X1): O/1 (1 asked) gets nothing; it needs 1 more,
    after 1 to make up the safety stock, and the words say both (by itself, with no safety stock,
    it could have 1: answered on the part around it)."""
    s = scenario(items=[item("X", safety_stock=2)], lots=[lot("X1", "X", 1)], lines=[line("O", "1", "X", 1)])
    solve(s).write(tmp_path / "out")
    (explained,) = explain_lines(s, tmp_path / "out", [("O", "1")])
    assert explained.made_up == "after 1 to make up safety stock"
    assert "Extra stock: it needs 1 more of X, after 1 to make up safety stock." in in_words(explained)


def test_a_line_with_no_stock_at_all_and_safety_stock_says_it_too(tmp_path: Path) -> None:
    """X keeps 3 and has 0: the line by itself has a ceiling of 0, which the plan gives it, so it is
    answered from there; the safety stock it lacks (3) is still said."""
    s = scenario(items=[item("X", safety_stock=3)], lots=[lot("X1", "X", 0)], lines=[line("O", "1", "X", 2)])
    solve(s).write(tmp_path / "out")
    (explained,) = explain_lines(s, tmp_path / "out", [("O", "1")])
    assert "it needs 2 more of X, after 3 to make up safety stock." in in_words(explained)

"""explain.csv (SPEC 10) on hand-worked cases: each kind of fact, its numbers, and the checker's
verdict when a row is tampered with."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from models.cells import read_csv_file
from models.records import Scenario
from planner.check import check_dir
from planner.engine.solve import explain_plan, solve
from planner.result.plan import Plan
from tests.builders import (
    D1,
    D2,
    item,
    kit,
    line,
    line_result,
    lot,
    order,
    reservation,
    safety,
    scenario,
    spec7_example,
)
from tests.planner.engine.test_previous import previous

Row = tuple[str, str, str, str, str, str, int, str]


def explained(s: Scenario) -> Plan:
    """The plan with first_in_tier and extra_stock for every short line (checked on the way)."""
    return explain_plan(solve(s))


def rows(plan: Plan, *kinds: str) -> list[Row]:
    """explain.csv's rows of the given kinds (every kind when none is given)."""
    frame = plan.explain_frame()
    return [
        (
            r["order"],
            r["line"],
            r["kind"],
            r["lot"],
            r["other_order"],
            r["other_line"],
            int(r["quantity"]),
            r["detail"],
        )
        for r in frame.to_dict("records")
        if not kinds or r["kind"] in kinds
    ]


def test_spec7_example_has_nothing_to_explain() -> None:
    """SPEC 7's optimum fills both lines: explain.csv has its header and no row."""
    plan = explained(spec7_example())
    assert line_result(plan, "S", "L2") == (10, "full", "")
    assert rows(plan) == []


def spec7_with_a_bigger_first_line() -> Scenario:
    """SPEC 7 with L1 asking 15: L1 (tier 1) takes NY's 10 and 5 of CA, L2 (CA only) gets the other 5."""
    s = spec7_example()
    return replace(s, lines=(replace(s.lines[0], quantity=15), s.lines[1]))


def test_spec7_short_line_is_held_by_the_earlier_tier() -> None:
    """L2 lacks 5: L1, of the earlier tier, holds 5 of A2 (the only lot L2 may use); first in its
    tier L2 could still have only 5 (tier 1 keeps its 15), so it needs 5 more; the warehouse filter
    alone keeps A1's 10 from it."""
    plan = explained(spec7_with_a_bigger_first_line())
    assert line_result(plan, "S", "L2") == (5, "partial", "short")
    assert rows(plan) == [
        ("S", "L2", "held_by", "A2", "S", "L1", 5, "earlier tier"),
        ("S", "L2", "first_in_tier", "", "", "", 5, "proved"),
        ("S", "L2", "extra_stock", "", "", "", 5, ""),
        ("S", "L2", "relax", "", "", "", 10, "warehouses"),
    ]


def test_a_tie_within_the_tier_is_named() -> None:
    """Two lines of one tier want the only 10: A/1 gets them on the order-and-line tie-break, B/1
    gets nothing (tie_break), and first in its tier B/1 would have all 10."""
    plan = explained(
        scenario(lots=[lot("X1", "X", 10)], lines=[line("A", "1", "X", 10), line("B", "1", "X", 10)])
    )
    assert line_result(plan, "B", "1") == (0, "none", "tie_break")
    assert rows(plan) == [
        ("B", "1", "held_by", "X1", "A", "1", 10, "same tier, tie-break: order and line"),
        ("B", "1", "first_in_tier", "", "", "", 10, "proved"),
        ("B", "1", "extra_stock", "", "", "", 0, ""),
    ]


def test_a_full_delivery_order_names_its_short_line() -> None:
    """FD/1 (5 X, 10 in stock) and FD/2 (5 Y, 3 in stock) must ship together: both get nothing, and
    both name FD/2, which lacks 5 with 3 free; first in its tier FD/2 could have 3 (2 short), FD/1
    its 5."""
    plan = explained(
        scenario(
            orders=[order("FD", full_delivery=True)],
            lots=[lot("X1", "X", 10), lot("Y1", "Y", 3)],
            lines=[line("FD", "1", "X", 5), line("FD", "2", "Y", 5)],
        )
    )
    assert line_result(plan, "FD", "1") == (0, "none", "full_delivery_blocked")
    assert rows(plan) == [
        ("FD", "1", "rule", "", "FD", "2", 5, "3 free in the lots it may use"),
        ("FD", "1", "first_in_tier", "", "", "", 5, "proved"),
        ("FD", "1", "extra_stock", "", "", "", 0, ""),
        ("FD", "2", "rule", "", "FD", "2", 5, "3 free in the lots it may use"),
        ("FD", "2", "first_in_tier", "", "", "", 3, "proved"),
        ("FD", "2", "extra_stock", "", "", "", 2, ""),
    ]


def test_pack_size_with_the_stock_in_a_lot_it_may_not_use() -> None:
    """P comes in packs of 10; the line may use W1 only, which holds 5 (less than a pack), while W2
    holds 20: pack_size with 5 free, the warehouse filter alone keeps 20 from it, and it needs a
    whole pack more."""
    plan = explained(
        scenario(
            items=[item("P", pack_size=10)],
            lots=[lot("P1", "P", 5, warehouse="W1"), lot("P2", "P", 20, warehouse="W2")],
            lines=[line("O", "1", "P", 10, warehouses="W1")],
        )
    )
    assert line_result(plan, "O", "1") == (0, "none", "pack_size")
    assert rows(plan) == [
        ("O", "1", "rule", "", "", "", 5, "free, less than a pack of 10"),
        ("O", "1", "first_in_tier", "", "", "", 0, "proved"),
        ("O", "1", "extra_stock", "", "", "", 10, ""),
        ("O", "1", "relax", "", "", "", 20, "warehouses"),
    ]


def test_what_it_lacks_below_a_pack_is_pack_remainder() -> None:
    """Packs of 100, 450 in stock, 250 asked (the demo's MO-3001/3): 200 given, 250 still free; it
    lacks 50, less than a pack, so no stock would help: extra_stock 0 to the 200 whole packs allow."""
    plan = explained(
        scenario(
            items=[item("L", pack_size=100)], lots=[lot("L1", "L", 450)], lines=[line("O", "1", "L", 250)]
        )
    )
    assert line_result(plan, "O", "1") == (200, "partial", "pack_remainder")
    assert rows(plan) == [
        ("O", "1", "rule", "", "", "", 50, "lacking, less than a pack of 100"),
        ("O", "1", "first_in_tier", "", "", "", 200, "proved"),
        ("O", "1", "extra_stock", "", "", "", 0, "to 200, the most whole packs allow"),
    ]


@pytest.mark.parametrize(
    ("filter_name", "lot_settings", "line_settings", "company"),
    [
        ("warehouses", {"warehouse": "W2"}, {"warehouses": "W1"}, ""),
        ("owners", {"owner": "CONSIGN"}, {}, "MAIN"),
        ("pnp", {"pnp": False}, {"requires_pnp": True}, ""),
        ("status", {"status": "quarantine"}, {}, ""),
        ("expired", {"expires": "2026-11-01"}, {}, ""),
        ("due", {"due": "2026-12-05"}, {}, ""),
    ],
)
def test_stock_kept_out_by_one_filter_is_what_relaxing_it_frees(
    filter_name: str, lot_settings: dict[str, Any], line_settings: dict[str, Any], company: str
) -> None:
    """All 7 units of X are kept from the line by one filter of SPEC 3 (or 8): no_eligible_stock,
    one relax row naming that filter with the 7, nothing held, first in its tier still 0."""
    s = scenario(
        lots=[lot("X1", "X", 7, **lot_settings)],
        lines=[line("O", "1", "X", 4, **line_settings)],
        company=company,
    )
    plan = explained(s)
    assert line_result(plan, "O", "1") == (0, "none", "no_eligible_stock")
    assert rows(plan) == [
        ("O", "1", "first_in_tier", "", "", "", 0, "proved"),
        ("O", "1", "extra_stock", "", "", "", 4, ""),
        ("O", "1", "relax", "", "", "", 7, filter_name),
    ]


def test_held_by_names_a_reservation() -> None:
    """R/1 reserves 6 of the 10; O/1 (asking 8) gets the 4 left and names the reservation."""
    plan = explained(
        scenario(
            lots=[lot("X1", "X", 10)],
            lines=[line("R", "1", "X", 6, D2), line("O", "1", "X", 8, D1)],
            reservations=[reservation("R", "1", "X1", 6)],
        )
    )
    assert line_result(plan, "O", "1") == (4, "partial", "short")
    assert rows(plan, "held_by") == [("O", "1", "held_by", "X1", "R", "1", 6, "reservation")]


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (0, "quantity", "4"),  # held_by: L1 holds 5 of A2
        (0, "detail", "same tier, tie-break: order and line"),  # L1 is of the earlier tier
        (2, "quantity", "4"),  # extra_stock: 10 fills it, first in its tier 5
        (3, "quantity", "11"),  # relax: A1's 10
    ],
)
def test_a_tampered_explain_row_is_caught(tmp_path: Path, row: int, column: str, value: str) -> None:
    """Every number of explain.csv is derived again by the checker, and so is held_by's tier."""
    s = spec7_with_a_bigger_first_line()
    explained(s).write(tmp_path / "plan")
    assert check_dir(s, tmp_path / "plan") == []
    frame = read_csv_file(tmp_path / "plan" / "explain.csv")
    frame.loc[row, column] = value
    frame.to_csv(tmp_path / "plan" / "explain.csv", index=False)
    assert {v.rule for v in check_dir(s, tmp_path / "plan")} == {"explain"}


def test_a_missing_explain_row_is_caught(tmp_path: Path) -> None:
    """Dropping the held_by row leaves a fact the plan has unsaid: the checker says so."""
    s = spec7_with_a_bigger_first_line()
    solve(s).write(tmp_path / "plan")
    frame = read_csv_file(tmp_path / "plan" / "explain.csv")
    frame[frame["kind"] != "held_by"].to_csv(tmp_path / "plan" / "explain.csv", index=False)
    violations = check_dir(s, tmp_path / "plan")
    assert [v.rule for v in violations] == ["explain"]
    assert "A2" in violations[0].message


def test_explain_csv_is_written_with_every_solve(tmp_path: Path) -> None:
    """Without --explain, explain.csv has the rule, held_by and relax rows only."""
    solve(spec7_with_a_bigger_first_line()).write(tmp_path / "plan")
    kinds = set(pd.read_csv(tmp_path / "plan" / "explain.csv")["kind"])
    assert kinds == {"held_by", "relax"}


def test_lines_alike_but_for_the_ship_date_see_the_lots_that_arrive_by_it(tmp_path: Path) -> None:
    """Lines of one item and lists whose ship dates fall between different arrivals of its lots to
    come (X2 counts as received on 12-05, X3 on 12-10) each have the relax row of their own dates:
    due keeps 8 from the lines shipping 12-01 and 12-03, 3 from the one shipping 12-07, nothing
    from the one shipping 12-12; the checker derives the same (lines alike share what their lots
    are to them only when the same lots arrive in time)."""
    s = scenario(
        lots=[lot("X2", "X", 5, due="2026-12-05"), lot("X3", "X", 3, due="2026-12-10")],
        lines=[
            line("A", "1", "X", 20, "2026-12-01"),
            line("B", "1", "X", 20, "2026-12-03"),
            line("C", "1", "X", 20, "2026-12-07"),
            line("D", "1", "X", 20, "2026-12-12"),
        ],
    )
    plan = solve(s)
    assert [r[:3] + r[6:] for r in rows(plan, "relax")] == [
        ("A", "1", "relax", 8, "due"),
        ("B", "1", "relax", 8, "due"),
        ("C", "1", "relax", 3, "due"),
    ]
    plan.write(tmp_path / "plan")
    assert check_dir(s, tmp_path / "plan") == []


def test_a_kit_lines_relax_is_in_kits() -> None:
    """A kit of 2 A and 1 B: A has 4 in W1, where the line may take stock, and 6 in W2; B has 1 in
    W1 and 5 in W2. Eligible stock makes 1 kit (B's 1); without the warehouse filter, 5 kits (A's
    10 // 2, B's 6). So relaxing warehouses frees 4 kits, in the line's unit: not 11 units of
    two different components added up. The checker derives the same."""
    s = scenario(
        lots=[lot("A1", "A", 4), lot("A2", "A", 6, "W2"), lot("B1", "B", 1), lot("B2", "B", 5, "W2")],
        kits=[kit("K", "A", 2), kit("K", "B", 1)],
        lines=[line("O", "1", "K", 6, warehouses="W1")],
    )
    plan = solve(s)
    assert line_result(plan, "O", "1") == (1, "partial", "short")
    assert rows(plan, "relax") == [("O", "1", "relax", "", "", "", 4, "warehouses")]


def test_a_printed_lines_stock_is_held_as_printed(tmp_path: Path) -> None:
    """Re-planned, a printed line keeps what its pick list took (source previous): a short line of
    the same item sees it held by the printed line, and says `printed`, not `keep` (the printed
    line keeps it because it is printed, whatever keep says). The checker agrees."""
    s = scenario(
        lots=[lot("A1", "X", 6)],
        lines=[line("P", "1", "X", 4, printed=True), line("S", "1", "X", 8)],
    )
    plan = solve(s.replace(previous=previous(("P", "1", "A1", 4))))
    assert line_result(plan, "S", "1") == (2, "partial", "short")
    assert rows(plan, "held_by") == [("S", "1", "held_by", "A1", "P", "1", 4, "printed")]


def test_a_line_tied_to_a_kit_pinned_out_of_ratio_is_explained_unproved(tmp_path: Path) -> None:
    """A kit pinned out of kit ratio gets a hidden make-up line that the plan reports as its kit
    line's; a short line sharing stock with it is explained with the plan's quantity and a bound,
    not proved (was an IndexError in --explain), and `planner explain` from the folder agrees."""
    from models.records import Pin
    from planner.app.explain import explain_lines

    s = scenario(
        lots=[lot("L1", "P1", 4), lot("L2", "P2", 4)],
        orders=[order("O1", priority=0), order("O2", priority=1)],
        lines=[line("O1", "1", "K1", 3), line("O2", "1", "P2", 5)],
        kits=[kit("K1", "P1", 1), kit("K1", "P2", 1)],
        pins=[Pin("O1", "1", "L1", 1)],
    )
    plan = explained(s)
    assert plan.first_in_tier is not None
    index = {ln.key: li for li, ln in enumerate(plan.prepared.lines)}
    first = plan.first_in_tier[index[("O2", "1")]]
    allocated = plan.line_allocated[index[("O2", "1")]]
    assert (first.quantity, first.proved) == (allocated, False)
    assert allocated <= first.bound <= 4
    plan.write(tmp_path / "out")
    assert [e.first for e in explain_lines(s, tmp_path / "out", [("O2", "1")])] == [first]


def test_extra_stock_below_safety_stock_says_what_it_makes_up_first() -> None:
    """X keeps 2 as safety stock and has 1: the line of 1 gets nothing (the 1 is held back) and
    first in its tier it could have 0; it lacks 1, but stock added goes to the safety stock first,
    so the detail says 1 is made up first (2 in all fill it)."""
    s = scenario(items=[item("X", safety_stock=2)], lots=[lot("X1", "X", 1)], lines=[line("O", "1", "X", 1)])
    plan = explained(s)
    assert rows(plan, "first_in_tier", "extra_stock") == [
        ("O", "1", "first_in_tier", "", "", "", 0, "proved"),
        ("O", "1", "extra_stock", "", "", "", 1, "after 1 to make up safety stock"),
    ]
    for added, filled in ((1, 0), (2, 1)):
        more = s.replace(lots=(lot("X1", "X", 1 + added),))
        assert line_result(solve(more), "O", "1")[0] == filled


def test_what_is_made_up_first_is_the_least_over_the_lots_it_may_use() -> None:
    """Per warehouse safety stock: W1 keeps 3 and holds 1 (lacks 2), W2 keeps 1 and holds 0 (lacks
    1). The line of 2 gets nothing; added to W2's lot, 1 + 2 fill it: the detail says 1."""
    s = scenario(
        lots=[lot("A", "X", 1, warehouse="W1"), lot("B", "X", 0, warehouse="W2")],
        safety_stock=[safety("X", "W1", 3), safety("X", "W2", 1)],
        lines=[line("O", "1", "X", 2)],
    )
    plan = explained(s)
    assert rows(plan, "extra_stock") == [
        ("O", "1", "extra_stock", "", "", "", 2, "after 1 to make up safety stock")
    ]
    filled = s.replace(lots=(lot("A", "X", 1, warehouse="W1"), lot("B", "X", 3, warehouse="W2")))
    assert line_result(solve(filled), "O", "1")[0] == 2


def test_a_kit_names_the_component_whose_safety_stock_lacks() -> None:
    """K = 1 P + 1 Q; P keeps 2 and has 1, Q has 5: the kit line gets nothing and the detail names P."""
    s = scenario(
        items=[item("P", safety_stock=2)],
        lots=[lot("P1", "P", 1), lot("Q1", "Q", 5)],
        kits=[kit("K", "P", 1), kit("K", "Q", 1)],
        lines=[line("O", "1", "K", 1)],
    )
    assert rows(explained(s), "extra_stock") == [
        ("O", "1", "extra_stock", "", "", "", 1, "after 1 of P to make up safety stock")
    ]

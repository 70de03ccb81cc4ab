"""Rules of SPEC section 3: lines that take no part get nothing, lots serve only lines they may
serve, nonstock lines and parts are served by nonstock rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from planner.check.facts import Facts
from planner.check.tables import PlanTables
from planner.check.violation import line_name


def lots_may_not_serve(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Every lot row comes from a lot that may serve its line (SPEC section 3)."""
    for row in plan.rows:
        line, lot = facts.lines.get(row.key), facts.lots.get(row.lot)
        if line is not None and lot is not None:
            why = facts.why_not_serve(line, lot)
            if why is not None:
                yield (
                    f"lot {lot.lot} gives {row.quantity} to {line_name(row.key)} but may not serve it: {why}"
                )


def eligibility(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A line that takes no part (other than a nonstock one) gets nothing (a printed line re-planned
    from a previous plan: nothing but its previous rows, which `previous_rows` checks)."""
    for key, reason in facts.reason.items():
        if reason is None or reason == "nonstock":
            continue
        if reason == "printed" and facts.scenario.previous is not None:
            continue
        result = plan.results.get(key)
        allocated = result.allocated if result is not None else None
        given = plan.given(key)
        if given or allocated:
            yield (
                f"{line_name(key)} takes no part ({reason}) "
                f"but is allocated {allocated}, its rows give {given}"
            )


def nonstock_rows(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Rows without a lot are nonstock rows of a nonstock line or of a kit's nonstock component."""
    for row in plan.rows:
        if row.lot:
            if row.source == "nonstock":
                yield f"a nonstock row of {line_name(row.key)} names lot {row.lot}"
            continue
        line = facts.lines.get(row.key)
        if line is None or facts.reason[line.key] not in (None, "nonstock"):
            continue
        if row.source != "nonstock":
            yield f"a row of {line_name(row.key)} without a lot has source {row.source!r}"
        parts = facts.kits.get(line.item, {})
        nonstock_parts = {p for p in parts if not facts.item(p).stocking}
        fits_line = facts.reason[line.key] == "nonstock" and row.item in {line.item, *parts}
        if not fits_line and row.item not in nonstock_parts:
            yield (
                f"{line_name(row.key)} gets {row.quantity} of {row.item} "
                "with no lot, which is no nonstock part"
            )


def nonstock_lines(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A nonstock line is allocated in full by nonstock rows: of its item, or (kits) of each component."""
    for key, line, allocated in plan.allocated:
        if facts.reason[key] != "nonstock":
            continue
        rows = plan.by_line.get(key, [])
        by_item: dict[str, int] = defaultdict(int)
        for row in rows:
            by_item[row.item] += row.quantity
        as_item = by_item == {line.item: line.quantity}
        parts = facts.kits.get(line.item)
        as_parts = parts is not None and by_item == {p: line.quantity * q for p, q in parts.items()}
        if allocated != line.quantity:
            yield f"nonstock {line_name(key)} is allocated {allocated} of {line.quantity}, not in full"
        elif any(row.source != "nonstock" or row.lot for row in rows) or not (as_item or as_parts):
            yield f"nonstock {line_name(key)} must get its {line.quantity} of {line.item} by nonstock rows"

"""Rules of SPEC section 9 for a plan re-planned from a previous one, transcribed apart from the engine:
printed lines keep their previous allocation, kept lines at least theirs (as far as the lots still
hold it), `previous` rows come from nowhere else, and changes.csv is the true difference."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pandas as pd

from models.records import LineKey
from planner.check.facts import Facts
from planner.check.kit_split import most_kits
from planner.check.tables import PlanTables, integer
from planner.check.violation import Violation, line_name

CHANGE_COLUMNS = ("order", "line", "lot", "before", "now")


def before(facts: Facts) -> dict[tuple[LineKey, str], int]:
    """What the previous plan gave each (line, lot), over every row."""
    out: dict[tuple[LineKey, str], int] = defaultdict(int)
    if facts.scenario.previous is not None:
        for row in facts.scenario.previous.allocations:
            out[((row.order, row.line), row.lot)] += row.quantity
    return out


def standing(facts: Facts) -> dict[tuple[LineKey, str], int]:
    """The previous rows that still stand: their line and lot exist and the lot may serve the line."""
    out = {}
    for (key, lot_id), quantity in before(facts).items():
        line, lot = facts.lines.get(key), facts.lots.get(lot_id)
        if line is not None and lot is not None and facts.why_not_serve(line, lot) is None:
            out[(key, lot_id)] = quantity
    return out


def carried(plan: PlanTables) -> dict[tuple[LineKey, str], int]:
    """The plan's `previous` rows per (line, lot)."""
    out: dict[tuple[LineKey, str], int] = defaultdict(int)
    for row in plan.rows:
        if row.source == "previous":
            out[(row.key, row.lot)] += row.quantity
    return out


def carried_units(facts: Facts, plan: PlanTables, key: LineKey) -> int:
    """What the line carries over, in line units (for a kit line the whole kits its rows make, each
    unit counted once, for a component its lot may give)."""
    rows = [r for r in plan.by_line.get(key, []) if r.source == "previous"]
    if not rows:
        return 0
    line = facts.lines[key]
    if not facts.is_kit(line):
        return sum(r.quantity for r in rows)
    given: dict[str, int] = defaultdict(int)
    for r in rows:
        given[r.lot] += r.quantity
    return most_kits(*facts.kit_supply(line, given))


def fixed(facts: Facts, plan: PlanTables, key: LineKey) -> int:
    """What is fixed on the line before the tiers: honoured reservations, pins and what it carries over."""
    return facts.reserved(key) + facts.pinned_units(facts.lines[key]) + carried_units(facts, plan, key)


def previous_rows(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Printed lines keep their previous allocation and kept lines at least theirs, as far as the lot
    (after reservations and the other carried rows) or the line's quantity allows; `previous` rows
    appear only there, never above what the previous plan gave beyond the line's honoured
    reservation of the lot (which counts towards what it had)."""
    if facts.scenario.previous is None:
        if any(row.source == "previous" for row in plan.rows):
            yield "the plan has previous rows but was not made from a previous plan"
        return
    stands = standing(facts)
    got = carried(plan)
    held_by_lot: dict[str, int] = defaultdict(int)
    for row in plan.rows:
        if row.source in ("previous", "reservation", "pin"):  # pins are served before the carry-over
            held_by_lot[row.lot] += row.quantity
    for (key, lot_id), quantity in sorted(set(stands.items()) | {(k, 0) for k in got if k not in stands}):
        line = facts.lines.get(key)
        if line is None:
            continue
        has = got.get((key, lot_id), 0)
        pinned = key in facts.only or lot_id in facts.pins.get(key, {})  # a pin decides, not the keep
        carries = facts.reason[key] == "printed" or (
            facts.reason[key] is None and facts.keeps(line) and not pinned
        )
        if not carries:
            if has:
                yield (
                    f"{line_name(key)} has previous rows from lot {lot_id} but is neither printed nor kept"
                    " (or a pin decides what it gets of the lot)"
                )
            continue
        reserved = facts.honoured.get((key, lot_id), 0)  # counts towards what it had of the lot
        beside = f" beside its reservation of {reserved}" if reserved else ""
        if has > quantity - reserved:
            yield (
                f"{line_name(key)} carries {has} of lot {lot_id} over, more than the {quantity} it had"
                + beside
            )
        elif has < quantity - reserved:
            lot = facts.lots[lot_id]
            exhausted = held_by_lot[lot_id] >= lot.allocable
            line_full = fixed(facts, plan, key) >= line.quantity
            if not (exhausted or line_full or facts.is_kit(line)):
                yield (
                    f"{line_name(key)} had {quantity} of lot {lot_id} and carries only {has} over,"
                    f" though the lot still holds more"
                )
    for key, reason in facts.reason.items():
        if reason == "printed":
            for row in plan.by_line.get(key, []):
                if row.source != "previous":
                    yield f"printed {line_name(key)} gets a {row.source} row from lot {row.lot or '-'}"


def changes(facts: Facts, plan: PlanTables, frame: pd.DataFrame) -> list[Violation]:
    """changes.csv lists exactly the (line, lot) whose quantity differs from the previous plan's,
    with both quantities right."""
    missing = [c for c in CHANGE_COLUMNS if c not in frame.columns]
    if missing:
        return [Violation("changes", f"changes lacks column(s) {', '.join(missing)}")]
    now: dict[tuple[LineKey, str], int] = defaultdict(int)
    for row in plan.rows:
        if row.lot:
            now[(row.key, row.lot)] += row.quantity
    was = before(facts)
    want = {k: (was.get(k, 0), now.get(k, 0)) for k in {*was, *now} if was.get(k, 0) != now.get(k, 0)}
    said: dict[tuple[LineKey, str], tuple[int | None, int | None]] = {}
    for order, line, lot, b, n in zip(*(frame[c].astype(str).tolist() for c in CHANGE_COLUMNS)):
        said[((order, line), lot)] = (integer(b), integer(n))
    found = []
    for key in sorted(set(want) | set(said)):
        if want.get(key) != said.get(key):
            (order, line), lot = key
            found.append(
                Violation(
                    "changes",
                    f"changes.csv says {said.get(key)} (before, now) for {order}/{line} lot {lot},"
                    f" the plans say {want.get(key)}",
                )
            )
    return found

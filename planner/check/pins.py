"""Rules of SPEC 9 for pins, transcribed apart from the engine: a pinned line gets exactly its pin
of each pinned lot (0: nothing), an `only` line nothing from other lots, `pin` rows are what a pin
gives beyond the reservations of its (line, lot) and appear nowhere else, and a full line or
full-delivery order with a pin above 0 is complete. Pins count as fixed in the pack-size, full-line
and full-delivery rules (planner.check.previous.fixed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from models.records import LineKey
from planner.check.facts import Facts
from planner.check.tables import PlanTables
from planner.check.violation import line_name


def pins_honoured(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Every pin is honoured exactly, `only` lines take nothing from other lots, and `pin` rows give
    what each pin adds to its (line, lot)'s reservations, nowhere else."""
    given: dict[tuple[LineKey, str], int] = defaultdict(int)
    pin_rows: dict[tuple[LineKey, str], int] = defaultdict(int)
    for row in plan.rows:
        if row.lot:
            given[(row.key, row.lot)] += row.quantity
        if row.source == "pin":
            pin_rows[(row.key, row.lot)] += row.quantity
    for key, pins in sorted(facts.pins.items()):
        reason = facts.reason.get(key, "unknown line")
        if reason is not None:
            yield f"{line_name(key)} is pinned but takes no part ({reason}): no plan can honour the pin"
            continue
        for lot, quantity in sorted(pins.items()):
            got = given.get((key, lot), 0)
            if got != quantity:
                yield f"{line_name(key)} is pinned to {quantity} of lot {lot} but gets {got}"
    for key in sorted(facts.only):
        for row in plan.by_line.get(key, []):
            if row.lot and row.lot not in facts.pins[key]:
                yield f"{line_name(key)} is pinned to its lots only but gets {row.quantity} of lot {row.lot}"
    for (key, lot), quantity in sorted(pin_rows.items()):
        want = facts.pins.get(key, {}).get(lot, 0) - facts.honoured.get((key, lot), 0)
        if quantity != want:
            yield (
                f"{line_name(key)} has pin rows of {quantity} from lot {lot};"
                f" its pin gives {want} beyond reservations"
            )
    for key, pins in sorted(facts.pins.items()):
        for lot, quantity in sorted(pins.items()):
            want = quantity - facts.honoured.get((key, lot), 0)
            if want > 0 and (key, lot) not in pin_rows:
                yield (
                    f"{line_name(key)} has no pin rows from lot {lot};"
                    f" its pin gives {want} beyond reservations"
                )


def pins_complete(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A full line with a pin above 0 gets its whole quantity; so does every line (but nonstock ones)
    of a full-delivery order with such a pin."""
    allocated = {key: got for key, _, got in plan.allocated}
    pinned = {key for key, pins in facts.pins.items() if any(q > 0 for q in pins.values())}
    for key in sorted(pinned):
        line = facts.lines.get(key)
        if line is None:
            continue
        order = facts.orders[line.order]
        if order.full_delivery:
            members = [ln for ln in facts.lines_of_order[line.order] if facts.reason[ln.key] != "nonstock"]
            for other in members:
                if allocated.get(other.key) != other.quantity:
                    yield (
                        f"full_delivery order {line.order} has a pin on {line_name(key)} but its"
                        f" {line_name(other.key)} gets {allocated.get(other.key)} of {other.quantity}"
                    )
        elif line.full_line and allocated.get(key) != line.quantity:
            yield f"full_line {line_name(key)} has a pin but gets {allocated.get(key)} of {line.quantity}"

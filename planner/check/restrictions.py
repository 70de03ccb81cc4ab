"""Rules of SPEC section 4, the hard restrictions: lot capacity, safety stock, reservations, line
quantity, kits, pack size, full line and full delivery."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from models.records import LineKey, Lot
from planner.check.facts import Facts
from planner.check.kit_split import can_split
from planner.check.previous import fixed
from planner.check.tables import PlanTables
from planner.check.violation import line_name


def lot_capacity(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """No lot gives more than its allocable quantity, reservations included."""
    given: dict[str, int] = defaultdict(int)
    for row in plan.rows:
        if row.lot in facts.lots:
            given[row.lot] += row.quantity
    for name, quantity in sorted(given.items()):
        lot = facts.lots[name]
        if quantity > lot.allocable:
            yield (
                f"lot {name} (item {lot.item}, {lot.warehouse}) gives {quantity} but can give "
                f"{lot.allocable} (quantity {lot.quantity} - allocated {lot.allocated} "
                f"- planned_issue {lot.planned_issue})"
            )


def _over_safety_stock(
    facts: Facts, plan: PlanTables, lots: list[Lot], stock: int, what: str
) -> Iterator[str]:
    """The optimiser takes at most max(0, A - R - S) from these lots (SPEC 4.2)."""
    usable = {lot.lot: lot for lot in lots if lot.usable_on(facts.today)}
    allocable = sum(lot.allocable for lot in usable.values())
    reserved = sum(facts.reserved_from_lot.get(lot, 0) + plan.held_by_lot.get(lot, 0) for lot in usable)
    taken = sum(plan.optimizer_by_lot.get(lot, 0) for lot in usable)
    limit = max(0, allocable - reserved - stock)
    if taken > limit:
        yield (
            f"{what}: the optimiser takes {taken} but may take at most {limit} "
            f"(allocable {allocable} - reserved {reserved} - safety stock {stock})"
        )


def safety_stock(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Automatic allocation leaves each item's safety stock, and each (item, warehouse)'s."""
    for item in facts.scenario.items:
        if item.safety_stock > 0:
            lots = facts.lots_of_item[item.item]
            yield from _over_safety_stock(facts, plan, lots, item.safety_stock, f"item {item.item}")
    for ss in facts.scenario.safety_stock:
        if ss.quantity > 0:
            lots = [lot for lot in facts.lots_of_item[ss.item] if lot.warehouse == ss.warehouse]
            yield from _over_safety_stock(facts, plan, lots, ss.quantity, f"item {ss.item} in {ss.warehouse}")


def reservations(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Each honoured reservation is reservation rows of exactly its quantity; there are no others."""
    rows: dict[tuple[LineKey, str], int] = defaultdict(int)
    for row in plan.rows:
        if row.source == "reservation":
            rows[(row.key, row.lot)] += row.quantity
    for key, lot in sorted(set(rows) | set(facts.honoured)):
        want, got = facts.honoured.get((key, lot), 0), rows.get((key, lot), 0)
        if want != got:
            what = f"reserves {want}" if want else "has no honoured reservation"
            yield f"{line_name(key)} {what} from lot {lot} but the plan's reservation rows give {got}"


def line_quantity(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """No line gets more than its quantity or less than zero; a non-kit line's rows sum to its allocated."""
    for key, line, allocated in plan.allocated:
        if allocated > line.quantity or allocated < 0:
            yield f"{line_name(key)} is allocated {allocated} of {line.quantity}"
        given = plan.given(key)
        if given != allocated and not facts.is_kit(line):
            yield f"{line_name(key)} is listed as allocated {allocated} but its rows give {given}"


def kit_ratio(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A kit line of k kits gets exactly k x per-kit quantity of each component (lots or nonstock rows)."""
    for key, line, kits in plan.allocated:
        if not facts.is_kit(line) or facts.reason[key] is not None:
            continue
        parts = facts.kits[line.item]
        serving = facts.serving_items(line)
        supply: dict[str, int] = defaultdict(int)  # by lot item ("lot:X") or nonstock item ("nonstock:X")
        serves: dict[str, set[str]] = {}  # which components each supply may count for
        for row in plan.by_line.get(key, []):
            lot = facts.lots.get(row.lot)
            item = lot.item if lot is not None else row.item
            if row.lot:
                node, fits = f"lot:{item}", {p for p, items in serving.items() if item in items}
            else:
                nonstock = item in parts and not facts.item(item).stocking
                node, fits = f"nonstock:{item}", ({item} if nonstock else set())
            if fits:  # rows that fit no component are lot_may_not_serve or nonstock violations
                supply[node] += row.quantity
                serves[node] = fits
        demand = {p: kits * q for p, q in parts.items()}
        if all(len(fits) == 1 for fits in serves.values()):
            got: dict[str, int] = defaultdict(int)
            for node, quantity in supply.items():
                got[min(serves[node])] += quantity
            for part, q in sorted(parts.items()):
                if got[part] != demand[part]:
                    yield (
                        f"kit {line_name(key)} is allocated {kits} kits, so component {part} needs "
                        f"{kits} x {q} = {demand[part]}, but gets {got[part]}"
                    )
        elif not can_split(supply, demand, serves):
            yield (
                f"kit {line_name(key)} is allocated {kits} kits, but no split of its rows gives "
                f"each component {kits} x its per-kit quantity"
            )


def pack_size(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A taking-part line gets, beyond reservations, a multiple of its item's pack size (kits: kit item's)."""
    for key, line, allocated in plan.allocated:
        pack = facts.item(line.item).pack_size
        if pack > 1 and facts.reason[key] is None:
            added = allocated - fixed(facts, plan, key)
            if added % pack != 0:
                yield f"{line_name(key)} gets {added} beyond reservations, not a multiple of pack size {pack}"


def full_line(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A full_line line gets its whole quantity or nothing beyond its reservations."""
    for key, line, allocated in plan.allocated:
        if not line.full_line or facts.reason[key] is not None:
            continue
        reserved = fixed(facts, plan, key)
        if allocated not in (line.quantity, reserved):
            yield f"full_line {line_name(key)} gets {allocated}: not {line.quantity} nor reserved {reserved}"


def full_delivery(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A full_delivery order has every non-nonstock line taking part and full, or none beyond reservations."""
    allocated = {key: a for key, _, a in plan.allocated}
    for order in facts.scenario.orders:
        if not order.full_delivery:
            continue
        lines = [ln for ln in facts.lines_of_order.get(order.order, []) if facts.reason[ln.key] != "nonstock"]
        if any(ln.key not in allocated for ln in lines):
            continue
        short = [ln for ln in lines if facts.reason[ln.key] is not None or allocated[ln.key] != ln.quantity]
        beyond = [ln for ln in lines if allocated[ln.key] != fixed(facts, plan, ln.key)]
        if short and beyond:
            served = ", ".join(f"{ln.line} ({allocated[ln.key]} of {ln.quantity})" for ln in beyond)
            unserved = ", ".join(
                f"{ln.line} ({facts.reason[ln.key] or f'{allocated[ln.key]} of {ln.quantity}'})"
                for ln in short
            )
            yield (
                f"full_delivery order {order.order} is served in part: lines {served} get more than "
                f"reserved while lines {unserved} are not served in full"
            )

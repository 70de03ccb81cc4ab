"""Rules of the lines table's report columns (SPEC section 6): status, reason and tier."""

from __future__ import annotations

from collections.abc import Iterator

from models.codes import Reason
from models.records import Line, Lot
from planner.check.facts import Facts
from planner.check.tables import PlanTables, integer
from planner.check.violation import line_name


def status(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Status is full when allocated == requested, partial when between, none when zero."""
    for key, line, allocated in plan.allocated:
        want = "full" if allocated == line.quantity else "none" if allocated == 0 else "partial"
        said = plan.results[key].status
        if said != want:
            yield f"{line_name(key)} is allocated {allocated} of {line.quantity}: {want}, not {said!r}"


def reasons(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A line's reason is its exclusion code, empty when full, else the shortage code the facts give
    (the first that applies, in the order of the README's table), decided here from the scenario and
    the allocations."""
    short_orders = {key[0] for key, line, allocated in plan.allocated if allocated < line.quantity}
    short_orders |= {
        line.order for line in facts.scenario.lines if facts.reason[line.key] not in (None, Reason.NONSTOCK)
    }
    slack = _Slack(facts, plan)
    taken = plan.held_by_lot
    for key, line, allocated in plan.allocated:
        said, kept_out = plan.results[key].reason, facts.reason[key]
        if kept_out is not None:
            want, why = kept_out, "it takes no part"
        elif allocated == line.quantity:
            want, why = "", "it is allocated in full"
        else:
            want, why = _short_reason(facts, slack, line, short_orders, taken)
        if said != want:
            yield f"{line_name(key)} has reason {said!r} but {why}: {want!r}"


class _Slack:
    """What each usable lot has left after the plan: on its own (`lot`), and within its item's and
    its (item, warehouse)'s safety-stock caps (`free`, SPEC 4.2: max(0, A - R - S) less what the
    optimiser takes; what previous and pin rows fix counts like a reservation)."""

    def __init__(self, facts: Facts, plan: PlanTables) -> None:
        usable = [lot for lot in facts.scenario.lots if lot.usable_on(facts.today)]
        held = plan.held_by_lot
        fixed = {lot.lot: facts.reserved_from_lot.get(lot.lot, 0) + held.get(lot.lot, 0) for lot in usable}
        self.lot = {
            lot.lot: lot.allocable - fixed[lot.lot] - plan.optimizer_by_lot.get(lot.lot, 0) for lot in usable
        }
        self.free = dict(self.lot)
        usable_of = {
            item: [lot for lot in lots if lot.lot in fixed] for item, lots in facts.lots_of_item.items()
        }
        groups: list[tuple[list[Lot], int]] = [
            (usable_of.get(item.item, []), item.safety_stock) for item in facts.scenario.items
        ]
        groups += [
            ([lot for lot in usable_of.get(ss.item, []) if lot.warehouse == ss.warehouse], ss.quantity)
            for ss in facts.scenario.safety_stock
        ]
        for lots, stock in groups:
            allocable = sum(lot.allocable - fixed[lot.lot] for lot in lots)
            left = max(0, allocable - stock) - sum(plan.optimizer_by_lot.get(lot.lot, 0) for lot in lots)
            for lot in lots:
                self.free[lot.lot] = min(self.free[lot.lot], left)


def _short_reason(
    facts: Facts, slack: _Slack, line: Line, short_orders: set[str], taken: dict[str, int]
) -> tuple[str, str]:
    """The reason a taking-part line that is not full gets, and why (`taken`: what previous and pin
    rows fix on each lot besides reservations). The lots it may use are those of section 3 less
    the lots its pins close to it (SPEC 9: a pinned lot gives nothing more, an `only` line none)."""
    order = facts.orders[line.order]
    if not facts.has_stock(line, taken):
        return Reason.NO_ELIGIBLE_STOCK, "no lot that may serve it has allocable stock"
    if order.full_delivery and line.order in short_orders:
        return Reason.FULL_DELIVERY_BLOCKED, f"its full-delivery order {order.order} is not complete"
    if line.full_line:
        return Reason.FULL_LINE_SHORT, "it is a full line that is not served whole"
    parts = [
        [lot for item in items for lot in facts.lots_of_item[item] if facts.may_add(line, lot)]
        for part, items in sorted(facts.serving_items(line).items())
        if not (facts.is_kit(line) and not facts.item(part).stocking)
    ]
    left = min((sum(max(0, slack.lot.get(lot.lot, 0)) for lot in lots) for lots in parts), default=0)
    free = min((sum(max(0, slack.free.get(lot.lot, 0)) for lot in lots) for lots in parts), default=0)
    if left > 0 and free == 0:
        return Reason.SAFETY_STOCK, f"what is left of the lots it may use ({left}) is safety stock"
    if facts.item(line.item).pack_size > 1 and free > 0:
        return Reason.PACK_SIZE, f"{free} are free in its lots, less than it can take in whole packs"
    return Reason.SHORT, "the stock it may use is taken"


def available_on(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """SPEC 8: a line's available_on is the latest day its lots to come count as received (a late
    one: today), empty when no lot to come serves it."""
    for key, result in plan.results.items():
        if result.available_on is None:
            continue
        days = [
            max(lot.due, facts.today)
            for row in plan.by_line.get(key, [])
            if (lot := facts.lots.get(row.lot)) is not None and lot.due is not None
        ]
        want = max(days).isoformat() if days else ""
        if result.available_on != want:
            yield f"{line_name(key)} says available_on {result.available_on!r}, its lots give {want!r}"


def tier_key(facts: Facts, line: Line) -> tuple[object, ...]:
    """The line's values of the scenario's objective key (priority: the line's, else its order's)."""
    return tuple(
        [facts.priority(line) if f == "priority" else getattr(line, f) for f in facts.scenario.objective_key]
    )


def tiers(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A taking-part line's tier is its key's rank among all taking-part keys (1 = first); others none."""
    lines = [(line, tier_key(facts, line), facts.reason[line.key] is None) for line in facts.scenario.lines]
    rank = {key: str(n) for n, key in enumerate(sorted({key for _, key, part in lines if part}), start=1)}
    written = {tier: _tier_as_number(tier) for tier in {result.tier for result in plan.results.values()}}
    for line, key, taking_part in lines:
        result = plan.results.get(line.key)
        if result is None:
            continue
        want = rank[key] if taking_part else ""
        if written[result.tier] != want:
            shown = ", ".join(str(v) for v in key)
            yield f"{line_name(line.key)} (key {shown}) is in tier {result.tier!r}, expected {want!r}"


def _tier_as_number(tier: str) -> str:
    """A written tier as the whole number it says ("1.0" -> "1"), else as written."""
    number = integer(tier)
    return tier if number is None else str(number)

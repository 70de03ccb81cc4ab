"""Rules of the lines table's report columns (SPEC section 6): status, reason and tier."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from models.codes import Reason
from models.records import Line, LineKey, Lot
from planner.check.explain_lots import candidates
from planner.check.facts import Facts
from planner.check.slack import Slack
from planner.check.tables import PlanTables, integer
from planner.check.violation import line_name


def status(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Status is full when allocated == requested, partial when between, none when zero."""
    for key, line, allocated in plan.allocated:
        want = "full" if allocated == line.quantity else "none" if allocated == 0 else "partial"
        said = plan.results[key].status
        if said != want:
            yield f"{line_name(key)} is allocated {allocated} of {line.quantity}: {want}, not {said!r}"


def reasons(facts: Facts, plan: PlanTables, short: ShortReasons) -> Iterator[str]:
    """A line's reason is its exclusion code, empty when full, else the shortage code the facts give
    (the first that applies, in the order of the README's table), decided here from the scenario and
    the allocations (`short`)."""
    for key, line, allocated in plan.allocated:
        said, kept_out = plan.results[key].reason, facts.reason[key]
        if kept_out is not None:
            want, why = kept_out, "it takes no part"
        elif allocated == line.quantity:
            want, why = "", "it is allocated in full"
        else:
            want, why = short.of(line, allocated)
        if said != want:
            yield f"{line_name(key)} has reason {said!r} but {why}: {want!r}"


class ShortReasons:
    """The shortage code the facts give a line that takes part and is not full, and why."""

    def __init__(self, facts: Facts, plan: PlanTables) -> None:
        self.facts = facts
        self.short_orders = {key[0] for key, line, allocated in plan.allocated if allocated < line.quantity}
        self.short_orders |= {
            line.order
            for line in facts.scenario.lines
            if facts.reason[line.key] not in (None, Reason.NONSTOCK)
        }
        self.short = [
            (line, got)
            for key, line, got in plan.allocated
            if facts.reason[key] is None and got < line.quantity
        ]
        """The lines that take part and have less than they ask, with what they have, in plan order."""
        lines = [line for line, _ in self.short]
        self.candidates = candidates(facts, lines)
        """The lots of their items to the `short` lines, as arrays."""
        self._stocked = dict(
            zip(
                (line.key for line in lines), self.candidates.stocked(facts, lines, plan.held_by_lot).tolist()
            )
        )
        self.slack = Slack(facts, plan)
        self._alike: dict[LineKey, tuple[object, ...]] = {}
        self.in_tier: dict[tuple[str, tuple[object, ...]], set[LineKey]] = defaultdict(set)
        """Per lot and tier key, the lines of that tier the optimiser gives some of the lot (a line the
        scenario does not have is an unknown reference, not a holder)."""
        for lot, holders in plan.optimizer_holders.items():
            for holder in holders:
                if (line := facts.lines.get(holder)) is not None:
                    self.in_tier[(lot, self.tier_of(line))].add(holder)
        self.taken = plan.held_by_lot
        """What previous and pin rows fix on each lot besides reservations."""
        arrivals: dict[str, set[date]] = defaultdict(set)
        for supply in facts.scenario.lots:
            if supply.due is not None:
                arrivals[supply.item].add(max(supply.due, facts.today))
        self.arrivals = {item: sorted(days) for item, days in arrivals.items()}
        """Per item, the days its lots to come count as received (SPEC 8), ascending."""
        self._found: dict[LineKey, tuple[str, str]] = {}
        self._parts: dict[tuple[object, ...], list[list[Lot]]] = {}

    def of(self, line: Line, allocated: int) -> tuple[str, str]:
        """The line's shortage code and why (found once per line)."""
        if line.key not in self._found:
            self._found[line.key] = _short_reason(self, line, allocated)
        return self._found[line.key]

    def has_stock(self, line: Line) -> bool:
        """`Facts.has_stock` of the line after what previous and pin rows fix on each lot: read from
        the candidates' arrays for a `short` line, found from the records for another (one given
        more than it asks)."""
        found = self._stocked.get(line.key)
        return self.facts.has_stock(line, self.taken) if found is None else found

    def tier_of(self, line: Line) -> tuple[object, ...]:
        """`tier_key` of the line."""
        return tier_key(self.facts, line)

    def alike(self, line: Line) -> tuple[object, ...]:
        """What the lots that may serve a line depend on (item, lists, pnp need, its pins, and which
        lots to come of the items that give it arrive by its ship date): lines alike have the same.
        Found once per line."""
        if line.key not in self._alike:
            self._alike[line.key] = self._find_alike(line)
        return self._alike[line.key]

    def _find_alike(self, line: Line) -> tuple[object, ...]:
        order = self.facts.orders[line.order]
        warehouses = line.warehouses if line.warehouses is not None else order.warehouses
        owners = line.owners if line.owners is not None else order.owners
        pinned = (line.key in self.facts.only, tuple(sorted(self.facts.pins.get(line.key, {}))))
        arrived = tuple(
            bisect_right(self.arrivals.get(item, []), line.ship_date)
            for item in sorted(self.facts.giving_items(line))
        )
        return (line.item, warehouses, owners, line.requires_pnp, arrived, pinned)

    def parts(self, line: Line) -> list[list[Lot]]:
        """`usable_parts` of the line, found once for lines alike."""
        alike = self.alike(line)
        if alike not in self._parts:
            self._parts[alike] = usable_parts(self.facts, line)
        return self._parts[alike]


def _short_reason(known: ShortReasons, line: Line, allocated: int) -> tuple[str, str]:
    """The reason a taking-part line that is not full gets, and why."""
    facts, slack = known.facts, known.slack
    order = facts.orders[line.order]
    if not known.has_stock(line):
        return Reason.NO_ELIGIBLE_STOCK, "no lot that may serve it has allocable stock"
    if order.full_delivery and line.order in known.short_orders:
        return Reason.FULL_DELIVERY_BLOCKED, f"its full-delivery order {order.order} is not complete"
    if line.full_line:
        return Reason.FULL_LINE_SHORT, "it is a full line that is not served whole"
    lacking = facts.item(line.item).pack_size
    if lacking > 1 and line.quantity - allocated < lacking:
        return Reason.PACK_REMAINDER, f"it lacks {line.quantity - allocated}, less than a pack of {lacking}"
    parts = known.parts(line)
    left = min((slack.left_in(lots) for lots in parts), default=0)
    free = min((slack.free_of(lots) for lots in parts), default=0)
    if left > 0 and free == 0:
        return Reason.SAFETY_STOCK, f"what is left of the lots it may use ({left}) is safety stock"
    if facts.item(line.item).pack_size > 1 and free > 0:
        return Reason.PACK_SIZE, f"{free} are free in its lots, less than it can take in whole packs"
    tier = known.tier_of(line)
    if any(known.in_tier.get((lot.lot, tier), set()) - {line.key} for lots in parts for lot in lots):
        return Reason.TIE_BREAK, "a line of its own tier holds stock of a lot it may use"
    return Reason.SHORT, "the stock it may use is taken by earlier tiers, reservations or kept lines"


def usable_parts(facts: Facts, line: Line) -> list[list[Lot]]:
    """Per stocking part of the line (its item, or each kit component), the lots the optimiser may
    give it: those of section 3 less the lots its pins close to it (SPEC 9: a pinned lot gives
    nothing more, an `only` line none)."""
    return [
        [lot for item in items for lot in facts.lots_of_item[item] if facts.may_add(line, lot)]
        for part, items in sorted(facts.serving_items(line).items())
        if not (facts.is_kit(line) and not facts.item(part).stocking)
    ]


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
    """The line's values of the scenario's objective key (`Facts.tier_keys`)."""
    return facts.tier_keys[line.key]


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

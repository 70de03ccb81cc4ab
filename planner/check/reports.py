"""Rules of the lines table's report columns (SPEC section 6): status, reason and tier."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from models.codes import Reason
from models.records import Line, LineKey, Lot
from planner.check.explain_lots import Candidates, Ints, candidates
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
        elif said == (want := short.code(line)):
            continue
        else:
            why = short.why(line, allocated)
        if said != want:
            yield f"{line_name(key)} has reason {said!r} but {why}: {want!r}"


class ShortReasons:
    """The shortage code the facts give each line that takes part and is not full, and why.

    The codes are decided for all such lines at once, on the candidate rows of their lots
    (planner.check.explain_lots): per line whether it has stock it may use, the fewest over its
    stocking parts of what its lots leave and of what is free in them within the safety-stock
    caps, and whether a line of its own tier holds some of such a lot."""

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
        self.slack = Slack(facts, plan)
        self.taken = plan.held_by_lot
        """What previous and pin rows fix on each lot besides reservations."""
        part_free, part_left = self.candidates.part_free_and_left(facts, lines, self.slack)
        self.free_and_left = self.candidates.fewest(len(lines), part_free, part_left, whole=True)
        """Per `short` line, in whole line units, what is free to it and what its lots leave."""
        over = [
            (line, got)
            for key, line, got in plan.allocated
            if facts.reason[key] is None and got > line.quantity
        ]
        self._found = {
            line.key: figures
            for given, found in ((self.short, self.candidates), (over, None))
            for (line, _), figures in zip(given, self._figures(plan, given, found, part_free, part_left))
        }
        self._parts: dict[tuple[object, ...], list[list[Lot]]] = {}
        self._alike: dict[LineKey, tuple[object, ...]] = {}
        arrivals: dict[str, set[date]] = defaultdict(set)
        for supply in facts.scenario.lots:
            if supply.due is not None:
                arrivals[supply.item].add(max(supply.due, facts.today))
        self.arrivals = {item: sorted(days) for item, days in arrivals.items()}
        """Per item, the days its lots to come count as received (SPEC 8), ascending."""

    def _figures(
        self,
        plan: PlanTables,
        given: list[tuple[Line, int]],
        found: Candidates | None,
        part_free: Ints,
        part_left: Ints,
    ) -> list[_Short]:
        """Each given line's code and the figures its why names; `found`: their candidate rows with
        `part_free` and `part_left` per part (None: found here, for lines given more than they ask)."""
        facts, lines = self.facts, [line for line, _ in given]
        if not given:
            return []
        if found is None:
            found = candidates(facts, lines)
            part_free, part_left = found.part_free_and_left(facts, lines, self.slack)
        n = len(lines)
        stocked = found.stocked(facts, lines, self.taken)
        free, left = found.fewest(n, part_free, part_left, whole=False)
        tied = found.held_in_tier(facts, plan, lines)
        out = []
        for (line, got), has, f, lft, tie in zip(
            given, stocked.tolist(), free.tolist(), left.tolist(), tied.tolist()
        ):
            pack = facts.item(line.item).pack_size
            if not has:
                code = Reason.NO_ELIGIBLE_STOCK
            elif facts.orders[line.order].full_delivery and line.order in self.short_orders:
                code = Reason.FULL_DELIVERY_BLOCKED
            elif line.full_line:
                code = Reason.FULL_LINE_SHORT
            elif pack > 1 and line.quantity - got < pack:
                code = Reason.PACK_REMAINDER
            elif lft > 0 and f == 0:
                code = Reason.SAFETY_STOCK
            elif pack > 1 and f > 0:
                code = Reason.PACK_SIZE
            elif tie:
                code = Reason.TIE_BREAK
            else:
                code = Reason.SHORT
            out.append(_Short(code, f, lft))
        return out

    def code(self, line: Line) -> str:
        """The shortage code of a line that takes part and has more or less than it asks."""
        return self._found[line.key].code.value

    def why(self, line: Line, allocated: int) -> str:
        """Why the line has its shortage code, in words."""
        found = self._found[line.key]
        if found.code is Reason.NO_ELIGIBLE_STOCK:
            return "no lot that may serve it has allocable stock"
        if found.code is Reason.FULL_DELIVERY_BLOCKED:
            return f"its full-delivery order {line.order} is not complete"
        if found.code is Reason.FULL_LINE_SHORT:
            return "it is a full line that is not served whole"
        if found.code is Reason.PACK_REMAINDER:
            pack = self.facts.item(line.item).pack_size
            return f"it lacks {line.quantity - allocated}, less than a pack of {pack}"
        if found.code is Reason.SAFETY_STOCK:
            return f"what is left of the lots it may use ({found.left}) is safety stock"
        if found.code is Reason.PACK_SIZE:
            return f"{found.free} are free in its lots, less than it can take in whole packs"
        if found.code is Reason.TIE_BREAK:
            return "a line of its own tier holds stock of a lot it may use"
        return "the stock it may use is taken by earlier tiers, reservations or kept lines"

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


@dataclass(frozen=True, slots=True)
class _Short:
    """A line's shortage code, and the fewest over its stocking parts of what is free to it and of
    what its lots leave (units)."""

    code: Reason
    free: int
    left: int


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

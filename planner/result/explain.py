"""explain.csv (SPEC 10): the facts about every participating line that is not full.

- `rule`: the restriction that binds, with its numbers (per reason; none for `short` and
  `tie_break`, whose holders say it);
- `held_by`: another line holds `quantity` of a lot this line may use, and how it came to; the
  holders are listed in `held_order` (before the tiers: reservations and kept lines; then the
  optimiser's from the line's own tier back to the first; then later tiers, nearest first) until
  what they hold covers what the line lacks, so a hot lot's thousand holders are not repeated for
  each of its short lines;
- `first_in_tier`, `extra_stock`: what it could have first in its tier and what more stock would
  fill it (only when computed: planner.engine.first_in_tier);
- `relax`: per filter of SPEC 3, the allocable units of its items' lots that this filter alone
  keeps from it.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from models.codes import ExplainKind, Reason, Source
from models.records import line_sort_key
from planner.engine.eligibility import PreparedLine, exclusions
from planner.engine.first_in_tier import FirstInTier
from planner.result.leftover import Leftover

if TYPE_CHECKING:
    from planner.result.plan import Plan

EXPLAIN_COLUMNS = ["order", "line", "kind", "lot", "other_order", "other_line", "quantity", "detail"]

KIND_ORDER = {kind: n for n, kind in enumerate(ExplainKind)}

HELD_OUTSIDE_TIERS: dict[str, str] = {
    Source.RESERVATION: "reservation",
    Source.PREVIOUS: "keep",
    Source.PIN: "pin",
}
"""How a line came to hold stock before the tiers, per allocations.csv source: explain.csv's
held_by detail (a new source of fixed quantities is one more entry)."""

EARLIER, LATER = "earlier tier", "later tier"
SAME_BY_PREFERENCE = "same tier, tie-break: lot preference"
SAME_BY_ORDER = "same tier, tie-break: order and line"
SAME_BY_SOLVER = "same tier, tie-break: the tier loop's solution"
"""held_by details of the optimiser's stock: the holder's tier against the line's and, within the
tier, what gave it the lot (docs/design.md, "explain.csv")."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One row of explain.csv."""

    order: str
    line: str
    kind: ExplainKind
    lot: str = ""
    other_order: str = ""
    other_line: str = ""
    quantity: int = 0
    detail: str = ""

    def sort_key(self) -> tuple[object, ...]:
        return (
            self.order,
            line_sort_key(self.line),
            KIND_ORDER[self.kind],
            self.lot,
            self.other_order,
            line_sort_key(self.other_line),
            self.detail,
        )


def short_lines(plan: Plan) -> list[int]:
    """The participating lines that are not full, in line order."""
    allocated = plan.line_allocated
    return [
        li
        for li, line in enumerate(plan.prepared.lines)
        if line.takes_part and allocated[li] < line.requested
    ]


def fill_target(line: PreparedLine) -> int:
    """The most the line can ever hold: reservations and whole packs of its open quantity."""
    open_qty = line.open_after_reservations
    return line.reserved + open_qty - open_qty % line.pack_size


def explain_facts(plan: Plan, first: Mapping[int, FirstInTier] | None = None) -> list[Fact]:
    """Every fact of explain.csv, sorted; first_in_tier and extra_stock for the lines in `first`."""
    facts = _Explainer(plan)
    out: list[Fact] = []
    for li in short_lines(plan):
        out += facts.rules(li)
        out += facts.held_by(li)
        if first is not None and li in first:
            out += facts.counterfactual(li, first[li])
        out += facts.relax(li)
    return sorted(out, key=Fact.sort_key)


def explain_frame(facts: list[Fact]) -> pd.DataFrame:
    """explain.csv's table."""
    return pd.DataFrame(
        [[getattr(f, c) for c in EXPLAIN_COLUMNS] for f in facts], columns=EXPLAIN_COLUMNS, dtype=object
    )


@dataclass(frozen=True, slots=True)
class _LineLots:
    """Per stocking part of a line (per_unit, the lots that may serve it), and per filter the
    allocable units of its items' lots that this filter alone excludes."""

    may_use: list[tuple[int, list[int]]]
    excluded: dict[str, int]


class _Holders:
    """The lines holding one lot: those that hold it before the tiers (by line), and the
    optimiser's by tier, descending and ascending (each by line within a tier)."""

    def __init__(self) -> None:
        self.fixed: list[tuple[int, str, int]] = []
        self.down: list[tuple[int, int, str, int]] = []
        self.up: list[tuple[int, int, str, int]] = []

    def add(self, m: int, tier: int | None, source: str, quantity: int) -> None:
        if source == Source.OPTIMIZER:
            assert tier is not None
            self.down.append((-tier, m, source, quantity))
            self.up.append((tier, m, source, quantity))
        else:
            self.fixed.append((m, source, quantity))

    def sort(self) -> None:
        self.fixed.sort()
        self.down.sort()
        self.up.sort()

    def in_order(self, lot: int, tier: int) -> Iterator[tuple[tuple[int, int, int], int, int, str, int]]:
        """(order key, lot, line, source, quantity) in the module's order for a line of `tier`: before
        the tiers by line, then the optimiser's from `tier` back to the first, then later tiers."""
        for m, source, quantity in self.fixed:
            yield (0, 0, m), lot, m, source, quantity
        for neg, m, source, quantity in self.down[bisect_left(self.down, (-tier,)) :]:
            yield (1, neg, m), lot, m, source, quantity
        for own, m, source, quantity in self.up[bisect_left(self.up, (tier + 1,)) :]:
            yield (2, own, m), lot, m, source, quantity


class _Explainer:
    """The plan looked up for the facts: holders per lot, the lots of each item, what is left."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        prep = self.prep = plan.prepared
        self.allocated = plan.line_allocated
        self.reasons = plan.short_reasons
        self.leftover = Leftover(plan)
        lot_index = {lot.lot: i for i, lot in enumerate(prep.lots)}
        line_index = {line.key: li for li, line in enumerate(prep.lines)}
        self.holders: dict[int, _Holders] = defaultdict(_Holders)
        for a in plan.allocations:
            if a.lot:
                m = line_index[(a.order, a.line)]
                self.holders[lot_index[a.lot]].add(m, prep.report_tier[m], a.source, a.quantity)
        for holders in self.holders.values():
            holders.sort()
        self.lots_of_item: dict[str, list[int]] = defaultdict(list)
        for i, lot in enumerate(prep.lots):
            self.lots_of_item[lot.item].append(i)
        arrivals: dict[str, set[date]] = defaultdict(set)
        for lot in prep.lots:
            if (day := lot.arrives(prep.scenario.today)) is not None:
                arrivals[lot.item].add(day)
        self.arrivals = {item: sorted(days) for item, days in arrivals.items()}
        """Per item, the days its lots to come count as received, ascending."""
        self.alternates: dict[str, list[str]] = defaultdict(list)
        for alt in prep.scenario.alternates:
            self.alternates[alt.item].append(alt.alternate)
        self.lots_like: dict[tuple[object, ...], _LineLots] = {}
        self.line_lots: dict[int, _LineLots] = {}
        self.order_lines: dict[str, list[int]] = defaultdict(list)
        for li, line in enumerate(prep.lines):
            self.order_lines[line.key[0]].append(li)
        self.blocking: dict[str, list[tuple[int, int, str]]] = {}

    def _fact(
        self, li: int, kind: ExplainKind, quantity: int, detail: str, lot: str = "", other: int | None = None
    ) -> Fact:
        order, number = self.prep.lines[li].key
        other_order, other_line = ("", "") if other is None else self.prep.lines[other].key
        return Fact(order, number, kind, lot, other_order, other_line, quantity, detail)

    def _lots(self, li: int) -> _LineLots:
        """What the line's lots are to it, found once for all lines alike (same parts, lists,
        pnp need, and ship dates between the same arrivals of its items' lots to come), looked up
        once per line."""
        if li not in self.line_lots:
            self.line_lots[li] = self._lots_alike(li)
        return self.line_lots[li]

    def _lots_alike(self, li: int) -> _LineLots:
        line = self.prep.lines[li]
        parts = tuple(
            (self.prep.demands[d].item, self.prep.demands[d].per_unit) for d in self.prep.line_demands[li]
        )
        arrived = tuple(
            bisect_right(self.arrivals.get(source, []), line.ship_date)
            for item, _ in parts
            for source in (item, *self.alternates[item])
        )
        like = (parts, line.warehouses, line.owners, line.requires_pnp, arrived)
        if like not in self.lots_like:
            self.lots_like[like] = self._find_lots(line, parts)
        return self.lots_like[like]

    def _find_lots(self, line: PreparedLine, parts: tuple[tuple[str, int], ...]) -> _LineLots:
        company, today = self.prep.scenario.company, self.prep.scenario.today
        may_use: list[tuple[int, list[int]]] = []
        excluded: dict[str, int] = defaultdict(int)
        for item, per_unit in parts:
            usable = []
            for lot in (
                lot for source in (item, *self.alternates[item]) for lot in self.lots_of_item[source]
            ):
                found = exclusions(self.prep.lots[lot], line, company, today)
                if not found:
                    usable.append(lot)
                elif len(found) == 1:
                    excluded[found[0]] += self.prep.lots[lot].allocable
            may_use.append((per_unit, usable))
        return _LineLots(may_use, dict(excluded))

    def _may_use(self, li: int) -> list[tuple[int, list[int]]]:
        """Per stocking part (per_unit, the lots the optimiser may give the line, whatever they
        hold): those that may serve it, less the lots its pins close to it (SPEC 9)."""
        closed = self.prep.pins.closes(li)
        if closed is None:
            return [(per_unit, []) for per_unit, _ in self._lots(li).may_use]
        if not closed:
            return self._lots(li).may_use
        return [
            (per_unit, [lot for lot in lots if lot not in closed])
            for per_unit, lots in self._lots(li).may_use
        ]

    def free(self, li: int) -> int:
        """What the optimiser could still give the line of the lots it may use (kits: whole kits)."""
        return min((self.leftover.free(lots) // per_unit for per_unit, lots in self._may_use(li)), default=0)

    def rules(self, li: int) -> list[Fact]:
        line, reason = self.prep.lines[li], self.reasons[li]
        if reason == Reason.FULL_DELIVERY_BLOCKED:
            return self._full_delivery(li)
        if reason in (Reason.FULL_LINE_SHORT, Reason.PACK_SIZE):
            detail = (
                "free" if reason == Reason.FULL_LINE_SHORT else f"free, less than a pack of {line.pack_size}"
            )
            return [self._fact(li, ExplainKind.RULE, self.free(li), detail)]
        if reason == Reason.SAFETY_STOCK:
            held = min(
                (self.leftover.left(lots) // per_unit for per_unit, lots in self._may_use(li)), default=0
            )
            return [self._fact(li, ExplainKind.RULE, held, "held back as safety stock")]
        if reason == Reason.PACK_REMAINDER:
            lacking = line.requested - self.allocated[li]
            return [
                self._fact(li, ExplainKind.RULE, lacking, f"lacking, less than a pack of {line.pack_size}")
            ]
        return []

    def _full_delivery(self, li: int) -> list[Fact]:
        """One rule row per line of the order that cannot be filled: one that takes no part, or one
        that lacks more than is free in its lots (every line not full when none does); the same
        rows for every line of the order, found once per order."""
        order = self.prep.lines[li].key[0]
        if order not in self.blocking:
            self.blocking[order] = self._blocking(order)
        return [
            self._fact(li, ExplainKind.RULE, lacking, detail, other=m)
            for m, lacking, detail in self.blocking[order]
        ]

    def _blocking(self, order: str) -> list[tuple[int, int, str]]:
        """The order's full_delivery_blocked rule rows: (line, what it lacks, detail)."""
        rows: list[tuple[int, int, str]] = []
        open_rows: list[tuple[int, int, str]] = []
        for m in self.order_lines[order]:
            other = self.prep.lines[m]
            lacking = other.requested - self.allocated[m]
            if other.reason is not None and other.reason != Reason.NONSTOCK:
                rows.append((m, lacking, f"takes no part: {other.reason}"))
            elif other.takes_part and lacking > 0:
                free = self.free(m)
                row = (m, lacking, f"{free} free in the lots it may use")
                (rows if lacking > free else open_rows).append(row)
        return rows or open_rows

    def held_by(self, li: int) -> list[Fact]:
        """The holders of the lots this line may use, in the module's order, until what they hold
        covers what the line lacks (in units of its lots; every holder when they do not)."""
        line, tier = self.prep.lines[li], self.prep.report_tier[li]
        assert tier is not None
        per_unit = max((self.prep.demands[d].per_unit for d in self.prep.line_demands[li]), default=1)
        lacking = (line.requested - self.allocated[li]) * per_unit
        lots = sorted({lot for _, lots in self._may_use(li) for lot in lots})
        ordered = heapq.merge(*(self.holders[lot].in_order(lot, tier) for lot in lots if lot in self.holders))
        out, covered = [], 0
        for _, lot, m, source, quantity in ordered:
            if covered >= lacking:
                break
            if m != li:
                how = self._how(li, m, lot, tier, source)
                out.append(self._fact(li, ExplainKind.HELD_BY, quantity, how, self.prep.lots[lot].lot, m))
                covered += quantity
        return out

    def _how(self, li: int, m: int, lot: int, tier: int | None, source: str) -> str:
        if source != Source.OPTIMIZER:
            return HELD_OUTSIDE_TIERS[source]
        other = self.prep.report_tier[m]
        assert other is not None
        assert tier is not None
        if other != tier:
            return EARLIER if other < tier else LATER
        if li not in self.plan.flow_lines or m not in self.plan.flow_lines:
            return SAME_BY_SOLVER
        return SAME_BY_PREFERENCE if self._cost(m, lot) < self._cost(li, lot) else SAME_BY_ORDER

    def _cost(self, li: int, lot: int) -> int:
        """The lot's place in the line's preference (past the end when the lot has no pair with it)."""
        for d in self.prep.line_demands[li]:
            for p in self.prep.demand_pairs[d]:
                if self.prep.pairs[p].lot == lot:
                    return self.prep.pairs[p].cost
        return len(self.prep.lots)

    def counterfactual(self, li: int, first: FirstInTier) -> list[Fact]:
        proof = "proved" if first.proved else f"not proved: at most {first.bound}"
        target = fill_target(self.prep.lines[li])
        reach = "" if target == self.prep.lines[li].requested else f"to {target}, the most whole packs allow"
        return [
            self._fact(li, ExplainKind.FIRST_IN_TIER, first.quantity, proof),
            self._fact(li, ExplainKind.EXTRA_STOCK, max(0, target - first.quantity), reach),
        ]

    def relax(self, li: int) -> list[Fact]:
        excluded = self._lots(li).excluded
        return [self._fact(li, ExplainKind.RELAX, q, f) for f, q in excluded.items() if q > 0]

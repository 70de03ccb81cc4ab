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

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from models.arrays import Ints
from models.codes import ExplainKind, Reason, Source
from planner.engine.eligibility import Prepared, PreparedLine
from planner.engine.first_in_tier import FirstInTier
from planner.result.explain_lots import FILTERS, LineLots, line_lots
from planner.result.held_by import SOURCES, HeldBy, Holdings, held_by

if TYPE_CHECKING:
    from planner.result.plan import Plan

EXPLAIN_COLUMNS = ["order", "line", "kind", "lot", "other_order", "other_line", "quantity", "detail"]

KIND_ORDER = {kind: n for n, kind in enumerate(ExplainKind)}

HELD_OUTSIDE_TIERS: dict[str, str] = {
    Source.RESERVATION: "reservation",
    Source.PREVIOUS: "keep",
    Source.PIN: "pin",
}
PRINTED = "printed"
"""How a line came to hold stock before the tiers, per allocations.csv source: explain.csv's
held_by detail (a new source of fixed quantities is one more entry); a printed line's previous
rows say `printed` (SPEC 9: it keeps its pick list because it is printed, not by `keep`)."""

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


def explain_frame(plan: Plan, first: Mapping[int, FirstInTier] | None = None) -> pd.DataFrame:
    """explain.csv's table, sorted; first_in_tier and extra_stock for the lines in `first`."""
    return _Explainer(plan).frame(first or {})


@dataclass
class _Rows:
    """explain.csv's rows as columns: line index, kind, lot index and other line (-1: none),
    quantity, detail, and the row's place among its line's held_by rows (their walk order)."""

    line: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    lot: list[int] = field(default_factory=list)
    other: list[int] = field(default_factory=list)
    quantity: list[int] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)

    def add(self, li: int, kind: ExplainKind, quantity: int, detail: str, other: int = -1) -> None:
        self.line.append(li)
        self.kind.append(KIND_ORDER[kind])
        self.lot.append(-1)
        self.other.append(other)
        self.quantity.append(quantity)
        self.detail.append(detail)


def may_use(prep: Prepared, lots: LineLots, li: int) -> list[tuple[int, list[int]]]:
    """Per stocking part of line `li` (per_unit, the lots the optimiser may give the line, whatever
    they hold): those that may serve it, less the lots its pins close to it (SPEC 9)."""
    parts = [(prep.demands[d].per_unit, lots.of_demand(d)) for d in prep.line_demands[li]]
    closed = prep.pins.closes(li)
    if closed is None:
        return [(per_unit, []) for per_unit, _ in parts]
    if not closed:
        return parts
    return [(per_unit, [lot for lot in lots_ if lot not in closed]) for per_unit, lots_ in parts]


def made_up_first(prep: Prepared, lots: LineLots, li: int) -> str:
    """What extra stock makes up first where every lot the line may use (per part) lies in a
    safety-stock group below its safety stock: per part the least, over its lots, of the most any
    group of the lot lacks, as extra_stock's detail says it; '' when no part has such stock."""
    per_part = []
    parts = zip((prep.demands[d].item for d in prep.line_demands[li]), may_use(prep, lots, li))
    for item, (_, part_lots) in sorted(parts, key=lambda part: part[0]):
        least = min(
            (max((prep.cap_groups[g].lacking for g in prep.lot_groups[lot]), default=0) for lot in part_lots),
            default=0,
        )
        if least:
            per_part.append(f"{least} of {item}" if prep.lines[li].is_kit else str(least))
    return f"after {' and '.join(per_part)} to make up safety stock" if per_part else ""


class _Explainer:
    """The plan looked up for the facts: the short lines' lots, holders per lot, what is left."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        prep = self.prep = plan.prepared
        self.allocated = plan.line_allocated
        self.reasons = plan.short_reasons
        self.leftover = plan.leftover
        self.short = short_lines(plan)
        self.lots = line_lots(prep, self.short)
        blocked = {
            prep.lines[li].key[0] for li in self.short if self.reasons[li] == Reason.FULL_DELIVERY_BLOCKED
        }
        self.order_lines: dict[str, list[int]] = defaultdict(list)
        """The lines of each order whose short lines are full_delivery_blocked."""
        for li in [li for li, line in enumerate(prep.lines) if line.key[0] in blocked]:
            self.order_lines[prep.lines[li].key[0]].append(li)
        self.blocking: dict[str, list[tuple[int, int, str]]] = {}
        self.tiers = np.array([-1 if t is None else t for t in prep.report_tier], dtype=np.int64)
        """Every line's tier (-1: it takes no part)."""

    def frame(self, first: Mapping[int, FirstInTier]) -> pd.DataFrame:
        rows = _Rows()
        for li in self.short:
            self.rules(rows, li)
            if li in first:
                self.counterfactual(rows, li, first[li])
        relax = self.lots
        n_relax = len(relax.relax_line)
        held_line, held_lot, held_other, held_quantity, held_detail = self.held_by()
        prep = self.prep
        line = np.concatenate([np.array(rows.line, dtype=np.int64), relax.relax_line, held_line])
        kinds_of = (KIND_ORDER[ExplainKind.RELAX], KIND_ORDER[ExplainKind.HELD_BY])
        kind = np.concatenate(
            [
                np.array(rows.kind, dtype=np.int64),
                np.full(n_relax, kinds_of[0], dtype=np.int64),
                np.full(len(held_line), kinds_of[1], dtype=np.int64),
            ]
        )
        lot = np.concatenate(
            [np.array(rows.lot, dtype=np.int64), np.full(n_relax, -1, dtype=np.int64), held_lot]
        )
        other = np.concatenate(
            [np.array(rows.other, dtype=np.int64), np.full(n_relax, -1, dtype=np.int64), held_other]
        )
        quantity = np.concatenate(
            [np.array(rows.quantity, dtype=np.int64), relax.relax_quantity, held_quantity]
        )
        filters = np.array([str(f) for f in FILTERS], dtype=object)
        details = rows.detail + filters[relax.relax_filter].tolist() + held_detail
        detail_rank = _ranks(details) if details else line
        walk = np.arange(len(line))
        order = np.lexsort((walk, detail_rank, other, lot, kind, line))
        orders = np.array([ln.key[0] for ln in prep.lines] + [""], dtype=object)
        numbers = np.array([ln.key[1] for ln in prep.lines] + [""], dtype=object)
        lot_names = np.array([lt.lot for lt in prep.lots] + [""], dtype=object)
        kinds = np.array([k.value for k in KIND_ORDER], dtype=object)
        line, other, lot = line[order], other[order], lot[order]
        return pd.DataFrame(
            {
                "order": orders[line],
                "line": numbers[line],
                "kind": kinds[kind[order]] if len(order) else np.array([], dtype=object),
                "lot": lot_names[lot],
                "other_order": orders[other],
                "other_line": numbers[other],
                "quantity": quantity[order],
                "detail": np.array(details, dtype=object)[order] if details else np.array([], dtype=object),
            },
            columns=EXPLAIN_COLUMNS,
        )

    def free(self, li: int) -> int:
        """What the optimiser could still give the line of the lots it may use (kits: whole kits)."""
        return min(
            (self.leftover.free(lots) // per_unit for per_unit, lots in may_use(self.prep, self.lots, li)),
            default=0,
        )

    def rules(self, rows: _Rows, li: int) -> None:
        line, reason = self.prep.lines[li], self.reasons[li]
        if reason == Reason.FULL_DELIVERY_BLOCKED:
            self._full_delivery(rows, li)
        elif reason in (Reason.FULL_LINE_SHORT, Reason.PACK_SIZE):
            detail = (
                "free" if reason == Reason.FULL_LINE_SHORT else f"free, less than a pack of {line.pack_size}"
            )
            rows.add(li, ExplainKind.RULE, self.free(li), detail)
        elif reason == Reason.SAFETY_STOCK:
            held = min(
                (
                    self.leftover.left(lots) // per_unit
                    for per_unit, lots in may_use(self.prep, self.lots, li)
                ),
                default=0,
            )
            rows.add(li, ExplainKind.RULE, held, "held back as safety stock")
        elif reason == Reason.PACK_REMAINDER:
            lacking = line.requested - self.allocated[li]
            rows.add(li, ExplainKind.RULE, lacking, f"lacking, less than a pack of {line.pack_size}")

    def _full_delivery(self, rows: _Rows, li: int) -> None:
        """One rule row per line of the order that cannot be filled: one that takes no part, or one
        that lacks more than is free in its lots (every line not full when none does); the same
        rows for every line of the order, found once per order."""
        order = self.prep.lines[li].key[0]
        if order not in self.blocking:
            self.blocking[order] = self._blocking(order)
        for m, lacking, detail in self.blocking[order]:
            rows.add(li, ExplainKind.RULE, lacking, detail, other=m)

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

    def held_by(self) -> tuple[Ints, Ints, Ints, Ints, list[str]]:
        """The held_by rows (planner.result.held_by): line, lot, holder, quantity and detail."""
        prep, plan = self.prep, self.plan
        short = np.array(self.short, dtype=np.int64)
        position = np.full(len(prep.lines), -1, dtype=np.int64)
        position[short] = np.arange(len(short))
        tier = self.tiers[short]
        per_unit = np.array(
            [max((prep.demands[d].per_unit for d in prep.line_demands[li]), default=1) for li in self.short],
            dtype=np.int64,
        )
        requested = np.array([prep.lines[li].requested for li in self.short], dtype=np.int64)
        got = np.array(self.allocated, dtype=np.int64)[short] if len(short) else short
        holdings = plan.holdings
        found = held_by(holdings, short, tier, (requested - got) * per_unit, self._pairs(position))
        rows = found.row
        return found.line, found.lot, holdings.line[rows], holdings.quantity[rows], self._how(found, holdings)

    def _how(self, found: HeldBy, holdings: Holdings) -> list[str]:
        """How each holder came to hold its lot: its source before the tiers, else its tier
        against the line's and, within the tier, what gave it the lot."""
        rows = found.row
        theirs, mine = holdings.tier[rows], self.tiers[found.line]
        how = np.where(theirs < mine, EARLIER, LATER).astype(object)
        fixed = np.flatnonzero(~holdings.optimiser[rows])
        how[fixed] = [
            PRINTED
            if source == Source.PREVIOUS and self.prep.lines[m].reason == Reason.PRINTED
            else HELD_OUTSIDE_TIERS[source]
            for source, m in zip(
                np.array(SOURCES)[holdings.source[rows[fixed]]], holdings.line[rows[fixed]].tolist()
            )
        ]
        same = np.flatnonzero(holdings.optimiser[rows] & (theirs == mine))
        how[same] = [
            self._same_tier(li, m, lot)
            for li, m, lot in zip(
                found.line[same].tolist(), holdings.line[rows[same]].tolist(), found.lot[same].tolist()
            )
        ]
        details: list[str] = how.tolist()
        return details

    def _same_tier(self, li: int, m: int, lot: int) -> str:
        """What gave holder `m` of line `li`'s tier the lot."""
        if li not in self.plan.flow_lines or m not in self.plan.flow_lines:
            return SAME_BY_SOLVER
        return SAME_BY_PREFERENCE if self._cost(m, lot) < self._cost(li, lot) else SAME_BY_ORDER

    def _pairs(self, position: Ints) -> tuple[Ints, Ints]:
        """The (line position, lot) pairs of the lots each short line may use, each once, less the
        lots its pins close to it."""
        lots, n = self.lots, len(self.prep.lots)
        line = np.array([d.line for d in self.prep.demands], dtype=np.int64)[lots.demand]
        key = np.unique(line * n + lots.lot)
        pins = self.prep.pins
        if pins.closed or pins.only:
            closed = sorted(li * n + lo for li, lots_ in pins.closed.items() for lo in lots_)
            keep = ~np.isin(key // n, np.array(sorted(pins.only), dtype=np.int64))
            key = key[keep & ~np.isin(key, np.array(closed, dtype=np.int64))]
        return position[key // n], key % n

    def _cost(self, li: int, lot: int) -> int:
        """The lot's place in the line's preference (past the end when the lot has no pair with it)."""
        for d in self.prep.line_demands[li]:
            for p in self.prep.demand_pairs[d]:
                if self.prep.pairs[p].lot == lot:
                    return self.prep.pairs[p].cost
        return len(self.prep.lots)

    def counterfactual(self, rows: _Rows, li: int, first: FirstInTier) -> None:
        proof = "proved" if first.proved else f"not proved: at most {first.bound}"
        target = fill_target(self.prep.lines[li])
        extra = max(0, target - first.quantity)
        reach = "" if target == self.prep.lines[li].requested else f"to {target}, the most whole packs allow"
        lacking = made_up_first(self.prep, self.lots, li) if extra else ""
        rows.add(li, ExplainKind.FIRST_IN_TIER, first.quantity, proof)
        rows.add(li, ExplainKind.EXTRA_STOCK, extra, "; ".join(filter(None, (reach, lacking))))


def _ranks(texts: list[str]) -> Ints:
    """Each text's rank among the distinct texts, sorted (as `np.unique`'s inverse, each distinct
    text compared once)."""
    code, distinct = pd.factorize(pd.Index(texts, dtype=object))
    order = np.argsort(np.array(distinct, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    ranks: Ints = rank[code]
    return ranks

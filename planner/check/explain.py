"""explain.csv (SPEC 10) against the plan and the scenario, re-derived here apart from the engine.

For every line that takes part and is not full, the `rule`, `held_by` and `relax` rows must be
exactly the ones the facts give (quantities included), and `first_in_tier` and `extra_stock`,
where written, must come together, lie between what the line has and what it asks, and add up
to what fills it. No row may name another line.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator

import pandas as pd

from models.records import Line, LineKey, Lot, line_sort_key
from planner.check.facts import Facts
from planner.check.previous import fixed
from planner.check.reports import ShortReasons
from planner.check.tables import AllocationRow, PlanTables, _cells, integer
from planner.check.violation import line_name

EXPLAIN_COLUMNS = ("order", "line", "kind", "lot", "other_order", "other_line", "quantity", "detail")
COMPARED = ("rule", "held_by", "relax")
COUNTERFACTUAL = ("first_in_tier", "extra_stock")
SOURCE_DETAIL = {"reservation": "reservation", "previous": "keep", "pin": "pin"}
"""held_by's detail for stock a line holds before the tiers, per allocations.csv source."""

Row = tuple[str, str, str, int, str]
"""A compared row: kind, lot, other line as "order/line", quantity, detail."""


def explain_rows(facts: Facts, plan: PlanTables, explain: pd.DataFrame, known: ShortReasons) -> Iterator[str]:
    """Every way explain.csv differs from what the plan and the scenario say (`short`: the shortage
    codes the facts give: `known`)."""
    missing = [c for c in EXPLAIN_COLUMNS if c not in explain.columns]
    if missing and len(explain.columns):
        yield f"explain lacks column(s) {', '.join(missing)}"
        return
    cells = _cells(explain, EXPLAIN_COLUMNS)
    short = {
        key: (line, got)
        for key, line, got in plan.allocated
        if facts.reason[key] is None and got < line.quantity
    }
    written: dict[LineKey, Counter[Row]] = defaultdict(Counter)
    counterfactual: dict[LineKey, dict[str, tuple[int, str]]] = defaultdict(dict)
    for number in range(len(explain)):
        order, number_text, kind, lot, other_order, other_line, quantity_text, detail = (
            cells[c][number] for c in EXPLAIN_COLUMNS
        )
        key, quantity = (order, number_text), integer(quantity_text)
        where = f"explain row {number + 2} ({order}/{number_text}, {kind})"
        if key not in short:
            yield f"{where}: the line is not a participating line that is short"
        elif quantity is None:
            yield f"{where}: quantity {quantity_text!r} is no number"
        elif kind in COMPARED:
            other = f"{other_order}/{other_line}" if other_order or other_line else ""
            written[key][(kind, lot, other, quantity, _detail_class(kind, detail))] += 1
        elif kind in COUNTERFACTUAL:
            counterfactual[key][kind] = (quantity, detail)
        else:
            yield f"{where}: unknown kind {kind!r}"
    expect = _Expect(facts, plan, known)
    for key, (line, got) in sorted(short.items()):
        want = Counter(expect.rows(line, got))
        if written.get(key, Counter()) != want:
            extra = sorted((written.get(key, Counter()) - want).elements())
            lacking = sorted((want - written.get(key, Counter())).elements())
            yield f"{line_name(key)}: explain has {extra or 'no more'}, should have {lacking or 'no more'}"
        if key in counterfactual:
            yield from _counterfactual(facts, plan, line, got, counterfactual[key])


def _detail_class(kind: str, detail: str) -> str:
    """What of a detail is checked: within a tier, only that it says the tie-break decided."""
    if kind == "held_by" and detail.startswith("same tier, tie-break: "):
        return "same tier"
    return detail


def _per_unit(facts: Facts, line: Line) -> list[int]:
    """Units per line unit of each stocking part, in `usable_parts`' order."""
    return [
        quantity
        for part, quantity in sorted(facts.kits.get(line.item, {line.item: 1}).items())
        if not (facts.is_kit(line) and not facts.item(part).stocking)
    ]


class _Expect:
    """The rows the facts give a short line, with what every line needs looked up once."""

    def __init__(self, facts: Facts, plan: PlanTables, reasons: ShortReasons) -> None:
        self.facts, self.plan, self.slack, self.reasons = facts, plan, reasons.slack, reasons
        self.got = {key: a for key, _, a in plan.allocated}
        taking_part = [line for line in facts.scenario.lines if facts.reason[line.key] is None]
        keys = {line.key: reasons.tier_of(line) for line in taking_part}
        rank = {key: n for n, key in enumerate(sorted(set(keys.values())))}
        self.tier = {line: rank[key] for line, key in keys.items()}
        self.fixed: dict[str, list[tuple[tuple[str, tuple[int, int, str]], str, AllocationRow]]]
        self.fixed = defaultdict(list)
        self.by_tier: dict[str, list[tuple[int, tuple[str, tuple[int, int, str]], AllocationRow]]]
        self.by_tier = defaultdict(list)
        for row in plan.rows:
            who = (row.order, line_sort_key(row.line))
            if row.lot and row.source == "optimizer":
                self.by_tier[row.lot].append((self.tier[row.key], who, row))
            elif row.lot:
                self.fixed[row.lot].append((who, row.source, row))
        for rows in self.fixed.values():
            rows.sort(key=lambda r: r[:2])
        self.up = {lot: sorted(rows, key=lambda r: r[:2]) for lot, rows in self.by_tier.items()}
        self.up_tiers = {lot: [r[0] for r in rows] for lot, rows in self.up.items()}
        self.down = {lot: sorted(rows, key=lambda r: (-r[0], r[1])) for lot, rows in self.by_tier.items()}
        self.down_tiers = {lot: [-r[0] for r in rows] for lot, rows in self.down.items()}
        self._relaxed: dict[tuple[object, ...], list[Row]] = {}
        self._blocking: dict[str, list[Row]] = {}

    def parts(self, line: Line) -> list[list[Lot]]:
        return self.reasons.parts(line)

    def relax(self, line: Line) -> list[Row]:
        """`_relax` of the line, found once for lines alike."""
        alike = self.reasons.alike(line)
        if alike not in self._relaxed:
            self._relaxed[alike] = list(_relax(self.facts, line))
        return self._relaxed[alike]

    def free_for(self, line: Line) -> int:
        """What the optimiser could still give the line of the lots it may use (kits: whole kits)."""
        per_unit = _per_unit(self.facts, line)
        return min((self.slack.free_of(lots) // n for lots, n in zip(self.parts(line), per_unit)), default=0)

    def rows(self, line: Line, got: int) -> Iterator[Row]:
        yield from self._rules(line, got)
        yield from self._held_by(line, got)
        yield from self.relax(line)

    def _rules(self, line: Line, got: int) -> Iterator[Row]:
        facts, slack = self.facts, self.slack
        reason, _ = self.reasons.of(line, got)
        pack = facts.item(line.item).pack_size
        if reason == "full_delivery_blocked":
            yield from self._full_delivery(line)
        elif reason == "full_line_short":
            yield ("rule", "", "", self.free_for(line), "free")
        elif reason == "pack_size":
            yield ("rule", "", "", self.free_for(line), f"free, less than a pack of {pack}")
        elif reason == "pack_remainder":
            yield ("rule", "", "", line.quantity - got, f"lacking, less than a pack of {pack}")
        elif reason == "safety_stock":
            parts = self.parts(line)
            held = min(
                (slack.left_in(lots) // n for lots, n in zip(parts, _per_unit(facts, line))), default=0
            )
            yield ("rule", "", "", held, "held back as safety stock")

    def _full_delivery(self, line: Line) -> list[Row]:
        """Per line of the order that cannot be filled (takes no part, or lacks more than is free to
        it), what it lacks; every line not full when none is such. The same for every line of the
        order: found once per order."""
        if line.order not in self._blocking:
            blocking: list[Row] = []
            open_lines: list[Row] = []
            for other in self.facts.lines_of_order[line.order]:
                name, lacking = f"{other.order}/{other.line}", other.quantity - self.got.get(other.key, 0)
                reason = self.facts.reason[other.key]
                if reason is not None and reason != "nonstock":
                    blocking.append(("rule", "", name, lacking, f"takes no part: {reason}"))
                elif reason is None and lacking > 0:
                    free = self.free_for(other)
                    row = ("rule", "", name, lacking, f"{free} free in the lots it may use")
                    (blocking if lacking > free else open_lines).append(row)
            self._blocking[line.order] = blocking or open_lines
        return self._blocking[line.order]

    def _held_by(self, line: Line, got: int) -> Iterator[Row]:
        """Holders of the lots this line may use, first those that hold before the tiers, then the
        optimiser's from the line's tier back to the first, then later tiers from the nearest (each
        by holder, then lot), until what they hold covers what it lacks (in units of its lots)."""
        lacking = (line.quantity - got) * max(_per_unit(self.facts, line), default=1)
        tier = self.tier[line.key]
        lots = sorted({lot.lot for lots in self.parts(line) for lot in lots})
        ordered = heapq.merge(*(self._candidates(lot, tier) for lot in lots))
        covered = 0
        for (group, distance), _, lot, row in ordered:
            if covered >= lacking:
                break
            if row.key == line.key:
                continue
            covered += row.quantity
            if row.source != "optimizer":
                how = SOURCE_DETAIL.get(row.source, row.source)
            else:
                how = ("same tier" if distance == 0 else "earlier tier") if group == 1 else "later tier"
            yield ("held_by", lot, f"{row.order}/{row.line}", row.quantity, how)

    def _candidates(
        self, lot: str, tier: int
    ) -> Iterator[tuple[tuple[int, int], tuple[object, ...], str, AllocationRow]]:
        """The lot's holders in `_held_by`'s order, each with its sort key."""
        for who, source, row in self.fixed.get(lot, []):
            yield (0, 0), (who, source), lot, row
        if lot not in self.up:
            return
        down, up = self.down[lot], self.up[lot]
        for at in range(bisect_left(self.down_tiers[lot], -tier), len(down)):
            theirs, who, row = down[at]
            yield (1, tier - theirs), (who, ""), lot, row
        for at in range(bisect_right(self.up_tiers[lot], tier), len(up)):
            theirs, who, row = up[at]
            yield (2, theirs - tier), (who, ""), lot, row


def _relax(facts: Facts, line: Line) -> Iterator[Row]:
    """Per filter, the allocable units of the line's items' lots that it alone keeps from the line."""
    excluded: dict[str, int] = defaultdict(int)
    for part, items in facts.serving_items(line).items():
        if facts.is_kit(line) and not facts.item(part).stocking:
            continue
        for item in sorted(items):
            for lot in facts.lots_of_item[item]:
                failed = facts.filters_failed(line, lot)
                if len(failed) == 1:
                    excluded[failed[0]] += lot.allocable
    for name, quantity in excluded.items():
        if quantity > 0:
            yield ("relax", "", "", quantity, name)


def _counterfactual(
    facts: Facts, plan: PlanTables, line: Line, got: int, rows: dict[str, tuple[int, str]]
) -> Iterator[str]:
    """first_in_tier and extra_stock come together; allocated <= first_in_tier <= requested;
    extra_stock = what fills the line (reservations and whole packs of the rest) - first_in_tier."""
    name = line_name(line.key)
    if set(rows) != set(COUNTERFACTUAL):
        yield f"{name}: explain has {sorted(rows)} of first_in_tier and extra_stock, not both"
        return
    first, extra = rows["first_in_tier"][0], rows["extra_stock"][0]
    if not got <= first <= line.quantity:
        yield f"{name}: first_in_tier {first} is not between allocated {got} and requested {line.quantity}"
    reserved = fixed(facts, plan, line.key)
    pack = facts.item(line.item).pack_size
    target = line.quantity - (line.quantity - reserved) % pack
    if extra != max(0, target - first):
        yield f"{name}: extra_stock {extra} is not {target} (what fills it) - first_in_tier {first}"

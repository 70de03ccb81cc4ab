"""explain.csv (SPEC 10) against the plan and the scenario, re-derived here apart from the engine.

For every line that takes part and is not full, the `rule` and `relax` rows must be exactly the
ones the facts give (quantities included), the `held_by` rows exactly the holders the facts give
(planner.check.explain_held), and `first_in_tier` and `extra_stock`, where written, must come
together, lie between what the line has and what it asks, and add up to what fills it. No row may
name another line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

import pandas as pd

from models.records import Line, LineKey, Lot
from planner.check.explain_held import Holders, Written
from planner.check.explain_lots import FILTER_NAMES
from planner.check.facts import Facts
from planner.check.previous import fixed
from planner.check.reports import ShortReasons
from planner.check.slack import Slack
from planner.check.tables import PlanTables, _cells, _integers
from planner.check.violation import line_name

EXPLAIN_COLUMNS = ("order", "line", "kind", "lot", "other_order", "other_line", "quantity", "detail")
COMPARED = ("rule", "held_by", "relax")
COUNTERFACTUAL = ("first_in_tier", "extra_stock")

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
    short = known.short
    keys = [line.key for line, _ in short]
    at = {key: i for i, key in enumerate(keys)}
    quantities = _integers(cells["quantity"])
    written: list[tuple[int, Row]] = []
    held: list[Written] = []
    counterfactual: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
    columns = (cells[c] for c in EXPLAIN_COLUMNS)
    for number, (order, number_text, kind, lot, other_order, other_line, _, detail) in enumerate(
        zip(*columns)
    ):
        i, quantity = at.get((order, number_text)), quantities[number]
        if i is not None and quantity is not None:
            if kind == "held_by":
                held.append((i, lot, other_order, other_line, quantity, detail))
                continue
            if kind in COMPARED:
                other = f"{other_order}/{other_line}" if other_order or other_line else ""
                written.append((i, (kind, lot, other, quantity, detail)))
                continue
            if kind in COUNTERFACTUAL:
                counterfactual[i][kind] = (quantity, detail)
                continue
        where = f"explain row {number + 2} ({order}/{number_text}, {kind})"
        if i is None:
            yield f"{where}: the line is not a participating line that is short"
        elif quantity is None:
            yield f"{where}: quantity {cells['quantity'][number]!r} is no number"
        else:
            yield f"{where}: unknown kind {kind!r}"
    lines = [line for line, _ in short]
    found = known.candidates
    want = [(int(i), ("relax", "", "", int(q), FILTER_NAMES[f])) for i, f, q in zip(*found.relax(facts))]
    rules = _Rules(facts, plan, known, dict(zip(at, zip(*known.free_and_left))))
    want += [(i, row) for i, (line, got) in enumerate(short) for row in rules.rows(line, got)]
    holders = Holders(facts, plan, short, keys, found)
    has, should = Counter(written), Counter(want)
    # dict's own comparison (Counter's walks both in Python); counts are positive, so it is the same
    differ = {i for i, _ in (has - should) + (should - has)} if dict.__ne__(has, should) else set()
    for i in sorted(differ | holders.wrong(held)):
        line_has = Counter(row for j, row in has.elements() if j == i)
        line_has += Counter(holders.classed(r) for r in held if r[0] == i)
        line_should = Counter(row for j, row in should.elements() if j == i) + Counter(holders.expected(i))
        extra, lacking = (
            sorted((line_has - line_should).elements()),
            sorted((line_should - line_has).elements()),
        )
        name = line_name(short[i][0].key)
        yield f"{name}: explain has {extra or 'no more'}, should have {lacking or 'no more'}"
    for i, rows in sorted(counterfactual.items()):
        line, got = short[i]
        made_up = _safety_lacking(facts, found.part_lots(facts, lines, i), known.slack)
        yield from _counterfactual(facts, plan, line, got, rows, made_up)


def _safety_lacking(facts: Facts, parts: list[tuple[str, list[Lot]]], slack: Slack) -> list[tuple[str, int]]:
    """Per stocking part, where every lot the line may use of it lies below a safety stock, the
    least over those lots of what stock added there makes up first."""
    least = ((part, min((slack.lacking(lot) for lot in lots), default=0)) for part, lots in parts)
    return [(part, q) for part, q in least if q]


def _per_unit(facts: Facts, line: Line) -> list[int]:
    """Units per line unit of each stocking part, in `usable_parts`' order."""
    return [
        quantity
        for part, quantity in sorted(facts.kits.get(line.item, {line.item: 1}).items())
        if not (facts.is_kit(line) and not facts.item(part).stocking)
    ]


class _Rules:
    """The rule rows the facts give a short line, with what every line needs looked up once."""

    def __init__(
        self, facts: Facts, plan: PlanTables, reasons: ShortReasons, found: dict[LineKey, tuple[int, int]]
    ) -> None:
        self.facts, self.plan, self.slack, self.reasons = facts, plan, reasons.slack, reasons
        self.found = found
        """Per short line, what is free to it and what is left in its lots (explain_lots)."""
        self._blocking: dict[str, list[Row]] = {}

    def free_for(self, line: Line) -> int:
        """What the optimiser could still give the line of the lots it may use (kits: whole kits)."""
        if line.key in self.found:
            return int(self.found[line.key][0])
        per_unit = _per_unit(self.facts, line)
        parts = self.reasons.parts(line)
        return min((self.slack.free_of(lots) // n for lots, n in zip(parts, per_unit)), default=0)

    def rows(self, line: Line, got: int) -> Iterator[Row]:
        reason = self.reasons.code(line)
        if reason == "full_delivery_blocked":
            yield from self._full_delivery(line)
        elif reason == "full_line_short":
            yield ("rule", "", "", self.free_for(line), "free")
        elif reason == "pack_size":
            pack = self.facts.item(line.item).pack_size
            yield ("rule", "", "", self.free_for(line), f"free, less than a pack of {pack}")
        elif reason == "pack_remainder":
            pack = self.facts.item(line.item).pack_size
            yield ("rule", "", "", line.quantity - got, f"lacking, less than a pack of {pack}")
        elif reason == "safety_stock":
            held = int(self.found[line.key][1])
            yield ("rule", "", "", held, "held back as safety stock")

    def _full_delivery(self, line: Line) -> list[Row]:
        """Per line of the order that cannot be filled (takes no part, or lacks more than is free to
        it), what it lacks; every line not full when none is such. The same for every line of the
        order: found once per order."""
        if line.order not in self._blocking:
            blocking: list[Row] = []
            open_lines: list[Row] = []
            for other in self.facts.lines_of_order[line.order]:
                result = self.plan.results.get(other.key)
                got = 0 if result is None or result.allocated is None else result.allocated
                name, lacking = f"{other.order}/{other.line}", other.quantity - got
                reason = self.facts.reason[other.key]
                if reason is not None and reason != "nonstock":
                    blocking.append(("rule", "", name, lacking, f"takes no part: {reason}"))
                elif reason is None and lacking > 0:
                    free = self.free_for(other)
                    row = ("rule", "", name, lacking, f"{free} free in the lots it may use")
                    (blocking if lacking > free else open_lines).append(row)
            self._blocking[line.order] = blocking or open_lines
        return self._blocking[line.order]


def _counterfactual(
    facts: Facts,
    plan: PlanTables,
    line: Line,
    got: int,
    rows: dict[str, tuple[int, str]],
    made_up: list[tuple[str, int]],
) -> Iterator[str]:
    """first_in_tier and extra_stock come together; allocated <= first_in_tier <= requested;
    extra_stock = what fills the line (reservations and whole packs of the rest) - first_in_tier,
    its detail naming the whole packs and what safety stock the extra stock makes up first."""
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
    first_made_up = " and ".join(f"{q} of {part}" if facts.is_kit(line) else str(q) for part, q in made_up)
    said = (
        "" if target == line.quantity else f"to {target}, the most whole packs allow",
        f"after {first_made_up} to make up safety stock" if first_made_up and target > first else "",
    )
    if (detail := "; ".join(filter(None, said))) != rows["extra_stock"][1]:
        yield f"{name}: extra_stock's detail {rows['extra_stock'][1]!r} should be {detail!r}"

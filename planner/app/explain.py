"""Why a line of a written plan is short, and what would fill it (SPEC 10), one line at a time.

`explain_lines(scenario, folder, keys)` reads the result folder's lines.csv and explain.csv and
computes each chosen line's first_in_tier on the part of the scenario that can matter to it (the
lines and lots of the items it is tied to through lots, alternates, kits and full-delivery
orders), so that one line of a large plan answers quickly; `in_words` says it as a planner reads it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import compress
from pathlib import Path
from typing import NoReturn

import pandas as pd

from models.cells import escape_cell, read_csv_file, unescape_frame
from models.codes import ExplainKind, PlanStatus
from models.collector import collector_paused
from models.errors import InputError, InputErrors
from models.loading import Cut, load_scenario, python_values
from models.previous import read_previous
from models.records import LineKey, Scenario
from planner.engine.backends import mip_backend
from planner.engine.eligibility import Prepared, prepare, tier_keys
from planner.engine.first_in_tier import FirstInTier, ceiling, first_in_tier
from planner.engine.ids import LineId
from planner.io.run_json import solved_from
from planner.result.explain import EXPLAIN_COLUMNS, Fact, fill_target, made_up_first
from planner.result.explain_lots import line_lots
from planner.result.output import MARKER
from planner.result.reasons import reason_words

RESULT_FILES = ("lines.csv", "explain.csv", "summary.json")
LINES_READ = ("order", "line", "item", "unit", "requested", "allocated", "reason", "tier")
"""The columns of lines.csv an explanation reads."""


@dataclass(frozen=True, slots=True)
class LineExplanation:
    """Everything SPEC 10 says about one line of a plan: what it asked and got, its facts from
    explain.csv, and what it could have first in its tier (None for a line that is full)."""

    order: str
    line: str
    item: str
    unit: str
    requested: int
    allocated: int
    reason: str
    tier: str
    warehouses: tuple[str, ...]
    """Where stock would serve it (empty: any warehouse)."""
    rules: tuple[Fact, ...]
    held_by: tuple[Fact, ...]
    relax: tuple[Fact, ...]
    first: FirstInTier | None
    extra_stock: int | None
    fill: int | None
    """The most it can ever hold (reservations and whole packs of the rest), with `first`."""
    made_up: str
    """What extra stock makes up first (safety stock its lots lack), as extra_stock's detail says."""

    @property
    def name(self) -> str:
        return f"{self.order}/{self.line}"


@collector_paused()
def explain_lines(
    scenario: Scenario,
    folder: Path,
    keys: Sequence[LineKey] | None = None,
    time_limit: float | None = None,
    part: bool = False,
) -> list[LineExplanation]:
    """The explanation of each line of `keys` (None: every participating line that is not full) of
    the plan in `folder`, which must be a planner result for `scenario` (InputErrors otherwise).
    `part`: `scenario` is only the part of the folder's scenario around `keys` (`scenario_around`),
    so its lines are not compared with the folder's."""
    folder = Path(folder)
    options = _result_record(scenario, folder).get("options")
    previous = options.get("previous") if isinstance(options, dict) else None
    if scenario.previous is None and isinstance(previous, str):
        scenario = scenario.replace(previous=read_previous(previous))
    table = read_csv_file(folder / "lines.csv", LINES_READ)
    keyed = list(zip(table["order"].tolist(), table["line"].tolist()))
    if not part and (
        len(keyed) != len(scenario.lines) or set(keyed) != {(ln.order, ln.line) for ln in scenario.lines}
    ):
        _refuse(
            folder / "lines.csv",
            f"its lines are not the scenario's ({len(keyed)} against {len(scenario.lines)})",
        )
    given = table["allocated"].astype("int64").to_numpy()
    allocated = dict(zip(keyed, given.tolist()))
    wanting = (table["tier"] != "").to_numpy() & (given < table["requested"].astype("int64").to_numpy())
    short = [keyed[i] for i in wanting.nonzero()[0]]
    chosen = list(short if keys is None else keys)
    row_of = {key: i for i, key in enumerate(keyed)}
    unknown = [f"{o}/{ln}" for o, ln in chosen if (o, ln) not in row_of]
    if unknown:
        _refuse(folder / "lines.csv", f"no line {', '.join(unknown)}")
    facts = _facts(folder / "explain.csv", set(chosen))
    proved = (
        json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("status") == PlanStatus.OPTIMAL
    )
    out = []
    is_short = set(short)
    for key in chosen:
        first = _first_in_tier(scenario, key, allocated, proved, time_limit) if key in is_short else None
        row = {str(c): str(v) for c, v in table.iloc[row_of[key]].items()}
        out.append(_explanation(scenario, key, row, facts.get(key, []), first))
    return out


def _refuse(path: Path, message: str) -> NoReturn:
    raise InputErrors([InputError(str(path), None, None, message)])


def _result_record(scenario: Scenario, folder: Path) -> dict[str, object]:
    """The folder's run.json, when it is a planner result of this scenario."""
    missing = [name for name in (MARKER, *RESULT_FILES) if not (folder / name).is_file()]
    if missing:
        _refuse(folder, f"not a planner result folder with explain.csv (no {', '.join(missing)})")
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _refuse(folder / MARKER, f"cannot be read: {exc}")
    if not isinstance(record, dict) or record.get("scenario") != scenario.name:
        said = record.get("scenario") if isinstance(record, dict) else None
        _refuse(folder / MARKER, f"is the result of scenario {said!r}, not {scenario.name!r}")
    return record


def _facts(path: Path, keys: set[LineKey]) -> dict[LineKey, list[Fact]]:
    """explain.csv's rows of the lines `keys`."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    wanted = {escape_cell(order) for order, _ in keys}
    table = unescape_frame(raw[raw["order"].isin(wanted)]) if "order" in raw.columns else unescape_frame(raw)
    missing = [c for c in EXPLAIN_COLUMNS if c not in table.columns]
    if missing:
        _refuse(path, f"lacks column(s) {', '.join(missing)}")
    columns = [[str(v) for v in table[c]] for c in EXPLAIN_COLUMNS]
    out: dict[LineKey, list[Fact]] = defaultdict(list)
    rows = zip([int(i) + 2 for i in table.index], *columns)
    for number, order, line, kind, lot, other_order, other_line, quantity, detail in rows:
        if (order, line) not in keys:
            continue
        try:
            fact = Fact(order, line, ExplainKind(kind), lot, other_order, other_line, int(quantity), detail)
        except ValueError:
            _refuse(path, f"row {number}: kind {kind!r} or quantity {quantity!r} is not explain.csv's")
        out[(order, line)].append(fact)
    return out


def scenario_around(path: Path, folder: Path, keys: Sequence[LineKey]) -> tuple[Scenario, bool]:
    """The scenario at `path` to explain the lines `keys` of the plan in `folder` with, and whether it
    is only their part (`explain_lines`' `part`): only the lines and lots that can be `around` one of
    them when the folder is what a solve of this planner version wrote from exactly these files
    (planner.io.run_json.solved_from: they were validated then) and not a re-plan; else the whole
    scenario, validated (InputErrors)."""
    if keys and solved_from(folder, path):
        options = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("options")
        if not (isinstance(options, dict) and options.get("previous")):
            return load_scenario(path, _cut_around(keys)), True
    return load_scenario(path), False


def _cut_around(keys: Sequence[LineKey]) -> Cut:
    """The lines and lots `around` any line of `keys` keeps, of the whole scenario (kept whole when
    it is a re-plan). Around each of them the part holds what the whole scenario holds, so `around`
    finds the same part in it (every line it reaches there, and every lot of their items, is kept;
    the other tables are whole)."""

    def cut(
        scenario: Scenario, lines: pd.DataFrame, lots: pd.DataFrame
    ) -> tuple[pd.Series, pd.Series] | None:
        if scenario.previous is not None:
            return None
        columns = _LineColumns(
            list(zip(lines["order"].tolist(), lines["line"].tolist())),
            lines["item"].tolist(),
            python_values(lines["ship_date"]),
            python_values(lines["priority"]),
        )
        rows: set[int] = set()
        items: set[str] = set()
        for key in keys:
            if key in columns.keys:  # another is refused as not in lines.csv
                tied, reached = _tied(scenario, columns, key, None)
                rows |= tied
                items |= reached
        kept = pd.Series(False, index=lines.index)
        kept.iloc[sorted(rows)] = True
        return kept, lots["item"].isin(items)

    return cut


@dataclass(frozen=True, slots=True)
class _LineColumns:
    """What `around` reads of each line of a scenario, a field a list (of records or of a table)."""

    keys: list[LineKey]
    items: list[str]
    ship_dates: list[date]
    priorities: list[int | None]
    """None: the order's."""


def around(scenario: Scenario, key: LineKey) -> Scenario:
    """The part of the scenario that can matter to what one line could have first in its tier: the
    lines that compete before it (earlier tiers, the lines of full-delivery orders with an earlier
    line, lines with stock fixed before the tiers: reservations, pins, printed and kept lines) tied to it
    by the items whose lots they may use (alternates and kit components included) and by
    full-delivery orders, with those items' lots. The other lines share no stock with it or get
    nothing in that plan."""
    orders = {o.order: o for o in scenario.orders}
    held = (
        None
        if scenario.previous is None
        else [
            bool(scenario.keeps(orders[line.order], line) or line.printed or orders[line.order].printed)
            for line in scenario.lines
        ]
    )
    columns = _LineColumns(
        [line.key for line in scenario.lines],
        [line.item for line in scenario.lines],
        [line.ship_date for line in scenario.lines],
        [line.priority for line in scenario.lines],
    )
    lines, items = _tied(scenario, columns, key, held)
    chosen = [scenario.lines[i] for i in sorted(lines)]
    order_ids = {line.order for line in chosen}
    line_keys = {columns.keys[i] for i in lines}
    lots = tuple(lot for lot in scenario.lots if lot.item in items)
    lot_ids = {lot.lot for lot in lots}
    return scenario.replace(
        lines=tuple(chosen),
        orders=tuple(o for o in scenario.orders if o.order in order_ids),
        lots=lots,
        # a reservation on a lot of another item is ignored (the lot may not serve the line)
        reservations=tuple(
            r for r in scenario.reservations if (r.order, r.line) in line_keys and r.lot in lot_ids
        ),
        pins=tuple(p for p in scenario.pins if p.key in line_keys),
        safety_stock=tuple(s for s in scenario.safety_stock if s.item in items),
    )


def _tied(
    scenario: Scenario, lines: _LineColumns, key: LineKey, held: list[bool] | None
) -> tuple[set[int], set[str]]:
    """The lines `around` the line `key` keeps (positions in `lines`, the scenario's lines, which
    it need not hold itself) and the items whose lots it keeps. `held`: on a re-plan, whether each
    line keeps or is printed (None: not a re-plan)."""
    giving = _reach(scenario)
    orders = {o.order: o for o in scenario.orders}
    priorities = [
        orders[order].priority if priority is None else priority
        for (order, _), priority in zip(lines.keys, lines.priorities)
    ]
    tiers = tier_keys(scenario.objective_key, lines.ship_dates, priorities)
    start = lines.keys.index(key)
    before = [tier < tiers[start] for tier in tiers]
    full = {o.order for o in scenario.orders if o.full_delivery}
    needed = {order for (order, _), early in zip(lines.keys, before) if early and order in full}
    fixed = {(r.order, r.line) for r in scenario.reservations} | {p.key for p in scenario.pins}
    # a pinned line, and every line of a full-delivery order with one, is solved before the tiers
    needed |= {p.order for p in scenario.pins if p.order in full}
    competing = [
        early or i == start or order in needed or lines.keys[i] in fixed or (held is not None and held[i])
        for i, ((order, _), early) in enumerate(zip(lines.keys, before))
    ]
    of_item: dict[str, list[int]] = defaultdict(list)
    lines_of_order: dict[str, list[int]] = defaultdict(list)
    for i in compress(range(len(competing)), competing):
        of_item[lines.items[i]].append(i)
        lines_of_order[lines.keys[i][0]].append(i)
    # the competing lines that may use an item's lots: those of each item giving it (each item's once)
    users: dict[str, list[str]] = defaultdict(list)
    for own in of_item:
        for used in giving(own):
            users[used].append(own)
    tied, todo = {start}, [start]
    items: set[str] = set()
    while todo:
        at = todo.pop()
        order = lines.keys[at][0]
        others = list(lines_of_order[order]) if order in full else []
        for item in giving(lines.items[at]) - items:
            items.add(item)
            for own in users[item]:
                others += of_item[own]
        for other in others:
            if other not in tied:
                tied.add(other)
                todo.append(other)
    return tied, items


def alone(scenario: Scenario, key: LineKey) -> Scenario:
    """The line by itself, with its order, its own reservations and pins, and the lots of the items
    it may use, but no other line and no safety stock: each of those lots has at least the stock it
    has in the whole scenario, so the line's `ceiling` there bounds its first_in_tier there."""
    line = next(ln for ln in scenario.lines if (ln.order, ln.line) == key)
    items = _reach(scenario)(line.item)
    lots = tuple(lot for lot in scenario.lots if lot.item in items)
    lot_ids = {lot.lot for lot in lots}
    return scenario.replace(
        lines=(line,),
        orders=tuple(o for o in scenario.orders if o.order == line.order),
        lots=lots,
        reservations=tuple(r for r in scenario.reservations if (r.order, r.line) == key and r.lot in lot_ids),
        pins=tuple(p for p in scenario.pins if p.key == key),
        safety_stock=(),
    )


def _reach(scenario: Scenario) -> Callable[[str], set[str]]:
    """The items whose lots a line of an item may use: the item or its kit's components, and their
    alternates (each item's found once)."""
    kits: dict[str, list[str]] = defaultdict(list)
    for k in scenario.kits:
        kits[k.kit].append(k.component)
    alternates: dict[str, list[str]] = defaultdict(list)
    for a in scenario.alternates:
        alternates[a.item].append(a.alternate)
    given: dict[str, set[str]] = {}

    def giving(item: str) -> set[str]:
        if item not in given:
            parts = kits.get(item, [item])
            given[item] = {*parts, *(alt for part in parts for alt in alternates.get(part, ()))}
        return given[item]

    return giving


def _first_in_tier(
    scenario: Scenario, key: LineKey, allocated: dict[LineKey, int], proved: bool, time_limit: float | None
) -> tuple[FirstInTier, int, str]:
    """The line's first_in_tier, what fills it and what extra stock makes up first (extra_stock's
    detail): from the line by itself when the plan already gives it its ceiling there, else
    computed on the part of the scenario around it (also for that detail where safety stock may
    lack: the line by itself has none)."""
    by_itself = prepare(alone(scenario, key)).reported()
    alone_at = next(i for i, line in enumerate(by_itself.lines) if line.key == key)
    line = by_itself.lines[alone_at]
    got = allocated[key] - line.reserved
    settled = None
    if ceiling(by_itself, LineId(alone_at)) == got:
        settled = FirstInTier(line.reserved + got, line.reserved + got, proved)
        items = {lot.item for lot in by_itself.lots}
        held = any(i.safety_stock for i in scenario.items if i.item in items) or any(
            s.item in items for s in scenario.safety_stock
        )
        if fill_target(line) <= settled.quantity or not held:
            return settled, fill_target(line), ""
    prep: Prepared = prepare(around(scenario, key)).reported()
    li = next(i for i, line in enumerate(prep.lines) if line.key == key)
    first, fill = settled, fill_target(line)
    if first is None:
        added = {
            m: allocated[line.key] - line.reserved for m, line in enumerate(prep.lines) if line.takes_part
        }
        backend = mip_backend(scenario.solver.name)
        first = first_in_tier(prep, added, [li], backend, time_limit, proved)[li]
        fill = fill_target(prep.lines[li])
    return first, fill, made_up_first(prep, line_lots(prep, [li]), li) if fill > first.quantity else ""


def _explanation(
    scenario: Scenario,
    key: LineKey,
    row: dict[str, str],
    facts: list[Fact],
    counterfactual: tuple[FirstInTier, int, str] | None,
) -> LineExplanation:
    line = next(ln for ln in scenario.lines if ln.key == key)
    order = next(o for o in scenario.orders if o.order == line.order)
    first, fill, made_up = counterfactual if counterfactual is not None else (None, None, "")
    extra = None if first is None or fill is None else max(0, fill - first.quantity)
    by_kind: dict[ExplainKind, list[Fact]] = defaultdict(list)
    for f in facts:
        by_kind[f.kind].append(f)
    return LineExplanation(
        key[0],
        key[1],
        row["item"],
        row.get("unit", ""),
        int(row["requested"]),
        int(row["allocated"]),
        row["reason"],
        row["tier"],
        line.warehouses if line.warehouses is not None else order.warehouses,
        tuple(by_kind[ExplainKind.RULE]),
        tuple(by_kind[ExplainKind.HELD_BY]),
        tuple(by_kind[ExplainKind.RELAX]),
        first,
        extra,
        fill,
        made_up,
    )


def in_words(e: LineExplanation) -> str:
    """The explanation as a planner reads it (SPEC 10's example), one group per line of text."""
    unit = f" {e.unit}" if e.unit and e.unit != "pcs" else ""
    text = [f"{e.name} ({e.item}, tier {e.tier or '-'}): {e.requested}{unit} asked, {e.allocated} given."]
    if e.allocated >= e.requested or not e.tier:
        text[0] += f" {reason_words(e.reason)}" if e.reason else " It is full."
        return "\n".join(text)
    why = [_rule_words(f) for f in e.rules]
    text.append(f"  Why: {reason_words(e.reason)}" + (f" ({'; '.join(why)})" if why else ""))
    if e.held_by:
        held = [
            f"{f.lot}: {f.quantity} held by {f.other_order}/{f.other_line} ({f.detail})" for f in e.held_by
        ]
        text.append("  Held by: " + "; ".join(held))
    else:
        text.append("  Held by: no other line holds stock it may use.")
    if e.first is not None and e.extra_stock is not None:
        proof = "" if e.first.proved else f" (not proved: at most {e.first.bound})"
        text.append(f"  First in its tier it could have {e.first.quantity}{proof}.")
        where = f", in {' or '.join(e.warehouses)}" if e.warehouses else ""
        if e.extra_stock:
            first_made_up = f", {e.made_up}" if e.made_up else ""
            text.append(f"  Extra stock: it needs {e.extra_stock} more of {e.item}{where}{first_made_up}.")
        elif e.fill is not None and e.fill < e.requested:
            text.append(f"  Extra stock: none would help; {e.fill} is the most whole packs allow.")
        else:
            text.append("  Extra stock: none; first in its tier it would be full.")
    for f in e.relax:
        text.append(f"  Relax {f.detail}: lifting that filter alone would free {f.quantity}{unit} for it.")
    return "\n".join(text)


def _rule_words(f: Fact) -> str:
    if f.other_order:
        return f"{f.other_order}/{f.other_line} lacks {f.quantity}: {f.detail}"
    if f.detail == "free":
        return f"it must ship whole and {f.quantity} are free"
    return f"{f.quantity} {f.detail}"

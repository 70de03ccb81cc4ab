"""Why a line of a written plan is short, and what would fill it (SPEC 10), one line at a time.

`explain_lines(scenario, folder, keys)` reads the result folder's lines.csv and explain.csv and
computes each chosen line's first_in_tier on the part of the scenario that can matter to it (the
lines and lots of the items it is tied to through lots, alternates, kits and full-delivery
orders), so that one line of a large plan answers quickly; `in_words` says it as a planner reads it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from models.cells import read_csv_file
from models.codes import ExplainKind, PlanStatus
from models.collector import collector_paused
from models.errors import InputError, InputErrors
from models.loading import TrustedTables, load_scenario, load_trusted
from models.previous import read_previous
from models.records import Line, LineKey, Scenario
from planner.engine.backends import DeferredBackend
from planner.engine.eligibility import Prepared, earlier_tiers, prepare
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
    scenario: Scenario | TrustedTables,
    folder: Path,
    keys: Sequence[LineKey] | None = None,
    time_limit: float | None = None,
) -> list[LineExplanation]:
    """The explanation of each line of `keys` (None: every participating line that is not full) of
    the plan in `folder`, which must be a planner result for `scenario` (InputErrors otherwise).
    Trusted tables (`scenario_around`) give only the parts around the lines as records, and their
    lines are not compared with the folder's."""
    folder = Path(folder)
    trusted = isinstance(scenario, TrustedTables)  # its lines are only parts: not compared
    whole = scenario.scenario if isinstance(scenario, TrustedTables) else scenario
    options = _result_record(whole, folder).get("options")
    previous = options.get("previous") if isinstance(options, dict) else None
    if whole.previous is None and isinstance(previous, str):  # a re-plan's part needs its held lines
        if isinstance(scenario, TrustedTables):
            scenario = scenario.part(np.ones(len(scenario.lines), bool), np.ones(len(scenario.lots), bool))
        scenario = scenario.replace(previous=read_previous(previous))
    table = read_csv_file(folder / "lines.csv", LINES_READ)
    keyed = list(zip(table["order"].tolist(), table["line"].tolist()))
    if (
        not trusted
        and isinstance(scenario, Scenario)
        and (
            len(keyed) != len(scenario.lines) or set(keyed) != {(ln.order, ln.line) for ln in scenario.lines}
        )
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
    parts = _Parts(scenario)
    out = []
    is_short = set(short)
    for key in chosen:
        first = _first_in_tier(parts, key, allocated, proved, time_limit) if key in is_short else None
        row = {str(c): str(v) for c, v in table.iloc[row_of[key]].items()}
        out.append(_explanation(parts.alone(key), row, facts.get(key, []), first))
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
    table = read_csv_file(path)
    missing = [c for c in EXPLAIN_COLUMNS if c not in table.columns]
    if missing:
        _refuse(path, f"lacks column(s) {', '.join(missing)}")
    table = table[table["order"].isin({order for order, _ in keys})]
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


def scenario_around(path: Path, folder: Path, keys: Sequence[LineKey]) -> Scenario | TrustedTables:
    """The scenario at `path` to explain the lines `keys` of the plan in `folder` with: its tables
    trusted (`load_trusted`, so that only the parts around the lines become records) when the folder
    is what a solve of this planner version wrote from exactly these files (planner.io.run_json.
    solved_from: they were validated then) and not a re-plan; else the whole scenario, validated
    (InputErrors)."""
    if keys and solved_from(folder, path):
        options = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("options")
        if not (isinstance(options, dict) and options.get("previous")):
            return load_trusted(path)
    return load_scenario(path)


class _Parts:
    """The parts of a scenario a line is explained on, the line by itself (`alone`) and the part
    around it (`around`): of the whole scenario, or of trusted tables, where only the rows of the
    part become records (around a line the part holds what the whole scenario holds, so `alone`
    finds the same line in it)."""

    def __init__(self, source: Scenario | TrustedTables) -> None:
        self.scenario = source.scenario if isinstance(source, TrustedTables) else source
        """The scenario (of trusted tables: without lines and lots)."""
        self._trusted = None
        if isinstance(source, TrustedTables):
            self._trusted = source, _LineColumns.of_table(source.lines)
        self._alone: dict[LineKey, Scenario] = {}

    def alone(self, key: LineKey) -> Scenario:
        if key not in self._alone:
            source = self.scenario
            if self._trusted is not None:
                tables, columns = self._trusted
                at = self._position(key)
                rows = np.zeros(len(tables.lines), dtype=bool)
                rows[at] = True
                source = self._rows(rows, set(_reach(self.scenario, columns.items.iloc[[at]])["gives"]))
            self._alone[key] = alone(source, key)
        return self._alone[key]

    def around(self, key: LineKey) -> Scenario:
        if self._trusted is None:
            return around(self.scenario, key)
        rows, items = _tied(self.scenario, self._trusted[1], self._position(key), None)
        part = self._rows(rows, items)
        return _of_lines(part, part.lines, items)

    def _position(self, key: LineKey) -> int:
        assert self._trusted is not None
        at = self._trusted[1].find(key)
        assert at is not None, key  # explain_lines refuses a line that lines.csv lacks
        return at

    def _rows(self, rows: np.ndarray, items: set[str]) -> Scenario:
        """Of the trusted tables, the scenario of these lines' rows and of the lots of `items`."""
        assert self._trusted is not None
        tables = self._trusted[0]
        return tables.part(rows, tables.lots["item"].isin(items).to_numpy(dtype=bool))


@dataclass(frozen=True, slots=True)
class _LineColumns:
    """What `around` reads of the scenario's lines, a column each (of its records or of its table)."""

    orders: pd.Series
    lines: pd.Series
    items: pd.Series
    ship_dates: np.ndarray
    priorities: pd.Series
    """Missing: the order's."""

    @classmethod
    def of_table(cls, lines: pd.DataFrame) -> _LineColumns:
        """Of the lines' parsed table (`load_trusted`)."""
        return cls(
            lines["order"], lines["line"], lines["item"], lines["ship_date"].to_numpy(), lines["priority"]
        )

    @classmethod
    def of(cls, scenario: Scenario) -> _LineColumns:
        lines = scenario.lines
        return cls(
            pd.Series([ln.order for ln in lines], dtype="str"),
            pd.Series([ln.line for ln in lines], dtype="str"),
            pd.Series([ln.item for ln in lines], dtype="str"),
            np.array([ln.ship_date for ln in lines], dtype=object),
            pd.Series([ln.priority for ln in lines], dtype="Int64"),
        )

    def find(self, key: LineKey) -> int | None:
        """The position of the line `key`, if there is one."""
        found = np.flatnonzero((self.orders == key[0]).to_numpy() & (self.lines == key[1]).to_numpy())
        return int(found[0]) if len(found) else None


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
        else np.array(
            [
                bool(scenario.keeps(orders[line.order], line) or line.printed or orders[line.order].printed)
                for line in scenario.lines
            ],
            dtype=bool,
        )
    )
    columns = _LineColumns.of(scenario)
    at = columns.find(key)
    assert at is not None, key
    tied, items = _tied(scenario, columns, at, held)
    return _of_lines(scenario, [scenario.lines[i] for i in np.flatnonzero(tied)], items)


def _of_lines(scenario: Scenario, chosen: Sequence[Line], items: set[str]) -> Scenario:
    """The scenario of the lines `chosen` and the lots of `items`, with the orders, reservations,
    pins and safety stock that belong to them."""
    order_ids = {line.order for line in chosen}
    line_keys = {line.key for line in chosen}
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
    scenario: Scenario, lines: _LineColumns, at: int, held: np.ndarray | None
) -> tuple[np.ndarray, set[str]]:
    """Which lines `around` the line at position `at` keeps (of `lines`, the scenario's lines, which
    it need not hold itself), and the items whose lots it keeps. `held`: on a re-plan, whether each
    line keeps or is printed (None: not a re-plan).

    The competing lines are tied through their own items: a line's item is tied to the items whose
    lots it may use, and to the other items of a full-delivery order it has a line in; the lines
    kept are the competing lines whose item is tied to the line's item (every item gives some
    lots, so two lines of one item are tied), and the items kept are those their items use."""
    orders = {o.order: o for o in scenario.orders}
    order_code, order_names = pd.factorize(lines.orders)
    of_order = [orders[o] for o in order_names]
    full = np.array([o.full_delivery for o in of_order], dtype=bool)[order_code]
    own = lines.priorities
    priorities = np.where(
        own.isna().to_numpy(),
        np.array([o.priority for o in of_order], dtype=np.int64)[order_code],
        own.fillna(0).to_numpy(dtype=np.int64),
    )
    before = earlier_tiers(scenario.objective_key, lines.ship_dates, priorities, at)
    # a full-delivery order with an earlier line competes whole, and so does one with a pin: a
    # pinned line, and every line of a full-delivery order with one, is solved before the tiers
    needed = np.zeros(len(order_names), dtype=bool)
    needed[order_code[before & full]] = True
    pinned = order_names.get_indexer(pd.Index([p.order for p in scenario.pins], dtype="str"))
    needed[pinned[pinned >= 0]] = True
    competing = before | (needed[order_code] & full) | _fixed(scenario, lines, order_code, order_names)
    if held is not None:
        competing |= held
    competing[at] = True
    item_code, item_names = pd.factorize(lines.items)
    reach = _reach(scenario, lines.items[competing])
    use_item = item_names.get_indexer(pd.Index(reach["item"]))
    use_stock, stock_names = pd.factorize(reach["gives"])
    member = competing & full
    member_item, member_order = item_code[member], order_code[member]
    tied = np.zeros(len(item_names), dtype=bool)
    tied[item_code[at]] = True
    stock = np.zeros(len(stock_names), dtype=bool)
    reached = np.zeros(len(order_names), dtype=bool)
    while True:
        stock[use_stock[tied[use_item]]] = True
        reached[member_order[tied[member_item]]] = True
        grown = tied.copy()
        grown[use_item[stock[use_stock]]] = True
        grown[member_item[reached[member_order]]] = True
        if np.array_equal(grown, tied):
            break
        tied = grown
    return competing & tied[item_code], set(stock_names[stock].tolist())


def _fixed(
    scenario: Scenario, lines: _LineColumns, order_code: np.ndarray, order_names: pd.Index
) -> np.ndarray:
    """Which lines have stock fixed before the tiers (reservations, pins)."""
    keys = {(r.order, r.line) for r in scenario.reservations} | {p.key for p in scenario.pins}
    of_orders = np.zeros(len(order_names), dtype=bool)
    codes = order_names.get_indexer(pd.Index(sorted({order for order, _ in keys}), dtype="str"))
    of_orders[codes[codes >= 0]] = True
    maybe = np.flatnonzero(of_orders[order_code])
    fixed = np.zeros(len(order_code), dtype=bool)
    candidates = zip(order_names[order_code[maybe]].tolist(), lines.lines.iloc[maybe].tolist())
    fixed[maybe] = [key in keys for key in candidates]
    return fixed


def alone(scenario: Scenario, key: LineKey) -> Scenario:
    """The line by itself, with its order, its own reservations and pins, and the lots of the items
    it may use, but no other line and no safety stock: each of those lots has at least the stock it
    has in the whole scenario, so the line's `ceiling` there bounds its first_in_tier there."""
    line = next(ln for ln in scenario.lines if (ln.order, ln.line) == key)
    items = set(_reach(scenario, pd.Series([line.item], dtype="str"))["gives"].tolist())
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


def _reach(scenario: Scenario, items: pd.Series) -> pd.DataFrame:
    """Of each item of `items`, the items whose lots a line of it may use (a row per pair, columns
    item and gives, pairs perhaps twice): the item or its kit's components, and their alternates."""
    own = pd.DataFrame({"item": items.drop_duplicates().to_numpy()}, dtype="str")
    kits = pd.DataFrame([(k.kit, k.component) for k in scenario.kits], columns=["item", "part"], dtype="str")
    parts = own.merge(kits, on="item", how="left")
    parts["part"] = parts["part"].fillna(parts["item"])
    alternates = pd.DataFrame(
        [(a.item, a.alternate) for a in scenario.alternates], columns=["part", "gives"], dtype="str"
    )
    also = parts.merge(alternates, on="part")[["item", "gives"]]
    return pd.concat([parts.set_axis(["item", "gives"], axis=1), also], ignore_index=True)


def _first_in_tier(
    parts: _Parts, key: LineKey, allocated: dict[LineKey, int], proved: bool, time_limit: float | None
) -> tuple[FirstInTier, int, str]:
    """The line's first_in_tier, what fills it and what extra stock makes up first (extra_stock's
    detail): from the line by itself when the plan already gives it its ceiling there, else
    computed on the part of the scenario around it (also for that detail where safety stock may
    lack: the line by itself has none)."""
    scenario = parts.scenario
    by_itself = prepare(parts.alone(key)).reported()
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
    prep: Prepared = prepare(parts.around(key)).reported()
    li = next(i for i, line in enumerate(prep.lines) if line.key == key)
    first, fill = settled, fill_target(line)
    if first is None:
        added = {
            m: allocated[line.key] - line.reserved for m, line in enumerate(prep.lines) if line.takes_part
        }
        backend = DeferredBackend(scenario.solver.name)
        first = first_in_tier(prep, added, [li], backend, time_limit, proved)[li]
        fill = fill_target(prep.lines[li])
    return first, fill, made_up_first(prep, line_lots(prep, [li]), li) if fill > first.quantity else ""


def _explanation(
    by_itself: Scenario,
    row: dict[str, str],
    facts: list[Fact],
    counterfactual: tuple[FirstInTier, int, str] | None,
) -> LineExplanation:
    """The explanation of the line of `by_itself` (its `alone` part)."""
    (line,), (order,) = by_itself.lines, by_itself.orders
    key = line.key
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

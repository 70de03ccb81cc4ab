"""The lots of their items to the short lines, as arrays, transcribed apart from the engine: for
explain.csv's check (planner.check.explain), per stocking part of each line its items' lots, which
SPEC 3 filters each fails, and so which lots the optimiser may give it (`Facts.may_add`) and what
one filter alone keeps from it (`relax`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from models.arrays import ranges
from models.records import Line, Lot
from planner.check.facts import Facts
from planner.check.slack import Slack
from planner.check.tables import PlanTables

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

FILTER_NAMES = ("status", "expired", "warehouses", "owners", "pnp", "due")


@dataclass(frozen=True)
class Candidates:
    """One row per (line, stocking part, lot of an item serving the part): `line` (a position in
    the lines given), `lot` (a position in `Facts.scenario.lots`), and per row which filters of
    FILTER_NAMES the lot fails for the line."""

    line: Ints
    lot: Ints
    failed: npt.NDArray[np.bool_]
    part: Ints
    """Per row, its (line, part): an index into `part_line` and `part_units`."""
    part_line: Ints
    part_units: Ints
    """Units of the part per line unit."""

    def open_rows(self, facts: Facts, lines: Sequence[Line]) -> Bools:
        """Per row, whether the optimiser may give the row's line its lot (`Facts.may_add`): the lot
        may serve the line (SPEC 3), the line is not `only`, and the lot is not pinned to it (SPEC 9)."""
        ok: Bools = np.logical_not(self.failed.any(axis=1))
        if facts.pins or facts.only:
            n = len(facts.scenario.lots)
            position = facts.lot_at
            shut = [
                i * n + position[lot]
                for i, line in enumerate(lines)
                if line.key in facts.pins
                for lot in facts.pins[line.key]
                if lot in position
            ]
            only = [i for i, line in enumerate(lines) if line.key in facts.only]
            ok &= ~np.isin(self.line * n + self.lot, np.array(shut, dtype=np.int64))
            ok &= ~np.isin(self.line, np.array(only, dtype=np.int64))
        return ok

    def usable(self, facts: Facts, lines: Sequence[Line]) -> tuple[Ints, Ints]:
        """The (line, lot) pairs, each once, of the lots the optimiser may give each line (`open_rows`)."""
        n = len(facts.scenario.lots)
        ok = self.open_rows(facts, lines)
        key = np.unique(self.line[ok] * n + self.lot[ok])
        return key // n, key % n

    def stocked(self, facts: Facts, lines: Sequence[Line], taken: Mapping[str, int]) -> Bools:
        """Per line, whether every stocking part of it has a lot the optimiser may give it
        (`open_rows`) with allocable stock left after honoured reservations and what `taken` fixes
        on the lot besides (kits: every stocking component has one): where not, the line's reason
        is no_eligible_stock."""
        left = np.array(
            [
                lot.allocable - facts.reserved_from_lot.get(lot.lot, 0) - taken.get(lot.lot, 0)
                for lot in facts.scenario.lots
            ],
            dtype=np.int64,
        )
        ok = self.open_rows(facts, lines) & (left[self.lot] > 0)
        part_has = np.bincount(self.part[ok], minlength=len(self.part_line)) > 0
        stocked: Bools = np.bincount(self.part_line[~part_has], minlength=len(lines)) == 0
        return stocked

    def held_in_tier(self, facts: Facts, plan: PlanTables, lines: Sequence[Line]) -> Bools:
        """Per line, whether the plan's optimizer rows give another line of its tier (the same
        objective key) some of a lot the optimiser may give the line (`open_rows`)."""
        n = len(facts.scenario.lots)
        position = facts.lot_at
        line_at = {line.key: i for i, line in enumerate(lines)}
        tier_code: dict[tuple[object, ...], int] = {}
        held: list[int] = []
        """tier * n + lot, once for each line holding some of the lot."""
        own: list[int] = []
        """line * n + lot where a given line is such a holder."""
        for lot, holders in plan.optimizer_holders.items():
            if (place := position.get(lot)) is None:
                continue
            for holder in holders:
                if (key := facts.tier_keys.get(holder)) is None:
                    continue
                held.append(tier_code.setdefault(key, len(tier_code)) * n + place)
                if (i := line_at.get(holder)) is not None:
                    own.append(i * n + place)
        tier = np.array([tier_code.get(facts.tier_keys[line.key], -1) for line in lines], dtype=np.int64)
        ok = self.open_rows(facts, lines)
        row_line, row_lot = self.line[ok], self.lot[ok]
        keys, counts = np.unique(np.array(held, dtype=np.int64), return_counts=True)
        wanted = tier[row_line] * n + row_lot
        at = np.searchsorted(keys, wanted)
        found = at < len(keys)
        found[found] = keys[at[found]] == wanted[found]
        others = np.zeros(len(wanted), dtype=np.int64)
        others[found] = counts[at[found]]
        others -= np.isin(row_line * n + row_lot, np.array(own, dtype=np.int64))
        held_by_others: Bools = np.bincount(row_line[others > 0], minlength=len(lines)) > 0
        return held_by_others

    def part_lots(self, facts: Facts, lines: Sequence[Line], i: int) -> list[tuple[str, list[Lot]]]:
        """Line `i`'s stocking parts (sorted by item) with the lots the optimiser may give each:
        they may serve it, the line is not `only`, and the lot is not pinned to it."""
        line, lots = lines[i], facts.scenario.lots
        names = [p for p in facts.serving_items(line) if not facts.is_kit(line) or facts.item(p).stocking]
        shut = facts.pins.get(line.key, {}) if line.key not in facts.only else None
        of_part: list[list[Lot]] = [[] for _ in names]
        first = int(np.searchsorted(self.part_line, i))
        start, end = np.searchsorted(self.line, [i, i + 1])  # rows come line by line
        for row in (start + np.nonzero(~self.failed[start:end].any(axis=1))[0]).tolist():
            lot = lots[int(self.lot[row])]
            if shut is not None and lot.lot not in shut:
                of_part[int(self.part[row]) - first].append(lot)
        return sorted(zip(names, of_part), key=lambda part: part[0])

    def largest_units(self, n: int) -> Ints:
        """Per line of the `n` given, the most units of one stocking part per line unit (1 for a
        line of one item; 1 with no stocking part): what it lacks is counted in units of that."""
        largest = np.ones(n, dtype=np.int64)
        if len(self.part_line):
            starts = np.flatnonzero(np.r_[True, self.part_line[1:] != self.part_line[:-1]])
            largest[self.part_line[starts]] = np.maximum.reduceat(self.part_units, starts)
        return largest

    def relax(self, facts: Facts) -> tuple[Ints, Ints, Ints]:
        """(line, filter, what lifting that filter alone adds to the whole line units its items'
        allocable stock makes: for a kit the fewest over its parts), where that is above 0."""
        if not len(self.part_line):
            return self.part_line, self.part_line, self.part_line
        allocable = np.array([lot.allocable for lot in facts.scenario.lots], dtype=np.int64)[self.lot]
        fails = self.failed.sum(axis=1)
        n_parts = len(self.part_line)
        units = self.part_units.astype(float)
        now = np.bincount(self.part[fails == 0], weights=allocable[fails == 0], minlength=n_parts)
        kits_now = _per_line(self.part_line, np.floor(now / units))
        gains = []
        for f in range(len(FILTER_NAMES)):
            alone = (fails == 1) & self.failed[:, f]
            more = np.bincount(self.part[alone], weights=allocable[alone], minlength=n_parts)
            gains.append(_per_line(self.part_line, np.floor((now + more) / units)) - kits_now)
        gain = np.stack(gains, axis=1)
        at, filter_ = np.nonzero(gain > 0)
        return np.unique(self.part_line)[at], filter_.astype(np.int64), gain[at, filter_].astype(np.int64)

    def free_and_left(self, facts: Facts, lines: Sequence[Line], slack: Slack) -> tuple[Ints, Ints]:
        """Per line, in whole line units (kits: the fewest over its parts), what the optimiser could
        still give it of the lots it may use (within the safety-stock caps: `Slack.free_of`) and
        what the plan leaves in them (`Slack.left_in`)."""
        free, left = self.fewest(len(lines), *self.part_free_and_left(facts, lines, slack), whole=True)
        return free, left

    def fewest(self, n: int, *per_part: Ints, whole: bool) -> list[Ints]:
        """Per line of the `n` given, the fewest of each per-part figure over its stocking parts
        (0 for a line without one); `whole`: each divided into whole line units first."""
        has = np.unique(self.part_line)
        out = []
        for figure in per_part:
            fewest = np.zeros(n, dtype=np.int64)
            if len(has):
                units = figure // self.part_units if whole else figure
                fewest[has] = _per_line(self.part_line, units.astype(float)).astype(np.int64)
            out.append(fewest)
        return out

    def part_free_and_left(self, facts: Facts, lines: Sequence[Line], slack: Slack) -> tuple[Ints, Ints]:
        """Per stocking part of each line, in units: what the optimiser could still give of the lots
        it may use for it (within the safety-stock caps: `Slack.free_of`) and what the plan leaves
        in them (`Slack.left_in`)."""
        lots = facts.scenario.lots
        n_parts = len(self.part_line)
        if not n_parts:
            return self.part_line, self.part_line
        ok = self.open_rows(facts, lines)
        left = np.array([max(0, slack.lot.get(lot.lot, 0)) for lot in lots], dtype=np.int64)
        part, lot = self.part[ok], self.lot[ok]
        kept = np.bincount(part, weights=left[lot], minlength=n_parts).astype(np.int64)
        # per (part, item, warehouse) within its cap, then per (part, item) within the item's
        item, items = pd.factorize(np.array([x.item for x in lots], dtype=object))
        warehouse, warehouses = pd.factorize(np.array([x.warehouse for x in lots], dtype=object))
        n_items, n_sites = len(items), len(items) * len(warehouses)
        item_at = {name: n for n, name in enumerate(items)}
        warehouse_at = {name: n for n, name in enumerate(warehouses)}
        site_cap = np.full(n_sites, -1, dtype=np.int64)
        for (name, site), cap in slack.site_left.items():
            if name in item_at and site in warehouse_at:
                site_cap[item_at[name] * len(warehouses) + warehouse_at[site]] = max(0, cap)
        item_cap = np.full(n_items, -1, dtype=np.int64)
        for name, cap in slack.item_left.items():
            if name in item_at:
                item_cap[item_at[name]] = max(0, cap)
        sites = item * len(warehouses) + warehouse
        per_site, at = np.unique(part * n_sites + sites[lot], return_inverse=True)
        amount = np.bincount(at, weights=left[lot]).astype(np.int64)
        cap = site_cap[per_site % n_sites]
        amount = np.where(cap >= 0, np.minimum(amount, cap), amount)
        per_item, at = np.unique(
            per_site // n_sites * n_items + per_site % n_sites // len(warehouses), return_inverse=True
        )
        amount = np.bincount(at, weights=amount).astype(np.int64)
        cap = item_cap[per_item % n_items]
        capped = np.where(cap >= 0, np.minimum(amount, cap), amount)
        free = np.bincount(per_item // n_items, weights=capped, minlength=n_parts).astype(np.int64)
        return free, kept


def _per_line(part_line: Ints, kits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The fewest of `kits` over each line's parts, lines ascending (`part_line` is: `candidates`)."""
    if not len(part_line):
        return np.zeros(0)
    starts = np.flatnonzero(np.r_[True, part_line[1:] != part_line[:-1]])
    fewest: npt.NDArray[np.float64] = np.minimum.reduceat(kits, starts)
    return fewest


def candidates(facts: Facts, lines: Sequence[Line]) -> Candidates:
    """Every lot of an item serving a stocking part of each line, with the filters it fails."""
    of_item = {
        item: [facts.lot_at[lot.lot] for lot in facts.lots_of_item[item]]
        for item in {item for line in lines for items in facts.serving_items(line).values() for item in items}
        if item in facts.lots_of_item
    }
    # per item asked: its stocking parts' lots, each lot's part among them, and units per part
    layout: dict[str, tuple[Ints, Ints, list[int]]] = {}
    for line in lines:
        if line.item in layout:
            continue
        needs = facts.kits.get(line.item, {line.item: 1})
        found: list[int] = []
        part_of: list[int] = []
        units: list[int] = []
        for part, items in facts.serving_items(line).items():
            if facts.is_kit(line) and not facts.item(part).stocking:
                continue
            for item in sorted(items):
                found += of_item.get(item, [])
                part_of += [len(units)] * len(of_item.get(item, []))
            units.append(needs[part])
        layout[line.item] = (np.array(found, dtype=np.int64), np.array(part_of, dtype=np.int64), units)
    # per line, its item's layout: rows item_lot[start:end], parts part_start .. + count
    item_code = {item: n for n, item in enumerate(layout)}
    code = np.array([item_code[line.item] for line in lines], dtype=np.int64)
    found_all = [lots_ for lots_, _, _ in layout.values()]
    counts = np.array([len(lots_) for lots_ in found_all], dtype=np.int64)
    item_lot = np.concatenate([np.zeros(0, dtype=np.int64), *found_all])
    item_part = np.concatenate([np.zeros(0, dtype=np.int64), *(part for _, part, _ in layout.values())])
    item_start = np.cumsum(counts) - counts
    n_units = np.array([len(each) for _, _, each in layout.values()], dtype=np.int64)
    item_units = np.array([u for _, _, each in layout.values() for u in each], dtype=np.int64)
    units_start = np.cumsum(n_units) - n_units
    line_parts = n_units[code]
    part_start = np.cumsum(line_parts) - line_parts
    line_, row = ranges(item_start[code], item_start[code] + counts[code])
    lot_ = item_lot[row]
    part_at = item_part[row] + part_start[line_]
    part_line, unit_at = ranges(units_start[code], units_start[code] + line_parts)
    part_units = item_units[unit_at]
    return Candidates(
        line_,
        lot_,
        _failed(facts, lines, line_, lot_),
        part_at,
        part_line,
        part_units,
    )


def _outside(
    lists: Sequence[tuple[str, ...]],
    values: Sequence[str],
    line: Ints,
    lot: Ints,
    allows: Callable[[tuple[str, ...], str], bool],
) -> Bools:
    """Per row, whether its line's list (`lists`, per line) keeps out its lot's value (`values`,
    per lot): `allows` is asked once per distinct (list, value)."""
    list_code: dict[tuple[str, ...], int] = {}
    line_list = np.array([list_code.setdefault(names, len(list_code)) for names in lists], dtype=np.int64)
    value_code: dict[str, int] = {}
    lot_value = np.array([value_code.setdefault(v, len(value_code)) for v in values], dtype=np.int64)
    kept = np.array([[not allows(names, v) for v in value_code] for names in list_code], dtype=bool).reshape(
        len(list_code), len(value_code)
    )
    return kept[line_list[line], lot_value[lot]]


def _failed(facts: Facts, lines: Sequence[Line], line: Ints, lot: Ints) -> Bools:
    """Per row and filter of FILTER_NAMES, whether the filter keeps the row's lot from its line."""
    if not len(line):
        return np.zeros((0, len(FILTER_NAMES)), dtype=bool)
    lots, today, company = facts.scenario.lots, facts.today, facts.scenario.company
    orders = [facts.orders[ln.order] for ln in lines]
    warehouses = [
        ln.warehouses if ln.warehouses is not None else o.warehouses for ln, o in zip(lines, orders)
    ]
    owners = [ln.owners if ln.owners is not None else o.owners for ln, o in zip(lines, orders)]
    lot_warehouse = [x.warehouse for x in lots]
    lot_owner = [x.owner if x.owner or not company else company for x in lots]
    listed = np.stack(
        [
            _outside(warehouses, lot_warehouse, line, lot, lambda names, w: not names or w in names),
            _outside(
                owners,
                lot_owner,
                line,
                lot,
                lambda names, who: (
                    (who in names or "*" in names) if names else (not company or who == company)
                ),
            ),
        ],
        axis=1,
    )
    status = np.array([x.status != "available" for x in lots])[lot]
    expired = np.array([x.expires is not None and x.expires < today for x in lots])[lot]
    pnp = np.array([ln.requires_pnp for ln in lines])[line] & ~np.array([x.pnp for x in lots])[lot]
    counted = np.array(
        [-1 if x.due is None else max(x.due, today).toordinal() for x in lots], dtype=np.int64
    )[lot]
    ships = np.array([ln.ship_date.toordinal() for ln in lines], dtype=np.int64)[line]
    return np.stack([status, expired, listed[:, 0], listed[:, 1], pnp, counted > ships], axis=1)

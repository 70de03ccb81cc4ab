"""The lots of their items to the short lines, as arrays, transcribed apart from the engine: for
explain.csv's check (planner.check.explain), per stocking part of each line its items' lots, which
SPEC 3 filters each fails, and so which lots the optimiser may give it (`Facts.may_add`) and what
one filter alone keeps from it (`relax`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from models.records import Line
from planner.check.facts import Facts

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

    def usable(self, facts: Facts, lines: Sequence[Line]) -> tuple[Ints, Ints]:
        """The (line, lot) pairs, each once, of the lots the optimiser may give each line: they may
        serve it, the line is not `only`, and the lot is not pinned to it."""
        n = len(facts.scenario.lots)
        ok = ~self.failed.any(axis=1)
        key = np.unique(self.line[ok] * n + self.lot[ok])
        position = {lot.lot: i for i, lot in enumerate(facts.scenario.lots)}
        shut = [
            i * n + position[lot]
            for i, line in enumerate(lines)
            if line.key in facts.pins
            for lot in facts.pins[line.key]
            if lot in position
        ]
        only = [i for i, line in enumerate(lines) if line.key in facts.only]
        key = key[
            ~np.isin(key, np.array(shut, dtype=np.int64)) & ~np.isin(key // n, np.array(only, dtype=np.int64))
        ]
        return key // n, key % n

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
        out: list[tuple[int, int, int]] = []
        kits_now = _per_line(self.part_line, np.floor(now / units))
        for f in range(len(FILTER_NAMES)):
            alone = (fails == 1) & self.failed[:, f]
            more = np.bincount(self.part[alone], weights=allocable[alone], minlength=n_parts)
            gain = _per_line(self.part_line, np.floor((now + more) / units)) - kits_now
            out += [(int(i), f, int(g)) for i, g in zip(np.unique(self.part_line), gain) if g > 0]
        out.sort()
        line, filter_, quantity = (
            (np.array(c, dtype=np.int64) for c in zip(*out)) if out else (self.part_line[:0],) * 3
        )
        return line, filter_, quantity


def _per_line(part_line: Ints, kits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The fewest of `kits` over each line's parts, lines ascending."""
    lines = np.unique(part_line)
    fewest = np.full(len(lines), np.inf)
    np.minimum.at(fewest, np.searchsorted(lines, part_line), kits)
    return fewest


def candidates(facts: Facts, lines: Sequence[Line]) -> Candidates:
    """Every lot of an item serving a stocking part of each line, with the filters it fails."""
    lots = facts.scenario.lots
    position = {lot.lot: i for i, lot in enumerate(lots)}
    of_item = {item: [position[lot.lot] for lot in found] for item, found in facts.lots_of_item.items()}
    line_at: list[int] = []
    lot_at: list[int] = []
    part_at: list[int] = []
    part_line: list[int] = []
    part_units: list[int] = []
    for i, line in enumerate(lines):
        needs = facts.kits.get(line.item, {line.item: 1})
        for part, items in facts.serving_items(line).items():
            if facts.is_kit(line) and not facts.item(part).stocking:
                continue
            for item in sorted(items):
                found = of_item.get(item, [])
                lot_at += found
                line_at += [i] * len(found)
                part_at += [len(part_line)] * len(found)
            part_line.append(i)
            part_units.append(needs[part])
    line_ = np.array(line_at, dtype=np.int64)
    lot_ = np.array(lot_at, dtype=np.int64)
    return Candidates(
        line_,
        lot_,
        _failed(facts, lines, line_, lot_),
        np.array(part_at, dtype=np.int64),
        np.array(part_line, dtype=np.int64),
        np.array(part_units, dtype=np.int64),
    )


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
    # the list filters, tested once per distinct (list, lot) pair of the rows
    pairs = np.unique(line * len(lots) + lot)
    in_list = {}
    for p in pairs.tolist():
        i, j = divmod(p, len(lots))
        names, who = owners[i], lot_owner[j]
        owner_ok = (who in names or "*" in names) if names else (not company or who == company)
        in_list[p] = (bool(warehouses[i]) and lot_warehouse[j] not in warehouses[i], not owner_ok)
    listed = np.array([in_list[p] for p in (line * len(lots) + lot).tolist()], dtype=bool).reshape(-1, 2)
    status = np.array([x.status != "available" for x in lots])[lot]
    expired = np.array([x.expires is not None and x.expires < today for x in lots])[lot]
    pnp = np.array([ln.requires_pnp for ln in lines])[line] & ~np.array([x.pnp for x in lots])[lot]
    counted = np.array(
        [-1 if x.due is None else max(x.due, today).toordinal() for x in lots], dtype=np.int64
    )[lot]
    ships = np.array([ln.ship_date.toordinal() for ln in lines], dtype=np.int64)[line]
    return np.stack([status, expired, listed[:, 0], listed[:, 1], pnp, counted > ships], axis=1)

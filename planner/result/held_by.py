"""explain.csv's `held_by` rows (SPEC 10) as arrays: the lines holding the lots a short line may use.

A short line's holders are taken in one order, until what they hold covers what the line lacks (in
units of its lots; every holder when they do not): first the lines that hold a lot before the
tiers (by line), then the optimiser's from the line's own tier back to the first, then later
tiers, nearest first; within each, by holder line, lot, source and quantity. Per lot that order is
three runs of the lot's allocation rows, each a contiguous slice of one array sorted once: the
fixed rows, the optimiser's rows by descending tier from the line's tier on, and by ascending tier
past it. A row that comes after a lot's own holders already cover the line can never be reached,
so each (line, lot) takes only the head of its slices (found by `searchsorted` on running sums),
and the walk across lots is one sort of those heads, a running sum per line and a cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from models.arrays import Ints, ranges
from models.codes import Source

if TYPE_CHECKING:
    from planner.result.plan import Plan

SOURCES = sorted(Source)
"""allocations.csv's sources, by name: Holdings.source ranks them so."""


@dataclass(frozen=True)
class Holdings:
    """The plan's allocation rows from lots: lot, holder line, its tier (-1 outside the tiers),
    whether it is the optimiser's, quantity and a rank of its source that sorts as its name."""

    lot: Ints
    line: Ints
    tier: Ints
    optimiser: npt.NDArray[np.bool_]
    quantity: Ints
    source: Ints


def holdings(plan: Plan) -> Holdings:
    """The plan's allocation rows from lots, as arrays (`Plan.holdings`)."""
    prep = plan.prepared
    lot_index = {lot.lot: i for i, lot in enumerate(prep.lots)}
    line_index = {line.key: li for li, line in enumerate(prep.lines)}
    rank = {source: n for n, source in enumerate(SOURCES)}
    rows = [
        (lot_index[a.lot], line_index[(a.order, a.line)], rank[a.source], a.quantity)
        for a in plan.allocations
        if a.lot
    ]
    lot, line, source, quantity = (
        (np.array(c, dtype=np.int64) for c in zip(*rows)) if rows else (np.zeros(0, dtype=np.int64),) * 4
    )
    tiers = np.array([-1 if t is None else t for t in prep.report_tier], dtype=np.int64)
    return Holdings(
        lot=lot,
        line=line,
        tier=tiers[line] if len(line) else line,
        optimiser=source == rank[Source.OPTIMIZER],
        quantity=quantity,
        source=source,
    )


@dataclass(frozen=True)
class HeldBy:
    """The held_by rows, in walk order per line: the short line, the lot, and `row`, an index into
    the Holdings."""

    line: Ints
    lot: Ints
    row: Ints


def held_by(holdings: Holdings, short: Ints, tier: Ints, lacking: Ints, lots_of: tuple[Ints, Ints]) -> HeldBy:
    """The holders each line of `short` (of tier `tier`, lacking `lacking` units) is shown: over
    the (line position, lot) pairs `lots_of`, which are unique."""
    pair_line, pair_lot = lots_of
    n_lots = int(max(holdings.lot.max(initial=-1), pair_lot.max(initial=-1))) + 1
    n_tiers = int(max(holdings.tier.max(initial=0), tier.max(initial=0))) + 2
    h = holdings
    fixed = np.flatnonzero(~h.optimiser)
    fixed = fixed[np.lexsort((h.quantity[fixed], h.source[fixed], h.line[fixed], h.lot[fixed]))]
    ours = np.flatnonzero(h.optimiser)
    down = ours[np.lexsort((h.quantity[ours], h.line[ours], -h.tier[ours], h.lot[ours]))]
    up = ours[np.lexsort((h.quantity[ours], h.line[ours], h.tier[ours], h.lot[ours]))]
    line_of = short[pair_line]
    t = tier[pair_line]
    # what the line holds itself of the lot is skipped, so a lot's head must cover that too
    own = _own(h, line_of, pair_lot, n_lots)
    need = lacking[pair_line] + own
    runs: list[tuple[Ints, Ints, Ints]] = []
    for rows, key, first in (
        (fixed, h.lot[fixed] * n_tiers, pair_lot * n_tiers),
        (down, h.lot[down] * n_tiers + (n_tiers - 1 - h.tier[down]), pair_lot * n_tiers + (n_tiers - 1 - t)),
        (up, h.lot[up] * n_tiers + h.tier[up], pair_lot * n_tiers + t + 1),
    ):
        running = np.concatenate(([0], np.cumsum(h.quantity[rows])))
        start = np.searchsorted(key, first, side="left")
        end = np.searchsorted(key, pair_lot * n_tiers + n_tiers, side="left")
        base = running[start]
        reach = np.searchsorted(running, base + np.maximum(need, 0), side="left")
        stop = np.where(need > 0, np.minimum(np.maximum(reach, start), end), start)
        at, position = ranges(start, stop)
        runs.append((at, rows[position], np.full(len(at), len(runs), dtype=np.int64)))
        need = need - (running[end] - base)
    at = np.concatenate([r[0] for r in runs])
    row = np.concatenate([r[1] for r in runs])
    group = np.concatenate([r[2] for r in runs])
    within = np.where(group == 0, 0, np.where(group == 1, -h.tier[row], h.tier[row]))
    order = np.lexsort((h.quantity[row], h.source[row], h.lot[row], h.line[row], within, group, line_of[at]))
    at, row = at[order], row[order]
    keep = h.line[row] != line_of[at]
    at, row = at[keep], row[keep]
    who = pair_line[at]
    running = np.cumsum(h.quantity[row])
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]]) if len(who) else np.zeros(0, dtype=np.int64)
    before = np.repeat(running[starts] - h.quantity[row][starts], np.diff(np.r_[starts, len(who)]))
    shown = running - h.quantity[row] - before < lacking[who]
    return HeldBy(line=short[who][shown], lot=h.lot[row][shown], row=row[shown])


def _own(h: Holdings, line: Ints, lot: Ints, n_lots: int) -> Ints:
    """What each (line, lot) pair's line holds itself of the lot, whatever the source."""
    key = h.line * n_lots + h.lot
    keys, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse, weights=h.quantity, minlength=len(keys)).astype(np.int64)
    wanted = line * n_lots + lot
    at = np.clip(np.searchsorted(keys, wanted), 0, max(len(keys) - 1, 0))
    if not len(keys):
        return np.zeros(len(wanted), dtype=np.int64)
    return np.where(keys[at] == wanted, sums[at], 0)

"""explain.csv's `held_by` rows checked by counting (SPEC 10), apart from the engine's walk.

A short line's holders come in one order: the rows that fix stock before the tiers, then the
optimiser's from the line's own tier back to the first, then later tiers, nearest first; within
each, by holder line, lot, source and quantity. The rows shown are the first of that order, as
few as cover what the line lacks (in units of its lots; all of them when they do not). So the
written rows are right exactly when each is a holder of a lot the line may use (another line's,
with the right detail), the last was still needed, they cover the line or are all there is, and
the holders before the last one in that order are as many as the written rows. Each holder's
place in the order is one integer (its run, its tier within the run, then its rank by holder,
lot, source and quantity), so that count is a few binary searches per (line, lot), not a walk.
"""

from __future__ import annotations

from itertools import compress

import numpy as np
import numpy.typing as npt
import pandas as pd

from models.records import Line, LineKey, line_sort_key
from planner.check.explain_lots import Candidates
from planner.check.facts import Facts
from planner.check.tables import PlanTables

Ints = npt.NDArray[np.int64]

SOURCE_DETAIL = {"reservation": "reservation", "previous": "keep", "pin": "pin"}
"""held_by's detail for stock a line holds before the tiers, per allocations.csv source; a printed
line's previous rows say `printed`."""
SAME_TIER = "same tier, tie-break: "
"""How a same-tier holder's detail begins (what of it decided is not checked)."""

DETAIL_SOURCE = {detail: source for source, detail in SOURCE_DETAIL.items()} | {"printed": "previous"}
"""The allocations.csv source a held_by detail names (any other: the optimiser's)."""
TIER_CLASSES = {"same tier": 0, "earlier tier": 1, "later tier": 2}
"""The optimiser's holders' details, by their tier against the line's."""

Written = tuple[int, str, str, str, int, str]
"""A written held_by row: short line position, lot, other order, other line, quantity, detail."""
Row = tuple[str, str, str, int, str]


def detail_class(detail: str) -> str:
    """What of a held_by detail is checked: within a tier, only that the tie-break decided."""
    return "same tier" if detail.startswith(SAME_TIER) else detail


class Holders:
    """The plan's rows from lots, placed in the held_by order, for the short lines `short`
    ((line, allocated) each; `short_keys` their keys) and the lots each may use (of `found`)."""

    def __init__(
        self,
        facts: Facts,
        plan: PlanTables,
        short: list[tuple[Line, int]],
        short_keys: list[LineKey],
        found: Candidates,
    ) -> None:
        self.facts, self.short = facts, short
        lots = facts.scenario.lots
        self.lot_index = pd.Index([lot.lot for lot in lots])
        known = [r for r in plan.rows if r.key in facts.lines]
        lot = self.lot_index.get_indexer(pd.Index([r.lot for r in known], dtype=object))
        rows = self.rows = list(compress(known, lot >= 0))
        orders, numbers, _, _, _, _, quantities, source_names, *_ = zip(*rows) if rows else ((),) * 8
        everyone = (
            np.array([*orders, *(k[0] for k in short_keys)], dtype=object),
            np.array([*numbers, *(k[1] for k in short_keys)], dtype=object),
        )
        self.names = _Names(*everyone)
        ordinal = self.names.ordinal(*everyone)
        self.lot = lot[lot >= 0].astype(np.int64)
        self.holder = ordinal[: len(rows)]
        self.quantity = np.array(quantities, dtype=np.int64)
        source_name = np.array(source_names, dtype=object)
        self.optimiser = source_name == "optimizer"
        # tiers ranked among the lines here only: only their order matters
        tier = _tier_ranks(facts, [*(r.key for r in rows), *short_keys], ordinal)
        self.tier = np.where(self.optimiser, tier[: len(rows)], -1)
        self.sources: list[str] = sorted(set(source_names))
        source = np.searchsorted(np.array(self.sources, dtype=object), source_name).astype(np.int64)
        self.source = source
        rank = np.empty(len(rows), dtype=np.int64)
        rank[np.lexsort((self.quantity, source, self.lot, self.holder))] = np.arange(len(rows))
        self.rank = rank
        self.n_rows = len(rows) + 1
        self.n_tiers = int(tier.max(initial=-1)) + 3
        self.span = self.n_tiers * self.n_rows
        self.fixed = np.sort(self.lot[~self.optimiser] * self.n_rows + rank[~self.optimiser])
        self.ours = np.sort(
            self.lot[self.optimiser] * self.span
            + self.tier[self.optimiser] * self.n_rows
            + rank[self.optimiser]
        )
        self.line_tier = tier[len(rows) :]
        lacking = np.array([line.quantity - got for line, got in short], dtype=np.int64)
        self.lacking = lacking * found.largest_units(len(short))
        self.own = ordinal[len(rows) :]
        self.pair_line, self.pair_lot = found.usable(facts, [line for line, _ in short])
        self.usable_key = np.unique(self.pair_line * len(lots) + self.pair_lot)

    def code(self, row: Ints, tier: Ints) -> Ints:
        """Each holder row's place in the held_by order of a line of `tier`."""
        theirs = self.tier[row]
        down = theirs <= tier
        run = np.where(~self.optimiser[row], 0, np.where(down, 1, 2))
        within = np.where(run == 0, 0, np.where(down, self.n_tiers - 1 - theirs, theirs))
        codes: Ints = run * self.span + within * self.n_rows + self.rank[row]
        return codes

    def wrong(self, written: list[Written]) -> set[int]:
        """The short lines (positions) whose written held_by rows are not the ones the plan gives."""
        i, lots, other_orders, other_lines, quantity, details = (
            (np.array(c, dtype=np.int64 if n == 0 else object) for n, c in enumerate(zip(*written)))
            if written
            else (np.zeros(0, dtype=np.int64 if n == 0 else object) for n in range(6))
        )
        # a quantity no row can have (beyond int64) as one that matches none
        quantity = np.array([q if abs(q) < 2**62 else -(2**62) for q in quantity.tolist()], dtype=np.int64)
        holder = self.names.ordinal(other_orders, other_lines)
        code, distinct = pd.factorize(pd.Index(details, dtype=object))
        named = [DETAIL_SOURCE.get(detail, "optimizer") for detail in distinct]
        source = np.array([self.sources.index(n) if n in self.sources else -1 for n in named], dtype=np.int64)
        key = np.stack(
            [holder, self.lot_index.get_indexer(pd.Index(lots, dtype=object)), source[code], quantity], axis=1
        )
        row = self._match(i, key)
        ok = (row >= 0) & (holder != self.own[i])
        bad = set(i[~ok].tolist())
        at, rows, details = i[ok], row[ok], details[ok].tolist()
        fits = self._details_fit(at, rows, details)
        bad |= set(at[~fits].tolist())
        at, rows = at[fits], rows[fits]
        n_lots = len(self.facts.scenario.lots)
        outside = ~np.isin(at * n_lots + self.lot[rows], self.usable_key)
        bad |= {int(i) for i in at[outside]}
        n = len(self.short)
        count = np.bincount(at, minlength=n)
        total = np.bincount(at, weights=self.quantity[rows], minlength=n).astype(np.int64)
        codes = self.code(rows, self.line_tier[at])
        last = np.full(n, -1, dtype=np.int64)
        np.maximum.at(last, at, codes)
        last_quantity = np.zeros(n, dtype=np.int64)
        is_last = codes == last[at]
        last_quantity[at[is_last]] = self.quantity[rows][is_last]
        every, before_last = self._counts(last)
        shown = count > 0
        bad |= {int(i) for i in np.flatnonzero(~shown & (every > 0))}
        bad |= {int(i) for i in np.flatnonzero(shown & (before_last != count))}
        bad |= {int(i) for i in np.flatnonzero(shown & (total - last_quantity >= self.lacking))}
        bad |= {int(i) for i in np.flatnonzero(shown & (total < self.lacking) & (every != count))}
        return bad

    def _match(self, line: Ints, key: Ints) -> Ints:
        """The row each written held_by row names (-1: none left): per short line `line[n]`, the
        k-th written row of a (holder, lot, source, quantity) `key[n]` is the k-th such row."""
        if not len(line):
            return line
        rows = np.stack([self.holder, self.lot, self.source, self.quantity], axis=1)
        keys = np.concatenate([rows, key])
        by_value = np.lexsort(keys.T[::-1])
        ordered = keys[by_value]
        code = np.empty(len(keys), dtype=np.int64)
        code[by_value] = np.cumsum(np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]) - 1
        theirs, ours = code[: len(rows)], code[len(rows) :]
        by_key = np.argsort(theirs, kind="stable")
        start = np.searchsorted(theirs[by_key], ours)
        count = np.searchsorted(theirs[by_key], ours, side="right") - start
        # the k of each written row: its place among the line's written rows of its key
        order = np.lexsort((np.arange(len(line)), ours, line))
        group = np.r_[True, (line[order][1:] != line[order][:-1]) | (ours[order][1:] != ours[order][:-1])]
        first = np.maximum.accumulate(np.where(group, np.arange(len(order)), 0))
        nth = np.empty(len(order), dtype=np.int64)
        nth[order] = np.arange(len(order)) - first
        found = nth < count
        matched: Ints = np.where(found, by_key[np.minimum(start + nth, len(by_key) - 1)], -1)
        return matched

    def _details_fit(self, at: Ints, rows: Ints, details: list[str]) -> npt.NDArray[np.bool_]:
        """Whether each written detail says how holder row `rows[n]` came to hold the lot, for short
        line `at[n]`: the fixed rows' source, the optimiser's tier against the line's."""
        code, distinct = pd.factorize(np.array(details, dtype=object))
        said = np.array([TIER_CLASSES.get(detail_class(d), -1) for d in distinct], dtype=np.int64)[code]
        theirs, mine = self.tier[rows], self.line_tier[at]
        fits: npt.NDArray[np.bool_] = said == np.where(theirs == mine, 0, np.where(theirs < mine, 1, 2))
        fixed = np.flatnonzero(~self.optimiser[rows])
        fits[fixed] = [
            self._fixed_detail(r) == details[n] for n, r in zip(fixed.tolist(), rows[fixed].tolist())
        ]
        return fits

    def _fixed_detail(self, row: int) -> str:
        """How the holder of a row fixed before the tiers came to hold it."""
        r = self.rows[row]
        if r.source == "previous" and self.facts.reason[r.key] == "printed":
            return "printed"
        return SOURCE_DETAIL.get(r.source, r.source)

    def _counts(self, last: Ints) -> tuple[Ints, Ints]:
        """Per short line, how many other lines' rows hold its lots, and how many of them come no
        later than its row `last` (a place in the order; -1: none) in its held_by order."""
        n = len(self.short)
        line, lot = self.pair_line, self.pair_lot
        tier, until = self.line_tier[line], last[line]
        fixed_start = np.searchsorted(self.fixed, lot * self.n_rows)
        fixed_all = np.searchsorted(self.fixed, (lot + 1) * self.n_rows) - fixed_start
        base = lot * self.span
        ours_start = np.searchsorted(self.ours, base)

        def ours_upto(tier_: Ints, rank: Ints | int) -> Ints:
            """The lot's optimiser rows at (tier, rank) or before; tier -1: none."""
            return np.searchsorted(self.ours, base + tier_ * self.n_rows + rank, side="right") - ours_start

        ours_all = np.searchsorted(self.ours, base + self.span) - ours_start
        run, rest = until // self.span, until % self.span
        within, rank = rest // self.n_rows, rest % self.n_rows
        top = self.n_rows - 1
        in_fixed = np.searchsorted(self.fixed, lot * self.n_rows + rank, side="right") - fixed_start
        theirs = self.n_tiers - 1 - within  # run 1: the tier of `last`
        down = (
            fixed_all
            + ours_upto(tier, top)
            - ours_upto(theirs, top)
            + ours_upto(theirs, rank)
            - ours_upto(theirs - 1, top)
        )
        up = fixed_all + ours_upto(within, rank)
        upto = np.where(until < 0, 0, np.where(run == 0, in_fixed, np.where(run == 1, down, up)))
        every = np.bincount(line, weights=fixed_all + ours_all, minlength=n).astype(np.int64)
        before = np.bincount(line, weights=upto, minlength=n).astype(np.int64)
        own_every, own_before = self._own(last)
        return every - own_every, before - own_before

    def _own(self, last: Ints) -> tuple[Ints, Ints]:
        """Per short line, its own rows on its lots, and those no later than `last` in its order."""
        n, n_lots = len(self.short), len(self.facts.scenario.lots)
        if not n:
            return self.own, self.own
        by_own = np.argsort(self.own)  # each short line's own place, once
        found = np.minimum(np.searchsorted(self.own, self.holder, sorter=by_own), n - 1)
        mine = np.where(self.own[by_own[found]] == self.holder, by_own[found], -1)
        rows = np.flatnonzero(mine >= 0)
        at = mine[rows]
        rows, at = (
            rows[np.isin(at * n_lots + self.lot[rows], self.usable_key)],
            at[np.isin(at * n_lots + self.lot[rows], self.usable_key)],
        )
        codes = self.code(rows, self.line_tier[at])
        return np.bincount(at, minlength=n), np.bincount(at[codes <= last[at]], minlength=n)

    def classed(self, written: Written) -> Row:
        """A written row as it is compared."""
        _, lot, other_order, other_line, quantity, detail = written
        other = f"{other_order}/{other_line}" if other_order or other_line else ""
        return ("held_by", lot, other, quantity, detail_class(detail))

    def expected(self, i: int) -> list[Row]:
        """The held_by rows of short line `i`, by walking its holders in order (for messages)."""
        lots = set(self.pair_lot[self.pair_line == i].tolist())
        rows = np.array([n for n in range(len(self.rows)) if int(self.lot[n]) in lots], dtype=np.int64)
        tier = self.line_tier[i]
        out: list[Row] = []
        covered = 0
        for n in rows[np.argsort(self.code(rows, np.full(len(rows), tier)))]:
            if covered >= self.lacking[i]:
                break
            if self.holder[n] == self.own[i]:
                continue
            r = self.rows[n]
            theirs = self.tier[n]
            how = (
                self._fixed_detail(n)
                if not self.optimiser[n]
                else ("same tier" if theirs == tier else "earlier tier" if theirs < tier else "later tier")
            )
            out.append(("held_by", r.lot, f"{r.order}/{r.line}", r.quantity, how))
            covered += r.quantity
        return out


class _Names:
    """Line names (order, line number) placed by order, then line number in natural order: each
    pair's place is one integer (order's rank, then the number's), the same for every pair of the
    orders and numbers given at first."""

    def __init__(self, orders: npt.NDArray[np.object_], numbers: npt.NDArray[np.object_]) -> None:
        self.orders = pd.Index(pd.unique(orders)).sort_values()
        distinct: list[str] = pd.unique(numbers).tolist()
        self.numbers = pd.Index(distinct)
        natural = sorted(range(len(distinct)), key=lambda n: line_sort_key(distinct[n]))
        self.number_rank = np.empty(len(distinct), dtype=np.int64)
        self.number_rank[natural] = np.arange(len(distinct))

    def ordinal(self, orders: npt.NDArray[np.object_], numbers: npt.NDArray[np.object_]) -> Ints:
        """Each pair's place (-1: an order or number not given at first)."""
        order = self.orders.get_indexer(pd.Index(orders, dtype=object))
        number = self.numbers.get_indexer(pd.Index(numbers, dtype=object))
        place: Ints = np.where(
            (order >= 0) & (number >= 0), order * len(self.numbers) + self.number_rank[number], -1
        ).astype(np.int64)
        return place


def _tier_ranks(facts: Facts, keys: list[LineKey], ordinal: Ints) -> Ints:
    """Each line's tier key's rank among those of `keys` (`ordinal`: their places, each line's key
    looked up once)."""
    tier_keys = facts.tier_keys
    _, first, inverse = np.unique(ordinal, return_index=True, return_inverse=True)
    found = pd.Series(
        [tier_keys[key] for key in map(keys.__getitem__, first.tolist())],
        dtype=object,
    )
    code, uniques = pd.factorize(found)
    order = sorted(range(len(uniques)), key=lambda n: uniques[n])
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    ranks: Ints = rank[code][inverse.reshape(-1)]
    return ranks

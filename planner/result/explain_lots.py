"""What the lots of their items are to the short lines, as arrays (explain.csv, SPEC 10): per
stocking part of each line, the lots that may serve it, and per filter of SPEC 3 the allocable units
that this filter alone keeps from it.

Every (part, lot of the part's item or its alternates) pair is one row of a few arrays, and the
filters are tested on all rows at once, so a 100k-line plan's short lines cost a few vector
operations, not one call per pair (planner.engine.eligibility's `_line_filters`, with the lot's status
and expiry, says the same per pair).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from models.arrays import Ints, ranges
from models.codes import Filter
from models.records import ANY_OWNER
from planner.engine.eligibility import Prepared

T = TypeVar("T")

FILTERS: tuple[Filter, ...] = (
    Filter.STATUS,
    Filter.EXPIRED,
    Filter.WAREHOUSES,
    Filter.OWNERS,
    Filter.PNP,
    Filter.DUE,
)
"""The filters in SPEC 3 and 8's order: the lot's own (status, expiry), then the line's."""


@dataclass(frozen=True)
class LineLots:
    """The lots that may serve each stocking part (demand) of the short lines: `demand` and `lot`
    sorted by demand, then lot; and the `relax` quantities per (line, filter), lines ascending."""

    demand: Ints
    lot: Ints
    relax_line: Ints
    relax_filter: Ints
    """Index into FILTERS."""
    relax_quantity: Ints

    def of_demand(self, d: int) -> list[int]:
        """The lots that may serve demand `d` (whatever they hold; pins aside)."""
        lo, hi = np.searchsorted(self.demand, [d, d + 1])
        lots: list[int] = self.lot[lo:hi].tolist()
        return lots


def _codes(values: Sequence[T]) -> tuple[Ints, dict[T, int]]:
    """Each value's code (in order of first appearance) and the codes."""
    index: dict[T, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return codes, index


def line_lots(prep: Prepared, lines: Sequence[int]) -> LineLots:
    """The lots of each stocking part of `lines` and what one filter alone keeps from each line."""
    scenario, lots = prep.scenario, prep.lots
    alternates: dict[str, list[str]] = defaultdict(list)
    for alt in scenario.alternates:
        alternates[alt.item].append(alt.alternate)
    item_code, item_index = _codes([lot.item for lot in lots])
    by_item = np.argsort(item_code, kind="stable")
    item_start = np.searchsorted(item_code[by_item], np.arange(len(item_index) + 1))
    # one row per (demand, source item): the source's lots are by_item[start:end]
    demands, starts, ends = [], [], []
    for li in lines:
        for d in prep.line_demands[li]:
            item = prep.demands[d].item
            for source in (item, *alternates[item]):
                code = item_index.get(source)
                if code is not None:
                    demands.append(d)
                    starts.append(item_start[code])
                    ends.append(item_start[code + 1])
    at, position = ranges(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
    demand = np.array(demands, dtype=np.int64)[at]
    lot = by_item[position].astype(np.int64)
    line = np.array([d.line for d in prep.demands], dtype=np.int64)[demand] if len(demand) else demand
    failed = np.stack(_filters(prep, line, lot), axis=1) if len(lot) else np.zeros((0, 6), dtype=bool)
    count = failed.sum(axis=1)
    usable = count == 0
    order = np.lexsort((lot[usable], demand[usable]))
    allocable = np.array([lot.allocable for lot in lots], dtype=np.int64)
    relax_line, relax_filter, relax_quantity = _relax(prep, lines, demand, allocable[lot], failed)
    return LineLots(
        demand=demand[usable][order],
        lot=lot[usable][order],
        relax_line=relax_line,
        relax_filter=relax_filter,
        relax_quantity=relax_quantity,
    )


def _relax(
    prep: Prepared, lines: Sequence[int], demand: Ints, allocable: Ints, failed: npt.NDArray[np.bool_]
) -> tuple[Ints, Ints, Ints]:
    """Per line and filter, what lifting that filter alone would add to the whole line units its
    items' allocable stock makes (kits: the fewest over its parts; SPEC 10's `relax`, in the
    line's unit), where that is above 0. For a line of one item it is the allocable units of the
    lots that filter alone keeps from it."""
    parts = np.array([d for li in lines for d in prep.line_demands[li]], dtype=np.int64)
    if not len(parts):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    per_unit = np.array([prep.demands[d].per_unit for d in parts], dtype=np.int64)
    line = np.array([prep.demands[d].line for d in parts], dtype=np.int64)
    at = np.searchsorted(parts, demand)
    count = failed.sum(axis=1)
    usable = np.bincount(at[count == 0], weights=allocable[count == 0], minlength=len(parts))
    one = count == 1
    kept = np.zeros((len(parts), len(FILTERS)))
    np.add.at(kept, (at[one], np.argmax(failed[one], axis=1)), allocable[one])
    starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    now = np.minimum.reduceat(np.floor_divide(usable, per_unit), starts)
    lifted = np.minimum.reduceat(np.floor_divide(usable[:, None] + kept, per_unit[:, None]), starts, axis=0)
    gain = (lifted - now[:, None]).astype(np.int64)
    which, f = np.nonzero(gain > 0)
    return line[starts][which], f.astype(np.int64), gain[which, f]


def _filters(prep: Prepared, line: Ints, lot: Ints) -> list[npt.NDArray[np.bool_]]:
    """Per filter of FILTERS, whether it keeps each (line, lot) row's lot from the line."""
    scenario, lots = prep.scenario, prep.lots
    used = np.unique(line)  # the lines' settings are looked up for these lines only
    lines = [prep.lines[i] for i in used.tolist()]
    line = np.searchsorted(used, line)
    today, company = scenario.today, scenario.company
    never = np.iinfo(np.int64).min
    bad_status = np.array([x.status != "available" for x in lots])[lot]
    expired = np.array([x.expires is not None and x.expires < today for x in lots])[lot]
    arrives = np.array(
        [never if (day := x.arrives(today)) is None else day.toordinal() for x in lots], dtype=np.int64
    )[lot]
    ship = np.array([x.ship_date.toordinal() for x in lines], dtype=np.int64)[line]
    pnp = np.array([x.requires_pnp for x in lines])[line] & ~np.array([x.pnp for x in lots])[lot]
    warehouse, warehouse_index = _codes([x.warehouse for x in lots])
    lists, list_index = _codes([x.warehouses for x in lines])
    allowed = {
        code * len(warehouse_index) + warehouse_index[w]
        for names, code in list_index.items()
        for w in names
        if w in warehouse_index
    }
    listed = np.array([bool(names) for names in list_index])[lists[line]]
    in_list = np.isin(lists[line] * len(warehouse_index) + warehouse[lot], np.array(sorted(allowed)))
    owner, owner_index = _codes([x.owner or company for x in lots])
    owner_lists, owner_list_index = _codes([x.owners for x in lines])
    named = {
        code * len(owner_index) + owner_index[o]
        for names, code in owner_list_index.items()
        for o in names
        if o in owner_index
    }
    own_list = owner_lists[line]
    anyone = np.array([ANY_OWNER in names for names in owner_list_index])[own_list]
    empty = np.array([not names for names in owner_list_index])[own_list]
    is_named = np.isin(own_list * len(owner_index) + owner[lot], np.array(sorted(named)))
    own = owner_index.get(company, -1)
    owner_ok = np.where(empty, (not company) | (owner[lot] == own), is_named | anyone)
    return [bad_status, expired, listed & ~in_list, ~owner_ok, pnp, arrives > ship]

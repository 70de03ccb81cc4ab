"""What a re-plan takes over from the previous plan: the components a what-if leaves untouched.

A component's *fingerprint* hashes everything its optimum depends on (its lines with their
effective settings and their tiers' order, its demands and pairs with their preference costs,
its lots with what they give, its safety-stock groups, the reservations and carried quantities
on its lines) together with what the plan gives each of its lines per lot. A plan proved
optimal lists the fingerprints of its components (`components.txt` in its result folder).

Re-planning from that folder, a component whose fingerprint, computed from today's data and
the previous plan's rows on it, is listed is the same problem the previous solve proved, and
the previous rows on it are its lexicographic optimum. The fewest-changes level then keeps
every one of them (zero changes is reachable and no plan changes fewer), and a plan that changes
nothing on the component is the previous plan there: the full solve's answer, taken over
without solving. Components share no stock, so the others are solved as they would be.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping

from planner.engine.components import Component
from planner.engine.eligibility import Prepared
from planner.engine.ids import LineId, PairId, demand_pairs, line_demands

Rows = Mapping[int, Mapping[str, int]]
"""Per line index, what the plan gives it per lot id (every source)."""


def fingerprints(prep: Prepared, comps: list[Component], rows: Rows) -> list[str]:
    """Each component's problem and the plan's rows on its lines, hashed."""
    reserved: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for r in prep.reservations:
        reserved[r.line].append((prep.lots[r.lot].lot, r.quantity, r.source.value))
    lot_id = [lot.lot for lot in prep.lots]
    pairs_of = demand_pairs(prep)
    demand = [
        (dm.item, dm.per_unit, [(lot_id[prep.pairs[p].lot], prep.pairs[p].cost) for p in pairs_of[d]])
        for d, dm in enumerate(prep.demands)
    ]
    return [_fingerprint(prep, comp, rows, reserved, demand) for comp in comps]


def _fingerprint(
    prep: Prepared,
    comp: Component,
    rows: Rows,
    reserved: Mapping[int, list[tuple[str, int, str]]],
    demand: list[tuple[str, int, list[tuple[str, int]]]],
) -> str:
    """`demand`: per demand its item, units per line unit and (lot id, cost) per pair."""
    tiers = sorted({prep.line_tier[li] for li in comp.lines}, key=lambda t: -1 if t is None else t)
    rank = {t: r for r, t in enumerate(tiers)}
    demands_of = line_demands(prep)
    lots = sorted(
        {prep.pairs[p].lot for p in comp.pairs}
        | {lot for g in comp.groups for lot in prep.cap_groups[g].lots}
    )
    parts = (
        [
            (
                prep.lines[li],
                rank[prep.line_tier[li]],
                li in prep.pins.forced,
                [demand[d] for d in demands_of[li]],
                sorted(rows.get(li, {}).items()),
                sorted(reserved.get(li, [])),
            )
            for li in comp.lines
        ],
        [(prep.lots[lot], prep.capacity[lot]) for lot in lots],
        [
            (g.label, g.cap, [prep.lots[lot].lot for lot in g.lots])
            for g in (prep.cap_groups[i] for i in comp.groups)
        ],
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def plan_rows(prep: Prepared, rows: Iterable[tuple[int, int, int]]) -> dict[int, dict[str, int]]:
    """(line, lot, quantity) rows summed per line and lot id."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for li, lot, q in rows:
        by_lot = out[li]
        by_lot[prep.lots[lot].lot] = by_lot.get(prep.lots[lot].lot, 0) + q
    return out


def takes_over(prep: Prepared) -> bool:
    """Whether fingerprints apply: a make-up line of a kit whose pins are out of ratio reports its
    rows as its kit line's, so a plan's rows do not say what each line was given."""
    return not prep.pins.kit_of


def taken_over(
    prep: Prepared, comps: list[Component], target: dict[PairId, int]
) -> tuple[dict[int, str], dict[PairId, int], dict[LineId, int]]:
    """The components whose fingerprint the previous plan lists (by their index in `comps`, with
    their fingerprint), the previous plan's quantity on each of their pairs (the fewest-changes
    targets: what it gave beyond what is fixed), and what that adds to each of their lines (units
    over all its demands, divided by units per line unit)."""
    assert prep.previous is not None
    assert prep.scenario.previous is not None
    solved = prep.scenario.previous.solved
    if not solved or not takes_over(prep):
        return {}, {}, {}
    rows = plan_rows(prep, ((li, lot, q) for (li, lot), q in prep.previous.before.items()))
    listed = {i: f for i, f in enumerate(fingerprints(prep, comps, rows)) if f in solved}
    comps = [comps[i] for i in listed]
    flows = {p: target[p] for c in comps for p in c.pairs if target.get(p, 0) > 0}
    units: dict[LineId, int] = defaultdict(int)
    for p, q in flows.items():
        units[LineId(prep.demands[prep.pairs[p].demand].line)] += q
    demands_of = line_demands(prep)
    added = {}
    for c in comps:
        for li in c.lines:
            per_unit = sum(prep.demands[d].per_unit for d in demands_of[li])
            added[li] = units.get(li, 0) // per_unit if per_unit else 0
    return listed, flows, added

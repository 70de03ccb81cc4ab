"""summary.json against the scenario and lines.csv (SPEC section 6): names, tiers and totals.

Read as plain JSON here, apart from the writer. Every tier's requested and
allocated quantity is the sum over the lines of that tier in lines.csv; the
totals are the sums over the lines that take part; `optimal` means every tier
reached its bound, and no bound is below what the tier got.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from models.codes import PlanStatus
from models.records import Line
from planner.check.facts import Facts
from planner.check.reports import tier_key
from planner.check.tables import PlanTables, integer


def summary_figures(facts: Facts, plan: PlanTables, summary: Any) -> Iterator[str]:
    """Everything summary.json says that the scenario and lines.csv decide."""
    if not isinstance(summary, dict):
        yield "summary.json is not a JSON object"
        return
    scenario = facts.scenario
    for key, want in (
        ("scenario", scenario.name),
        ("today", scenario.today.isoformat()),
        ("objective_key", list(scenario.objective_key)),
    ):
        if summary.get(key) != want:
            yield f"summary.json says {key} {summary.get(key)!r}, the scenario {want!r}"
    if summary.get("status") not in {s.value for s in PlanStatus}:
        yield f"summary.json's status {summary.get('status')!r} is none of {', '.join(PlanStatus)}"
    yield from _tiers(facts, plan, summary)
    yield from _totals(plan, summary)


def _tiers(facts: Facts, plan: PlanTables, summary: dict[str, Any]) -> Iterator[str]:
    requested: dict[str, int] = defaultdict(int)
    allocated: dict[str, int] = defaultdict(int)
    last: dict[str, Line] = {}
    for key, line, got in plan.allocated:
        tier = _whole(plan.results[key].tier)
        if tier is None:
            continue
        requested[tier] += line.quantity
        allocated[tier] += got
        last[tier] = line
    keys = {  # each tier's key: its last line's (lines.csv's tiers are checked on their own)
        tier: [v.isoformat() if isinstance(v, date) else v for v in tier_key(facts, line)]
        for tier, line in last.items()
    }
    tiers = summary.get("tiers")
    if not isinstance(tiers, list) or not all(isinstance(t, dict) for t in tiers):
        yield "summary.json's tiers is not a list of tiers"
        return
    said = {str(t.get("tier")): t for t in tiers}
    listed, written = sorted(said, key=_order), sorted(requested, key=_order)
    if listed != written or len(said) != len(tiers):
        yield f"summary.json lists tiers {listed}, lines.csv {written}"
    optimal = summary.get("status") == PlanStatus.OPTIMAL
    for tier, entry in sorted(said.items(), key=lambda t: _order(t[0])):
        if tier not in requested:
            continue
        for field, want in (
            ("requested", requested[tier]),
            ("allocated", allocated[tier]),
            ("key", keys[tier]),
        ):
            if entry.get(field) != want:
                yield f"summary.json's tier {tier} says {field} {entry.get(field)!r}, lines.csv {want!r}"
        bound = entry.get("bound")
        if not isinstance(bound, int) or bound < allocated[tier] or (optimal and bound != allocated[tier]):
            yield (
                f"summary.json's tier {tier} has bound {bound!r} for {allocated[tier]} allocated"
                + (" in a plan called optimal" if optimal else "")
            )


def _totals(plan: PlanTables, summary: dict[str, Any]) -> Iterator[str]:
    taking_part = [(key, line, got) for key, line, got in plan.allocated if plan.results[key].tier]
    requested = sum(line.quantity for _, line, _ in taking_part)
    allocated = sum(got for _, _, got in taking_part)
    want = {
        "lines": len(taking_part),
        "lines_full": sum(got == line.quantity for _, line, got in taking_part),
        "requested": requested,
        "allocated": allocated,
        "fill_rate": round(allocated / requested, 4) if requested else 1.0,
    }
    totals = summary.get("totals")
    if not isinstance(totals, dict):
        yield "summary.json has no totals"
        return
    for field, value in want.items():
        if totals.get(field) != value:
            yield f"summary.json's totals say {field} {totals.get(field)!r}, lines.csv {value!r}"


def _whole(tier: str) -> str | None:
    number = integer(tier) if tier else None
    return None if number is None else str(number)


def _order(tier: str) -> tuple[int, str]:
    number = integer(tier)
    return (number if number is not None else 0, tier)

"""summary.json as a typed record (SPEC section 6): what a plan says about itself, and reading it back.

`Summary.to_json()` is exactly what summary.json holds; `Summary.from_json()`
reads a written one and raises `SummaryError` naming what is missing or wrong,
so that `check` and `compare` never trust a garbled file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.codes import PlanStatus
from models.errors import PlannerError


class SummaryError(PlannerError):
    """A summary.json that is not one the planner writes (wrong input where one is read: exit 2)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class TierSummary:
    tier: int
    key: tuple[object, ...]
    """The tier's values of the objective key (dates as ISO text in the file)."""
    requested: int
    allocated: int
    bound: int
    """A proven upper bound on the tier's total given the earlier tiers (== allocated when proved)."""
    greedy: int | None = None
    """What the ERP-style greedy allocates to this tier."""


@dataclass(frozen=True, slots=True)
class Totals:
    """Over the lines that take part (nonstock lines are not among them)."""

    lines: int
    lines_full: int
    requested: int
    allocated: int
    fill_rate: float


@dataclass(frozen=True, slots=True)
class IgnoredReservation:
    order: str
    line: str
    lot: str
    quantity: int
    why: str


@dataclass(frozen=True, slots=True)
class Changes:
    """Against the previous plan (SPEC 9.5): units changed over (line, lot), lines with a change,
    and the previous rows dropped per reason."""

    units_moved: int
    lines_changed: int
    dropped: dict[str, int]


@dataclass(frozen=True, slots=True)
class Summary:
    scenario: str
    today: date
    objective_key: tuple[str, ...]
    status: PlanStatus
    solver: str
    seconds: float
    tiers: tuple[TierSummary, ...]
    totals: Totals
    ignored_reservations: tuple[IgnoredReservation, ...]
    notes: tuple[str, ...]
    greedy_allocated: int | None
    """What the ERP-style greedy allocates in all (None when it was not run)."""
    changes: Changes | None = None
    """Against the previous plan; None when the plan was made from nothing."""

    def to_json(self) -> dict[str, Any]:
        """summary.json's content, keys in the contract's order."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "today": self.today.isoformat(),
            "objective_key": list(self.objective_key),
            "status": str(self.status),
            "solver": self.solver,
            "seconds": self.seconds,
            "tiers": [
                {
                    "tier": t.tier,
                    "key": [_json_value(v) for v in t.key],
                    "requested": t.requested,
                    "allocated": t.allocated,
                    "bound": t.bound,
                }
                | ({} if t.greedy is None else {"greedy": t.greedy})
                for t in self.tiers
            ],
            "totals": {
                "lines": self.totals.lines,
                "lines_full": self.totals.lines_full,
                "requested": self.totals.requested,
                "allocated": self.totals.allocated,
                "fill_rate": self.totals.fill_rate,
            },
            "ignored_reservations": [
                {"order": r.order, "line": r.line, "lot": r.lot, "quantity": r.quantity, "why": r.why}
                for r in self.ignored_reservations
            ],
            "notes": list(self.notes),
        }
        if self.greedy_allocated is not None:
            out["greedy"] = {"allocated": self.greedy_allocated}
        if self.changes is not None:
            out["changes"] = {
                "units_moved": self.changes.units_moved,
                "lines_changed": self.changes.lines_changed,
                "dropped": dict(self.changes.dropped),
            }
        return out

    @classmethod
    def from_json(cls, data: object) -> Summary:
        """A summary read back from summary.json's parsed content; SummaryError if it is not one."""
        try:
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            totals = data["totals"]
            greedy = data.get("greedy")
            return cls(
                scenario=_text(data["scenario"]),
                today=date.fromisoformat(_text(data["today"])),
                objective_key=tuple(_text(k) for k in data["objective_key"]),
                status=PlanStatus(data["status"]),
                solver=_text(data["solver"]),
                seconds=_number(data["seconds"]),
                tiers=tuple(
                    TierSummary(
                        tier=_whole(t["tier"]),
                        key=tuple(t["key"]),
                        requested=_whole(t["requested"]),
                        allocated=_whole(t["allocated"]),
                        bound=_whole(t["bound"]),
                        greedy=None if "greedy" not in t else _whole(t["greedy"]),
                    )
                    for t in data["tiers"]
                ),
                totals=Totals(
                    lines=_whole(totals["lines"]),
                    lines_full=_whole(totals["lines_full"]),
                    requested=_whole(totals["requested"]),
                    allocated=_whole(totals["allocated"]),
                    fill_rate=_number(totals["fill_rate"]),
                ),
                ignored_reservations=tuple(
                    IgnoredReservation(
                        _text(r["order"]),
                        _text(r["line"]),
                        _text(r["lot"]),
                        _whole(r["quantity"]),
                        _text(r["why"]),
                    )
                    for r in data.get("ignored_reservations", [])
                ),
                notes=tuple(_text(n) for n in data.get("notes", [])),
                greedy_allocated=None if greedy is None else _whole(greedy["allocated"]),
                changes=_changes(data.get("changes")),
            )
        except KeyError as exc:
            raise SummaryError(f"summary.json has no {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise SummaryError(f"summary.json is not a planner summary: {exc}") from None


def _changes(data: Any) -> Changes | None:
    if data is None:
        return None
    dropped = data["dropped"]
    if not isinstance(dropped, dict):
        raise TypeError(f"{dropped!r} is not an object")
    return Changes(
        _whole(data["units_moved"]),
        _whole(data["lines_changed"]),
        {_text(k): _whole(v) for k, v in dropped.items()},
    )


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    return float(value)

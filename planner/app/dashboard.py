"""Dashboard-ready tables of a plan, and of several plans side by side.

Each function returns a plain DataFrame (or record) that a page can show, chart
or download as it is. `DashboardPlan` builds a plan's tables once, on first use, so a
page that reruns on every click never rebuilds them. Counts follow
`planner.app.compare`: KPIs and charts cover the lines that take part (nonstock
lines are not among them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd

from models.cells import read_csv_file
from models.previous import read_previous
from models.records import DEFAULT_UNIT, LineKey, PreviousPlan, Scenario
from planner.app.compare import (
    CHANGE_COLUMNS,
    KPI_COLUMNS,
    MOVE_COLUMNS,
    PRIORITIES,
    WrittenPlan,
    kpis,
    line_changes,
    moves,
)
from planner.app.drill import line_explanation
from planner.app.exceptions import binding_pins, expiring, lost_stock, overdue
from planner.app.explain import LineExplanation
from planner.app.orders import order_table
from planner.result.plan import Plan
from planner.result.reasons import reason_words
from planner.result.summary import Summary

LINE_VIEW_COLUMNS = [
    "order",
    "line",
    "item",
    "type",
    "status",
    "reason",
    "why",
    "ship_date",
    "week",
    "priority",
    "requested",
    "allocated",
    "missing",
    "unit",
    "available_on",
    "tier",
    "lots",
]
Dimension = Literal["priority", "week"]
DIMENSION_WORDS: dict[Dimension, str] = {"priority": "priority", "week": "ship week"}
NO_PART = "takes no part"
"""The status the Lines page filters by for a line with no tier (a quote, a vendor shipment, a nonstock
line ...): never counted as full, partial or none."""
LINE_STATUSES = ("full", "partial", "none", NO_PART)


@dataclass(frozen=True, slots=True)
class Headline:
    """What a planner reads first: how the solve went, the fill, and the gain over the ERP-style greedy."""

    scenario: str
    status: str
    solver: str
    seconds: float
    requested: int
    allocated: int
    fill_rate: float
    greedy: int | None
    lines: int
    lines_full: int
    lines_partial: int
    lines_none: int
    lines_no_part: int
    """Lines that take no part (no tier): in none of the three counts before."""
    orders: int
    orders_full: int
    unit: str = DEFAULT_UNIT
    """The unit of requested and allocated."""
    mixed_units: bool = False
    """The lines use several units: requested, allocated and fill_rate count those in `unit` only,
    and the greedy's total (over every unit) is not shown."""

    @property
    def gain(self) -> int | None:
        """Units allocated beyond what the greedy baseline allocates (None when it was not run)."""
        return None if self.greedy is None else self.allocated - self.greedy


def week_of(day: date) -> str:
    """The ship week, named by its Monday (ISO date, so weeks sort as text)."""
    return (day - timedelta(days=day.weekday())).isoformat()


def line_table(result: WrittenPlan) -> pd.DataFrame:
    """Every line of a plan as written (lines.csv and allocations.csv, solved now or read from its
    folder) with its order type, status, reason (code and words), ship date, week, priority, requested,
    allocated and missing quantity, tier (empty if it takes no part), and its lots."""
    frame = result.lines.copy()
    frame["why"] = frame["reason"].map(reason_words)
    days = {d: date.fromisoformat(d) for d in frame["ship_date"].unique()}  # a few hundred dates
    frame["week"] = frame["ship_date"].map({d: week_of(day) for d, day in days.items()})
    frame["ship_date"] = frame["ship_date"].map(days)
    frame["priority"] = frame["priority"].astype(int)
    frame["missing"] = frame["requested"] - frame["allocated"]
    arrivals = {d: date.fromisoformat(d) if d else None for d in frame["available_on"].unique()}
    frame["available_on"] = frame["available_on"].map(arrivals).astype(object)
    lots = {} if result.allocations is None else _lots_text(result.allocations)
    keys = zip(frame["order"].tolist(), frame["line"].tolist())
    frame["lots"] = [lots.get(key, "") for key in keys]
    frame["tier"] = pd.array([None if t == "" else int(t) for t in frame["tier"].tolist()], dtype="Int64")
    return frame[LINE_VIEW_COLUMNS]


def _lots_text(allocations: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Per line, its lots and quantities as text: "R10K-CA-1 50, R10K-NY-1 270"."""
    source = allocations["lot"].where(allocations["lot"] != "", "nonstock")
    texts = (source.astype(str) + " " + allocations["quantity"].astype(str)).tolist()
    out: dict[tuple[str, str], list[str]] = {}
    for key, text in zip(zip(allocations["order"].tolist(), allocations["line"].tolist()), texts):
        out.setdefault(key, []).append(text)
    return {key: ", ".join(parts) for key, parts in out.items()}


def units_of(lines: pd.DataFrame) -> list[str]:
    """The units of the lines of `line_table` that take part: pieces first, then by name."""
    found = set(lines.loc[lines["tier"].notna(), "unit"])
    return sorted(found, key=lambda u: (u != DEFAULT_UNIT, u))


def unit_totals(lines: pd.DataFrame) -> pd.DataFrame:
    """Per unit (pieces first): lines, requested, allocated and fill rate of the lines that take part."""
    taking_part = lines[lines["tier"].notna()]
    out = taking_part.groupby("unit").agg(
        lines=("requested", "size"), requested=("requested", "sum"), allocated=("allocated", "sum")
    )
    out = out.reindex(units_of(lines))
    out["fill_rate"] = (out["allocated"] / out["requested"].where(out["requested"] > 0)).round(4).fillna(1.0)
    return out.reset_index()


def filter_lines(
    lines: pd.DataFrame,
    statuses: Iterable[str] = (),
    reasons: Iterable[str] = (),
    types: Iterable[str] = (),
    text: str = "",
) -> pd.DataFrame:
    """The rows of `line_table` with a status (of `LINE_STATUSES`: full, partial and none count the
    lines that take part), reason and type among those given (none given: any), whose order or item
    contains `text` (case-insensitive)."""
    keep = pd.Series(True, index=lines.index)
    status = lines["status"].where(lines["tier"].notna(), NO_PART)
    for column, allowed in ((status, statuses), (lines["reason"], reasons), (lines["type"], types)):
        chosen = set(allowed)
        if chosen:
            keep &= column.isin(chosen)
    if text.strip():
        needle = text.strip().lower()
        for_text = lines["order"] + " " + lines["item"]
        keep &= for_text.str.lower().str.contains(needle, regex=False)
    return lines[keep]


K = TypeVar("K")


def first_matching(keys: Iterable[K], text: str, limit: int, name: Callable[[K], str] = str) -> list[K]:
    """The first `limit` of `keys` whose name contains `text` (case-insensitive; any, for no text):
    what a picker offers, so that no widget ever holds every line of a large plan."""
    needle = text.strip().lower()
    return list(islice((k for k in keys if needle in name(k).lower()), limit))


def page_of(frame: pd.DataFrame, page: int, size: int) -> pd.DataFrame:
    """Rows `(page - 1) * size` up to `page * size` of `frame` (page 1 first; past the end: none)."""
    return frame.iloc[(page - 1) * size : page * size]


def pages(rows: int, size: int) -> int:
    """How many pages of `size` rows `rows` rows take (at least one, so that an empty table has a page)."""
    return max(1, -(-rows // size))


def line_lots(scenario: Scenario, allocations: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """The allocation rows (allocations.csv's: lot, warehouse, owner, quantity and its unit, source)
    serving the given lines."""
    units = {i.item: i.unit for i in scenario.items}
    allocations = allocations.copy()
    allocations.insert(
        list(allocations.columns).index("quantity") + 1, "unit", allocations["item"].map(units)
    )
    keys = lines[["order", "line"]].drop_duplicates()
    return allocations.merge(keys, on=["order", "line"], how="inner").reset_index(drop=True)


def fill_by(lines: pd.DataFrame, by: Dimension, unit: str | None = None) -> pd.DataFrame:
    """Requested and allocated per ship week or priority, over the lines of `line_table` that take
    part (only those of items in `unit`, if given: see `units_of`)."""
    taking_part = lines[lines["tier"].notna()]
    if unit is not None:
        taking_part = taking_part[taking_part["unit"] == unit]
    out = taking_part.groupby(by)[["requested", "allocated"]].sum().sort_index()
    out["fill_rate"] = (out["allocated"] / out["requested"].where(out["requested"] > 0)).round(4).fillna(1.0)
    out.index = out.index.astype(str)
    return out


def by_warehouse_owner(scenario: Scenario, allocations: pd.DataFrame) -> pd.DataFrame:
    """Per warehouse, owner and unit (`stock` names the first two): allocable stock in the scenario's
    usable lots (on hand and to come), what the plan (its allocations.csv) takes from it, what is left."""
    today = scenario.today
    units = {i.item: i.unit for i in scenario.items}
    keys = ["warehouse", "owner", "unit"]
    stock = pd.DataFrame(
        [
            (lot.warehouse, lot.owner, units[lot.item], lot.allocable)
            for lot in scenario.lots
            if lot.usable_on(today)
        ],
        columns=[*keys, "allocable"],
    )
    allocations = allocations[allocations["lot"] != ""]
    allocations = allocations.assign(unit=allocations["item"].map(units))
    out = pd.concat(
        [
            stock.groupby(keys)["allocable"].sum(),
            allocations.groupby(keys)["quantity"].sum().rename("allocated"),
        ],
        axis=1,
    )
    out = out.fillna(0).astype(int).sort_index().reset_index()
    out["left"] = out["allocable"] - out["allocated"]
    out.insert(2, "stock", out["warehouse"] + " / " + out["owner"])
    return out


def tier_table(summary: Summary) -> pd.DataFrame:
    """Per tier (summary.json's): its key, requested, allocated, proven bound, the greedy's allocation
    and the gain over it."""
    rows = [
        {
            "tier": t.tier,
            "key": " / ".join(v.isoformat() if isinstance(v, date) else str(v) for v in t.key),
            "requested": t.requested,
            "allocated": t.allocated,
            "bound": t.bound,
            "greedy": t.greedy,
            "gain": None if t.greedy is None else t.allocated - t.greedy,
        }
        for t in summary.tiers
    ]
    return pd.DataFrame(rows, columns=["tier", "key", "requested", "allocated", "bound", "greedy", "gain"])


def item_table(items: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """items.csv (`items`: as the plan writes it, or read back) with each item's description: in stock,
    allocated before, available, required and deficit as InvenTree shows a part; allocable, safety
    stock, on order, allocated now, available after and short as this plan has them; the unit of
    them all."""
    frame = items.copy()
    for column in frame.columns.drop(["item", "unit"]):
        frame[column] = frame[column].astype("int64")
    descriptions = {i.item: i.description for i in scenario.items}
    frame.insert(1, "description", frame["item"].map(descriptions).fillna(""))
    return frame


def in_deficit(items: pd.DataFrame) -> pd.DataFrame:
    """The items in deficit as InvenTree has it: required (allocated before and open) above in stock."""
    return items[items["deficit"] > 0]


def left_short(items: pd.DataFrame) -> pd.DataFrame:
    """The items whose lines this plan leaves short."""
    return items[items["short"] > 0]


class DashboardPlan:
    """One plan's dashboard tables, each built on first use and then kept (a plan never changes).

    Made from a solved plan, or from a result folder (`of_folder`): then the tables the Overview,
    Orders and Lines pages show come from its CSVs, summary.json and the scenario, and the whole plan
    (`plan`: the scenario prepared again, for the Items page, exceptions, changes and explanations)
    is rebuilt only when a page asks for it.

    The frames are shared with everyone who asks: read them, never change them in place.
    """

    def __init__(self, plan: Plan, read_from: Path | None = None) -> None:
        self._plan: Plan | None = plan
        self._make_plan: Callable[[], Plan] = lambda: plan
        self.scenario: Scenario = plan.prepared.scenario
        """The scenario planned (with the previous plan it was re-planned from, if any)."""
        self.read_from = read_from
        """The result folder the plan was read from (planner.io.runs.read_run); None: solved."""
        self._written: WrittenPlan | None = None
        self._explained: dict[LineKey, LineExplanation] = {}

    @classmethod
    def of_folder(
        cls, result: WrittenPlan, scenario: Scenario, folder: Path, make_plan: Callable[[], Plan]
    ) -> DashboardPlan:
        """The view of the plan `folder` holds (`result`, read from it) on `scenario`; `make_plan`
        rebuilds the whole plan when a page needs it (planner.io.runs.read_run)."""
        view = cls.__new__(cls)
        view._plan, view._make_plan, view.scenario = None, make_plan, scenario
        view.read_from, view._written, view._explained = folder, result, {}
        return view

    @property
    def plan(self) -> Plan:
        """The whole plan, rebuilt from its folder on first use when the view was made from one."""
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    def as_previous(self) -> PreviousPlan:
        """The plan as the previous plan of a re-plan (a what-if's): read from its result folder, or
        the solved plan's own rows, which are the same (`Plan.as_previous`)."""
        if self.read_from is not None:
            return read_previous(self.read_from)
        return self.plan.as_previous(f"the plan of {self.scenario.name}")

    @property
    def name(self) -> str:
        return self.result.name

    @property
    def notes(self) -> tuple[str, ...]:
        """What the plan notes for people (summary.json's notes)."""
        return self.result.summary.notes

    @cached_property
    def result(self) -> WrittenPlan:
        """The plan as written (lines.csv, allocations.csv and summary.json), for `planner.app.compare`."""
        return self._written if self._written is not None else WrittenPlan.of_plan(self.plan)

    @cached_property
    def kpis(self) -> dict[str, Any]:
        """Its row of kpis.csv."""
        return kpis(self.result)

    @cached_property
    def headline(self) -> Headline:
        row, summary = self.kpis, self.result.summary
        head = Headline(
            scenario=self.name,
            status=summary.status,
            solver=summary.solver,
            seconds=summary.seconds,
            greedy=summary.greedy_allocated,
            lines_no_part=len(self.lines) - row["lines"],
            **{f: row[f] for f in _HEADLINE_KPIS},
        )
        units = self.units
        if len(units) == 1:
            return dataclasses.replace(head, unit=units[0])
        if len(units) > 1:
            pieces = {row["unit"]: row for row in self.unit_totals.to_dict("records")}.get(DEFAULT_UNIT)
            return dataclasses.replace(
                head,
                requested=int(pieces["requested"]) if pieces else 0,
                allocated=int(pieces["allocated"]) if pieces else 0,
                fill_rate=float(pieces["fill_rate"]) if pieces else 1.0,
                greedy=None,
                mixed_units=True,
            )
        return head

    @cached_property
    def units(self) -> list[str]:
        """The units of the lines that take part, pieces first."""
        return units_of(self.lines)

    @cached_property
    def unit_totals(self) -> pd.DataFrame:
        return unit_totals(self.lines)

    @cached_property
    def lines(self) -> pd.DataFrame:
        return line_table(self.result)

    @cached_property
    def items(self) -> pd.DataFrame:
        if self._plan is None and self.read_from is not None:
            return item_table(read_csv_file(self.read_from / "items.csv"), self.scenario)
        return item_table(self.plan.items_frame(), self.scenario)

    @cached_property
    def tiers(self) -> pd.DataFrame:
        return tier_table(self.result.summary)

    @cached_property
    def stock(self) -> pd.DataFrame:
        return by_warehouse_owner(self.scenario, self.allocations)

    @property
    def allocations(self) -> pd.DataFrame:
        """allocations.csv's rows (read them, never change them in place)."""
        allocations = self.result.allocations
        return self.plan.allocations_frame() if allocations is None else allocations

    @cached_property
    def orders(self) -> pd.DataFrame:
        """The Orders table (planner.app.orders.order_table): overdue first, then the most missing."""
        return order_table(self.lines, self.scenario.orders, self.scenario.today)

    @cached_property
    def overdue(self) -> pd.DataFrame:
        return overdue(self.lines, self.scenario.today)

    @cached_property
    def lost_stock(self) -> pd.DataFrame:
        return lost_stock(self.plan, self.lines)

    @cached_property
    def expiring(self) -> pd.DataFrame:
        return expiring(self.scenario, self.allocations, self.lines)

    @cached_property
    def binding_pins(self) -> pd.DataFrame:
        return binding_pins(self.scenario, self.lines)

    @cached_property
    def previous(self) -> WrittenPlan | None:
        """The previous plan this one was re-planned from (SPEC 9), read from its result folder."""
        previous = self.scenario.previous
        return None if previous is None else WrittenPlan.read(Path(previous.folder))

    @cached_property
    def changes(self) -> pd.DataFrame:
        """changes.csv's rows (every (line, lot) whose quantity differs from the previous plan's), with
        the line's item and unit."""
        return self._with_units(self.plan.changes_frame(), ["order", "line"])

    @cached_property
    def moved(self) -> pd.DataFrame:
        """Where stock moved since the previous plan (planner.app.compare.moves), with units; empty
        without a previous plan."""
        if self.previous is None:
            return pd.DataFrame(columns=[*MOVE_COLUMNS[1:], "unit"])
        return self._with_units(
            moves(self.previous, [self.result]).drop(columns="scenario"), ["order", "line"]
        )

    @cached_property
    def moved_lines(self) -> pd.DataFrame:
        """The lines whose allocation differs from the previous plan's, with the reason on both sides and
        the unit; empty without a previous plan."""
        if self.previous is None:
            return pd.DataFrame(columns=[*CHANGE_COLUMNS[1:], "unit"])
        changed = line_changes(self.previous, [self.result]).drop(columns="scenario")
        return self._with_units(changed, ["order", "line"])

    def _with_units(self, frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
        """`frame` with the unit of each row's line (and its item, if `frame` has none) added."""
        facts = self.lines[[*key, "item", "unit"]]
        if "item" in frame.columns:
            facts = facts.drop(columns="item")
        return frame.merge(facts, on=key, how="left")

    def explanation(self, key: LineKey) -> LineExplanation:
        """Line `key`'s explanation (planner.app.drill.line_explanation), worked out once."""
        if key not in self._explained:
            self._explained[key] = line_explanation(self.plan, key, self.read_from)
        return self._explained[key]

    def fill_by(self, by: Dimension, unit: str | None = None) -> pd.DataFrame:
        return fill_by(self.lines, by, unit)

    def lots_of(self, lines: pd.DataFrame) -> pd.DataFrame:
        return line_lots(self.scenario, self.allocations, lines)


_HEADLINE_KPIS = (
    "requested",
    "allocated",
    "fill_rate",
    "lines",
    "lines_full",
    "lines_partial",
    "lines_none",
    "orders",
    "orders_full",
)


# Several plans: the first is the base the others are compared with.


def kpi_comparison(views: list[DashboardPlan]) -> pd.DataFrame:
    """kpis.csv's rows, one per plan, with the greedy's allocation and the gain over it after fill_rate."""
    table = pd.DataFrame([v.kpis for v in views], columns=KPI_COLUMNS)
    at = list(table.columns).index("fill_rate") + 1
    table.insert(at, "greedy", [v.headline.greedy for v in views])
    table.insert(at + 1, "gain", [v.headline.gain for v in views])
    return table


def kpi_deltas(views: list[DashboardPlan]) -> pd.DataFrame:
    """Each other plan's KPIs less the base's (fill rates as fractions), one row per other plan."""
    table = kpi_comparison(views).set_index("scenario")
    numeric = table.apply(pd.to_numeric, errors="coerce").astype(float)
    deltas = numeric.iloc[1:] - numeric.iloc[0]
    rounded: pd.DataFrame = deltas.round(4).reset_index()
    return rounded


_KPI_WORDS = {
    "lines": "lines taking part",
    "lines_full": "lines full",
    "lines_partial": "lines partial",
    "lines_none": "lines with none",
    "orders_full": "orders complete",
    "fill_rate": "fill rate",
    **{f"fill_p{p}": f"fill, priority {p}" for p in PRIORITIES},
}


def kpi_view(table: pd.DataFrame, deltas: bool = False) -> pd.DataFrame:
    """`kpi_comparison` (or, `deltas`, `kpi_deltas`) as a planner reads it: columns in words, fill rates
    as the Overview writes them (78.1%; deltas in points), signed deltas, priorities no plan has left
    out, and every cell shown ("n/a" where the greedy was not run, "-" for a priority a plan lacks)."""
    fills = [c for c in table.columns if c == "fill_rate" or c.startswith("fill_p")]
    kept = [c for c in table.columns if c not in fills or table[c].notna().any()]
    out = table[kept].copy()
    for column in kept[1:]:
        if deltas:
            out[column] = [_signed(v, column in fills) for v in out[column]]
        elif column in fills:
            out[column] = ["-" if pd.isna(v) else f"{v:.1%}" for v in out[column]]
        elif column in ("greedy", "gain"):
            out[column] = [
                "n/a" if pd.isna(v) else f"{int(v):+,}" if column == "gain" else f"{int(v):,}"
                for v in out[column]
            ]
    return out.rename(columns=_KPI_WORDS)


def _signed(value: object, fill: bool) -> str:
    """A delta as text: "+80", "-1.2 pts" for a fill rate, "n/a" where either side has no value."""
    if pd.isna(value):  # type: ignore[call-overload]
        return "n/a"
    number = float(value)  # type: ignore[arg-type]
    return f"{number * 100:+.1f} pts" if fill else f"{round(number):+,}"


def difference_by(views: list[DashboardPlan], by: Dimension, unit: str | None = None) -> pd.DataFrame:
    """Allocated less the base's, per ship week or priority (rows), one column per other plan
    (lines of items in `unit` only, if given)."""
    frames = [v.fill_by(by, unit)["allocated"].rename(v.name) for v in views]
    table = pd.concat(frames, axis=1).fillna(0).astype(int).sort_index()
    table.index.name = by
    return table.iloc[:, 1:].sub(table.iloc[:, 0], axis=0)


def changed_lines(views: list[DashboardPlan]) -> pd.DataFrame:
    """Every line whose allocation differs from the base's, with the reason on both sides, in words too."""
    changes = line_changes(views[0].result, [v.result for v in views[1:]])
    changes["base_why"] = changes["base_reason"].map(reason_words)
    changes["why"] = changes["reason"].map(reason_words)
    return changes

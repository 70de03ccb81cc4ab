"""The dashboard's charts as Vega-Lite (Altair) specifications: each with a visible title, its axes
named with their unit, and a text description of what it shows (what a screen reader reads out).

Each function takes a table of `planner.app.dashboard` and returns the chart; the page shows it with
`st.altair_chart`. Nothing here draws, so it is tested without Streamlit.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

SUMMARY_ROWS = 20
"""A description names at most this many rows of its table, then says how many more there are."""


def fill_chart(fill: pd.DataFrame, by: str, unit: str) -> alt.Chart:
    """Requested and allocated side by side per row of `fill` (indexed by ship week or priority)."""
    title = f"Requested and allocated by {by} ({unit})"
    data = _long(fill[["requested", "allocated"]], by, "quantity", "series")
    summary = _summary([f"{k}: {int(r.allocated):,} of {int(r.requested):,}" for k, r in fill.iterrows()])
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(f"{by}:N", title=by, sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=["requested", "allocated"]),
            y=alt.Y("quantity:Q", title=unit),
            color=alt.Color("series:N", title=None, sort=["requested", "allocated"]),
            tooltip=[alt.Tooltip(f"{by}:N"), "series:N", alt.Tooltip("quantity:Q", format=",")],
        )
        .properties(title=title, description=f"{title}, allocated of requested per {by}: {summary}")
    )
    return chart


def stock_chart(stock: pd.DataFrame, unit: str) -> alt.Chart:
    """Per warehouse / owner (`stock` of `by_warehouse_owner`, one unit): allocated and left, stacked
    across, every label in full."""
    title = f"Allocable stock by warehouse and owner ({unit})"
    data = _long(stock.set_index("stock")[["allocated", "left"]], "stock", "quantity", "part")
    summary = _summary([f"{r.stock}: {r.allocated:,} allocated, {r.left:,} left" for r in stock.itertuples()])
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("stock:N", title="warehouse / owner", sort=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X("quantity:Q", title=unit, stack="zero"),
            color=alt.Color("part:N", title=None, sort=["allocated", "left"]),
            order=alt.Order("order:Q"),
            tooltip=["stock:N", "part:N", alt.Tooltip("quantity:Q", format=",")],
        )
        .properties(title=title, description=f"{title}: {summary}")
    )
    return chart


def difference_chart(differences: pd.DataFrame, by: str, unit: str) -> alt.Chart:
    """Allocated less the base's per row of `differences` (`difference_by`), one bar per other plan."""
    title = f"Allocated against the base by {by} ({unit})"
    data = _long(differences, by, "difference", "scenario")
    rows = [
        f"{k}: " + ", ".join(f"{name} {value:+,}" for name, value in row.items() if value)
        for k, row in differences.iterrows()
        if row.any()
    ]
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(f"{by}:N", title=by, sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("scenario:N", sort=list(differences.columns)),
            y=alt.Y("difference:Q", title=f"{unit} against the base"),
            color=alt.Color("scenario:N", title=None, sort=list(differences.columns)),
            tooltip=[alt.Tooltip(f"{by}:N"), "scenario:N", alt.Tooltip("difference:Q", format="+,")],
        )
        .properties(title=title, description=f"{title}: {_summary(rows)}")
    )
    return chart


def _long(frame: pd.DataFrame, index: str, value: str, series: str) -> pd.DataFrame:
    """`frame` (rows by `index`, one column per series) as one row per (index, series), in order."""
    wide = frame.rename_axis(index).reset_index()
    wide[index] = wide[index].astype(str)
    out = wide.melt(id_vars=index, var_name=series, value_name=value)
    out["order"] = out[series].map({name: i for i, name in enumerate(frame.columns)})
    return out


def _summary(rows: list[str]) -> str:
    if not rows:
        return "nothing to show."
    more = len(rows) - SUMMARY_ROWS
    return "; ".join(rows[:SUMMARY_ROWS]) + (f"; and {more} more." if more > 0 else ".")

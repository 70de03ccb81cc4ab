"""Items: per item, as InvenTree shows a part and as this plan leaves it, with filters to the items in
deficit (InvenTree's meaning) and to those this plan leaves short; select one to see its lines (and
those its lots serve as an alternate or component) and its lots."""

import streamlit as st

from planner.app.dashboard import in_deficit, left_short
from planner.app.drill import item_lines, item_lots
from planner.dashboard.views.common import LINE_COLUMNS, paged, pick, plan, plan_header, selected, table

current = plan(selected())
plan_header("Items", current)
items = current.items

text, deficit_only, short_only = st.columns([3, 2, 2])
search = text.text_input("Item contains", key="items-text")
shown = items
if search.strip():
    shown = shown[shown["item"].str.lower().str.contains(search.strip().lower(), regex=False)]
if deficit_only.toggle("Only items in deficit", key="items-deficit"):
    shown = in_deficit(shown)
if short_only.toggle("Only items this plan leaves short", key="items-short"):
    shown = left_short(shown)
st.caption(
    f"{len(shown):,} of {len(items):,} items; {len(in_deficit(items)):,} in deficit,"
    f" {len(left_short(items)):,} left short; each row's quantities are in its unit. Select one to see"
    " its lines and lots."
)
chosen = pick(
    paged(shown, "items-page"),
    "items",
    "items-table",
    ("item",),
    raw=shown,
    in_stock=st.column_config.NumberColumn("in stock", help="On hand (lots without a due date)"),
    allocated_before=st.column_config.NumberColumn("allocated before", help="Committed outside this plan"),
    available=st.column_config.NumberColumn("available", help="In stock less allocated before"),
    required=st.column_config.NumberColumn(
        "required", help="Allocated before plus the open quantity of its lines"
    ),
    deficit=st.column_config.NumberColumn("deficit", help="Required less in stock, if above"),
    allocable=st.column_config.NumberColumn("allocable", help="Allocable on hand, usable lots"),
    safety_stock=st.column_config.NumberColumn("safety stock"),
    on_order=st.column_config.NumberColumn("on order", help="Allocable supply still to come"),
    allocated=st.column_config.NumberColumn("allocated now"),
    available_after=st.column_config.NumberColumn(
        "available after", help="Allocable and on order, less this plan"
    ),
    short=st.column_config.NumberColumn("short", help="Open quantity this plan leaves unallocated"),
)
if chosen is not None:
    item = str(chosen["item"])
    st.subheader(f"Lines of {item}, and lines its lots serve")
    table(item_lines(current.lines, current.allocations, item), "item_lines", **LINE_COLUMNS)
    st.subheader(f"Lots of {item}")
    table(
        item_lots(current.scenario, current.allocations, item),
        "item_lots",
        allocated=st.column_config.NumberColumn("allocated now", help="What this plan takes from it"),
        left=st.column_config.NumberColumn("left", help="Allocable less what this plan takes"),
        expires=st.column_config.DateColumn("expires"),
        due=st.column_config.DateColumn("due", help="Expected receipt; empty: on hand"),
    )

"""Items: per item, as InvenTree shows stock, with a filter to the items in deficit."""

import streamlit as st

from planner.app.dashboard import in_deficit
from views.common import plan, plan_header, selected, table

current = plan(selected())
plan_header("Items", current)
items = current.items

short_only = st.toggle("Only items in deficit", key="items-deficit")
shown = in_deficit(items) if short_only else items
st.caption(f"{len(shown)} of {len(items)} items; {len(in_deficit(items))} in deficit")
table(
    shown,
    "items",
    in_stock=st.column_config.NumberColumn("in stock"),
    allocated_before=st.column_config.NumberColumn("allocated before", help="Committed outside this plan"),
    allocable=st.column_config.NumberColumn("available", help="In stock less allocated before, usable lots"),
    safety_stock=st.column_config.NumberColumn("safety stock"),
    allocated=st.column_config.NumberColumn("allocated now"),
    available_after=st.column_config.NumberColumn("available after"),
    deficit=st.column_config.NumberColumn("deficit", help="Required less allocated now"),
)

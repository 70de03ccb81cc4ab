"""What-if: change a priority, a ship date, a lot's quantity, a window or today (and the pins, releases
and keeps made on the Lines and Orders pages); solve again; save."""

from collections.abc import Callable, Iterable
from typing import TypeVar

import streamlit as st

from planner.app import whatif
from planner.app.dashboard import changed_lines, first_matching
from planner.dashboard.views.common import (
    add_change,
    delta_metrics,
    differences,
    md,
    plan,
    remove_change,
    remove_pin,
    save_whatif,
    scenario,
    selected,
    set_today,
    show_message,
    start_over,
    table,
    whatif_of,
    whatif_plan,
)

path = selected()
base = scenario(path)
edit = whatif_of(path)
st.title(f"What-if · {md(path.stem)}")
st.caption(
    "Each change applies on top of the scenario, and the plan is solved again at once: re-planned from"
    " the plan on the Overview, as `planner solve --previous` does, so what need not move stays."
)

PICKED = 100  # choices a picker offers at most: the first that match (never every line of a large plan)

K = TypeVar("K")


def matching(keys: Iterable[K], key: str, label: str, name: Callable[[K], str] = str) -> list[K]:
    """A text filter, and the first PICKED of `keys` whose name contains its text."""
    text = st.text_input(label, key=key, help=f"The picker below offers the first {PICKED} that match")
    return first_matching(keys, text, PICKED, name)


order_tab, line_tab, lot_tab, window_tab, today_tab = st.tabs(
    ["Order priority", "Line priority or ship date", "Lot quantity", "Item window", "Today"]
)
with order_tab:
    orders = {o.order: o for o in base.orders}
    order = st.selectbox(
        "Order",
        matching(orders, "wi-order-text", "Order contains"),
        key="wi-order",
        format_func=lambda o: f"{o} ({orders[o].type}, priority {orders[o].priority})",
    )
    if order is None:
        st.caption("Nothing matches: change the filter.")
    else:
        priority = st.number_input(
            "Priority (0 highest)", 0, 9, orders[order].priority, key=f"wi-order-priority-{order}"
        )
        st.button(
            "Change the order's priority",
            key="wi-order-apply",
            on_click=add_change,
            args=(path, whatif.order_priority(order, int(priority))),
        )
with line_tab:
    lines = {line.key: line for line in base.lines}
    key = st.selectbox(
        "Line",
        matching(lines, "wi-line-text", "Order or item contains", lambda k: f"{k[0]} {lines[k].item}"),
        key="wi-line",
        format_func=lambda k: f"{k[0]} / {k[1]} ({lines[k].item}, {lines[k].quantity})",
    )
    if key is None:
        st.caption("Nothing matches: change the filter.")
    else:
        line = lines[key]
        own = line.priority if line.priority is not None else orders[line.order].priority
        line_priority = st.number_input(
            "Priority (0 highest)", 0, 9, own, key=f"wi-line-priority-{key[0]}-{key[1]}"
        )
        st.button(
            "Change the line's priority",
            key="wi-line-apply",
            on_click=add_change,
            args=(path, whatif.line_priority(*key, int(line_priority))),
        )
        ship_date = st.date_input("Ship date", line.ship_date, key=f"wi-line-date-{key[0]}-{key[1]}")
        st.button(
            "Change the ship date",
            key="wi-date-apply",
            on_click=add_change,
            args=(path, whatif.line_ship_date(*key, ship_date)),
        )
with lot_tab:
    lots = {lot.lot: lot for lot in base.lots}
    lot = st.selectbox(
        "Lot",
        matching(lots, "wi-lot-text", "Lot or item contains", lambda x: f"{x} {lots[x].item}"),
        key="wi-lot",
        format_func=lambda x: f"{x} ({lots[x].item}, {lots[x].warehouse}, {lots[x].quantity} in stock)",
    )
    if lot is None:
        st.caption("Nothing matches: change the filter.")
    else:
        floor = whatif.lot_floor(base, lot)
        quantity = st.number_input(
            f"Quantity (at least {floor})", floor, None, lots[lot].quantity, key=f"wi-lot-qty-{lot}"
        )
        st.button(
            "Change the lot's quantity",
            key="wi-lot-apply",
            on_click=add_change,
            args=(path, whatif.lot_quantity(lot, int(quantity))),
        )
with window_tab:
    items = {item.item: item for item in base.items}
    item = st.selectbox(
        "Item",
        matching(items, "wi-item-text", "Item contains"),
        key="wi-item",
        format_func=lambda i: (
            f"{i} (window {items[i].window_days if items[i].window_days is not None else 'none'})"
        ),
    )
    if item is None:
        st.caption("Nothing matches: change the filter.")
    else:
        no_window = st.checkbox("No window", items[item].window_days is None, key=f"wi-no-window-{item}")
        days = st.number_input(
            "Window in days",
            0,
            None,
            items[item].window_days or 0,
            key=f"wi-window-{item}",
            disabled=no_window,
        )
        st.button(
            "Change the item's window",
            key="wi-window-apply",
            on_click=add_change,
            args=(path, whatif.item_window(item, None if no_window else int(days))),
        )
with today_tab:
    today = st.date_input("Plan as of", edit.today or base.today, key="wi-today")
    st.button(
        "Change today",
        key="wi-today-apply",
        on_click=set_today,
        args=(path, None if today == base.today else today),
    )

show_message()
st.subheader("Changes")
if edit.today is not None:
    text, remove = st.columns([6, 1])
    text.markdown(f"- today = {edit.today.isoformat()} (was {base.today.isoformat()})")
    remove.button("Remove", key="wi-remove-today", on_click=set_today, args=(path, None))
for i, change in enumerate(edit.changes):
    text, remove = st.columns([6, 1])
    text.markdown(f"- {md(change.describe())}")
    remove.button("Remove", key=f"wi-remove-{i}", on_click=remove_change, args=(path, i))
for i, pinned in enumerate(edit.pins):
    text, remove = st.columns([6, 1])
    text.markdown(f"- {md(whatif.describe_pin(pinned))}")
    remove.button("Remove", key=f"wi-remove-pin-{i}", on_click=remove_pin, args=(path, i))
if edit.is_empty:
    st.info("No change yet: make one above.")
    st.stop()
st.button("Start over", key="wi-reset", on_click=start_over, args=(path,))

before, after = plan(path), whatif_plan(path, edit)
st.subheader("Result")
delta_metrics(before, after)
moved = after.plan.summary.changes
if moved is not None:
    st.caption(
        f"Against the base plan: {moved.units_moved:,} units moved, on {moved.lines_changed:,} lines"
        " (what each line gets from each lot, its changes summed, as changes.csv counts them)."
    )
differences([before, after], prefix="whatif_")
st.subheader("Lines that gained or lost")
changes = changed_lines([before, after])
if changes.empty:
    st.info("No line gains or loses: every line gets what it got before (its tier may have moved).")
table(changes, "whatif_line_changes")

st.subheader("Save as a scenario file")
name = st.text_input("Name", edit.name, key="wi-name")
overwrite = st.checkbox("Replace a file of that name", key="wi-overwrite")
st.button("Save", key="wi-save", type="primary", on_click=save_whatif, args=(path, name, overwrite))
st.caption(
    f"It extends {md(path.name)}, so `planner run` can re-run it in batch (with `--previous` and the"
    " base plan's result folder, the plan shown here):"
)
target = path.with_name(whatif.file_name(name))
added = (("pins", whatif.pins_file(target).name),) if edit.pins else ()
st.code(whatif.to_toml(edit.renamed(name), path, target, added=added), language="toml")
if edit.pins:
    st.caption(f"and its pins in {md(whatif.pins_file(target).name)} beside it:")
    st.code(whatif.pins_csv(edit), language="text")

"""Synthetic scenarios of any size, shaped like real order books, every feature switchable.

The shape: many items with few lines and a few hot items with many (Zipf
demand); most items not short; skewed lot sizes; 2 to 5 warehouses; orders of
one to eight lines; a share of full-delivery orders, kits, alternates, owners,
PNP, safety stock, pack sizes, windows, reservations and ineligible lines;
supply still to come (lots with a due date, a few of them late) and a named
company (SPEC 8: lots of owner "" are its own, orders without owners take only
its stock, a few list `*`). Everything is drawn with NumPy from one seed, so a
size and a seed give the same files byte for byte; SPEC 8's draws come from a
second stream of the same seed, so switching them off leaves the other tables
as they were.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from models.cells import write_csv_text
from planner.io.features import Features
from planner.result.output import MARKER, marker, write_atomically

TODAY = date(2026, 11, 23)
COMPANY = "MAIN"
TO_COME_SHARE = 0.15
"""Share of lots that are supply still to come; of those, one in ten is late."""


def generate(lines: int, seed: int, features: Features = Features()) -> dict[str, pd.DataFrame]:
    """The tables of a scenario with about `lines` order lines."""
    rng = np.random.default_rng(seed)
    f = features
    n_items = max(5, lines // 5)
    n_wh = int(rng.integers(2, 6))
    warehouses = np.array([f"W{w}" for w in range(n_wh)])
    items = np.array([f"P{i:06d}" for i in range(n_items)])

    # Demand: Zipf-like popularity, so a few hot items carry many lines.
    popularity = 1.0 / np.arange(1, n_items + 1) ** 0.9
    popularity /= popularity.sum()
    line_item = rng.choice(n_items, size=lines, p=popularity)
    line_qty = np.maximum(1, rng.lognormal(2.3, 0.9, size=lines).astype(np.int64))

    # Supply: most items are covered, about one in five is short.
    demand = np.bincount(line_item, weights=line_qty, minlength=n_items)
    cover = np.where(
        rng.random(n_items) < 0.2, rng.uniform(0.3, 0.95, n_items), rng.uniform(1.05, 2.0, n_items)
    )
    supply = np.ceil(demand * cover + rng.integers(0, 20, n_items)).astype(np.int64)
    lots_per_item = rng.integers(1, 5, size=n_items)
    lot_item = np.repeat(np.arange(n_items), lots_per_item)
    weights = rng.pareto(1.5, size=len(lot_item)) + 0.1
    share = weights / np.bincount(lot_item, weights=weights)[lot_item]
    lot_qty = np.maximum(1, np.round(share * supply[lot_item])).astype(np.int64)
    n_lots = len(lot_item)
    lot_alloc = np.where(rng.random(n_lots) < 0.1, (lot_qty * 0.2).astype(np.int64), 0)
    statuses = np.where(
        rng.random(n_lots) < 0.95, "available", rng.choice(["quarantine", "ingesting", "blocked"], n_lots)
    )
    received = [TODAY - timedelta(days=int(d)) for d in rng.integers(1, 400, n_lots)]
    expires = [
        (TODAY + timedelta(days=int(d))).isoformat() if e else ""
        for d, e in zip(rng.integers(-30, 700, n_lots), rng.random(n_lots) < 0.3)
    ]
    owner_names = (
        np.array(["MAIN", "MAIN", "MAIN", "CONSIGN-A", "CONSIGN-B"]) if f.owners else np.array(["MAIN"])
    )
    lots = pd.DataFrame(
        {
            "lot": [f"L{i:07d}" for i in range(n_lots)],
            "item": items[lot_item],
            "warehouse": rng.choice(warehouses, n_lots),
            "owner": rng.choice(owner_names, n_lots),
            "quantity": lot_qty,
            "allocated": lot_alloc,
            "planned_issue": 0,
            "pnp": (rng.random(n_lots) < 0.85) if f.pnp else True,
            "status": statuses,
            "received": [d.isoformat() for d in received],
            "expires": expires,
        }
    )

    item_table = pd.DataFrame(
        {
            "item": items,
            "description": "",
            "stocking": ~(rng.random(n_items) < 0.02) if f.ineligible else True,
            "safety_stock": np.where(rng.random(n_items) < 0.2, (supply * 0.05).astype(np.int64), 0)
            if f.safety_stock
            else 0,
            "window_days": np.where(rng.random(n_items) < 0.3, "30", "") if f.windows else "",
            "pack_size": np.where(rng.random(n_items) < 0.1, rng.choice([5, 10, 25], n_items), 1)
            if f.pack_size
            else 1,
        }
    )

    # Orders of one to eight lines.
    sizes = rng.integers(1, 9, size=lines)
    order_of_line = np.repeat(np.arange(lines), sizes)[:lines]
    n_orders = int(order_of_line[-1]) + 1
    line_no = np.arange(lines) - np.searchsorted(order_of_line, order_of_line)  # position within its order
    types = rng.choice(
        ["sales", "distribution", "production", "loaner", "shop"], n_orders, p=[0.55, 0.15, 0.2, 0.05, 0.05]
    )
    if f.ineligible:
        types = np.where(rng.random(n_orders) < 0.03, "quote", types)
    orders = pd.DataFrame(
        {
            "order": [f"O{i:07d}" for i in range(n_orders)],
            "type": types,
            "priority": rng.integers(0, 10, n_orders),
            "full_delivery": (rng.random(n_orders) < 0.1) if f.full_delivery else False,
            "released": ~(rng.random(n_orders) < 0.02) if f.ineligible else True,
            "printed": (rng.random(n_orders) < 0.02) if f.ineligible else False,
            "warehouses": [_pick_list(rng, warehouses, 0.3) for _ in range(n_orders)],
            "owners": [_pick_list(rng, owner_names[2:], 0.1) if f.owners else "" for _ in range(n_orders)],
            "customer": "",
        }
    )
    fulfillment = (
        np.where(
            rng.random(lines) < 0.02, rng.choice(["special_order", "vendor_shipment"], lines), "warehouse"
        )
        if f.ineligible
        else "warehouse"
    )
    line_table = pd.DataFrame(
        {
            "order": orders["order"].to_numpy()[order_of_line],
            "line": line_no + 1,
            "item": items[line_item],
            "quantity": line_qty,
            "ship_date": [(TODAY + timedelta(days=int(d))).isoformat() for d in rng.integers(-5, 60, lines)],
            "priority": "",
            "requires_pnp": (rng.random(lines) < 0.2) if f.pnp else False,
            "full_line": (rng.random(lines) < 0.1) if f.full_line else False,
            "fulfillment": fulfillment,
            "po_received": rng.random(lines) < 0.5,
        }
    )

    kits = pd.DataFrame(columns=["kit", "component", "quantity"])
    if f.kits:
        n_kits = max(1, n_items // 200)
        kit_names = [f"K{k:05d}" for k in range(n_kits)]
        comps = [
            (k, items[c], int(q))
            for k in kit_names
            for c, q in zip(
                rng.choice(n_items, int(rng.integers(2, 5)), replace=False), rng.integers(1, 4, 4)
            )
        ]
        kits = pd.DataFrame(comps, columns=["kit", "component", "quantity"]).drop_duplicates(
            ["kit", "component"]
        )
        item_table = pd.concat(
            [
                item_table,
                pd.DataFrame(
                    {
                        "item": kit_names,
                        "description": "kit",
                        "stocking": True,
                        "safety_stock": 0,
                        "window_days": "",
                        "pack_size": 1,
                    }
                ),
            ]
        )
        kit_lines = rng.random(lines) < 0.02
        line_table.loc[kit_lines, "item"] = rng.choice(kit_names, int(kit_lines.sum()))
        line_table.loc[kit_lines, "quantity"] = np.maximum(1, line_table.loc[kit_lines, "quantity"] // 5)
    alternates = pd.DataFrame(columns=["item", "alternate", "rank"])
    if f.alternates:
        with_alt = rng.choice(n_items, max(1, n_items // 20), replace=False)
        alternates = pd.DataFrame(
            {"item": items[with_alt], "alternate": items[(with_alt + 1) % n_items], "rank": 1}
        )
    _supply_to_come_and_company(np.random.default_rng([seed, 8]), lots, orders, f)
    reservations = pd.DataFrame(columns=["order", "line", "lot", "quantity"])
    if f.reservations:
        reservations = _reservations(rng, line_table, lots, set(kits["kit"]))
    return {
        "items.csv": item_table,
        "lots.csv": lots,
        "orders.csv": orders,
        "lines.csv": line_table,
        "kits.csv": kits,
        "alternates.csv": alternates,
        "reservations.csv": reservations,
        "safety_stock.csv": pd.DataFrame(columns=["item", "warehouse", "quantity"]),
    }


def _supply_to_come_and_company(
    rng: np.random.Generator, lots: pd.DataFrame, orders: pd.DataFrame, f: Features
) -> None:
    """SPEC 8, in place: lots to come get a due date (1 to 45 days ahead, one in ten late); with
    the company named, half the company's lots have owner "" and one order in twenty lists `*`."""
    n_lots, n_orders = len(lots), len(orders)
    to_come = rng.random(n_lots) < TO_COME_SHARE
    late = rng.random(n_lots) < 0.1
    ahead = rng.integers(1, 46, n_lots)
    behind = rng.integers(1, 6, n_lots)
    due = [
        (TODAY + timedelta(days=int(-b if lt else a))).isoformat() if c else ""
        for c, lt, a, b in zip(to_come, late, ahead, behind)
    ]
    unnamed = rng.random(n_lots) < 0.5
    star = rng.random(n_orders) < 0.05
    if f.supply_to_come:
        lots["due"] = due
        lots.loc[to_come, "received"] = ""
    if f.company:
        lots.loc[unnamed & (lots["owner"] == COMPANY).to_numpy(), "owner"] = ""
        orders.loc[star & (orders["owners"] == "").to_numpy(), "owners"] = "*"


def _pick_list(rng: np.random.Generator, names: np.ndarray, p: float) -> str:
    if len(names) == 0 or rng.random() >= p:
        return ""
    k = int(rng.integers(1, min(3, len(names)) + 1))
    return ";".join(rng.choice(names, k, replace=False))


def _reservations(
    rng: np.random.Generator, lines: pd.DataFrame, lots: pd.DataFrame, kits: set[str]
) -> pd.DataFrame:
    """A few reservations of a line's own item's first lot, within the line and the lot."""
    first_lot = lots.drop_duplicates("item").set_index("item")
    left = (lots["quantity"] - lots["allocated"]).to_numpy().copy()
    position = {lot: i for i, lot in enumerate(lots["lot"])}
    rows = []
    for i in rng.choice(len(lines), max(1, len(lines) // 100), replace=False):
        line = lines.iloc[int(i)]
        if line["item"] in kits or line["item"] not in first_lot.index:
            continue
        lot = first_lot.loc[line["item"], "lot"]
        q = min(int(line["quantity"]), int(left[position[lot]]), 5)
        if q > 0:
            left[position[lot]] -= q
            rows.append((line["order"], int(line["line"]), lot, q))
    return pd.DataFrame(rows, columns=["order", "line", "lot", "quantity"])


def write_scenario(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    name: str,
    force: bool = False,
    features: Features = Features(),
) -> None:
    """The tables and a scenario.toml (naming the company when `features.company`), written
    atomically into `out_dir` (claimed as SPEC 11 says)."""
    files = {table: write_csv_text(frame) for table, frame in tables.items()}
    company = f'company = "{COMPANY}"\n' if features.company else ""
    files["scenario.toml"] = f'name = "{name}"\ntoday = "{TODAY.isoformat()}"\ndata = "."\n{company}'
    files[MARKER] = marker("generate", scenario=name)
    write_atomically(out_dir, files, force=force)

"""InvenTree's units: quantities in an item's unit may be decimals, the scenario's are whole numbers of
a smaller unit (a power of ten per item, shared by alternates), and the items table says which."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from models.records import DEFAULT_UNIT
from models.tables import MAX_QUANTITY
from planner.io.importers.inventree.demand import Line
from planner.io.importers.inventree.fixture import Fields
from planner.io.importers.result import Tally, unit_factors, whole


def in_smallest_units(
    lots: list[Fields], lines: list[Line], alternates: list[Fields], tally: Tally
) -> dict[str, int]:
    """Each item's unit factor; the lots' quantities are rewritten in 1/factor of the item's unit, the
    quantity rounded down and the allocated up where finer than that."""
    quantities: dict[str, list[Decimal]] = defaultdict(list)
    for row in lots:
        quantities[row["item"]] += [row["quantity"], row["allocated"]]
    for x in lines:
        quantities[x.item].append(x.quantity)
    factors = unit_factors(quantities, [(a["item"], a["alternate"]) for a in alternates])
    for row in lots:
        factor = factors.get(row["item"], 1)
        exact = row["quantity"] * factor, row["allocated"] * factor
        row["quantity"] = whole(row["quantity"], factor, up=False)
        row["allocated"] = whole(row["allocated"], factor, up=True)
        if (row["quantity"], row["allocated"]) != exact:
            tally.add("assumed.lots.rounded_beyond_smallest_unit")
        if row["allocated"] > row["quantity"]:
            tally.add("assumed.lots.allocation_cut_to_quantity")
            row["allocated"] = row["quantity"]
    return factors


def above_bound(lots: list[Fields], lines: list[Line], factors: dict[str, int]) -> list[str]:
    """Lots (already in smallest units) and lines whose quantity in 1/factor of the item's unit is more
    than the planner holds, each named by the record it comes from."""
    problems = []
    found = [(row["record"], row["item"], row["quantity"]) for row in lots]
    found += [(x.record, x.item, whole(x.quantity, factors.get(x.item, 1), up=True)) for x in lines]
    for record, item, quantity in found:
        if abs(quantity) > MAX_QUANTITY:
            factor = factors.get(item, 1)
            unit = f" in 1/{factor} of its unit (finer quantities of {item} need it)" if factor > 1 else ""
            problems.append(
                f"{record}, field quantity: gives {quantity:,}{unit}, more than the planner holds"
                f" ({MAX_QUANTITY:,})"
            )
    return problems


def item_row(part: Fields, item: str, factor: int, tally: Tally) -> Fields:
    """The item's row: description, stocking, and its unit, InvenTree's (pcs when it has none), as
    `1/factor unit` when counted in a smaller unit."""
    description = str(part.get("description") or "").strip()
    unit = str(part.get("units") or "").strip()
    if factor > 1:
        unit = unit or "unit"
        description = f"{description} [quantities in 1/{factor} {unit}]".strip()
        tally.add("assumed.items.unit_made_smaller")
        tally.notes.append(f"{item}: quantities in 1/{factor} {unit} (InvenTree holds decimals)")
    if part.get("virtual"):
        tally.add("assumed.items.virtual_part_nonstock")
    if unit:
        tally.add("info.items_with_a_unit")
    shown = f"1/{factor} {unit}" if factor > 1 else unit or DEFAULT_UNIT
    return {"item": item, "description": description, "stocking": not part.get("virtual"), "unit": shown}


def factor_of(unit: str) -> int:
    """The factor `item_row` wrote into an item's unit (`1/1000 litres` -> 1000); 1 for a unit of
    InvenTree's own: a quantity of the scenario is InvenTree's times this."""
    head = unit.strip().partition(" ")[0]
    return int(head[2:]) if head.startswith("1/") and head[2:].isdigit() and int(head[2:]) > 0 else 1

"""What a plan leaves in the usable lots, per lot and within the safety-stock caps (SPEC 4.2),
transcribed apart from the engine: the short reasons and explain.csv's rule rows are checked on it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from models.records import Lot
from planner.check.facts import Facts
from planner.check.tables import PlanTables


class Slack:
    """Per usable lot what the plan leaves of it (`lot`: allocable less reservations, what previous
    and pin rows fix and the optimiser's rows), and per item and per (item, warehouse) what the
    optimiser may still take of their lots: max(0, A - R - S) less what it takes."""

    def __init__(self, facts: Facts, plan: PlanTables) -> None:
        usable = [lot for lot in facts.scenario.lots if lot.usable_on(facts.today)]
        carried = plan.held_by_lot
        fixed = {lot.lot: facts.reserved_from_lot.get(lot.lot, 0) + carried.get(lot.lot, 0) for lot in usable}
        self.lot = {
            lot.lot: lot.allocable - fixed[lot.lot] - plan.optimizer_by_lot.get(lot.lot, 0) for lot in usable
        }

        def usable_of(item: str) -> list[Lot]:
            return [lot for lot in facts.lots_of_item.get(item, []) if lot.lot in fixed]

        def left(lots: list[Lot], stock: int) -> tuple[int, int]:
            """What the optimiser may still take of the lots, and how far they fall below the stock."""
            allocable = sum(lot.allocable - fixed[lot.lot] for lot in lots)
            taken = sum(plan.optimizer_by_lot.get(lot.lot, 0) for lot in lots)
            return max(0, allocable - stock) - taken, max(0, stock - allocable)

        self.item_left: dict[str, int] = {}
        self.item_lacking: dict[str, int] = {}
        """Per item with safety stock, how far its usable lots (less what is fixed on them) fall below it."""
        for item in facts.scenario.items:
            if item.safety_stock > 0:
                self.item_left[item.item], self.item_lacking[item.item] = left(
                    usable_of(item.item), item.safety_stock
                )
        self.site_left: dict[tuple[str, str], int] = {}
        self.site_lacking: dict[tuple[str, str], int] = {}
        for ss in facts.scenario.safety_stock:
            if ss.quantity > 0:
                lots = [lot for lot in usable_of(ss.item) if lot.warehouse == ss.warehouse]
                site = (ss.item, ss.warehouse)
                self.site_left[site], self.site_lacking[site] = left(lots, ss.quantity)

    def lacking(self, lot: Lot) -> int:
        """What stock added to the lot makes up first: the most its item's or its (item,
        warehouse)'s safety stock lacks."""
        return max(self.item_lacking.get(lot.item, 0), self.site_lacking.get((lot.item, lot.warehouse), 0))

    def left_in(self, lots: Iterable[Lot]) -> int:
        """What the plan leaves in these lots, safety stock included."""
        return sum(max(0, self.lot.get(lot.lot, 0)) for lot in lots)

    def free_of(self, lots: Iterable[Lot]) -> int:
        """The most the optimiser could still take of these lots together: per (item, warehouse)
        within its cap, then per item within the item's."""
        per_site: dict[tuple[str, str], int] = defaultdict(int)
        for lot in lots:
            per_site[(lot.item, lot.warehouse)] += max(0, self.lot.get(lot.lot, 0))
        per_item: dict[str, int] = defaultdict(int)
        for site, amount in per_site.items():
            cap = self.site_left.get(site)
            per_item[site[0]] += amount if cap is None else min(amount, max(0, cap))
        return sum(
            amount if (cap := self.item_left.get(item)) is None else min(amount, max(0, cap))
            for item, amount in per_item.items()
        )

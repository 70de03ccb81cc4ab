"""The checker's pin rules (SPEC 9, planner/check/pins.py): a plan that honours its pins passes,
and each breach (a pin not honoured, a pin of 0 broken, `only` broken, wrong pin rows, a pinned
full line or full-delivery order left incomplete, pins not counted as fixed) is flagged.

Plans are written by hand as the tables the CLI writes, as in test_check.py."""

from __future__ import annotations

from datetime import date

from models.records import Alternate, Item, KitComponent, Line, Lot, Order, Pin, Reservation, Scenario
from tests.planner.check.test_check import LinesRow, check, make, rules, take

SHIP = date(2026, 12, 1)


def two_lots(
    *pins: Pin,
    line: Line | None = None,
    items: list[Item] | None = None,
    reservations: tuple[Reservation, ...] = (),
) -> Scenario:
    """Lots A1, A2 of 10 X; one line S/1 of 8 (or `line`), with these pins."""
    return make(
        lots=[Lot("A1", "X", "W1", 10), Lot("A2", "X", "W1", 10)],
        lines=[line or Line("S", "1", "X", 8, SHIP)],
        items=items,
        pins=pins,
        reservations=reservations,
    )


def row(allocated: int, reason: str = "") -> LinesRow:
    status = "full" if allocated == 8 else ("none" if allocated == 0 else "partial")
    return ("S", "1", "X", 8, allocated, status, reason, 1)


def test_an_honoured_pin_passes_and_a_pin_row_with_another_quantity_is_flagged() -> None:
    """Pinned to 3 of A1: 3 from A1 as a pin row and 5 from A2 passes; 4 from A1 is flagged."""
    sc = two_lots(Pin("S", "1", "A1", 3))
    good = [take(sc, "S", "1", "A1", 3, "pin"), take(sc, "S", "1", "A2", 5)]
    assert check(sc, good, [row(8)]) == []
    bad = [take(sc, "S", "1", "A1", 4, "pin"), take(sc, "S", "1", "A2", 4)]
    assert rules(check(sc, bad, [row(8)])) == {"pin"}


def test_more_from_a_pinned_lot_is_flagged() -> None:
    """An exact pin of 3 of A1 forbids 2 more of A1 from the optimiser."""
    sc = two_lots(Pin("S", "1", "A1", 3))
    bad = [take(sc, "S", "1", "A1", 3, "pin"), take(sc, "S", "1", "A1", 2), take(sc, "S", "1", "A2", 3)]
    assert rules(check(sc, bad, [row(8)])) == {"pin"}


def test_a_pin_of_zero_gives_nothing() -> None:
    """A pin of 0 on A1: 8 from A2 passes, 1 from A1 is flagged."""
    sc = two_lots(Pin("S", "1", "A1", 0))
    assert check(sc, [take(sc, "S", "1", "A2", 8)], [row(8)]) == []
    bad = [take(sc, "S", "1", "A1", 1), take(sc, "S", "1", "A2", 7)]
    assert rules(check(sc, bad, [row(8)])) == {"pin"}


def test_only_lines_take_nothing_from_other_lots() -> None:
    """Pinned to 3 of A1 with only: 3 from A1 passes (no_eligible_stock: no lot it may still use),
    3 more from A2 is flagged."""
    sc = two_lots(Pin("S", "1", "A1", 3, only=True))
    assert check(sc, [take(sc, "S", "1", "A1", 3, "pin")], [row(3, "no_eligible_stock")]) == []
    bad = [take(sc, "S", "1", "A1", 3, "pin"), take(sc, "S", "1", "A2", 3)]
    assert "pin" in rules(check(sc, bad, [row(6, "no_eligible_stock")]))


def test_pin_rows_are_the_pin_less_its_reservations() -> None:
    """Reserving 2 of A1 and pinned to 5 of A1: reservation 2 + pin 3 passes; pin 5 on top is flagged."""
    sc = two_lots(Pin("S", "1", "A1", 5), reservations=(Reservation("S", "1", "A1", 2),))
    good = [
        take(sc, "S", "1", "A1", 2, "reservation"),
        take(sc, "S", "1", "A1", 3, "pin"),
        take(sc, "S", "1", "A2", 3),
    ]
    assert check(sc, good, [row(8)]) == []
    bad = [
        take(sc, "S", "1", "A1", 2, "reservation"),
        take(sc, "S", "1", "A1", 5, "pin"),
        take(sc, "S", "1", "A2", 1),
    ]
    assert "pin" in rules(check(sc, bad, [row(8)]))


def test_a_pinned_full_line_must_be_complete() -> None:
    """A full line of 8 pinned to 3 of A1: 3 + 5 passes; the pin alone (3 of 8) is flagged."""
    sc = two_lots(Pin("S", "1", "A1", 3), line=Line("S", "1", "X", 8, SHIP, full_line=True))
    good = [take(sc, "S", "1", "A1", 3, "pin"), take(sc, "S", "1", "A2", 5)]
    assert check(sc, good, [row(8)]) == []
    alone = [take(sc, "S", "1", "A1", 3, "pin")]
    assert rules(check(sc, alone, [row(3, "full_line_short")])) == {"pin"}


def test_a_pinned_full_delivery_order_must_be_complete() -> None:
    """Full-delivery F: F/1 pinned to 1 of A1. Both lines full passes; F/1 alone is flagged."""
    sc = make(
        lots=[Lot("A1", "X", "W1", 10), Lot("B1", "Y", "W1", 10)],
        lines=[Line("F", "1", "X", 2, SHIP), Line("F", "2", "Y", 2, SHIP)],
        orders=[Order("F", full_delivery=True)],
        pins=(Pin("F", "1", "A1", 2),),
    )
    full: list[LinesRow] = [("F", "1", "X", 2, 2, "full", "", 1), ("F", "2", "Y", 2, 2, "full", "", 1)]
    assert check(sc, [take(sc, "F", "1", "A1", 2, "pin"), take(sc, "F", "2", "B1", 2)], full) == []
    short: list[LinesRow] = [
        ("F", "1", "X", 2, 2, "full", "", 1),
        ("F", "2", "Y", 2, 0, "none", "full_delivery_blocked", 1),
    ]
    assert rules(check(sc, [take(sc, "F", "1", "A1", 2, "pin")], short)) == {"pin"}


def test_pins_count_as_fixed_for_the_pack_size() -> None:
    """Pack size 3, pinned to 4 of A1: 4 + 3 from A2 passes (3 beyond the pin is a pack; the 1 it
    lacks is less than a pack: pack_remainder), 4 + 4 is flagged."""
    sc = two_lots(Pin("S", "1", "A1", 4), items=[Item("X", pack_size=3)])
    good = [take(sc, "S", "1", "A1", 4, "pin"), take(sc, "S", "1", "A2", 3)]
    assert check(sc, good, [row(7, "pack_remainder")]) == []
    bad = [take(sc, "S", "1", "A1", 4, "pin"), take(sc, "S", "1", "A2", 4)]
    assert rules(check(sc, bad, [row(8)])) == {"pack_size"}


def test_a_kit_pin_on_one_component_counts_the_kits_it_starts() -> None:
    """Kit K = 1 A + 2 B, pack size 2 (kits), K/1 of 5 kits pinned to 1 A: the pin starts 1 kit, so 1 +
    2 kits (a pack beyond it) = 3 kits passes, with 3 A and 6 B; 4 kits (3 beyond the pin) is
    flagged for the pack size (and lacks 1 kit, less than a pack: pack_remainder)."""
    sc = make(
        lots=[Lot("A1", "A", "W1", 5), Lot("A2", "A", "W1", 5), Lot("B1", "B", "W1", 10)],
        lines=[Line("K", "1", "K", 5, SHIP)],
        items=[Item("K", pack_size=2)],
        kits=(KitComponent("K", "A", 1), KitComponent("K", "B", 2)),
        pins=(Pin("K", "1", "A1", 1),),
    )
    three = [take(sc, "K", "1", "A1", 1, "pin"), take(sc, "K", "1", "A2", 2), take(sc, "K", "1", "B1", 6)]
    assert check(sc, three, [("K", "1", "K", 5, 3, "partial", "pack_size", 1)]) == []
    four = [take(sc, "K", "1", "A1", 1, "pin"), take(sc, "K", "1", "A2", 3), take(sc, "K", "1", "B1", 8)]
    assert rules(check(sc, four, [("K", "1", "K", 5, 4, "partial", "pack_remainder", 1)])) == {"pack_size"}


def test_a_kit_pin_on_a_lot_of_one_component_counts_for_that_component() -> None:
    """Kit K = 1 A + 2 B, pack size 2 (kits), and B may stand in for A. K/1 of 3 kits pinned to 2 of
    B1, a lot of component B itself: the pin starts 1 kit (2 B), not 2 (as A), so 1 + 2 kits (a pack
    beyond it) passes, with 3 A and 6 B; 2 kits (1 beyond the pin) is flagged for the pack size (it
    lacks 1 kit, less than a pack: pack_remainder)."""
    sc = make(
        lots=[Lot("A1", "A", "W1", 10), Lot("B1", "B", "W1", 10), Lot("B2", "B", "W1", 10)],
        lines=[Line("K", "1", "K", 3, SHIP)],
        items=[Item("K", pack_size=2)],
        kits=(KitComponent("K", "A", 1), KitComponent("K", "B", 2)),
        alternates=(Alternate("A", "B", 1),),
        pins=(Pin("K", "1", "B1", 2),),
    )
    three = [take(sc, "K", "1", "A1", 3), take(sc, "K", "1", "B1", 2, "pin"), take(sc, "K", "1", "B2", 4)]
    assert check(sc, three, [("K", "1", "K", 3, 3, "full", "", 1)]) == []
    two = [take(sc, "K", "1", "A1", 2), take(sc, "K", "1", "B1", 2, "pin"), take(sc, "K", "1", "B2", 2)]
    assert rules(check(sc, two, [("K", "1", "K", 3, 2, "partial", "pack_remainder", 1)])) == {"pack_size"}


def test_kit_pins_on_lots_that_may_give_either_component_count_the_fewest_kits_they_split_into() -> None:
    """Kit K = 1 P1 + 1 P2 in packs of 2 kits, P1 and P2 alternates of each other; K/1 of 3 kits
    pinned to L1:1 and L2:1, both lots of P1. Split as 1 P1 + 1 P2 the pins start 1 kit (not 2,
    counted both as P1), so 1 + 2 kits (a pack beyond them, from L3) passes; 2 kits (1 beyond the
    pins) is flagged for the pack size (it lacks 1 kit, less than a pack: pack_remainder)."""
    sc = make(
        lots=[Lot("L1", "P1", "W1", 1), Lot("L2", "P1", "W1", 1), Lot("L3", "P2", "W1", 4)],
        lines=[Line("K", "1", "K", 3, SHIP)],
        items=[Item("K", pack_size=2)],
        kits=(KitComponent("K", "P1", 1), KitComponent("K", "P2", 1)),
        alternates=(Alternate("P1", "P2", 1), Alternate("P2", "P1", 1)),
        pins=(Pin("K", "1", "L1", 1), Pin("K", "1", "L2", 1)),
    )
    pinned = [take(sc, "K", "1", "L1", 1, "pin"), take(sc, "K", "1", "L2", 1, "pin")]
    three = [*pinned, take(sc, "K", "1", "L3", 4)]
    assert check(sc, three, [("K", "1", "K", 3, 3, "full", "", 1)]) == []
    two = [*pinned, take(sc, "K", "1", "L3", 2)]
    assert rules(check(sc, two, [("K", "1", "K", 3, 2, "partial", "pack_remainder", 1)])) == {"pack_size"}

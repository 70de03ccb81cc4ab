"""Kit-split feasibility: whether a kit line's rows can be split among its components exactly, and
the whole kits units make where one lot may give more than one component (alternates)."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from typing import TypeVar

Value = TypeVar("Value")


def can_split(supply: dict[str, int], demand: dict[str, int], serves: dict[str, set[str]]) -> bool:
    """Whether all supply can go to parts it serves, each part getting exactly its demand (max flow)."""
    if sum(supply.values()) != sum(demand.values()):
        return False
    left, need = dict(supply), dict(demand)
    flow: dict[tuple[str, str], int] = defaultdict(int)  # (supply, part) -> quantity sent
    while True:  # augment along a shortest path s0 -> p0 <- s1 -> p1 ... -> pk with need[pk] > 0
        parent: dict[tuple[str, str], tuple[str, str] | None] = {("s", s): None for s, q in left.items() if q}
        queue, end = deque(parent), None
        while queue and end is None:
            kind, name = node = queue.popleft()
            if kind == "s":
                nexts = [("p", p) for p in sorted(serves.get(name, set())) if p in need]
            else:
                nexts = [("s", s) for s in sorted(left) if flow[(s, name)] > 0]
            for nxt in (n for n in nexts if n not in parent):
                parent[nxt] = node
                queue.append(nxt)
                if nxt[0] == "p" and need[nxt[1]] > 0:
                    end = nxt
                    break
        if end is None:
            return all(q == 0 for q in need.values())
        path: list[tuple[str, str]] = [end]
        while (up := parent[path[-1]]) is not None:
            path.append(up)
        names = [name for _, name in reversed(path)]
        backward = [flow[(names[i + 1], names[i])] for i in range(1, len(names) - 1, 2)]
        amount = min([left[names[0]], need[names[-1]], *backward])
        left[names[0]] -= amount
        need[names[-1]] -= amount
        for i in range(0, len(names), 2):
            flow[(names[i], names[i + 1])] += amount
        for i in range(1, len(names) - 1, 2):
            flow[(names[i + 1], names[i])] -= amount


def fewest_kits(supply: dict[str, int], per_kit: dict[str, int], serves: dict[str, set[str]]) -> int:
    """The fewest whole kits whose components can hold all the supply: each unit counted for one
    component it serves, none above kits x its per-kit quantity (every supply serves one)."""
    total = sum(supply.values())

    def holds(kits: int) -> bool:  # the room the supply leaves in the kits goes to a filler
        room = kits * sum(per_kit.values()) - total
        return room >= 0 and can_split(
            {**_apart(supply), FILLER: room},
            {c: kits * q for c, q in per_kit.items()},
            {**_apart(serves), FILLER: set(per_kit)},
        )

    # Every unit counted for any component it serves: none holds more than all that serves it.
    enough = max((-(-_serving(supply, serves, c) // q) for c, q in per_kit.items()), default=0)
    return _edge(holds, enough, -1)


def most_kits(supply: dict[str, int], per_kit: dict[str, int], serves: dict[str, set[str]]) -> int:
    """The most whole kits the supply makes: each component exactly kits x its per-kit quantity,
    each unit counted once at most, for a component it serves."""
    total = sum(supply.values())

    def makes(kits: int) -> bool:  # the units the kits leave go to a filler component
        left = total - kits * sum(per_kit.values())
        return left >= 0 and can_split(
            supply,
            {**{c: kits * q for c, q in per_kit.items()}, FILLER: left},
            {s: fits | {FILLER} for s, fits in serves.items()},
        )

    # No component gets more than all that serves it.
    beyond = min((_serving(supply, serves, c) // q + 1 for c, q in per_kit.items()), default=1)
    return _edge(makes, 0, beyond)


FILLER = ""
"""The filler's name: a supply in `fewest_kits` (`_apart` keeps the others' names off it), a
component in `most_kits` (components are items, whose names are never empty)."""


def _apart(named: dict[str, Value]) -> dict[str, Value]:
    """The same entries under names that are never the filler's."""
    return {f"+{name}": value for name, value in named.items()}


def _serving(supply: dict[str, int], serves: dict[str, set[str]], component: str) -> int:
    return sum(q for s, q in supply.items() if component in serves[s])


def _edge(holds: Callable[[int], bool], good: int, bad: int) -> int:
    """The count nearest `bad` that `holds`, given that `good` does, `bad` does not, and that every
    count between one that holds and `good` holds too (bisected)."""
    while abs(bad - good) > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if holds(middle) else (good, middle)
    return good

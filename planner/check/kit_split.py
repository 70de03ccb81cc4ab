"""Kit-split feasibility: whether a kit line's rows can be split among its components exactly."""

from __future__ import annotations

from collections import defaultdict, deque


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

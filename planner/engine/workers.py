"""Where integer components are solved: in this process, in a local process pool, or on a Dask cluster.

Components share no stock, so each can be solved on its own (`solve_component`)
wherever a core is free; the outcomes come back in component order, so the
plan is the same, byte for byte, whatever solved it.

- `workers=1`, no scheduler: here, one component after the other, with
  progress per tier.
- `workers=N`: a pool of N fresh local processes. The prepared tables are
  pickled once and unpickled once per process, by the pool's initializer; a
  task carries only its component, the backend's name and the seconds left.
- `scheduler="tcp://host:port"`: the Dask cluster behind that scheduler; the
  prepared tables are scattered to every worker once, then tasks of one or
  more components. `scheduler="local"` starts a LocalCluster for this solve.
  Without `distributed`, or when the scheduler (or a worker of it) cannot be
  had within CONNECT_TIMEOUT seconds, the local pool solves instead, and a
  note in the plan says so.

Progress counts (component, tier) steps: each component's tiers, per finished component. Tasks go out largest
component first (most pairs), so the biggest is not left for last, and only as
workers free up: each carries the seconds left when it is handed out, which
the worker turns into its own monotonic deadline. A deadline crosses processes
and machines as a duration, never as a clock reading.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as wait_futures
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Any, cast

from models.collector import collector_paused
from planner.engine.backends import get_backend
from planner.engine.components import Component
from planner.engine.eligibility import Prepared
from planner.engine.tier_loop import TierOutcome, solve_component

CONNECT_TIMEOUT = 10.0
"""Seconds to reach a Dask scheduler (the whole handshake: a service that accepts and never answers
counts as unreachable), and then for it to have a worker, before the local pool takes over."""

TASKS_PER_WORKER = 4
"""About how many tasks each worker (a pool process, a Dask worker thread) gets: small components
travel together, so that a task's round trip (docs/benchmarks.md) is paid a few times per worker,
not once per component."""

LOCAL = "local"
"""The scheduler address that starts a Dask LocalCluster for one solve."""


@dataclass(slots=True)
class Solved:
    """Each component's outcome, in component order, and notes on where they were solved."""

    outcomes: list[TierOutcome]
    notes: list[str] = field(default_factory=list)


def solve_components(
    prep: Prepared,
    comps: Sequence[Component],
    backend: str,
    deadline: float | None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> Solved:
    """Solve every component with the backend named `backend` by `deadline` (this process's
    time.monotonic()); progress gets ((component, tier) steps done, steps in all).

    With a scheduler, `workers` sizes what runs here instead: the LocalCluster of "local", or
    the pool when Dask cannot be used; 1 then means one process per core.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    tiers = [len({prep.line_tier[li] for li in comp.lines}) for comp in comps]
    total, done = sum(tiers), 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    def finished(index: int) -> None:
        advance(tiers[index])

    notes = []
    if comps and scheduler is not None:
        local_size = workers if workers > 1 else os.cpu_count() or 1
        try:
            return Solved(_on_dask(prep, comps, backend, deadline, finished, scheduler, local_size))
        except _Unavailable as exc:
            notes.append(
                f"Dask scheduler {scheduler} not used ({exc}): solved on {local_size} local processes"
            )
            workers = local_size
    processes = min(workers, len(comps))
    if processes <= 1:
        solver = get_backend(backend)
        outcomes = [solve_component(prep, comp, solver, deadline, lambda: advance(1)) for comp in comps]
        return Solved(outcomes, notes)
    return Solved(_in_pool(prep, comps, backend, deadline, finished, processes), notes)


def _seconds_left(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.monotonic()


@collector_paused()
def _solve(prep: Prepared, comps: list[Component], backend: str, seconds: float | None) -> list[TierOutcome]:
    """One task in a worker: its deadline starts from the seconds left when the task was handed out
    (with Python's cyclic collector paused, as in the main process)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    solver = get_backend(backend)
    return [solve_component(prep, comp, solver, deadline) for comp in comps]


def _share(comps: Sequence[Component], workers: int) -> int:
    """The pairs a task holds at most, so that each worker gets about TASKS_PER_WORKER tasks."""
    return sum(len(comp.pairs) for comp in comps) // (workers * TASKS_PER_WORKER)


def _tasks(comps: Sequence[Component], share: int) -> list[list[int]]:
    """Component indices grouped into tasks, largest first: components in size order (pairs) go
    together until a task holds `share` pairs; with share 0 each is a task of its own."""
    order = sorted(range(len(comps)), key=lambda i: (-len(comps[i].pairs), i))
    tasks: list[list[int]] = []
    load = share
    for index in order:
        if load >= share:
            tasks.append([])
            load = 0
        tasks[-1].append(index)
        load += len(comps[index].pairs)
    return tasks


def _farm(
    comps: Sequence[Component],
    tasks: list[list[int]],
    slots: int,
    submit: Callable[[list[Component]], Any],
    first_done: Callable[[list[Any]], Iterable[Any]],
    finished: Callable[[int], None],
) -> list[TierOutcome]:
    """Hand the tasks out in order, at most `slots` at a time; the outcomes in component order.

    `submit` returns a future (concurrent.futures or Dask) of a task's outcomes, `first_done`
    those of a list of futures that are done once at least one is; a task's exception is raised here.
    """
    waiting = list(reversed(tasks))
    running: dict[Any, list[int]] = {}
    outcomes: list[TierOutcome | None] = [None] * len(comps)
    while waiting or running:
        while waiting and len(running) < slots:
            task = waiting.pop()
            running[submit([comps[i] for i in task])] = task
        for future in first_done(list(running)):
            task = running.pop(future)
            for index, outcome in zip(task, future.result()):
                outcomes[index] = outcome
                finished(index)
    return cast(list[TierOutcome], outcomes)


# The local pool. Each process holds the prepared tables in `_prepared`, set by the initializer.

_prepared: Prepared | None = None
_PRELOAD = [
    "planner.engine.workers",
    "planner.engine.backends.cpsat",
    "planner.engine.backends.mathopt",
    "planner.engine.backends.pulp",
]


@collector_paused()
def _adopt(tables: bytes) -> None:
    global _prepared
    _prepared = pickle.loads(tables)


def _solve_adopted(comps: list[Component], backend: str, seconds: float | None) -> list[TierOutcome]:
    assert _prepared is not None, "the pool's initializer did not run"
    return _solve(_prepared, comps, backend, seconds)


def _in_pool(
    prep: Prepared,
    comps: Sequence[Component],
    backend: str,
    deadline: float | None,
    finished: Callable[[int], None],
    processes: int,
) -> list[TierOutcome]:
    """The components on a pool of fresh processes (forkserver where there is one, else spawn):
    never forked from this one, whose solver libraries may hold threads."""
    tables = pickle.dumps(prep, protocol=pickle.HIGHEST_PROTOCOL)
    context: BaseContext
    if "forkserver" in multiprocessing.get_all_start_methods():
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(_PRELOAD)  # imported once, by the server, for every later pool too
        context = server
    else:
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_adopt, initargs=(tables,)) as pool:
        return _farm(
            comps,
            _tasks(comps, _share(comps, processes)),
            processes,
            lambda task: pool.submit(_solve_adopted, task, backend, _seconds_left(deadline)),
            lambda futures: wait_futures(futures, return_when=FIRST_COMPLETED).done,
            finished,
        )


# Dask.


class _Unavailable(Exception):
    """Dask cannot be used: not installed, or no scheduler or worker within CONNECT_TIMEOUT."""


def _handshake(address: str) -> None:
    """Raise _Unavailable unless a Dask scheduler at `address` says who it is within CONNECT_TIMEOUT.

    The whole exchange (connect, the comm's own handshake, an `identity` request and its answer) runs
    under one deadline, in a thread of its own with its own event loop: a service that accepts the
    connection and never answers (distributed's Client then waits for ever) costs CONNECT_TIMEOUT.
    """
    from distributed.comm.core import connect

    async def identity() -> object:
        comm = await connect(address, timeout=CONNECT_TIMEOUT)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    def ask() -> object:
        return asyncio.run(asyncio.wait_for(identity(), CONNECT_TIMEOUT))

    with ThreadPoolExecutor(1, thread_name_prefix="dask-handshake") as pool:
        try:
            answer = pool.submit(ask).result(timeout=CONNECT_TIMEOUT + 5)
        except (OSError, TimeoutError, FutureTimeout) as exc:  # OSError: refused, unreachable
            reason = str(exc).splitlines()[0] if str(exc) else "no answer"
            raise _Unavailable(f"{reason} within {CONNECT_TIMEOUT:g} s") from exc
        except ValueError:  # an address Dask cannot read: the user's mistake, not a reason to fall back
            raise
        except Exception as exc:  # anything else the comm layer raises on a service that is not Dask's
            raise _Unavailable(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise _Unavailable(f"{address} answered, but not as a Dask scheduler")


def _on_dask(
    prep: Prepared,
    comps: Sequence[Component],
    backend: str,
    deadline: float | None,
    finished: Callable[[int], None],
    scheduler: str,
    local_size: int,
) -> list[TierOutcome]:
    """The components on the Dask cluster at `scheduler`, or on a LocalCluster of `local_size`
    single-threaded worker processes for "local"."""
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as wait_dask
    except ImportError as exc:
        raise _Unavailable("the distributed package is not installed") from exc
    with ExitStack() as stack:
        try:
            if scheduler == LOCAL:
                cluster = LocalCluster(
                    n_workers=local_size, threads_per_worker=1, processes=True, dashboard_address=None
                )
                stack.enter_context(cluster)
                client = stack.enter_context(Client(cluster, timeout=CONNECT_TIMEOUT))
            else:
                _handshake(scheduler)
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT))
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except OSError as exc:  # TimeoutError included
            raise _Unavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
        slots = max(1, sum(client.nthreads().values()))
        shared = client.scatter(prep, broadcast=True, hash=False)
        return _farm(
            comps,
            _tasks(comps, _share(comps, slots)),
            slots,
            lambda task: client.submit(_solve, shared, task, backend, _seconds_left(deadline), pure=False),
            lambda futures: wait_dask(futures, return_when="FIRST_COMPLETED").done,
            finished,
        )

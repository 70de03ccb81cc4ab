"""Posting a plan to InvenTree: the plan checked, the server's state read, and the requests that
post it either listed (a dry run, `inventree_requests.json` beside the plan) or sent in order,
stopping at the first that InvenTree refuses, each one sent recorded in the append-only log
`inventree_sent.jsonl` beside the plan as soon as InvenTree answers it.

The dry run's list is what a planner reviews, so `--apply` never rewrites it; the log is what was
done, so no run rewrites an earlier run's lines. Neither file replaces or extends a file of that
name the planner did not write (docs/imports.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.cells import read_csv_file
from models.errors import PlannerError
from models.loading import load_scenario
from planner.check import check_dir
from planner.io.exporters.inventree import Export, Request, export, read_state
from planner.io.importers.inventree import server
from planner.result.output import KEPT, refuse_file, write_file_atomically

REQUESTS_FILE = "inventree_requests.json"
"""The dry run's list of requests (rewritten by the next dry run)."""
SENT_LOG = KEPT[0]
"""What every `--apply` did, one JSON object a line, appended to and never rewritten (a result
folder holding it is solved over only with --force)."""
WRITTEN_BY = "export inventree"

Record = Callable[[str, dict[str, Any]], None]
"""Appends one event (its name, its fields) to the sent log."""


class ExportRefused(PlannerError):
    """The plan cannot be exported: it fails the checker for its scenario (wrong input: exit 2)."""

    exit_code = 2


class ExportStopped(PlannerError):
    """InvenTree refused a request; the allocations before it were made and logged (a fault: exit 1)."""

    wrote_nothing = False


@dataclass(slots=True)
class Outcome:
    """What an export did: the requests worked out, those sent with InvenTree's answers."""

    export: Export
    sent: list[dict[str, Any]] = field(default_factory=list)


def post_plan(
    scenario_path: Path, result_dir: Path, url: str | None, token: str | None, apply: bool
) -> Outcome:
    """The requests that post the plan in `result_dir` (of the scenario at `scenario_path`) to the
    InvenTree server `url`: listed in the requests file (a dry run), or sent when `apply`, each
    logged in the sent log. Raises OutputRefused for a requests file or log the planner did not
    write, ExportRefused for a plan the checker rejects, ServerFailed when the server cannot be
    read, ExportStopped when it refuses a request."""
    target = Path(result_dir) / (SENT_LOG if apply else REQUESTS_FILE)
    refuse_file(target, ours=_is_sent_log if apply else _is_requests_file)
    scenario = load_scenario(scenario_path)
    violations = check_dir(scenario, result_dir)
    if violations:
        shown = "\n".join(f"{v.rule}: {v.message}" for v in violations[:20])
        raise ExportRefused(f"{result_dir}: the plan fails the checker for {scenario_path}:\n{shown}")
    allocations = read_csv_file(Path(result_dir) / "allocations.csv")
    api = server.connect(url, token)
    outcome = Outcome(export(scenario, allocations, read_state(api)))
    worked_out = {
        "requests": [r.shown() for r in outcome.export.requests],
        "not_sent": outcome.export.not_sent,
        "already_in_inventree": outcome.export.already,
    }
    if not apply:
        record = {"written_by": WRITTEN_BY, "server": str(api.base_url)} | worked_out
        write_file_atomically(target, json.dumps(record, indent=1) + "\n")
        return outcome
    with _appending(target, str(api.base_url)) as log:
        log("apply", worked_out | {"requests": len(outcome.export.requests)})
        stopped = send(api, outcome.export.requests, outcome.sent, log)
        if not stopped:
            log("done", {"sent": len(outcome.sent)})
    if stopped:
        raise ExportStopped(f"{stopped}; every request sent and the refusal are logged in {target}")
    return outcome


def send(api: Any, requests: list[Request], sent: list[dict[str, Any]], log: Record | None = None) -> str:
    """Post `requests` in order, each as sent (its body and InvenTree's answer) appended to `sent`
    and logged; at the first refused, log it and stop: what went wrong and what was made before
    ("" when all were sent)."""
    created: dict[int, Any] = {}
    for index, request in enumerate(requests):
        body = request.body
        if request.shipment_from is not None:
            body = body | {"shipment": created[request.shipment_from]}
        try:
            answer = api.post(request.path, body)
        except server.client_errors() as exc:
            answer, problem = None, server.described(exc)
        else:
            problem = "" if isinstance(answer, dict) else "no JSON answer"
        if problem:
            if log is not None:
                log("refused", request.shown() | {"body": body, "problem": problem})
            made = [s["what"] for s in sent]
            return (
                f"InvenTree refused request {index + 1} of {len(requests)} (POST /api/{request.path},"
                f" {request.what}): {problem}; made before it ({len(made)}): " + ("; ".join(made) or "none")
            )
        if request.path == "order/so/shipment/":
            created[index] = answer["pk"]
        entry = request.shown() | {"body": body, "answer": answer}
        sent.append(entry)
        if log is not None:
            log("sent", entry)
    return ""


@contextmanager
def _appending(path: Path, where: str) -> Iterator[Record]:
    """The sent log opened for appending (created if missing, a link never followed): each event one
    line, stamped with the time and the server, on disk before the next request is sent."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o666)

    def append(event: str, fields: dict[str, Any]) -> None:
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = {"event": event, "at": at, "server": where} | fields
        os.write(fd, (json.dumps(line, separators=(",", ":")) + "\n").encode("utf-8"))
        os.fsync(fd)

    try:
        yield append
    finally:
        os.close(fd)


def _is_requests_file(path: Path) -> bool:
    """True for a requests file a dry run wrote (a JSON object listing the server and the requests)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and {"server", "requests"} <= record.keys()


def _is_sent_log(path: Path) -> bool:
    """True for a sent log an apply wrote (its first line a JSON object naming its event), or an empty
    file."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = fh.readline()
        record = json.loads(first) if first.strip() else {"event": ""}
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "event" in record

"""Posting a plan to InvenTree: the plan checked, the server's state read, every request listed in
`inventree_requests.json` beside the plan, and sent only with `apply`, in order, stopping at the first
that InvenTree refuses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from models.errors import PlannerError
from models.loading import load_scenario
from planner.check import check_dir
from planner.io.exporters.inventree import Export, Request, export, read_state
from planner.io.importers.inventree import server
from planner.result.output import write_file_atomically

REQUESTS_FILE = "inventree_requests.json"


class ExportRefused(PlannerError):
    """The plan cannot be exported: it fails the checker for its scenario (wrong input: exit 2)."""

    exit_code = 2


class ExportStopped(PlannerError):
    """InvenTree refused a request; the allocations before it were made (a fault: exit 1)."""


@dataclass(slots=True)
class Outcome:
    """What an export did: the requests worked out, those sent with InvenTree's answers."""

    export: Export
    sent: list[dict[str, Any]] = field(default_factory=list)


def post_plan(
    scenario_path: Path, result_dir: Path, url: str | None, token: str | None, apply: bool
) -> Outcome:
    """The requests that post the plan in `result_dir` (of the scenario at `scenario_path`) to the
    InvenTree server `url`; sent when `apply`. The requests file is written either way (with what was
    sent, and where it stopped). Raises ExportRefused for a plan the checker rejects, ServerFailed
    when the server cannot be read, ExportStopped when it refuses a request."""
    scenario = load_scenario(scenario_path)
    violations = check_dir(scenario, result_dir)
    if violations:
        shown = "\n".join(f"{v.rule}: {v.message}" for v in violations[:20])
        raise ExportRefused(f"{result_dir}: the plan fails the checker for {scenario_path}:\n{shown}")
    allocations = pd.read_csv(result_dir / "allocations.csv", dtype=str, keep_default_na=False)
    api = server.connect(url, token)
    outcome = Outcome(export(scenario, allocations, read_state(api)))
    stopped = send(api, outcome.export.requests, outcome.sent) if apply else ""
    record = {
        "server": str(api.base_url),
        "applied": apply,
        "requests": [r.shown() for r in outcome.export.requests],
        "not_sent": outcome.export.not_sent,
        "already_in_inventree": outcome.export.already,
        "sent": outcome.sent,
        "stopped": stopped,
    }
    write_file_atomically(result_dir / REQUESTS_FILE, json.dumps(record, indent=1) + "\n")
    if stopped:
        raise ExportStopped(stopped)
    return outcome


def send(api: Any, requests: list[Request], sent: list[dict[str, Any]]) -> str:
    """Post `requests` in order, each as sent (its body and InvenTree's answer) appended to `sent`;
    at the first refused, stop: what went wrong and what was made before ("" when all were sent)."""
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
            made = [s["what"] for s in sent]
            return (
                f"InvenTree refused request {index + 1} of {len(requests)} (POST /api/{request.path},"
                f" {request.what}): {problem}; made before it ({len(made)}): " + ("; ".join(made) or "none")
            )
        if request.path == "order/so/shipment/":
            created[index] = answer["pk"]
        sent.append(request.shown() | {"body": body, "answer": answer})
    return ""

"""Reading a live InvenTree server through the official `inventree` client, as records in the form of an
InvenTree export, so that one mapping (`scenario_of`) serves both.

The server's list endpoints give each record with its pk and the model's own field names (`part`,
`quantity`, `status`, `build_line`, ...), so a record of `/api/stock/` is a `stock.stockitem` record
of the export with the same fields. What the lists read here do not give is not invented: no stock
history (lots have no received date), no BOM substitutes, no owners (a stock item with an owner is
refused by the records' check), no supplier pack sizes (docs/imports.md, "From a live server").
"""

from __future__ import annotations

from typing import Any

from models.errors import PlannerError
from planner.io.importers.records import Record, records_of
from planner.io.importers.result import ImportFailed

LISTS = (
    ("part.part", "part/"),
    ("part.bomitem", "bom/"),
    ("stock.stockitem", "stock/"),
    ("stock.stocklocation", "stock/location/"),
    ("company.company", "company/"),
    ("build.build", "build/"),
    ("build.buildline", "build/line/"),
    ("build.builditem", "build/item/"),
    ("order.salesorder", "order/so/"),
    ("order.salesorderlineitem", "order/so-line/"),
    ("order.salesorderallocation", "order/so-allocation/"),
    ("order.salesordershipment", "order/so/shipment/"),
    ("order.purchaseorder", "order/po/"),
    ("order.purchaseorderlineitem", "order/po-line/"),
)
"""The export's model each list endpoint (under /api/) gives, read whole (no filter)."""

PAGE = 500
"""Records asked for per page: InvenTree's schema requires `limit` on every list."""


class ServerFailed(PlannerError):
    """The server cannot be reached or refuses the address or token given (wrong input: exit 2)."""

    exit_code = 2


def connect(url: str | None, token: str | None) -> Any:
    """The official client connected to `url` with `token` (None: the client's own environment
    variables, INVENTREE_API_HOST and INVENTREE_API_TOKEN)."""
    try:
        from inventree.api import InvenTreeAPI
    except ImportError:
        raise ServerFailed(
            "reading an InvenTree server needs its client: pip install 'allocation-planner[inventree]'"
        ) from None
    kwargs = {"token": token} if token else {}
    try:
        return InvenTreeAPI(url, **kwargs)
    except Exception as exc:  # the client raises a bare Exception for a URL without scheme or host
        raise ServerFailed(f"{url or 'INVENTREE_API_HOST'}: cannot connect: {described(exc)}") from None


def get(api: Any, path: str, params: dict[str, object] | None = None) -> Any:
    """The parsed answer to GET /api/<path>; ServerFailed naming the path and status if refused."""
    try:
        return api.get(path, params=params or {})
    except client_errors() as exc:
        raise ServerFailed(f"{api.base_url}: GET /api/{path}: {described(exc)}") from None


def read_list(api: Any, path: str) -> list[Any]:
    """Every record of the list endpoint /api/<path>, page by page (`limit`, `offset`, the envelope
    `{count, results}`) until `count` are read."""
    records: list[Any] = []
    while True:
        body = get(api, path, {"limit": PAGE, "offset": len(records)})
        if not (
            isinstance(body, dict)
            and isinstance(body.get("results"), list)
            and isinstance(body.get("count"), int)
        ):
            raise ImportFailed(f"{api.base_url}: GET /api/{path} did not answer a page of records")
        records += body["results"]
        if not body["results"] or len(records) >= body["count"]:
            return records


def client_errors() -> tuple[type[Exception], ...]:
    """What the client raises when the server is unreachable or refuses a request (`requests` comes
    with the client, an optional dependency: imported only once it is used)."""
    import requests

    return (OSError, requests.RequestException)


def described(exc: BaseException) -> str:
    """What went wrong, without the request's headers (the client's error holds the token)."""
    detail = exc.args[0] if exc.args else None
    if isinstance(detail, dict):
        return f"status {detail.get('status_code')}: {str(detail.get('body', ''))[:300]}"
    return str(exc)[:300] or type(exc).__name__


def read_server(api: Any) -> list[Record]:
    """The server's records in export form: every list of LISTS, and one `company.supplierpart` per
    supplier part an open purchase line names (its part, from the line's `internal_part`; the pack
    size is not in the line: left out)."""
    source = api.base_url
    document: list[Any] = []
    for model, path in LISTS:
        document += [_record(model, r) for r in read_list(api, path)]
    supplier_parts = {
        r["fields"].get("part"): r["fields"].get("internal_part")
        for r in document
        if r["model"] == "order.purchaseorderlineitem"
    }
    document += [
        {"model": "company.supplierpart", "pk": pk, "fields": {"part": part}}
        for pk, part in sorted(supplier_parts.items(), key=lambda kv: str(kv[0]))
        if pk is not None
    ]
    return records_of(document, source)


def _record(model: str, body: object) -> object:
    """A list entry as an export's record (an entry that is not an object is left for `records_of`
    to name)."""
    if not isinstance(body, dict):
        return body
    return {"model": model, "pk": body.get("pk"), "fields": {k: v for k, v in body.items() if k != "pk"}}

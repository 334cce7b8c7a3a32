"""Helpers that talk to a sandbox the way a sync would: over HTTP, by id."""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from sandbox import RunningSandbox

STREAMS = {
    "logs": ("/logs/export", "log_id"),
    "feedback": ("/agent-feedback/export", "feedback_id"),
    "sessions": ("/session-logs/sessions/export", "session_id"),
    "messages": ("/session-logs/messages/export", "message_id"),
    "flags": ("/session-logs/flags/export", "flag_id"),
    "history": ("/session-logs/settings/history", "change_id"),
}
DAY_MS = 86_400_000
# A decoded JSON object: its values are whatever the wire carried.
JSON = dict[str, Any]


@dataclass
class Walk:
    """What a walk of one export stream collected."""

    records: dict[str, JSON] = field(default_factory=dict)
    delivered: int = 0
    pages: int = 0
    cursor: str | None = None
    order: list[str] = field(default_factory=list)


def client(running: RunningSandbox, key: str | None = None) -> httpx.Client:
    """An HTTP client for the sandbox with a key (the admin key by default)."""
    key = running.admin_key if key is None else key
    return httpx.Client(
        base_url=running.base_url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )


def observability(running: RunningSandbox) -> str:
    """The observability path prefix of the sandbox's organisation."""
    return f"/api/observability/v1/organization/{running.organization_id}"


def billing(running: RunningSandbox) -> str:
    """The billing path prefix of the sandbox's organisation."""
    return f"/api/billing/v1/organization/{running.organization_id}"


def decoded(response: httpx.Response) -> JSON:
    """A JSON body with decimals kept exact."""
    body: dict[str, object] = json.loads(response.content, parse_float=Decimal)
    return body


def walk(
    http: httpx.Client,
    running: RunningSandbox,
    stream: str,
    limit: int = 500,
    cursor: str | None = None,
    **first: object,
) -> Walk:
    """Walk an export stream to its end, upserting records by id."""
    path, id_field = STREAMS[stream]
    result = Walk(cursor=cursor)
    while True:
        params: JSON = {"limit": limit}
        if result.cursor:
            params["cursor"] = result.cursor
        else:
            params.update(first)
        response = http.get(observability(running) + path, params=params)
        assert response.status_code == 200, response.text
        body = decoded(response)
        pagination = body["pagination"]
        assert isinstance(pagination, dict)
        records = body["result"]
        assert isinstance(records, list)
        for record in records:
            result.records[record[id_field]] = record
            result.order.append(record[id_field])
        result.delivered += len(records)
        result.pages += 1
        result.cursor = pagination["next_cursor"]
        assert response.headers["x-next-cursor"] == result.cursor
        if not pagination["has_more"]:
            return result


def full_window(running: RunningSandbox) -> str:
    """The start_date an admin sync uses: now - 180 days, as ISO 8601 ms."""
    now_ms = running.world.clock.now_ms()
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp((now_ms - 180 * DAY_MS) / 1000, tz=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def cents_to_ucents(value: object) -> int:
    """Exact millionths of a cent from a decoded `cost_in_cents`."""
    assert isinstance(value, Decimal | int)
    micro = Decimal(value) * 1_000_000
    assert micro == micro.to_integral_value()
    return int(micro)

"""Faults: each kind is observed, and none corrupts a stream."""

from collections.abc import Callable

import httpx
import pytest

from sandbox import RunningSandbox, SandboxConfig
from tests.fixtures.sandbox import small_config
from tests.sandbox.walk import JSON, client, full_window, observability

Factory = Callable[[SandboxConfig], RunningSandbox]


def _logs_page(http: httpx.Client, running: RunningSandbox) -> httpx.Response:
    return http.get(observability(running) + "/logs/export", params={"limit": 50})


def test_a_429_carries_retry_after(sandbox_factory: Factory) -> None:
    running = sandbox_factory(small_config(faults={"429": 1.0}))
    with client(running) as http:
        response = _logs_page(http, running)
    assert response.status_code == 429
    assert response.headers["retry-after"] in ("0", "1")
    assert response.json()["code"] == "rate_limited"


def test_a_5xx_is_500_502_or_503(sandbox_factory: Factory) -> None:
    running = sandbox_factory(small_config(faults={"5xx": 1.0}))
    with client(running) as http:
        statuses = {_logs_page(http, running).status_code for _ in range(12)}
    assert statuses <= {500, 502, 503}
    assert len(statuses) > 1


def test_a_drop_closes_the_connection_mid_body(sandbox_factory: Factory) -> None:
    running = sandbox_factory(small_config(faults={"drop": 1.0}))
    with client(running) as http, pytest.raises(httpx.RemoteProtocolError):
        _logs_page(http, running)


def test_a_slow_answer_outlasts_the_clients_timeout(sandbox_factory: Factory) -> None:
    running = sandbox_factory(small_config(faults={"slow": 1.0}, slow_seconds=1.0))
    with client(running) as http, pytest.raises(httpx.ReadTimeout):
        http.get(observability(running) + "/logs/export", timeout=0.2)


def test_a_malformed_page_adds_one_broken_record_to_the_real_ones(
    sandbox: RunningSandbox, sandbox_factory: Factory
) -> None:
    running = sandbox_factory(small_config(faults={"malformed": 1.0}))
    with client(running) as http, client(sandbox) as clean:
        spoiled = _logs_page(http, running).json()["result"]
        real = _logs_page(clean, sandbox).json()["result"]
    broken = [r for r in spoiled if r not in real]
    assert len(broken) == 1
    assert [r for r in spoiled if r in real] == real
    record = broken[0]
    assert (
        "log_id" not in record
        or not isinstance(record["log_id"], str)
        or not isinstance(record["inserted_at_ms"], int)
    )


def test_sandbox_endpoints_are_never_faulted(sandbox_factory: Factory) -> None:
    running = sandbox_factory(small_config(faults={"5xx": 1.0}))
    assert httpx.get(running.base_url + "/sandbox/stats").status_code == 200


def test_a_key_error_is_never_hidden_by_a_fault(sandbox_factory: Factory) -> None:
    running = sandbox_factory(small_config(faults={"429": 1.0}))
    response = httpx.get(running.base_url + observability(running) + "/logs/export")
    assert response.status_code == 401


def test_a_walk_that_retries_faults_ends_with_the_stats_counts(
    sandbox_factory: Factory,
) -> None:
    faults = {"429": 0.1, "5xx": 0.1, "drop": 0.1, "malformed": 0.2}
    running = sandbox_factory(small_config(faults=faults, retry_after_seconds=0))
    seen: dict[str, object] = {}
    cursor = None
    params: JSON = {"limit": 200, "start_date": full_window(running)}
    with client(running) as http:
        for _ in range(400):
            try:
                response = http.get(
                    observability(running) + "/logs/export",
                    params=params | ({"cursor": cursor} if cursor else {}),
                )
            except httpx.TransportError:
                continue
            if response.status_code != 200:
                continue
            body = response.json()
            for record in body["result"]:
                if isinstance(record.get("log_id"), str) and isinstance(
                    record.get("inserted_at_ms"), int
                ):
                    seen[record["log_id"]] = record
            cursor = body["pagination"]["next_cursor"]
            if not body["pagination"]["has_more"]:
                break
    assert len(seen) == running.stats()["counts"]["log_records"]

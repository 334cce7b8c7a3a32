"""agentmon's figures after a sync equal the sandbox's ground truth and DuckDB's.

The sandbox computes its truth from its generated data, never from a store
(`GET /sandbox/truth/metrics`); DuckDB's `quantile_cont` is an independent
implementation of the same percentile definition.
"""

import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from store import metrics, metrics_columns
from store.db import open_database
from store.metrics_json import cents
from tests.fixtures.sandbox import SANDBOX_NOW_MS

DAY_MS = 86_400_000

WINDOWS = {
    "24h": (SANDBOX_NOW_MS - DAY_MS, SANDBOX_NOW_MS),
    "7d": (SANDBOX_NOW_MS - 7 * DAY_MS, SANDBOX_NOW_MS),
    "30d": (SANDBOX_NOW_MS - 30 * DAY_MS, SANDBOX_NOW_MS),
    "180d": (SANDBOX_NOW_MS - 180 * DAY_MS, SANDBOX_NOW_MS),
    "odd": (SANDBOX_NOW_MS - 47 * DAY_MS - 12_345_678, SANDBOX_NOW_MS - 9 * DAY_MS + 1),
    "beyond the data": (0, SANDBOX_NOW_MS + 365 * DAY_MS),
}

# Which agents a comparison asks for, picked by traffic from the synced copy.
AGENT_SETS = ("all", "busiest", "two busiest", "quietest deployed")


@pytest.fixture
def conn(synced_db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the synced copy."""
    connection = open_database(synced_db, readonly=True)
    yield connection
    connection.close()
    metrics_columns.forget_memory()


def agents_for(conn: sqlite3.Connection, which: str) -> list[str] | None:
    """The deployed agents a comparison asks for, busiest first."""
    ranked = [
        row[0]
        for row in conn.execute(
            "SELECT a.application_id FROM agents a JOIN log_records l"
            " USING (application_id) WHERE a.status = 'deployed'"
            " GROUP BY a.application_id ORDER BY count(*) DESC, a.application_id"
        )
    ]
    return {
        "all": None,
        "busiest": ranked[:1],
        "two busiest": ranked[:2],
        "quietest deployed": ranked[-1:],
    }[which]


def truth(
    sandbox: Any, agents: list[str] | None, window: tuple[int, int]
) -> dict[str, Any]:
    """The sandbox's ground truth, money read as exact decimals."""
    params: list[tuple[str, str | int]] = [("from_ms", window[0]), ("to_ms", window[1])]
    params += [("application_id", agent) for agent in agents or ()]
    reply = httpx.get(f"{sandbox.base_url}/sandbox/truth/metrics", params=params)
    reply.raise_for_status()
    return json.loads(reply.text, parse_float=Decimal)  # type: ignore[no-any-return]


@pytest.mark.parametrize("which", AGENT_SETS)
@pytest.mark.parametrize("window_name", list(WINDOWS))
def test_counts_tokens_spend_and_top_users_equal_the_ground_truth(
    conn: sqlite3.Connection, sandbox: Any, which: str, window_name: str
) -> None:
    agents, window = agents_for(conn, which), WINDOWS[window_name]
    expected = truth(sandbox, agents, window)

    figures = metrics.figures(conn, *window, agents)

    performance, engagement, usage = (
        figures.performance,
        figures.engagement,
        figures.usage,
    )
    assert performance.n == expected["performance"]["n"]
    assert {
        "200": performance.status_200,
        "400": performance.status_400,
        "500": performance.status_500,
    } == expected["performance"]["status"]
    assert engagement.interactions == expected["engagement"]["interactions"]
    assert engagement.users == expected["engagement"]["users"]
    assert [
        {"user_id": user.user_id, "interactions": user.interactions}
        for user in engagement.top_users
    ] == expected["engagement"]["top_users"]
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (
        expected["usage"]["prompt_tokens"],
        expected["usage"]["completion_tokens"],
        expected["usage"]["total_tokens"],
    )
    assert cents(usage.cost_ucents) == expected["usage"]["spend_cents"]


@pytest.mark.parametrize("which", AGENT_SETS)
@pytest.mark.parametrize("window_name", list(WINDOWS))
def test_mean_and_percentiles_equal_the_ground_truth(
    conn: sqlite3.Connection, sandbox: Any, which: str, window_name: str
) -> None:
    agents, window = agents_for(conn, which), WINDOWS[window_name]
    expected = truth(sandbox, agents, window)["performance"]

    result = metrics.performance(conn, *window, agents)

    for name in ("avg_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms"):
        wanted = expected[name]
        if wanted is None:
            assert getattr(result, name) is None
        else:
            assert getattr(result, name) == pytest.approx(float(wanted), rel=1e-12)


@pytest.mark.parametrize("which", AGENT_SETS)
@pytest.mark.parametrize("window_name", ["24h", "30d", "180d", "odd"])
def test_percentiles_equal_duckdb_quantile_cont(
    conn: sqlite3.Connection, synced_db: Path, which: str, window_name: str
) -> None:
    agents, window = agents_for(conn, which), WINDOWS[window_name]
    where = "inserted_at_ms >= ? AND inserted_at_ms < ? AND duration_ms IS NOT NULL"
    params: list[object] = [*window]
    if agents is not None:
        where += f" AND application_id IN ({', '.join('?' for _ in agents)})"
        params += agents
    durations = [
        row[0]
        for row in conn.execute(
            f"SELECT duration_ms FROM log_records WHERE {where}", params
        )
    ]
    expected = duckdb.execute(
        "SELECT quantile_cont(x, [0.5, 0.9, 0.95, 0.99])"
        " FROM (SELECT unnest(?::BIGINT[]) AS x)",
        [durations],
    ).fetchone()

    result = metrics.performance(conn, *window, agents)

    assert expected is not None and len(durations) == result.n
    if not durations:
        assert (expected[0], result.p50_ms) == (None, None)
        return
    ours = [result.p50_ms, result.p90_ms, result.p95_ms, result.p99_ms]
    assert ours == pytest.approx(list(expected[0]), rel=1e-12)


def test_agent_summaries_agree_with_the_single_agent_views(
    conn: sqlite3.Connection,
) -> None:
    window = WINDOWS["30d"]

    summaries = metrics.agent_summaries(conn, *window)

    for application_id, summary in summaries.items():
        if summary.status == "draft":
            continue
        single = metrics.performance(conn, *window, [application_id])
        assert (summary.interactions, summary.n, summary.p95_ms) == (
            single.responses,
            single.n,
            single.p95_ms,
        )


def test_draft_agents_of_the_synced_copy_are_refused(conn: sqlite3.Connection) -> None:
    drafts = [
        row[0]
        for row in conn.execute(
            "SELECT application_id FROM agents WHERE status = 'draft'"
        )
    ]
    assert drafts

    with pytest.raises(metrics.AgentNotDeployed):
        metrics.overview(conn, *WINDOWS["30d"], drafts[:1])

"""Ground-truth metrics agree with a direct computation on the logs export."""

from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import numpy as np
import pytest

from sandbox import RunningSandbox
from tests.fixtures.sandbox import SANDBOX_NOW_MS
from tests.sandbox.walk import DAY_MS, JSON, Walk, cents_to_ucents, decoded


def _expected(records: list[JSON], from_ms: int, to_ms: int) -> JSON:
    window = [r for r in records if from_ms <= int(r["inserted_at_ms"]) < to_ms]
    durations = [int(r["duration_ms"]) for r in window if r["duration_ms"] is not None]
    users = Counter(str(r["user_id"]) for r in window)
    top = sorted(users.items(), key=lambda item: (-item[1], item[0]))[:5]
    statuses = [int(r["http_status"]) for r in window]
    quantiles: list[float | None] = [None] * 4
    if durations:
        quantiles = list(np.percentile(durations, [50, 90, 95, 99], method="linear"))
    ucents = sum(cents_to_ucents(r["cost_in_cents"]) for r in window)
    return {
        "window": {"from_ms": from_ms, "to_ms": to_ms},
        "performance": {
            "n": len(durations),
            "avg_ms": sum(durations) / len(durations) if durations else None,
            "p50_ms": quantiles[0],
            "p90_ms": quantiles[1],
            "p95_ms": quantiles[2],
            "p99_ms": quantiles[3],
            "status": {
                "200": sum(200 <= s < 300 for s in statuses),
                "400": sum(400 <= s < 500 for s in statuses),
                "500": sum(500 <= s < 600 for s in statuses),
            },
        },
        "engagement": {
            "interactions": len(window),
            "users": len(users),
            "top_users": [{"user_id": u, "interactions": n} for u, n in top],
        },
        "usage": {
            "prompt_tokens": sum(int(r["prompt_tokens"]) for r in window),
            "completion_tokens": sum(int(r["completion_tokens"]) for r in window),
            "total_tokens": sum(int(r["total_tokens"]) for r in window),
            "spend_cents": Decimal(ucents) / 1_000_000,
        },
    }


def _truth(running: RunningSandbox, **params: Any) -> JSON:
    return decoded(
        httpx.get(running.base_url + "/sandbox/truth/metrics", params=params)
    )


TIMES = ("avg_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms")


def _approximately(answer: JSON) -> JSON:
    """The answer with its response times compared to floating-point rounding."""
    performance = dict(answer["performance"])
    for key in TIMES:
        if performance[key] is not None:
            performance[key] = pytest.approx(float(performance[key]))
    return answer | {"performance": performance}


def _floats(answer: JSON) -> JSON:
    """The sandbox's answer with its response times as floats."""
    performance = dict(answer["performance"])
    for key in TIMES:
        if performance[key] is not None:
            performance[key] = float(performance[key])
    return answer | {"performance": performance}


@pytest.mark.parametrize(
    ("from_days", "to_days"), [(180, 0), (30, 23), (1, 0), (400, 300)]
)
def test_truth_matches_a_walk_of_the_logs_export(
    from_days: int,
    to_days: int,
    sandbox: RunningSandbox,
    walked: dict[str, Walk],
) -> None:
    from_ms = SANDBOX_NOW_MS - from_days * DAY_MS
    to_ms = SANDBOX_NOW_MS - to_days * DAY_MS
    records = list(walked["logs"].records.values())
    truth = _truth(sandbox, from_ms=from_ms, to_ms=to_ms)
    assert _floats(truth) == _approximately(_expected(records, from_ms, to_ms))


def test_truth_for_some_agents_counts_only_theirs(
    sandbox: RunningSandbox, walked: dict[str, Walk]
) -> None:
    records = list(walked["logs"].records.values())
    apps = sorted({str(r["application_id"]) for r in records})[:2]
    mine = [r for r in records if r["application_id"] in apps]
    to_ms = SANDBOX_NOW_MS + 1
    truth = _truth(sandbox, application_id=apps, from_ms=0, to_ms=to_ms)
    assert _floats(truth) == _approximately(_expected(mine, 0, to_ms))


def test_truth_spend_is_exact_to_the_millionth_of_a_cent(
    sandbox: RunningSandbox, walked: dict[str, Walk]
) -> None:
    spend = _truth(sandbox)["usage"]["spend_cents"]
    exact = sum(
        cents_to_ucents(r["cost_in_cents"]) for r in walked["logs"].records.values()
    )
    assert cents_to_ucents(spend) == exact


def test_truth_of_an_unknown_agent_is_404(sandbox: RunningSandbox) -> None:
    response = httpx.get(
        sandbox.base_url + "/sandbox/truth/metrics",
        params={"application_id": "app_9999"},
    )
    assert response.status_code == 404

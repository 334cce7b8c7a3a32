"""Consumption: daily rows reconcile exactly with the per-response costs."""

from collections import Counter
from decimal import Decimal

import httpx
import pytest

from sandbox import RunningSandbox
from tests.sandbox.walk import DAY_MS, JSON, Walk, billing, cents_to_ucents, decoded

MONTHS = ("2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
BILLED_AS = {
    "no_code": "no_code",
    "writer_agent": "no_code",
    "prebuilt": "no_code",
    "api": "api",
    "framework": "framework",
}


def _rows(
    http: httpx.Client, running: RunningSandbox, path: str, month: str
) -> list[JSON]:
    rows: list[JSON] = []
    while True:
        body = decoded(
            http.get(
                billing(running) + path,
                params={"month": month, "limit": 100, "offset": len(rows)},
            )
        )
        data = body["data"]
        assert isinstance(data, list)
        rows += data
        if len(rows) >= int(body["total"]):
            return rows


@pytest.fixture(scope="module")
def daily(sandbox: RunningSandbox, admin: httpx.Client) -> list[JSON]:
    """Every daily row of the months covering the window."""
    return [
        row
        for month in MONTHS
        for row in _rows(admin, sandbox, "/consumption/daily", month)
    ]


def _date(ms: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d")


def test_model_rows_equal_the_sum_of_log_costs_exactly(
    admin: httpx.Client, walked: dict[str, Walk], daily: list[JSON]
) -> None:
    apps = admin.get("/v1/applications", params={"limit": 100}).json()["data"]
    billed = {app["id"]: BILLED_AS[app["kind"]] for app in apps}
    from_logs: Counter[tuple[str, str, str]] = Counter()
    for record in walked["logs"].records.values():
        key = (
            _date(int(record["inserted_at_ms"])),
            billed[str(record["application_id"])],
            str(record["model"]),
        )
        from_logs[key] += cents_to_ucents(record["cost_in_cents"])
    from_rows = {
        (str(r["date"]), str(r["agent_type"]), str(r["name"])): cents_to_ucents(
            r["cost_in_cents"]
        )
        for r in daily
        if r["category"] == "model"
    }
    assert from_rows == dict(from_logs)


def test_model_row_tokens_equal_the_sum_of_log_tokens(
    walked: dict[str, Walk], daily: list[JSON]
) -> None:
    total = sum(int(r["total_tokens"]) for r in walked["logs"].records.values())
    rows = sum(int(r["total_tokens"]) for r in daily if r["category"] == "model")
    assert rows == total


def test_service_rows_are_other_agent_type(daily: list[JSON]) -> None:
    services = [r for r in daily if r["category"] == "service"]
    assert services
    assert {r["agent_type"] for r in services} == {"other"}
    assert {"web_search", "knowledge_graph"} <= {r["name"] for r in services}


def test_costs_have_at_most_six_decimals(daily: list[JSON]) -> None:
    for row in daily:
        value = row["cost_in_cents"]
        assert isinstance(value, Decimal)
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int) and exponent >= -6


def test_consumption_days_counts_the_distinct_dates(
    sandbox: RunningSandbox, daily: list[JSON]
) -> None:
    counts = sandbox.stats()["counts"]
    assert counts["consumption_days"] == len({r["date"] for r in daily})


@pytest.mark.parametrize("scope", ["user", "team", "billing_group"])
def test_each_full_breakdown_adds_up_to_the_months_model_rows(
    scope: str,
    sandbox: RunningSandbox,
    admin: httpx.Client,
    daily: list[JSON],
) -> None:
    month = "2026-04"
    rows = _rows(admin, sandbox, f"/consumption/breakdown/{scope}", month)
    model_total = sum(
        cents_to_ucents(r["cost_in_cents"])
        for r in daily
        if r["category"] == "model" and str(r["date"]).startswith(month)
    )
    assert sum(cents_to_ucents(r["cost_in_cents"]) for r in rows) == model_total


def test_the_playbook_breakdown_lists_playbooks(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    rows = _rows(admin, sandbox, "/consumption/breakdown/playbook", "2026-04")
    assert rows and all(str(r["id"]).startswith("pbk_") for r in rows)


def test_breakdown_rows_are_ordered_by_cost(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    rows = _rows(admin, sandbox, "/consumption/breakdown/user", "2026-04")
    costs = [cents_to_ucents(r["cost_in_cents"]) for r in rows]
    assert costs == sorted(costs, reverse=True)


def test_offset_pagination_reports_the_total(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    body = admin.get(
        billing(sandbox) + "/consumption/daily",
        params={"month": "2026-04", "limit": 10, "offset": 5},
    ).json()
    assert (body["limit"], body["offset"], len(body["data"])) == (10, 5, 10)
    assert body["total"] > 15


@pytest.mark.parametrize("month", ["2026-13", "april", ""])
def test_a_bad_month_is_400_in_core_v1_style(
    month: str, sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    response = admin.get(
        billing(sandbox) + "/consumption/daily", params={"month": month}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["key"] == "invalid_month"


def test_an_unknown_scope_is_404(sandbox: RunningSandbox, admin: httpx.Client) -> None:
    response = admin.get(
        billing(sandbox) + "/consumption/breakdown/planet", params={"month": "2026-04"}
    )
    assert response.status_code == 404


def test_no_daily_row_is_older_than_the_window(
    daily: list[JSON],
) -> None:
    from tests.fixtures.sandbox import SANDBOX_NOW_MS

    assert min(str(r["date"]) for r in daily) >= _date(SANDBOX_NOW_MS - 180 * DAY_MS)

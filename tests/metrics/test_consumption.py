"""The organisation's monthly consumption and its reconciliation with the logs."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from store import metrics_consumption as consumption
from tests.metrics.conftest import DAY_MS, HOUR_MS, MetricsWorld
from tui.cli import main

MAY_1 = 1_777_593_600_000  # 2026-05-01T00:00:00Z


@pytest.fixture
def may(world: MetricsWorld) -> MetricsWorld:
    """April and May of consumption, with May's logs matching its model lines."""
    world.agent("app_api", kind="api", name="Pricing API")
    world.agent("app_nc", kind="no_code", name="Claims triage")
    world.agent("app_wa", kind="writer_agent", name="Writer Agent")
    world.record("app_nc", MAY_1 - 40 * DAY_MS)  # the logs cover May whole
    world.record("app_nc", MAY_1 + HOUR_MS, cost_ucents=300, total_tokens=30)
    world.record("app_wa", MAY_1 + 2 * HOUR_MS, cost_ucents=200, total_tokens=20)
    world.record("app_api", MAY_1 + DAY_MS + 5, cost_ucents=7, total_tokens=4)
    world.consumption("2026-05-01", "no_code", "model", "palmyra-x5", 500, 50)
    world.consumption("2026-05-01", "other", "service", "web_search", 1_000, 0)
    world.consumption("2026-05-02", "api", "model", "palmyra-x5", 7, 4)
    world.consumption("2026-04-01", "no_code", "model", "palmyra-x5", 900, 90)
    world.consumption("2026-04-02", "no_code", "model", "palmyra-x5", 100, 10)
    world.breakdown("2026-05", "user", "usr_b", "Bo", 10, 500)
    world.breakdown("2026-05", "user", "usr_a", "Al", 20, 500)
    world.breakdown("2026-05", "user", "usr_c", "Cy", 30, 100)
    world.land()
    return world


def test_month_spend_and_tokens_compare_with_the_previous_month(
    may: MetricsWorld,
) -> None:
    result = consumption.consumption(may.conn, "2026-05")

    assert (result.cost_ucents, result.previous_cost_ucents) == (1_507, 1_000)
    assert result.previous_to_date_ucents == 1_000  # April 1-2, May's last day is 2
    assert (result.total_tokens, result.previous_total_tokens) == (54, 100)
    assert result.days == 2


def test_daily_spend_is_split_by_agent_type(may: MetricsWorld) -> None:
    result = consumption.consumption(may.conn, "2026-05")

    assert result.dates == ("2026-05-01", "2026-05-02")
    assert result.daily_by_agent_type == {
        "api": (0, 7),
        "framework": (0, 0),
        "no_code": (500, 0),
        "other": (1_000, 0),
    }


def test_spend_is_split_by_model_and_by_service(may: MetricsWorld) -> None:
    result = consumption.consumption(may.conn, "2026-05")

    assert result.by_model == (consumption.LineItem("palmyra-x5", 507, 54),)
    assert result.by_service == (consumption.LineItem("web_search", 1_000, 0),)
    assert result.tokens_by_agent_type == {
        "api": 4,
        "framework": 0,
        "no_code": 50,
        "other": 0,
    }


def test_top_users_rank_by_tokens_then_id(may: MetricsWorld) -> None:
    result = consumption.consumption(may.conn, "2026-05")

    assert [user.id for user in result.top_users] == ["usr_a", "usr_b", "usr_c"]


def test_top_agents_come_from_the_months_log_records(may: MetricsWorld) -> None:
    result = consumption.consumption(may.conn, "2026-05")

    assert [(agent.id, agent.total_tokens) for agent in result.top_agents] == [
        ("app_nc", 30),
        ("app_wa", 20),
        ("app_api", 4),
    ]


def test_logs_that_add_up_to_the_model_lines_reconcile(may: MetricsWorld) -> None:
    result = consumption.reconcile(may.conn, "2026-05")

    # Writer Agent is billed as no-code: its 200 join the no-code agent's 300.
    assert (result.days_compared, result.rows_compared) == (2, 2)
    assert result.differences == ()


def test_a_cost_missing_from_the_logs_is_reported_per_day_type_and_model(
    may: MetricsWorld,
) -> None:
    may.consumption("2026-05-02", "framework", "model", "palmyra-x4", 42, 6)
    may.record("app_api", MAY_1 + DAY_MS + 9, cost_ucents=1, total_tokens=0)
    may.land()

    result = consumption.reconcile(may.conn, "2026-05")

    assert result.differences == (
        consumption.Difference("2026-05-02", "api", "palmyra-x5", 7, 8, 4, 4),
        consumption.Difference("2026-05-02", "framework", "palmyra-x4", 42, 0, 6, 0),
    )
    assert result.differences[0].difference_ucents == -1


def test_days_the_logs_do_not_cover_whole_are_not_compared(
    world: MetricsWorld,
) -> None:
    world.agent("app_nc", kind="no_code")
    world.record("app_nc", MAY_1 + 10 * HOUR_MS, cost_ucents=5)
    world.consumption("2026-05-01", "no_code", "model", "palmyra-x5", 999)
    world.land()

    result = consumption.reconcile(world.conn, "2026-05")

    assert (result.days_compared, result.differences) == (0, ())


def test_a_database_without_consumption_says_so(world: MetricsWorld) -> None:
    with pytest.raises(consumption.NoConsumptionData, match="admin"):
        consumption.consumption(world.conn, "2026-05")


def test_a_month_that_is_not_yyyy_mm_is_refused(may: MetricsWorld) -> None:
    with pytest.raises(consumption.InvalidMonth):
        consumption.consumption(may.conn, "2026-13")


def test_usage_json_has_exact_cents(
    may: MetricsWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(may.path), "usage", "--month", "2026-05", "--json"]) == 0

    document = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert document["spend"]["spend_cents"] == Decimal("0.001507")
    assert document["daily_spend_by_agent_type"]["other"] == [Decimal("0.001"), 0]
    assert document["reconciliation"]["rows_differing"] == 0
    assert document["top_agents_by_tokens"][0]["name"] == "Claims triage"


def test_usage_table_fits_80_columns(
    may: MetricsWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(may.path), "usage", "--month", "2026-05"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Per-response costs match the consumption exactly" in lines[-1]


def test_usage_without_consumption_is_one_line(
    world: MetricsWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(world.path), "usage"]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no consumption data" in err


def test_usage_of_a_member_synced_copy_is_one_line(
    member_synced_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(member_synced_db), "usage", "--month", "2026-05"]) == 1

    assert "no consumption data" in capsys.readouterr().err


def test_synced_copy_reconciles_every_covered_day(synced_db: Path) -> None:
    from store.db import open_database

    conn = open_database(synced_db, readonly=True)
    try:
        result = consumption.reconcile(conn, "2026-05")
    finally:
        conn.close()

    assert result.days_compared >= 28
    assert result.differences == ()

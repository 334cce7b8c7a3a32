"""The Agents screen's one-call summary of every agent over a window."""

from store import metrics
from tests.metrics.conftest import DAY_MS, HOUR_MS, NOW_MS, MetricsWorld


def test_every_agent_is_summarised_drafts_and_idle_ones_included(
    world: MetricsWorld,
) -> None:
    busy = world.agent("app_busy", name="Busy")
    world.agent("app_idle", name="Idle")
    world.agent("app_draft", name="Draft", status="draft")
    world.record(busy, NOW_MS - HOUR_MS)
    world.land()

    result = metrics.agent_summaries(world.conn, NOW_MS - DAY_MS, NOW_MS)

    assert list(result) == ["app_busy", "app_draft", "app_idle"]
    assert result["app_idle"].interactions == 0
    assert result["app_idle"].last_activity_ms is None


def test_summary_counts_interactions_p95_and_flags_in_the_window(
    world: MetricsWorld,
) -> None:
    agent = world.agent("app_a")
    for index in range(40):
        world.record(agent, NOW_MS - HOUR_MS + index, duration_ms=10 * (index + 1))
    world.record(agent, NOW_MS - 3 * DAY_MS, duration_ms=99_999)
    world.flag(agent, NOW_MS - HOUR_MS, "flg_1")
    world.flag(agent, NOW_MS - 2 * HOUR_MS, "flg_2")
    world.flag(agent, NOW_MS - 3 * DAY_MS, "flg_old")
    world.land()

    summary = metrics.agent_summaries(world.conn, NOW_MS - DAY_MS, NOW_MS)["app_a"]

    assert (summary.interactions, summary.n, summary.flagged_responses) == (40, 40, 2)
    assert (
        summary.p95_ms
        == metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [agent]).p95_ms
    )
    assert summary.p95_insufficient is False


def test_last_activity_is_the_latest_record_even_outside_the_window(
    world: MetricsWorld,
) -> None:
    agent = world.agent("app_a")
    world.record(agent, NOW_MS - 9 * DAY_MS)
    world.record(agent, NOW_MS - 8 * DAY_MS)
    world.land()

    summary = metrics.agent_summaries(world.conn, NOW_MS - DAY_MS, NOW_MS)["app_a"]

    assert (summary.interactions, summary.last_activity_ms) == (0, NOW_MS - 8 * DAY_MS)
    assert summary.p95_ms is None


def test_small_sample_marks_the_p95_insufficient(world: MetricsWorld) -> None:
    agent = world.agent("app_a")
    for index in range(19):
        world.record(agent, NOW_MS - HOUR_MS + index)
    world.land()

    summary = metrics.agent_summaries(world.conn, NOW_MS - DAY_MS, NOW_MS)["app_a"]

    assert summary.p95_insufficient is True


def test_records_of_an_agent_missing_from_the_agents_table_are_summarised(
    world: MetricsWorld,
) -> None:
    world.record("app_gone", NOW_MS - HOUR_MS)
    world.land()

    summary = metrics.agent_summaries(world.conn, NOW_MS - DAY_MS, NOW_MS)["app_gone"]

    assert (summary.name, summary.interactions) == (None, 1)

"""Series for charts: bucket width by window length, UTC edges, per-bucket figures."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import metrics, metrics_columns
from store.db import open_database
from tests.metrics.conftest import DAY_MS, HOUR_MS, NOW_MS, MetricsWorld

MIDNIGHT = NOW_MS - 12 * HOUR_MS  # 2026-06-01T00:00:00Z, a Monday


@pytest.mark.parametrize(
    ("length_ms", "bucket"),
    [
        (HOUR_MS, "hour"),
        (2 * DAY_MS, "hour"),
        (2 * DAY_MS + 1, "day"),
        (30 * DAY_MS, "day"),
        (92 * DAY_MS, "day"),
        (180 * DAY_MS, "week"),
    ],
)
def test_bucket_width_follows_the_window_length(length_ms: int, bucket: str) -> None:
    assert metrics.bucket_for(length_ms)[0] == bucket


def test_weeks_start_on_monday_midnight_utc() -> None:
    wednesday_noon = MIDNIGHT + 2 * DAY_MS + 12 * HOUR_MS

    assert metrics.bucket_start(wednesday_noon, metrics.WEEK_MS) == MIDNIGHT


def test_buckets_start_at_the_boundary_before_the_window_and_cover_it(
    world: MetricsWorld,
) -> None:
    agent = world.agent("app_a")
    world.land()

    result = metrics.series(world.conn, NOW_MS - DAY_MS + 30 * 60_000, NOW_MS, [agent])

    assert (result.bucket, result.width_ms, result.zone) == ("hour", HOUR_MS, "UTC")
    assert result.starts_ms[0] == NOW_MS - DAY_MS
    assert len(result.starts_ms) == 24
    assert result.interactions == (0,) * 24


def test_each_record_lands_in_its_own_bucket(world: MetricsWorld) -> None:
    agent = world.agent("app_a")
    world.record(agent, MIDNIGHT, duration_ms=100, cost_ucents=5)
    world.record(agent, MIDNIGHT + HOUR_MS - 1, duration_ms=300, http_status=500)
    world.record(agent, MIDNIGHT + HOUR_MS, duration_ms=None, cost_ucents=7)
    world.land()

    result = metrics.series(world.conn, MIDNIGHT, MIDNIGHT + 3 * HOUR_MS, [agent])

    assert result.starts_ms == (MIDNIGHT, MIDNIGHT + HOUR_MS, MIDNIGHT + 2 * HOUR_MS)
    assert result.interactions == (2, 1, 0)
    assert result.status_500 == (1, 0, 0)
    assert result.n == (2, 0, 0)
    assert result.avg_ms == (200.0, None, None)
    assert result.p50_ms == (200.0, None, None)
    assert result.cost_ucents == (5 + 1_000_000, 7, 0)


def test_series_of_several_agents_adds_them_per_bucket(world: MetricsWorld) -> None:
    first, second = world.agent("app_a"), world.agent("app_b")
    world.record(first, MIDNIGHT + 10, duration_ms=100, cost_ucents=1)
    world.record(second, MIDNIGHT + 20, duration_ms=300, cost_ucents=2)
    world.record(second, MIDNIGHT + DAY_MS + 5, duration_ms=700, cost_ucents=4)
    world.land()

    result = metrics.series(world.conn, MIDNIGHT, MIDNIGHT + 7 * DAY_MS)

    assert result.bucket == "day"
    assert result.interactions[:3] == (2, 1, 0)
    assert result.cost_ucents[:3] == (3, 4, 0)
    assert result.p50_ms[:3] == (200.0, 700.0, None)


def test_bucket_totals_add_up_to_the_window_figures(world: MetricsWorld) -> None:
    agent = world.agent("app_a")
    for index in range(50):
        world.record(
            agent, MIDNIGHT - 5 * DAY_MS + index * 7 * HOUR_MS, cost_ucents=index
        )
    world.land()

    window = (MIDNIGHT - 4 * DAY_MS, MIDNIGHT + 3 * DAY_MS)
    result = metrics.series(world.conn, *window, [agent])
    totals = metrics.usage(world.conn, *window, [agent])

    assert sum(result.cost_ucents) == totals.cost_ucents
    assert (
        sum(result.interactions) == metrics.engagement(world.conn, *window).interactions
    )


def test_buckets_are_right_when_one_agent_is_active_after_another(
    world: MetricsWorld,
) -> None:
    late, early = world.agent("app_a"), world.agent("app_b")
    world.record(late, MIDNIGHT + 5 * HOUR_MS, duration_ms=500)
    world.record(early, MIDNIGHT + HOUR_MS, duration_ms=100)
    world.record(early, MIDNIGHT + 2 * HOUR_MS, duration_ms=200)
    world.land()

    result = metrics.series(world.conn, MIDNIGHT, MIDNIGHT + 6 * HOUR_MS)

    assert result.interactions == (0, 1, 1, 0, 0, 1)
    assert result.p50_ms == (None, 100.0, 200.0, None, None, 500.0)


series_records = st.lists(
    st.tuples(
        st.sampled_from(["app_a", "app_b", "app_c"]),
        st.integers(min_value=-HOUR_MS, max_value=2 * DAY_MS),  # after MIDNIGHT
        st.one_of(st.none(), st.integers(min_value=0, max_value=9_000)),
        st.integers(min_value=0, max_value=10**9),
    ),
    max_size=40,
)


@settings(max_examples=25, deadline=None)
@given(series_records, st.integers(min_value=0, max_value=DAY_MS))
def test_series_buckets_match_a_direct_computation(
    rows: list[tuple[str, int, int | None, int]], length_ms: int
) -> None:
    window = (MIDNIGHT + 7_777, MIDNIGHT + 7_777 + length_ms)
    with tempfile.TemporaryDirectory() as folder:
        conn = open_database(Path(folder) / "agentmon.db")
        world = MetricsWorld(Path(folder), conn)
        for agent in ("app_a", "app_b", "app_c"):
            world.agent(agent)
        for agent, offset, duration, cost in rows:
            world.record(
                agent, MIDNIGHT + offset, duration_ms=duration, cost_ucents=cost
            )
        world.land()
        result = metrics.series(conn, *window, ["app_a", "app_c"])
        conn.close()
        metrics_columns.forget_memory()

    expected_count: dict[int, int] = {}
    expected_cost: dict[int, int] = {}
    expected_times: dict[int, list[int]] = {}
    for agent, offset, duration, cost in rows:
        moment = MIDNIGHT + offset
        if agent == "app_b" or not window[0] <= moment < window[1]:
            continue
        start = moment - moment % HOUR_MS
        expected_count[start] = expected_count.get(start, 0) + 1
        expected_cost[start] = expected_cost.get(start, 0) + cost
        if duration is not None:
            expected_times.setdefault(start, []).append(duration)
    for index, start in enumerate(result.starts_ms):
        assert result.interactions[index] == expected_count.get(start, 0)
        assert result.cost_ucents[index] == expected_cost.get(start, 0)
        times = sorted(expected_times.get(start, []))
        assert result.n[index] == len(times)
        if times:
            assert result.p50_ms[index] == pytest.approx(float(np.median(times)))
    assert sum(result.interactions) == sum(expected_count.values())

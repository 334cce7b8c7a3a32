"""The metric views over small hand-built worlds: definitions and edge cases."""

import pytest

from store import metrics
from tests.metrics.conftest import DAY_MS, HOUR_MS, NOW_MS, MetricsWorld

DAY_START = NOW_MS - 12 * HOUR_MS  # 2026-06-01T00:00:00Z


@pytest.fixture
def claims(world: MetricsWorld) -> str:
    """A deployed agent with nothing recorded yet."""
    return world.agent("app_claims")


def test_empty_window_has_zero_counts_and_no_response_times(
    world: MetricsWorld, claims: str
) -> None:
    world.record(claims, NOW_MS - 5 * DAY_MS)
    world.land()

    result = metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [claims])

    assert (result.responses, result.n, result.avg_ms, result.p50_ms) == (
        0,
        0,
        None,
        None,
    )
    assert result.insufficient == ("p50_ms", "p90_ms", "p95_ms", "p99_ms")


def test_database_without_any_record_gives_empty_figures(world: MetricsWorld) -> None:
    figures = metrics.figures(world.conn, NOW_MS - DAY_MS, NOW_MS)

    assert figures.engagement.interactions == 0
    assert figures.usage.cost_ucents == 0
    assert figures.usage.by_model == ()


def test_one_response_is_every_percentile_and_the_mean(
    world: MetricsWorld, claims: str
) -> None:
    world.record(claims, NOW_MS - HOUR_MS, duration_ms=1234)
    world.land()

    result = metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [claims])

    assert (result.n, result.avg_ms) == (1, 1234.0)
    assert {result.p50_ms, result.p90_ms, result.p95_ms, result.p99_ms} == {1234.0}
    assert result.insufficient == ("p90_ms", "p95_ms", "p99_ms")


def test_agent_with_only_errors_counts_them_by_class(
    world: MetricsWorld, claims: str
) -> None:
    for minute, status in enumerate([400, 404, 429, 500, 503]):
        world.record(claims, NOW_MS - HOUR_MS + minute * 60_000, http_status=status)
    world.land()

    result = metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [claims])

    assert (result.status_200, result.status_400, result.status_500) == (0, 3, 2)
    assert result.status_share(400) == pytest.approx(0.6)


def test_response_on_the_window_start_is_in_and_on_its_end_is_out(
    world: MetricsWorld, claims: str
) -> None:
    start, end = NOW_MS - DAY_MS, NOW_MS
    world.record(claims, start, duration_ms=100)
    world.record(claims, end, duration_ms=900)
    world.record(claims, end - 1, duration_ms=300)
    world.land()

    result = metrics.performance(world.conn, start, end, [claims])

    assert (result.responses, result.avg_ms) == (2, 200.0)


def test_null_response_times_count_as_responses_but_not_as_samples(
    world: MetricsWorld, claims: str
) -> None:
    world.record(claims, NOW_MS - 3 * HOUR_MS, duration_ms=None)
    world.record(claims, NOW_MS - 2 * HOUR_MS, duration_ms=None, http_status=500)
    world.record(claims, NOW_MS - HOUR_MS, duration_ms=400)
    world.land()

    result = metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [claims])

    assert (result.responses, result.n, result.avg_ms, result.p99_ms) == (
        3,
        1,
        400.0,
        400.0,
    )
    assert (result.status_200, result.status_500) == (2, 1)


def test_window_longer_than_the_data_covers_all_of_it(
    world: MetricsWorld, claims: str
) -> None:
    world.record(claims, NOW_MS - 10 * DAY_MS, duration_ms=100)
    world.record(claims, NOW_MS - 1, duration_ms=300)
    world.land()

    result = metrics.performance(world.conn, 0, NOW_MS + 365 * DAY_MS, [claims])

    assert (result.responses, result.avg_ms, result.p50_ms) == (2, 200.0, 200.0)


def test_percentiles_interpolate_between_ranks(
    world: MetricsWorld, claims: str
) -> None:
    for minute, duration in enumerate([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]):
        world.record(claims, NOW_MS - HOUR_MS + minute, duration_ms=duration)
    world.land()

    result = metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [claims])

    # n = 11: h = 10 p, so P95 sits halfway between the 10th and 11th values.
    assert (result.p50_ms, result.p90_ms, result.p95_ms) == (60.0, 100.0, 105.0)
    assert result.p99_ms == pytest.approx(109.0)
    assert result.insufficient == ("p95_ms", "p99_ms")


def test_window_of_several_agents_pools_their_responses(world: MetricsWorld) -> None:
    first, second, third = (world.agent(f"app_{name}") for name in "abc")
    world.record(first, NOW_MS - HOUR_MS, duration_ms=100)
    world.record(second, NOW_MS - HOUR_MS, duration_ms=300)
    world.record(third, NOW_MS - HOUR_MS, duration_ms=5000)
    world.land()

    pooled = metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [first, second])
    everyone = metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS)

    assert (pooled.responses, pooled.avg_ms) == (2, 200.0)
    assert everyone.responses == 3


def test_top_users_rank_by_interactions_then_user_id(
    world: MetricsWorld, claims: str
) -> None:
    counts = {"usr_c": 3, "usr_a": 2, "usr_b": 2, "usr_d": 1, "usr_e": 1, "usr_f": 1}
    for user_id, times in counts.items():
        for index in range(times):
            world.record(claims, NOW_MS - HOUR_MS + index, user_id=user_id)
    world.record(claims, NOW_MS - HOUR_MS, user_id=None)
    world.land()

    result = metrics.engagement(world.conn, NOW_MS - DAY_MS, NOW_MS, [claims])

    ranked = [(user.user_id, user.interactions) for user in result.top_users]
    assert ranked == [
        ("usr_c", 3),
        ("usr_a", 2),
        ("usr_b", 2),
        ("usr_d", 1),
        ("usr_e", 1),
    ]
    assert (result.interactions, result.users) == (11, 6)
    assert result.top_users[0].share == pytest.approx(3 / 11)


def test_usage_sums_tokens_and_spend_exactly_by_model(
    world: MetricsWorld, claims: str
) -> None:
    world.record(claims, NOW_MS - 3 * HOUR_MS, model="palmyra-x5", cost_ucents=1)
    world.record(claims, NOW_MS - 2 * HOUR_MS, model="palmyra-x5", cost_ucents=2)
    world.record(claims, NOW_MS - HOUR_MS, model="palmyra-fin", cost_ucents=10**15)
    world.record(
        claims, NOW_MS - HOUR_MS, model=None, cost_ucents=None, prompt_tokens=None
    )
    world.land()

    result = metrics.usage(world.conn, NOW_MS - DAY_MS, NOW_MS, [claims])

    assert result.cost_ucents == 10**15 + 3
    assert [
        (row.model, row.interactions, row.cost_ucents) for row in result.by_model
    ] == [
        ("palmyra-fin", 1, 10**15),
        ("palmyra-x5", 2, 3),
        (None, 1, 0),
    ]
    assert (result.prompt_tokens, result.completion_tokens) == (300, 200)
    # The record without tokens counts 0 towards each total it lacks.
    assert result.total_tokens == 3 * 150


def test_overview_compares_with_the_previous_period_of_the_same_length(
    world: MetricsWorld, claims: str
) -> None:
    world.record(claims, NOW_MS - 10 * DAY_MS)
    world.record(claims, NOW_MS - 9 * DAY_MS)
    world.record(claims, NOW_MS - DAY_MS)
    world.land()

    result = metrics.overview(world.conn, NOW_MS - 7 * DAY_MS, NOW_MS, [claims])

    assert result.previous.window == metrics.Window(
        NOW_MS - 14 * DAY_MS, NOW_MS - 7 * DAY_MS
    )
    assert result.previous.engagement.interactions == 2
    assert result.current.engagement.interactions == 1


def test_draft_agent_is_refused_by_name(world: MetricsWorld) -> None:
    draft = world.agent("app_draft", status="draft")

    with pytest.raises(metrics.AgentNotDeployed, match="app_draft is a draft"):
        metrics.performance(world.conn, NOW_MS - DAY_MS, NOW_MS, [draft])


def test_unknown_agent_is_refused_by_name(world: MetricsWorld) -> None:
    with pytest.raises(metrics.UnknownAgent, match="app_nowhere"):
        metrics.usage(world.conn, NOW_MS - DAY_MS, NOW_MS, ["app_nowhere"])


def test_window_ending_before_it_starts_is_refused(world: MetricsWorld) -> None:
    with pytest.raises(metrics.InvalidWindow):
        metrics.engagement(world.conn, NOW_MS, NOW_MS - 1)


def test_histogram_counts_every_timed_response_once(world: MetricsWorld) -> None:
    """Bins cover the fastest to P99; slower responses land in the last bin."""
    world.agent("app_h")
    for index, duration in enumerate([10, 20, 40, 80, 160, 320, 640, 5000, None]):
        world.record("app_h", NOW_MS - DAY_MS + index, duration_ms=duration)
    world.land()

    histogram = metrics.response_time_histogram(
        world.conn, NOW_MS - 2 * DAY_MS, NOW_MS, ["app_h"], bins=4
    )

    assert sum(histogram.counts) == 8
    assert len(histogram.edges_ms) == 5
    assert histogram.edges_ms[0] == 10.0
    assert histogram.overflow == 1
    assert histogram.counts[-1] >= 1


def test_histogram_of_an_empty_window_is_empty(world: MetricsWorld) -> None:
    """No timed response: no bins, rather than bins of nothing."""
    world.agent("app_h")
    world.record("app_h", NOW_MS - DAY_MS, duration_ms=None)
    world.land()

    histogram = metrics.response_time_histogram(world.conn, NOW_MS - 2 * DAY_MS, NOW_MS)

    assert histogram.counts == ()
    assert histogram.overflow == 0

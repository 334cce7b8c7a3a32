"""Percentiles follow type 7 exactly, over any sample: ties, one value, none."""

import math
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from store import metrics, metrics_columns
from store.db import open_database
from tests.metrics.conftest import HOUR_MS, NOW_MS, MetricsWorld

durations = st.lists(st.integers(min_value=0, max_value=600_000), max_size=300)
# Few distinct values make ties the rule rather than the exception.
tied_durations = st.lists(st.sampled_from([0, 1, 250, 250, 1000]), max_size=300)


def type7(sample: list[int], q: float) -> Fraction:
    """The sorted-rank definition: h = (n - 1) p, interpolated between ranks."""
    ordered = sorted(sample)
    h = (len(ordered) - 1) * Fraction(q) / 100
    low, high = math.floor(h), math.ceil(h)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def close(value: float | None, exact: Fraction) -> bool:
    """Whether a float percentile is the exact value up to float rounding."""
    return value is not None and math.isclose(value, exact, rel_tol=1e-12, abs_tol=1e-9)


@given(st.one_of(durations, tied_durations))
def test_percentiles_equal_the_sorted_rank_formula(sample: list[int]) -> None:
    computed = metrics.percentiles(np.array(sample, dtype=np.float64))

    if not sample:
        assert computed == [None, None, None, None]
        return
    for value, (_name, q, _needs) in zip(computed, metrics.PERCENTILES, strict=True):
        assert close(value, type7(sample, q))


@given(st.integers(min_value=0, max_value=10**7))
def test_one_sample_is_its_own_every_percentile(value: int) -> None:
    assert (
        metrics.percentiles(np.array([value], dtype=np.float64)) == [float(value)] * 4
    )


@given(
    st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=500)
)
def test_a_sample_of_ties_has_that_value_everywhere(value: int, n: int) -> None:
    sample = np.full(n, value, dtype=np.float64)

    assert metrics.percentiles(sample) == [float(value)] * 4


records = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4 * HOUR_MS),  # offset before now
        st.one_of(st.none(), st.integers(min_value=0, max_value=60_000)),
        st.sampled_from([200, 200, 200, 400, 500]),
    ),
    max_size=60,
)


@settings(max_examples=25, deadline=None)
@given(records)
def test_performance_over_a_database_matches_a_direct_computation(
    rows: list[tuple[int, int | None, int]],
) -> None:
    window = (NOW_MS - 3 * HOUR_MS, NOW_MS)
    with tempfile.TemporaryDirectory() as folder:
        conn = open_database(Path(folder) / "agentmon.db")
        world = MetricsWorld(Path(folder), conn)
        world.agent("app_a")
        for offset, duration, status in rows:
            world.record(
                "app_a", NOW_MS - offset, duration_ms=duration, http_status=status
            )
        world.land()
        result = metrics.performance(conn, *window, ["app_a"])
        conn.close()
        metrics_columns.forget_memory()

    inside = [row for row in rows if window[0] <= NOW_MS - row[0] < window[1]]
    timed = [duration for _offset, duration, _status in inside if duration is not None]
    assert (result.responses, result.n) == (len(inside), len(timed))
    assert result.status_500 == sum(1 for row in inside if row[2] == 500)
    if timed:
        assert result.avg_ms == sum(timed) / len(timed)
        assert close(result.p95_ms, type7(timed, 95))
    else:
        assert result.avg_ms is None and result.p95_ms is None

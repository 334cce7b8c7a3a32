"""The column cache: fresh after every landed batch, persisted for new processes."""

import sqlite3

import numpy as np
import pytest

from store import metrics, metrics_columns
from tests.metrics.conftest import DAY_MS, HOUR_MS, NOW_MS, MetricsWorld

WINDOW = (NOW_MS - DAY_MS, NOW_MS)


def interactions(world: MetricsWorld) -> int:
    """The window's interactions, all agents."""
    return metrics.engagement(world.conn, *WINDOW).interactions


def test_records_landed_later_are_counted(world: MetricsWorld) -> None:
    agent = world.agent("app_a")
    world.record(agent, NOW_MS - HOUR_MS)
    world.land()
    assert interactions(world) == 1

    world.record(agent, NOW_MS - 2 * HOUR_MS)
    world.record("app_new", NOW_MS - 3 * HOUR_MS, user_id="usr_new", model="new")
    world.land()

    assert interactions(world) == 3
    assert metrics.engagement(world.conn, *WINDOW, ["app_new"]).users == 1


def test_appended_records_keep_each_agent_in_time_order(world: MetricsWorld) -> None:
    agent = world.agent("app_a")
    world.record(agent, NOW_MS - HOUR_MS)
    world.land()
    metrics.performance(world.conn, *WINDOW)
    world.record(agent, NOW_MS - 5 * HOUR_MS)
    world.land()

    columns = metrics_columns.load_columns(world.conn)

    assert np.all(np.diff(columns.inserted_at_ms) >= 0)
    assert (
        metrics.performance(world.conn, NOW_MS - 6 * HOUR_MS, NOW_MS - 4 * HOUR_MS).n
        == 1
    )


def test_deleted_records_are_noticed(world: MetricsWorld) -> None:
    agent = world.agent("app_a")
    first = world.record(agent, NOW_MS - HOUR_MS)
    world.record(agent, NOW_MS - 2 * HOUR_MS)
    world.land()
    assert interactions(world) == 2

    world.conn.execute("DELETE FROM log_records WHERE log_id = ?", (first,))
    world.record(agent, NOW_MS - 3 * HOUR_MS)
    world.record(agent, NOW_MS - 4 * HOUR_MS)
    world.land()

    assert interactions(world) == 3


def test_a_new_process_reads_the_persisted_columns_not_the_table(
    world: MetricsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = world.agent("app_a")
    world.record(agent, NOW_MS - HOUR_MS, user_id="usr_b")
    world.record(agent, NOW_MS - HOUR_MS, user_id="usr_a")
    world.land()
    before = metrics.figures(world.conn, *WINDOW)
    metrics_columns.forget_memory()

    def no_reading(*args: object) -> None:
        raise AssertionError("log_records were read again")

    monkeypatch.setattr(metrics_columns, "_read_rows", no_reading)

    assert metrics.figures(world.conn, *WINDOW) == before


def test_persisted_columns_of_an_older_state_read_only_the_new_rows(
    world: MetricsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = world.agent("app_a")
    world.record(agent, NOW_MS - HOUR_MS)
    world.land()
    interactions(world)
    metrics_columns.forget_memory()
    world.record(agent, NOW_MS - 2 * HOUR_MS, user_id="usr_later")
    world.land()
    read_after: list[int] = []
    real_read = metrics_columns._read_rows

    def spy(conn: sqlite3.Connection, after_rowid: int, *lists: list[str]) -> object:
        read_after.append(after_rowid)
        return real_read(conn, after_rowid, *lists)

    monkeypatch.setattr(metrics_columns, "_read_rows", spy)

    assert metrics.engagement(world.conn, *WINDOW).users == 2
    assert read_after == [1]


def test_an_unreadable_cache_file_is_rebuilt_from_the_database(
    world: MetricsWorld,
) -> None:
    agent = world.agent("app_a")
    world.record(agent, NOW_MS - HOUR_MS)
    world.land()
    persisted = metrics_columns.cache_file_for(world.conn)
    assert persisted is not None
    persisted.write_bytes(b"not numpy")

    assert interactions(world) == 1


def test_the_persisted_columns_are_readable_by_the_owner_only(
    world: MetricsWorld,
) -> None:
    world.record(world.agent("app_a"), NOW_MS - HOUR_MS)
    world.land()
    interactions(world)

    persisted = metrics_columns.cache_file_for(world.conn)

    assert persisted is not None and persisted.stat().st_mode & 0o077 == 0

"""A full sync over real loopback HTTP against the sandbox: the issue's "done when"."""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from store.db import open_database
from store.retention import DAY_MS
from store.status import local_counts, sync_generation
from sync.engine import MEMBER_NOTICE, run_sync
from sync.progress import SyncNotice, SyncProgress
from tests.fixtures.sandbox import small_config
from tests.fixtures.synced import sync_config, table_checksums

Factory = Callable[..., Any]


def _counts(path: Path) -> dict[str, int]:
    conn = open_database(path, readonly=True)
    try:
        return local_counts(conn)
    finally:
        conn.close()


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = open_database(path, readonly=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_full_admin_sync_ends_with_exactly_the_sandbox_counts(
    synced_db: Path, sandbox: Any
) -> None:
    assert _counts(synced_db) == sandbox.stats()["counts"]


def test_a_second_sync_with_nothing_new_changes_no_table(
    synced_db: Path, sandbox: Any
) -> None:
    before = table_checksums(synced_db)
    run_sync(synced_db, sync_config(sandbox.base_url, sandbox.admin_key))
    assert table_checksums(synced_db) == before


def test_a_second_sync_with_nothing_new_reports_no_change(
    synced_db: Path, sandbox: Any
) -> None:
    summary = run_sync(synced_db, sync_config(sandbox.base_url, sandbox.admin_key))
    assert (summary.new_rows, summary.updated_rows, summary.rejects) == (0, 0, 0)


def test_the_first_sync_reports_every_row_as_new(tmp_path: Path, sandbox: Any) -> None:
    summary = run_sync(
        tmp_path / "a.db", sync_config(sandbox.base_url, sandbox.admin_key)
    )
    counts = sandbox.stats()["counts"]
    assert (summary.entities["log_records"].new, summary.updated_rows) == (
        counts["log_records"],
        0,
    )


def test_a_sync_leaves_the_metrics_column_cache_up_to_date(
    tmp_path: Path, sandbox: Any
) -> None:
    """The first screen after a sync reads the records' columns from the cache."""
    path = tmp_path / "a.db"
    run_sync(path, sync_config(sandbox.base_url, sandbox.admin_key))

    with np.load(tmp_path / "a.db.metrics.npz") as cached:
        assert (
            cached["inserted_at_ms"].shape[0]
            == sandbox.stats()["counts"]["log_records"]
        )


def test_new_live_activity_appears_after_the_next_sync(
    tmp_path: Path, sandbox_factory: Factory
) -> None:
    live = sandbox_factory(small_config(live=True, live_interval_seconds=3600))
    path = tmp_path / "a.db"
    config = sync_config(live.base_url, live.admin_key)
    run_sync(path, config)
    before = _counts(path)
    live.live_step(3)
    summary = run_sync(path, config)
    after = _counts(path)
    assert after == live.stats()["counts"]
    assert (
        after["sessions"] - before["sessions"],
        summary.entities["sessions"].new,
    ) == (
        3,
        3,
    )


def test_an_incremental_sync_asks_only_for_what_is_new(
    synced_db: Path, sandbox: Any
) -> None:
    events: list[Any] = []
    run_sync(
        synced_db,
        sync_config(sandbox.base_url, sandbox.admin_key),
        progress=events.append,
    )
    logs = [e for e in events if isinstance(e, SyncProgress) and e.source == "logs"]
    assert (logs[-1].finished, logs[-1].rows) == (True, 0)


def test_every_sync_batch_bumps_the_sync_generation(
    synced_db: Path, sandbox: Any
) -> None:
    conn = open_database(synced_db, readonly=True)
    before = sync_generation(conn)
    conn.close()
    run_sync(synced_db, sync_config(sandbox.base_url, sandbox.admin_key))
    conn = open_database(synced_db, readonly=True)
    assert sync_generation(conn) > before
    conn.close()


def test_the_identity_is_kept_in_meta_but_never_the_key(
    synced_db: Path, sandbox: Any
) -> None:
    meta = dict(_query(synced_db, "SELECT key, value FROM meta"))
    assert (meta["organization_id"], meta["role"]) == (sandbox.organization_id, "admin")
    assert sandbox.admin_key not in " ".join(meta.values())


def test_money_lands_as_exact_micro_cents(synced_db: Path) -> None:
    (count,) = _query(
        synced_db,
        "SELECT count(*) FROM log_records WHERE typeof(cost_ucents) != 'integer'",
    )[0]
    assert count == 0


def test_daily_model_costs_equal_the_sum_of_response_costs(synced_db: Path) -> None:
    mismatched = _query(
        synced_db,
        """
        WITH responses AS (
            SELECT date(l.inserted_at_ms / 1000, 'unixepoch') AS day, l.model,
                   CASE WHEN a.kind IN ('api', 'framework') THEN a.kind
                        ELSE 'no_code' END AS agent_type,
                   sum(l.cost_ucents) AS cost
            FROM log_records AS l JOIN agents AS a USING (application_id)
            GROUP BY 1, 2, 3)
        SELECT count(*) FROM responses AS r JOIN consumption_daily AS d
          ON d.date = r.day AND d.name = r.model AND d.agent_type = r.agent_type
         AND d.category = 'model'
        WHERE d.cost_ucents != r.cost
        """,
    )
    assert mismatched == [(0,)]


def test_a_member_key_sync_holds_metrics_and_no_transcripts(
    member_synced_db: Path, sandbox: Any
) -> None:
    counts = _counts(member_synced_db)
    expected = sandbox.stats()["counts"]
    assert (counts["log_records"], counts["feedback"], counts["agents"]) == (
        expected["log_records"],
        expected["feedback"],
        expected["agents"],
    )
    assert (counts["sessions"], counts["messages"], counts["flags"]) == (0, 0, 0)


def test_a_member_key_sync_stores_no_consumption_or_settings(
    member_synced_db: Path,
) -> None:
    rows = _query(
        member_synced_db,
        "SELECT (SELECT count(*) FROM consumption_daily),"
        " (SELECT count(*) FROM settings_history),"
        " (SELECT count(*) FROM agents WHERE retention_days IS NOT NULL)",
    )
    assert rows == [(0, 0, 0)]


def test_a_member_key_sync_says_once_what_it_skipped(
    tmp_path: Path, sandbox: Any
) -> None:
    events: list[Any] = []
    summary = run_sync(
        tmp_path / "m.db",
        sync_config(sandbox.base_url, sandbox.member_key),
        progress=events.append,
    )
    notices = [e.text for e in events if isinstance(e, SyncNotice)]
    assert (notices, summary.notices) == ([MEMBER_NOTICE], [MEMBER_NOTICE])


def test_every_synced_session_is_within_its_agents_retention(synced_db: Path) -> None:
    server_time = int(
        _query(synced_db, "SELECT value FROM meta WHERE key = 'server_time_ms'")[0][0]
    )
    outside = _query(
        synced_db,
        f"""SELECT count(*) FROM sessions AS s LEFT JOIN agents AS a
            USING (application_id)
            WHERE coalesce(a.retention_days, 0) = 0
               OR s.started_at_ms < {server_time} - a.retention_days * {DAY_MS}""",
    )
    assert outside == [(0,)]


def test_lowering_an_agents_retention_purges_the_local_copy(
    synced_db: Path, fresh_sandbox: Any
) -> None:
    from sync.settings import set_retention

    # The fresh sandbox serves the same world `synced_db` was synced from.
    path = synced_db
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    agent, days = _longest_kept_agent(path)
    change = set_retention(path, config, agent, 7)
    cutoff = (
        int(_query(path, "SELECT value FROM meta WHERE key = 'server_time_ms'")[0][0])
        - 7 * DAY_MS
    )
    older = _query(
        path,
        f"SELECT count(*) FROM sessions WHERE application_id = '{agent}' "
        f"AND started_at_ms < {cutoff}",
    )
    assert (change.retention_days, days > 7, older) == (7, True, [(0,)])


def test_after_a_retention_change_the_local_copy_matches_the_remote(
    synced_db: Path, fresh_sandbox: Any
) -> None:
    from sync.settings import set_retention

    # The fresh sandbox serves the same world `synced_db` was synced from.
    path = synced_db
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    agent, _days = _longest_kept_agent(path)
    set_retention(path, config, agent, 0)
    assert _counts(path) == fresh_sandbox.stats()["counts"]


def test_a_retention_change_is_recorded_in_the_local_history(
    synced_db: Path, fresh_sandbox: Any
) -> None:
    from sync.settings import set_retention

    # The fresh sandbox serves the same world `synced_db` was synced from.
    path = synced_db
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    agent, _days = _longest_kept_agent(path)
    change = set_retention(path, config, agent, 7)
    history = _query(
        path,
        "SELECT application_id, field, new_value FROM settings_history "
        f"WHERE change_id = '{change.change_id}'",
    )
    assert history == [(agent, "retention_days", "7")]


def _longest_kept_agent(path: Path) -> tuple[str, int]:
    """The agent with the longest retention that has sessions locally."""
    rows = _query(
        path,
        "SELECT a.application_id, a.retention_days FROM agents AS a "
        "JOIN sessions AS s USING (application_id) WHERE a.retention_days > 7 "
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )
    if not rows:
        pytest.fail("the sandbox has no agent keeping sessions for more than 7 days")
    return rows[0][0], rows[0][1]


def test_malformed_records_land_in_rejects_and_nothing_else_is_lost(
    tmp_path: Path, sandbox_factory: Factory, synced_db: Path
) -> None:
    spoiled = sandbox_factory(small_config(faults={"malformed": 0.5}, fault_seed=3))
    path = tmp_path / "a.db"
    summary = run_sync(path, sync_config(spoiled.base_url, spoiled.admin_key))
    clean = table_checksums(synced_db)
    got = table_checksums(path)
    assert summary.rejects > 0
    assert _query(path, "SELECT count(*) FROM rejects") == [(summary.rejects,)]
    assert {t: d for t, d in got.items() if t != "rejects"} == {
        t: d for t, d in clean.items() if t != "rejects"
    }


def test_with_every_fault_switched_on_the_end_state_is_identical(
    tmp_path: Path, sandbox_factory: Factory, synced_db: Path
) -> None:
    faults = {"429": 0.08, "5xx": 0.08, "drop": 0.08, "slow": 0.03, "malformed": 0.08}
    faulty = sandbox_factory(
        small_config(faults=faults, slow_seconds=2.0, fault_seed=5)
    )
    path = tmp_path / "a.db"
    config = sync_config(faulty.base_url, faulty.admin_key)
    config = type(config)(**{**config.__dict__, "timeout_s": 0.5})
    run_sync(path, config)
    clean = table_checksums(synced_db)
    got = table_checksums(path)
    assert {t: d for t, d in got.items() if t != "rejects"} == {
        t: d for t, d in clean.items() if t != "rejects"
    }


def test_sync_runs_are_recorded(synced_db: Path) -> None:
    assert _query(synced_db, "SELECT outcome FROM sync_runs") == [("ok",)]


def test_a_cancelled_sync_keeps_what_landed_and_resumes(
    tmp_path: Path, sandbox: Any, synced_db: Path
) -> None:
    import threading

    cancel = threading.Event()
    path = tmp_path / "a.db"

    def stop_after_logs(event: Any) -> None:
        if isinstance(event, SyncProgress) and event.source == "logs":
            cancel.set()

    config = sync_config(sandbox.base_url, sandbox.admin_key)
    first = run_sync(path, config, progress=stop_after_logs, cancel=cancel)
    run_sync(path, config)
    assert first.outcome == "cancelled"
    assert table_checksums(path) == table_checksums(synced_db)


def test_an_organisation_is_never_mixed_into_another_ones_database(
    synced_db: Path, sandbox_factory: Factory
) -> None:
    from store.errors import OtherOrganization

    other = sandbox_factory(small_config(seed=8))
    with pytest.raises(OtherOrganization):
        run_sync(synced_db, sync_config(other.base_url, other.admin_key))


def test_foreign_keys_stay_consistent_for_local_tables(synced_db: Path) -> None:
    conn = sqlite3.connect(synced_db)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


class _Recording(httpx.HTTPTransport):
    """A real transport that also keeps the path and query of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.URL] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url)
        return super().handle_request(request)


def test_an_incremental_sync_refetches_only_the_last_two_months_of_consumption(
    synced_db: Path, sandbox: Any
) -> None:
    recorder = _Recording()
    run_sync(
        synced_db,
        sync_config(sandbox.base_url, sandbox.admin_key),
        transport=recorder,
    )
    months = {
        url.params["month"] for url in recorder.requests if "/consumption/" in url.path
    }
    assert months == {"2026-05", "2026-06"}


def test_a_first_sync_asks_for_180_days_by_the_remote_clock(
    tmp_path: Path, sandbox: Any
) -> None:
    recorder = _Recording()
    run_sync(
        tmp_path / "a.db",
        sync_config(sandbox.base_url, sandbox.admin_key),
        transport=recorder,
    )
    (first_logs,) = [
        url
        for url in recorder.requests
        if url.path.endswith("/logs/export") and "cursor" not in url.params
    ]
    server_time = _query(
        tmp_path / "a.db", "SELECT value FROM meta WHERE key = 'server_time_ms'"
    )[0][0]
    expected = datetime.fromtimestamp(
        int(server_time) // 1000 - 180 * 86_400, tz=UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert first_logs.params["start_date"] == expected


def test_a_bookmark_the_remote_no_longer_accepts_is_walked_again(
    synced_db: Path, sandbox: Any
) -> None:
    before = table_checksums(synced_db)
    conn = sqlite3.connect(synced_db)
    conn.execute(
        "UPDATE sync_state SET cursor = 'c1.not-a-cursor' WHERE source = 'logs'"
    )
    conn.commit()
    conn.close()
    summary = run_sync(synced_db, sync_config(sandbox.base_url, sandbox.admin_key))
    assert (table_checksums(synced_db), summary.new_rows) == (before, 0)

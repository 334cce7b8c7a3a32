"""Where the files live, and what `status` reports about the local copy."""

import sqlite3
from pathlib import Path

from store.paths import demo_db_path, resolve_db_path, state_dir
from store.status import COUNT_QUERIES, local_counts, read_status
from store.write import SyncWriter

HOME = str(Path.home())


def test_db_option_wins_over_everything() -> None:
    env = {"AGENTMON_DB": "/srv/env.db", "XDG_DATA_HOME": "/srv/data"}
    assert resolve_db_path("/srv/cli.db", env) == Path("/srv/cli.db")


def test_agentmon_db_wins_over_the_data_directory() -> None:
    env = {"AGENTMON_DB": "/srv/env.db", "XDG_DATA_HOME": "/srv/data"}
    assert resolve_db_path(None, env) == Path("/srv/env.db")


def test_default_database_lives_in_the_xdg_data_directory() -> None:
    env = {"XDG_DATA_HOME": "/srv/data"}
    assert resolve_db_path(None, env) == Path("/srv/data/agentmon/agentmon.db")


def test_default_database_falls_back_to_local_share() -> None:
    assert resolve_db_path(None, {}) == Path(HOME) / ".local/share/agentmon/agentmon.db"


def test_a_relative_xdg_directory_is_ignored() -> None:
    assert (
        state_dir({"XDG_STATE_HOME": "relative"})
        == Path(HOME) / ".local/state/agentmon"
    )


def test_demo_database_never_defaults_to_the_real_one() -> None:
    env = {"AGENTMON_DB": "/srv/real.db", "XDG_DATA_HOME": "/srv/data"}
    assert demo_db_path(None, env) == Path("/srv/data/agentmon/demo.db")


def test_status_counts_use_the_sandbox_stats_names() -> None:
    assert list(COUNT_QUERIES) == [
        "agents",
        "users",
        "sessions",
        "messages",
        "log_records",
        "flags",
        "feedback",
        "consumption_days",
    ]


def test_consumption_days_counts_distinct_days(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert(
        "consumption_daily",
        [
            ("2026-05-01", "api", "model", "palmyra-x5", 1, 1),
            ("2026-05-01", "no_code", "model", "palmyra-x5", 1, 1),
            ("2026-05-02", "api", "service", "web_search", 1, 1),
        ],
    )
    writer.commit()
    assert local_counts(conn)["consumption_days"] == 2


def test_status_reports_rejects_and_sources(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.reject("/logs", "bad", "{}", 1)
    writer.source_succeeded("logs", 1234)
    writer.commit()
    status = read_status(conn)
    assert (
        status.rejects,
        [(s.source, s.last_success_ms) for s in status.sources],
    ) == (
        1,
        [("logs", 1234)],
    )

"""The hot path: upserts that count real changes, batches that carry their bookmark."""

import sqlite3
from pathlib import Path

import pytest

from store.db import open_database
from store.status import sync_generation
from store.write import SyncWriter, get_cursor, record_agent_retention


def _session(session_id: str, message_count: int = 2) -> tuple[object, ...]:
    return (session_id, "app_1", "usr_1", 1000, 2000, message_count, 1000)


def _flag(flag_id: str, comment: str | None = None) -> tuple[object, ...]:
    return (flag_id, "msg_1", "ses_1", "app_1", "usr_1", "inaccurate", comment, 10, 10)


def test_new_rows_are_counted_as_changes(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    assert writer.upsert("sessions", [_session("s1"), _session("s2")]) == 2


def test_redelivered_identical_rows_change_nothing(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", [_session("s1"), _session("s2")])
    assert writer.upsert("sessions", [_session("s1"), _session("s2")]) == 0


def test_a_row_whose_content_changed_counts_once(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", [_session("s1"), _session("s2")])
    assert writer.upsert("sessions", [_session("s1", 5), _session("s2")]) == 1


def test_an_upsert_stores_the_new_content(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", [_session("s1")])
    writer.upsert("sessions", [_session("s1", 9)])
    writer.commit()
    assert conn.execute("SELECT message_count FROM sessions").fetchall() == [(9,)]


def test_a_change_to_null_counts_as_a_change(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("flags", [_flag("f1", "wrong")])
    assert writer.upsert("flags", [_flag("f1", None)]) == 1


def test_sync_never_resets_a_flags_review_state(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("flags", [_flag("f1")])
    writer.commit()
    conn.execute("UPDATE flags SET state = 'escalated'")
    writer.upsert("flags", [_flag("f1", "now with a comment")])
    writer.commit()
    assert conn.execute("SELECT state, comment FROM flags").fetchall() == [
        ("escalated", "now with a comment")
    ]


def test_commit_bumps_the_sync_generation(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", [_session("s1")])
    writer.commit()
    writer.upsert("sessions", [_session("s2")])
    writer.commit()
    assert sync_generation(conn) == 2


def test_commit_without_writes_leaves_the_generation(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    SyncWriter(conn, db_path).commit()
    assert sync_generation(conn) == 0


def test_rows_and_their_bookmark_land_together(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", [_session("s1")])
    writer.save_cursor("sessions", "c1")
    writer.commit()
    reader = open_database(db_path, readonly=True)
    assert get_cursor(reader, "sessions") == "c1"
    assert reader.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    reader.close()


def test_an_uncommitted_batch_is_invisible_to_readers(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", [_session("s1")])
    writer.save_cursor("sessions", "c1")
    reader = open_database(db_path, readonly=True)
    assert get_cursor(reader, "sessions") is None
    assert reader.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    reader.close()
    writer.rollback()


def test_rollback_drops_rows_and_bookmark_together(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", [_session("s1")])
    writer.save_cursor("sessions", "c1")
    writer.rollback()
    assert get_cursor(conn, "sessions") is None
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_a_record_rejected_twice_is_kept_once(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    first = writer.reject("/logs", "log_id is missing", '{"x": 1}', 1)
    second = writer.reject("/logs", "log_id is missing", '{"x": 1}', 2)
    writer.commit()
    assert (first, second) == (1, 0)
    assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 1


def _agent(application_id: str) -> tuple[object, ...]:
    return (application_id, "Agent", "no_code", "chat", "deployed", 1, 2, None)


def test_agents_left_out_of_the_settings_lose_their_retention(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("agents", [_agent("app_1"), _agent("app_2")])
    writer.set_retention([("app_1", 30, 5, "usr_1"), ("app_2", 7, 5, "usr_1")])
    writer.set_retention([("app_1", 30, 5, "usr_1")])
    writer.commit()
    assert conn.execute(
        "SELECT application_id, retention_days FROM agents ORDER BY 1"
    ).fetchall() == [("app_1", 30), ("app_2", None)]


def test_unchanged_retention_counts_no_change(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("agents", [_agent("app_1")])
    writer.set_retention([("app_1", 30, 5, "usr_1")])
    assert writer.set_retention([("app_1", 30, 5, "usr_1")]) == 0


def test_replacing_a_month_removes_lines_no_longer_reported(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    may = [
        ("2026-05-01", "api", "model", "palmyra-x5", 100, 10),
        ("2026-05-02", "api", "model", "palmyra-x5", 200, 20),
    ]
    june = [("2026-06-01", "api", "model", "palmyra-x5", 300, 30)]
    writer.replace_month("consumption_daily", "2026-05", may)
    writer.replace_month("consumption_daily", "2026-06", june)
    changed, removed = writer.replace_month("consumption_daily", "2026-05", may[:1])
    writer.commit()
    assert (changed, removed) == (0, 1)
    assert [row[0] for row in conn.execute("SELECT date FROM consumption_daily")] == [
        "2026-05-01",
        "2026-06-01",
    ]


def test_replace_month_refuses_a_table_that_is_not_consumption(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    with pytest.raises(ValueError):
        SyncWriter(conn, db_path).replace_month("sessions", "2026-05", [])


def test_recorded_retention_change_is_visible_and_bumps_generation(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    writer.upsert("agents", [_agent("app_1")])
    writer.commit()
    record_agent_retention(conn, db_path, "app_1", 90, 77, "usr_2")
    assert conn.execute(
        "SELECT retention_days, retention_updated_by FROM agents"
    ).fetchall() == [(90, "usr_2")]
    assert sync_generation(conn) == 2

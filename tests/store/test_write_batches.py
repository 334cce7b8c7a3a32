"""Upserts larger than one statement behave as if each row had its own."""

import sqlite3
from pathlib import Path

from store.write import ROWS_PER_STATEMENT, SyncWriter

MANY = 2 * ROWS_PER_STATEMENT + 7


def _session(number: int, message_count: int = 2) -> tuple[object, ...]:
    return (f"ses_{number:06d}", "app_1", "usr_1", 1000, 2000, message_count, 1000)


def test_every_row_of_a_long_batch_is_stored_and_counted(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    writer = SyncWriter(conn, db_path)
    changed = writer.upsert("sessions", [_session(n) for n in range(MANY)])
    writer.commit()
    stored = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    assert (changed, stored) == (MANY, MANY)


def test_a_key_repeated_across_statements_keeps_its_last_content(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    rows = [_session(n) for n in range(MANY)]
    rows.insert(ROWS_PER_STATEMENT + 3, _session(1, message_count=9))
    rows.append(_session(2))
    writer = SyncWriter(conn, db_path)
    changed = writer.upsert("sessions", rows)
    writer.commit()
    counts = dict(conn.execute("SELECT session_id, message_count FROM sessions"))
    assert changed == MANY + 1
    assert (counts[_session(1)[0]], counts[_session(2)[0]]) == (9, 2)


def test_a_long_batch_delivered_again_changes_nothing(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    rows = [_session(n) for n in range(MANY)]
    writer = SyncWriter(conn, db_path)
    writer.upsert("sessions", rows)
    assert writer.upsert("sessions", rows) == 0

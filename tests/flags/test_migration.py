"""Schema v2 adds the review tables to a v1 copy without touching its flags."""

import sqlite3
from pathlib import Path

import sqlite_utils

from store import schema
from store.db import open_database


def make_v1_copy(path: Path) -> None:
    """A database as schema version 1 left it, with one flag."""
    conn = sqlite3.connect(path, isolation_level=None)
    schema.MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute("INSERT INTO meta VALUES ('application', 'agentmon')")
    conn.execute(
        "INSERT INTO flags (flag_id, message_id, session_id, application_id, reason)"
        " VALUES ('flg_1', 'msg_1', 'ses_1', 'app_1', 'inaccurate')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_a_version_1_copy_gains_the_review_tables_and_keeps_its_flags(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.db"
    make_v1_copy(path)

    conn = open_database(path)
    try:
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        flags = conn.execute("SELECT flag_id, state FROM flags").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()

    assert {"flag_verdicts", "verdict_outbox", "flag_current_verdict"} <= tables
    assert (version, flags) == (2, [("flg_1", "new")])

"""Opening the local database: permissions, pragmas, migrations and refusals."""

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlite_utils

from store import queries
from store.db import open_database, sqlite_errors, sync_lock, transaction
from store.errors import (
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    NoLocalCopy,
    NotAgentmonDatabase,
    SchemaTooNew,
)
from store.schema import APPLICATION_MARK, MIGRATIONS, SCHEMA_VERSION


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_file_is_readable_by_its_owner_only(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    assert _mode(db_path) == 0o600


def test_new_database_directory_is_private(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    assert _mode(db_path.parent) == 0o700


def test_write_ahead_log_files_are_private_too(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    with transaction(conn):
        conn.execute("INSERT INTO users (user_id, name) VALUES ('u', 'n')")
    companions = [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]
    assert [_mode(path) for path in companions] == [0o600, 0o600]


def test_private_file_stays_private_under_a_permissive_umask(db_path: Path) -> None:
    previous = os.umask(0)
    try:
        open_database(db_path).close()
    finally:
        os.umask(previous)
    assert (_mode(db_path), _mode(db_path.parent)) == (0o600, 0o700)


def test_database_runs_in_wal_mode(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_foreign_keys_are_enforced(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_busy_timeout_is_set(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_new_database_is_stamped_with_version_and_mark(
    conn: sqlite3.Connection,
) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    mark = conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
    assert (version, mark[0]) == (SCHEMA_VERSION, APPLICATION_MARK)


def test_reopening_keeps_what_was_stored(db_path: Path) -> None:
    first = open_database(db_path)
    with transaction(first):
        first.execute("INSERT INTO users (user_id, name) VALUES ('usr_1', 'Ana')")
    first.close()
    again = open_database(db_path)
    assert again.execute("SELECT name FROM users").fetchall() == [("Ana",)]
    again.close()


def test_newer_schema_is_refused_and_left_untouched(db_path: Path) -> None:
    conn = open_database(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = _digest(db_path)
    with pytest.raises(SchemaTooNew, match="newer than this agentmon"):
        open_database(db_path)
    assert _digest(db_path) == before


def test_newer_schema_is_refused_by_a_readonly_open_too(db_path: Path) -> None:
    conn = open_database(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew):
        open_database(db_path, readonly=True)


def test_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n")
    with pytest.raises(NotAgentmonDatabase, match="not a SQLite file"):
        open_database(path)
    assert path.read_text() == "my shopping list\n"


def test_another_programs_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE contacts (name TEXT)")
    other.commit()
    other.close()
    before = _digest(path)
    with pytest.raises(NotAgentmonDatabase, match="another program"):
        open_database(path)
    assert _digest(path) == before


def test_sqlite_file_with_a_version_but_no_mark_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    other.execute("PRAGMA user_version = 1")
    other.commit()
    other.close()
    with pytest.raises(NotAgentmonDatabase):
        open_database(path)


def test_missing_file_is_created_on_demand(db_path: Path) -> None:
    open_database(db_path).close()
    assert db_path.is_file()


def test_missing_file_without_create_says_to_sync(db_path: Path) -> None:
    with pytest.raises(NoLocalCopy, match="run agentmon sync"):
        open_database(db_path, create=False)


def test_readonly_open_of_a_missing_file_says_to_sync(db_path: Path) -> None:
    with pytest.raises(NoLocalCopy, match="no local copy yet"):
        open_database(db_path, readonly=True)


def test_readonly_open_creates_nothing(db_path: Path) -> None:
    with pytest.raises(NoLocalCopy):
        open_database(db_path, readonly=True)
    assert not db_path.parent.exists()


def test_readonly_connection_refuses_writes(db_path: Path) -> None:
    open_database(db_path).close()
    reader = open_database(db_path, readonly=True)
    with pytest.raises(DatabaseReadOnly), sqlite_errors(db_path):
        reader.execute("INSERT INTO users (user_id) VALUES ('u')")
    reader.close()


def test_writer_blocked_by_another_writer_gets_database_locked(db_path: Path) -> None:
    holder = open_database(db_path)
    holder.execute("BEGIN EXCLUSIVE")
    waiting = open_database(db_path, timeout_ms=50)
    with pytest.raises(DatabaseLocked, match="is locked"), sqlite_errors(db_path):
        waiting.execute("BEGIN IMMEDIATE")
    holder.execute("ROLLBACK")
    holder.close()
    waiting.close()


def test_second_sync_lock_is_refused_at_once(db_path: Path) -> None:
    open_database(db_path).close()
    with (
        sync_lock(db_path),
        pytest.raises(DatabaseLocked, match="another agentmon sync"),
        sync_lock(db_path),
    ):
        pass


def test_sync_lock_is_free_again_once_released(db_path: Path) -> None:
    open_database(db_path).close()
    with sync_lock(db_path):
        pass
    with sync_lock(db_path):
        assert db_path.with_name(db_path.name + ".lock").exists()


def test_full_disk_becomes_a_named_error(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    rows = [(f"usr_{n}", "x" * 2000) for n in range(200)]
    with (
        pytest.raises(DiskFull, match="is full"),
        sqlite_errors(db_path),
        transaction(conn),
    ):
        conn.executemany("INSERT INTO users (user_id, name) VALUES (?, ?)", rows)


def test_reading_a_database_of_an_older_version_migrates_it_first(
    tmp_path: Path,
) -> None:
    """The app's read-only open upgrades a file made by an older agentmon."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('application', ?)", (APPLICATION_MARK,)
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    reader = queries.open_readonly(path)

    assert reader.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    reader.close()

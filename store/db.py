"""Opening the local database: checks, pragmas and migrations.

`open_database(path)` opens (creating when asked) agentmon's SQLite file for
writing: owner-only permissions, WAL, foreign keys, a busy timeout, and the
migrations of `store.schema` applied under `PRAGMA user_version`.
`open_database(path, readonly=True)` is for screens and metrics: it never
creates, migrates or writes.

A file that is not SQLite, or is SQLite but carries no agentmon mark, or was
written by a newer schema, is refused and never altered.
"""

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from store.clock import now_ms
from store.errors import (
    DatabaseLocked,
    DatabaseUnavailable,
    NoLocalCopy,
    NotADemoDatabase,
    NotAgentmonDatabase,
    SchemaTooNew,
    SchemaTooOld,
    StoreError,
    translate_sqlite_error,
)
from store.paths import ensure_private_dir
from store.schema import APPLICATION_MARK, MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"

# `meta` key holding APPLICATION_MARK: what tells our files from anyone else's.
MARK_KEY = "application"
# `meta` key set to "1" in a database `agentmon demo` made (and may replace).
DEMO_KEY = "demo"

DEFAULT_BUSY_TIMEOUT_MS = 5000

# A larger page cache keeps index pages of a big first sync in memory; 64 MB
# is well inside the memory budget and several times faster than the default.
CACHE_KIB = 65536


def busy_timeout_ms() -> int:
    """How long to wait for another writer: `AGENTMON_BUSY_TIMEOUT_MS`, else 5 s."""
    value = os.environ.get("AGENTMON_BUSY_TIMEOUT_MS", "")
    return int(value) if value.isdigit() else DEFAULT_BUSY_TIMEOUT_MS


@contextlib.contextmanager
def sqlite_errors(path: Path) -> Iterator[None]:
    """Turn the SQLite failures we foresee into named store errors."""
    try:
        yield
    except sqlite3.Error as error:
        translated = translate_sqlite_error(error, path)
        if translated is None:
            raise
        raise translated from error


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction (`BEGIN IMMEDIATE`), or the one already open."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    readonly: bool = False,
    timeout_ms: int | None = None,
) -> sqlite3.Connection:
    """An open connection to agentmon's database at `path`, in autocommit mode.

    The connection has `isolation_level=None`: writers open transactions
    themselves (see `transaction`). Raises `NoLocalCopy` when the file is
    missing and `create` is false or `readonly` is true.
    """
    path = Path(path)
    wait_ms = busy_timeout_ms() if timeout_ms is None else timeout_ms
    if readonly:
        return _open_readonly(path, wait_ms)
    return _open_writable(path, create, wait_ms)


def _open_writable(path: Path, create: bool, wait_ms: int) -> sqlite3.Connection:
    """Open for writing, creating the private file and migrating as needed."""
    if not path.exists():
        if not create:
            raise NoLocalCopy(path)
        _create_private_file(path)
    _check_header(path)
    with sqlite_errors(path):
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            _apply_connection_pragmas(conn, wait_ms)
            version = _checked_version(conn, path)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if version < SCHEMA_VERSION:
                _migrate(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def _open_readonly(path: Path, wait_ms: int) -> sqlite3.Connection:
    """Open without the right to write: no creation, no migration, no pragma set."""
    if not path.is_file() or path.stat().st_size == 0:
        raise NoLocalCopy(path)
    _check_header(path)
    with sqlite_errors(path):
        conn = sqlite3.connect(
            f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, isolation_level=None
        )
        try:
            _apply_connection_pragmas(conn, wait_ms)
            conn.execute("PRAGMA query_only = ON")
            version = _checked_version(conn, path)
            if version == 0:
                raise NoLocalCopy(path)
            if version < SCHEMA_VERSION:
                raise SchemaTooOld(path, version, SCHEMA_VERSION)
        except BaseException:
            conn.close()
            raise
    return conn


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by the owner only (its directory likewise)."""
    try:
        ensure_private_dir(path.parent)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(descriptor)
    except FileExistsError:
        return
    except OSError as error:
        raise DatabaseUnavailable(path, error.strerror or str(error)) from error


def _check_header(path: Path) -> None:
    """Refuse a non-empty file that does not start with SQLite's header."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except IsADirectoryError as error:
        raise DatabaseUnavailable(path, "it is a directory") from error
    except OSError as error:
        raise DatabaseUnavailable(path, error.strerror or str(error)) from error
    if head and head != SQLITE_HEADER:
        raise NotAgentmonDatabase(path, "not a SQLite file")


def _apply_connection_pragmas(conn: sqlite3.Connection, wait_ms: int) -> None:
    """Per-connection settings: busy timeout, foreign keys, cache size."""
    conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def _checked_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, once it is known to be ours and not too new."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    if version == 0:
        if tables:
            raise NotAgentmonDatabase(path, "SQLite, but made by another program")
        return 0
    if "meta" not in tables or _mark(conn) != APPLICATION_MARK:
        raise NotAgentmonDatabase(path, "SQLite, but made by another program")
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(path, version, SCHEMA_VERSION)
    return version


def _mark(conn: sqlite3.Connection) -> str | None:
    """The application mark in `meta`, if any."""
    try:
        row = conn.execute(
            "SELECT value FROM meta WHERE key = ?", (MARK_KEY,)
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations in one transaction, then stamp the version."""
    with transaction(conn):
        # Another process may have migrated while we waited for the lock.
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version >= SCHEMA_VERSION:
            return
        db = database(conn)
        for migration in MIGRATIONS[version:]:
            migration(db)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (MARK_KEY, APPLICATION_MARK),
        )
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at_ms', ?)",
            (str(now_ms()),),
        )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextlib.contextmanager
def sync_lock(path: Path) -> Iterator[None]:
    """Hold the database's sync lock, so that two syncs never walk it at once.

    The lock is an advisory `flock` on `<database>.lock` beside the file: the
    kernel releases it when the holder exits, even on SIGKILL. A second sync
    fails at once with `DatabaseLocked` instead of waiting.
    """
    lock_path = path.with_name(path.name + ".lock")
    try:
        descriptor = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as error:
        raise DatabaseUnavailable(lock_path, error.strerror or str(error)) from error
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise DatabaseLocked(path, "another agentmon sync is writing it") from error
        yield
    finally:
        os.close(descriptor)


def fresh_demo_database(path: Path) -> None:
    """Make `path` an empty demo database, replacing an earlier demo's file.

    The demo's sandbox is generated anew each time, so an earlier demo's
    bookmarks would point into another world: the file starts afresh. A file
    that is not an earlier demo is refused (`NotADemoDatabase`), never removed.
    """
    if path.is_file():
        if path.stat().st_size > 0:
            conn = open_database(path, create=False)
            try:
                marked = _meta_value(conn, DEMO_KEY) == "1"
            finally:
                conn.close()
            if not marked:
                raise NotADemoDatabase(path)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()
    conn = open_database(path)
    try:
        with sqlite_errors(path), transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (DEMO_KEY,)
            )
    finally:
        conn.close()


def _meta_value(conn: sqlite3.Connection, key: str) -> str | None:
    """One `meta` value, None when absent."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """A sqlite-utils view of `conn`, for convenience work off the hot path."""
    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)


__all__ = [
    "StoreError",
    "database",
    "open_database",
    "sqlite_errors",
    "transaction",
]

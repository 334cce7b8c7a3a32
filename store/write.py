"""The sync's hot path: page upserts, bookmarks and bookkeeping, in big transactions.

`SyncWriter` opens a transaction at the first write and keeps it open until
`commit()`, so that thousands of pages land in one transaction together with
the bookmark (`sync_state.cursor`) of the last of them: a process killed at
any instant leaves either the batch and its bookmark, or neither.

Upserts are `INSERT ... ON CONFLICT DO UPDATE ... WHERE <content differs>`, so
a redelivered record is a no-op, and SQLite's change counter counts exactly the
rows that were new or really changed. New rows are the growth of the table;
"updated" is the rest. Local-only columns (a flag's review `state`) are never
in an upsert, so a sync never resets them.
"""

import functools
import itertools
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from store.db import sqlite_errors, transaction

# The remote-owned columns of each synced table, in the order rows are given.
UPSERT_COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("user_id", "name", "email", "role"),
    "agents": (
        "application_id",
        "name",
        "kind",
        "type",
        "status",
        "created_at_ms",
        "updated_at_ms",
        "last_deployed_at_ms",
    ),
    "settings_history": (
        "change_id",
        "application_id",
        "field",
        "old_value",
        "new_value",
        "changed_by",
        "changed_at_ms",
    ),
    "log_records": (
        "log_id",
        "record_type",
        "inserted_at_ms",
        "application_id",
        "session_id",
        "user_id",
        "message_id",
        "duration_ms",
        "http_status",
        "model",
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "cost_ucents",
        "agent_run_id",
        "root_agent_run_id",
        "run_status",
    ),
    "sessions": (
        "session_id",
        "application_id",
        "user_id",
        "started_at_ms",
        "ended_at_ms",
        "message_count",
        "inserted_at_ms",
    ),
    "messages": (
        "message_id",
        "session_id",
        "application_id",
        "seq",
        "role",
        "content",
        "created_at_ms",
        "log_id",
        "inserted_at_ms",
    ),
    "flags": (
        "flag_id",
        "message_id",
        "session_id",
        "application_id",
        "user_id",
        "reason",
        "comment",
        "flagged_at_ms",
        "inserted_at_ms",
    ),
    "feedback": (
        "feedback_id",
        "message_id",
        "agent_run_id",
        "application_id",
        "rating",
        "qualitative_comment",
        "user_id",
        "session_id",
        "thread_id",
        "emitted_at_ms",
        "inserted_at_ms",
    ),
    "consumption_daily": (
        "date",
        "agent_type",
        "category",
        "name",
        "cost_ucents",
        "total_tokens",
    ),
    "consumption_breakdown": (
        "month",
        "scope",
        "id",
        "name",
        "cost_ucents",
        "total_tokens",
    ),
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "users": ("user_id",),
    "agents": ("application_id",),
    "settings_history": ("change_id",),
    "log_records": ("log_id",),
    "sessions": ("session_id",),
    "messages": ("message_id",),
    "flags": ("flag_id",),
    "feedback": ("feedback_id",),
    "consumption_daily": ("date", "agent_type", "category", "name"),
    "consumption_breakdown": ("month", "scope", "id"),
}

SYNC_GENERATION_KEY = "sync_generation"
CHECKPOINT_PAGES = 8192


# An agent's retention comes from the settings, not the applications list; an
# admin's sync stores both in one upsert so a new agent counts once, as new.
RETENTION_COLUMNS = (
    "retention_days",
    "retention_updated_at_ms",
    "retention_updated_by",
)
AGENT_COLUMNS_WITH_RETENTION = UPSERT_COLUMNS["agents"] + RETENTION_COLUMNS


# Rows per upsert statement, at most. One statement binds a whole chunk and
# inserts it in one step, so the sync's writer hands the GIL to the fetching
# thread once per chunk instead of once per row, and spends less per row.
ROWS_PER_STATEMENT = 500


@functools.lru_cache(maxsize=64)
def _upsert_sql(table: str, columns: tuple[str, ...], rows: int = 1) -> str:
    """The upsert of `rows` rows into `table`, touching only rows whose content changed.

    Rows of one statement are upserted in order, exactly as one statement
    per row would be (a repeated key updates the row its first copy made).
    """
    keys = PRIMARY_KEYS[table]
    values = [column for column in columns if column not in keys]
    row = "(" + ", ".join("?" for _ in columns) + ")"
    assignments = ", ".join(f"{column} = excluded.{column}" for column in values)
    mine = ", ".join(f"{table}.{column}" for column in values)
    theirs = ", ".join(f"excluded.{column}" for column in values)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * rows)} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments} "
        f"WHERE ({mine}) IS NOT ({theirs})"
    )


UPSERT_SQL: dict[str, str] = {
    table: _upsert_sql(table, columns) for table, columns in UPSERT_COLUMNS.items()
}


def count_rows(conn: sqlite3.Connection, table: str) -> int:
    """How many rows `table` holds."""
    if table not in UPSERT_COLUMNS and table not in ("rejects", "sync_runs"):
        raise ValueError(f"unknown table {table}")
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def get_cursor(conn: sqlite3.Connection, source: str) -> str | None:
    """The stored bookmark of an export stream, None before its first page."""
    row = conn.execute(
        "SELECT cursor FROM sync_state WHERE source = ?", (source,)
    ).fetchone()
    return None if row is None else row[0]


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """One value from `meta`, None when absent."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


class SyncWriter:
    """Writes what a sync fetched, in transactions the caller commits.

    The first write opens a transaction; `commit()` bumps
    `meta.sync_generation` and commits everything since, bookmarks included.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.pending_rows = 0
        # Checkpoint every ~32 MB of WAL rather than SQLite's 4 MB: a big
        # sync rewrites the same index pages batch after batch, and each
        # checkpoint copies them back (and syncs the file) once per round.
        conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")

    def _begin(self) -> None:
        """Open the batch's transaction if none is open."""
        if not self.conn.in_transaction:
            with sqlite_errors(self.path):
                self.conn.execute("BEGIN IMMEDIATE")

    def upsert(self, table: str, rows: Sequence[tuple[Any, ...]]) -> int:
        """Insert or update `rows` (in `UPSERT_COLUMNS[table]` order); rows changed."""
        return self._upsert(table, UPSERT_COLUMNS[table], rows)

    def upsert_agents_with_retention(self, rows: Sequence[tuple[Any, ...]]) -> int:
        """Upsert agents in `AGENT_COLUMNS_WITH_RETENTION` order; rows changed."""
        return self._upsert("agents", AGENT_COLUMNS_WITH_RETENTION, rows)

    def _upsert(
        self, table: str, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
    ) -> int:
        """Run the upserts of `rows` in the open batch and count real changes."""
        if not rows:
            return 0
        self._begin()
        before = self.conn.total_changes
        per = self._rows_per_statement(len(columns))
        whole = len(rows) - len(rows) % per
        chunks = [
            list(itertools.chain.from_iterable(rows[start : start + per]))
            for start in range(0, whole, per)
        ]
        with sqlite_errors(self.path):
            if chunks:
                self.conn.executemany(_upsert_sql(table, columns, per), chunks)
            if whole < len(rows):
                rest = list(itertools.chain.from_iterable(rows[whole:]))
                self.conn.execute(_upsert_sql(table, columns, len(rows) - whole), rest)
        self.pending_rows += len(rows)
        return self.conn.total_changes - before

    def _rows_per_statement(self, columns: int) -> int:
        """How many rows of `columns` values one statement may carry here."""
        limit = self.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(1, min(ROWS_PER_STATEMENT, limit // columns))

    def set_retention(
        self, rows: Iterable[tuple[str, int, int | None, str | None]]
    ) -> int:
        """Store every agent's retention `(application_id, days, at_ms, by)`.

        The settings list is complete, so an agent absent from it gets NULL:
        it cannot have session logs. Returns the agents whose setting changed.
        """
        self._begin()
        listed = list(rows)
        with sqlite_errors(self.path):
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS listed (id TEXT)")
            self.conn.execute("DELETE FROM temp.listed")
            self.conn.executemany(
                "INSERT INTO temp.listed VALUES (?)", [(row[0],) for row in listed]
            )
            before = self.conn.total_changes
            self.conn.executemany(
                "UPDATE agents SET retention_days = ?2, retention_updated_at_ms = ?3,"
                " retention_updated_by = ?4 WHERE application_id = ?1 AND"
                " (retention_days, retention_updated_at_ms, retention_updated_by)"
                " IS NOT (?2, ?3, ?4)",
                listed,
            )
            self.conn.execute(
                "UPDATE agents SET retention_days = NULL,"
                " retention_updated_at_ms = NULL, retention_updated_by = NULL"
                " WHERE application_id NOT IN (SELECT id FROM temp.listed)"
                " AND retention_days IS NOT NULL"
            )
        return self.conn.total_changes - before

    def replace_month(
        self, table: str, month: str, rows: Sequence[tuple[Any, ...]]
    ) -> tuple[int, int]:
        """Make a month of consumption exactly `rows`: (rows changed, rows removed).

        Consumption is refetched whole per month, so a line the remote no
        longer reports is removed rather than kept stale.
        """
        changed = self.upsert(table, rows)
        if table == "consumption_daily":
            where = "date >= ? AND date < ?"
            bounds: tuple[str, ...] = (f"{month}-01", f"{month}-99")
            key_of = 4
        elif table == "consumption_breakdown":
            where = "month = ?"
            bounds = (month,)
            key_of = 3
        else:
            raise ValueError(f"{table} is not a consumption table")
        self._begin()
        keys = PRIMARY_KEYS[table]
        fetched = {tuple(row[:key_of]) for row in rows}
        with sqlite_errors(self.path):
            held = self.conn.execute(
                f"SELECT {', '.join(keys)} FROM {table} WHERE {where}", bounds
            ).fetchall()
            stale = [key for key in held if tuple(key) not in fetched]
            match = " AND ".join(f"{key} = ?" for key in keys)
            self.conn.executemany(f"DELETE FROM {table} WHERE {match}", stale)
        return changed, len(stale)

    def save_cursor(self, source: str, cursor: str | None) -> None:
        """Record the bookmark of `source` in the open batch."""
        self._begin()
        with sqlite_errors(self.path):
            self.conn.execute(
                "INSERT INTO sync_state (source, cursor) VALUES (?, ?) "
                "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor",
                (source, cursor),
            )

    def source_succeeded(self, source: str, when_ms: int) -> None:
        """Record that `source` was walked to its end at `when_ms`."""
        self._begin()
        with sqlite_errors(self.path):
            self.conn.execute(
                "INSERT INTO sync_state (source, last_success_ms, last_error) "
                "VALUES (?, ?, NULL) ON CONFLICT (source) DO UPDATE SET "
                "last_success_ms = excluded.last_success_ms, last_error = NULL",
                (source, when_ms),
            )

    def source_failed(self, source: str, error: str) -> None:
        """Record why `source` did not finish (kept until it next succeeds)."""
        self._begin()
        with sqlite_errors(self.path):
            self.conn.execute(
                "INSERT INTO sync_state (source, last_error) VALUES (?, ?) "
                "ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error",
                (source, error),
            )

    def reject(self, endpoint: str, reason: str, payload: str, when_ms: int) -> int:
        """Set a record that breaks the contract aside; 1 if it was not already."""
        self._begin()
        before = self.conn.total_changes
        with sqlite_errors(self.path):
            self.conn.execute(
                "INSERT OR IGNORE INTO rejects (endpoint, reason, payload,"
                " rejected_at_ms) VALUES (?, ?, ?, ?)",
                (endpoint, reason, payload, when_ms),
            )
        return self.conn.total_changes - before

    def set_meta(self, values: Mapping[str, str | int | bool | None]) -> None:
        """Store identity and settings values in `meta` (None removes a key)."""
        self._begin()
        with sqlite_errors(self.path):
            for key, value in values.items():
                if value is None:
                    self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
                    continue
                text = str(int(value)) if isinstance(value, bool) else str(value)
                self.conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, text),
                )

    def commit(self) -> None:
        """Bump `meta.sync_generation` and commit the batch, if one is open."""
        if not self.conn.in_transaction:
            return
        with sqlite_errors(self.path):
            _bump_generation(self.conn)
            self.conn.execute("COMMIT")
        self.pending_rows = 0

    def rollback(self) -> None:
        """Drop the open batch (its bookmark goes with it)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.pending_rows = 0


def _bump_generation(conn: sqlite3.Connection) -> None:
    """Add one to `meta.sync_generation` inside the caller's transaction."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (SYNC_GENERATION_KEY,),
    )


def start_run(conn: sqlite3.Connection, path: Path, started_at_ms: int) -> int:
    """Record a sync run as begun; it reads `interrupted` until `finish_run`."""
    with sqlite_errors(path):
        cursor = conn.execute(
            "INSERT INTO sync_runs (started_at_ms, outcome) VALUES (?, 'interrupted')",
            (started_at_ms,),
        )
    return int(cursor.lastrowid or 0)


def finish_run(
    conn: sqlite3.Connection,
    path: Path,
    run_id: int,
    finished_at_ms: int,
    outcome: str,
    summary_json: str,
) -> None:
    """Record how a sync run ended (`ok`, `failed`, `interrupted`) and its summary."""
    with sqlite_errors(path):
        conn.execute(
            "UPDATE sync_runs SET finished_at_ms = ?, outcome = ?, summary = ? "
            "WHERE run_id = ?",
            (finished_at_ms, outcome, summary_json, run_id),
        )


def record_agent_retention(
    conn: sqlite3.Connection,
    path: Path,
    application_id: str,
    retention_days: int,
    updated_at_ms: int | None,
    updated_by: str | None,
) -> None:
    """Store one agent's new retention, as the remote confirmed it."""
    with sqlite_errors(path), transaction(conn):
        conn.execute(
            "UPDATE agents SET retention_days = ?, retention_updated_at_ms = ?, "
            "retention_updated_by = ? WHERE application_id = ?",
            (retention_days, updated_at_ms, updated_by, application_id),
        )
        _bump_generation(conn)


def record_session_logging(conn: sqlite3.Connection, path: Path, enabled: bool) -> None:
    """Store the organisation's session-logging switch, as the remote confirmed it."""
    with sqlite_errors(path), transaction(conn):
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('session_logging_enabled', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(int(enabled)),),
        )
        _bump_generation(conn)

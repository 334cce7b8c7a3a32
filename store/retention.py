"""Retention is a promise about the local copy too: the purge run after every sync.

A session is kept while `started_at_ms >= server_time_ms - retention_days *
86_400_000`, measured against the remote's clock (`meta.server_time_ms`), never
the local one. Its messages and flags go with it. Agents whose retention is
0 (none), unknown (NULL) or who are not known at all keep no transcript.

A message or flag may arrive before its session (the streams are separate);
such an orphan is judged by its own time, which can only be later than its
session's start, so an orphan older than the cutoff is certainly expired.

Known limit: what the purge removed does not come back if the retention is
raised again later, because the export streams resume past it; a fresh
database (a first sync) fetches whatever the remote still keeps.
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from store.db import sqlite_errors, transaction

DAY_MS = 86_400_000


@dataclass(frozen=True)
class PurgeCounts:
    """How many transcript rows a purge removed."""

    sessions: int = 0
    messages: int = 0
    flags: int = 0

    @property
    def total(self) -> int:
        """All rows removed."""
        return self.sessions + self.messages + self.flags


def purge_expired_transcripts(
    conn: sqlite3.Connection, path: Path, server_time_ms: int
) -> PurgeCounts:
    """Delete every session, message and flag older than its agent's retention.

    Runs in the caller's transaction if one is open, else in its own.
    """
    with sqlite_errors(path), transaction(conn):
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS retention_cutoff "
            "(application_id TEXT PRIMARY KEY, cutoff_ms INTEGER NOT NULL)"
        )
        conn.execute("DELETE FROM temp.retention_cutoff")
        conn.execute(
            "INSERT INTO temp.retention_cutoff SELECT application_id, "
            "? - retention_days * ? FROM agents WHERE retention_days > 0",
            (server_time_ms, DAY_MS),
        )
        expired_sessions = (
            "SELECT s.session_id FROM sessions AS s "
            "LEFT JOIN temp.retention_cutoff AS c USING (application_id) "
            "WHERE c.cutoff_ms IS NULL OR s.started_at_ms < c.cutoff_ms"
        )
        messages = _delete(
            conn,
            f"DELETE FROM messages WHERE session_id IN ({expired_sessions}) "
            "OR " + _expired_by_own_time("messages", "created_at_ms"),
        )
        flags = _delete(
            conn,
            f"DELETE FROM flags WHERE session_id IN ({expired_sessions}) "
            "OR " + _expired_by_own_time("flags", "flagged_at_ms"),
        )
        sessions = _delete(
            conn, f"DELETE FROM sessions WHERE session_id IN ({expired_sessions})"
        )
    return PurgeCounts(sessions=sessions, messages=messages, flags=flags)


def _expired_by_own_time(table: str, time_column: str) -> str:
    """A condition true for rows of agents keeping nothing, or older than the cutoff."""
    return (
        f"application_id NOT IN (SELECT application_id FROM temp.retention_cutoff) "
        f"OR {time_column} < (SELECT cutoff_ms FROM temp.retention_cutoff AS c "
        f"WHERE c.application_id = {table}.application_id)"
    )


def _delete(conn: sqlite3.Connection, sql: str) -> int:
    """Run one DELETE and say how many rows it removed."""
    before = conn.total_changes
    conn.execute(sql)
    return conn.total_changes - before

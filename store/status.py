"""What the local copy holds: counts, identity, and when each source last synced.

The counts use the names of the sandbox's `/sandbox/stats`, so that a full
admin sync can be checked against it key by key. `sync_generation` (from
`meta.sync_generation`) grows whenever a sync batch lands: a cache keyed on
it is fresh exactly while it is unchanged.
"""

import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from store.write import SYNC_GENERATION_KEY

# Each count of `/sandbox/stats`, and the query that gives it locally.
COUNT_QUERIES: dict[str, str] = {
    "agents": "SELECT count(*) FROM agents",
    "users": "SELECT count(*) FROM users",
    "sessions": "SELECT count(*) FROM sessions",
    "messages": "SELECT count(*) FROM messages",
    "log_records": "SELECT count(*) FROM log_records",
    "flags": "SELECT count(*) FROM flags",
    "feedback": "SELECT count(*) FROM feedback",
    "consumption_days": "SELECT count(DISTINCT date) FROM consumption_daily",
}

IDENTITY_KEYS = (
    "organization_id",
    "organization_name",
    "user_id",
    "role",
    "server_time_ms",
    "session_logging_enabled",
)


@dataclass(frozen=True)
class SourceStatus:
    """One synced source: its last complete walk and its last error, if any."""

    source: str
    last_success_ms: int | None
    last_error: str | None


@dataclass(frozen=True)
class LocalStatus:
    """A snapshot of the local copy, for `agentmon status` and the app's header."""

    counts: dict[str, int]
    rejects: int
    sync_generation: int
    identity: dict[str, str | None]
    sources: list[SourceStatus] = field(default_factory=list)
    last_sync_ms: int | None = None

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary of everything here."""
        return asdict(self)


def sync_generation(conn: sqlite3.Connection) -> int:
    """`meta.sync_generation`: 0 before the first batch, then one more per batch."""
    row = conn.execute(
        "SELECT value FROM meta WHERE key = ?", (SYNC_GENERATION_KEY,)
    ).fetchone()
    return 0 if row is None else int(row[0])


def local_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """The `/sandbox/stats` counts, as the local copy has them."""
    return {
        name: int(conn.execute(query).fetchone()[0])
        for name, query in COUNT_QUERIES.items()
    }


def read_status(conn: sqlite3.Connection) -> LocalStatus:
    """Everything `agentmon status` reports about the local copy."""
    identity = {
        key: value
        for key, value in conn.execute(
            f"SELECT key, value FROM meta WHERE key IN "
            f"({', '.join('?' for _ in IDENTITY_KEYS)})",
            IDENTITY_KEYS,
        )
    }
    sources = [
        SourceStatus(source, last_success_ms, last_error)
        for source, last_success_ms, last_error in conn.execute(
            "SELECT source, last_success_ms, last_error FROM sync_state ORDER BY source"
        )
    ]
    last_sync = conn.execute(
        "SELECT max(finished_at_ms) FROM sync_runs WHERE outcome = 'ok'"
    ).fetchone()[0]
    return LocalStatus(
        counts=local_counts(conn),
        rejects=int(conn.execute("SELECT count(*) FROM rejects").fetchone()[0]),
        sync_generation=sync_generation(conn),
        identity={key: identity.get(key) for key in IDENTITY_KEYS},
        sources=sources,
        last_sync_ms=last_sync,
    )

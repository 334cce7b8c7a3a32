"""The read queries behind the app's screens: who we are, the agents, sessions.

Every function takes an open connection (the UI thread's read-only one, or a
worker's own) and returns plain dataclasses. Lists that can be long (sessions)
are read in pages with keyset paging, so that the screen never holds a whole
table; figures (interactions, percentiles, tokens) come from `store.metrics`.
"""

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from store.db import open_database
from store.errors import SchemaTooOld

# The kinds of agent that can have session logs (docs/api.md).
SESSION_LOG_KINDS = frozenset({"no_code", "writer_agent"})


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to agentmon's database at `path`, for one thread.

    A database made by an older agentmon is migrated first, as a sync would,
    so that opening the app never asks for a sync just to read. Raises
    `NoLocalCopy` when there is no database there yet.
    """
    try:
        return open_database(path, readonly=True)
    except SchemaTooOld:
        open_database(path, create=False).close()
        return open_database(path, readonly=True)


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    """Whether the database has table `name` (an empty file has none)."""
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


# --- who we are ------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    """The organisation and key the local copy was synced with."""

    organization_id: str
    organization_name: str
    role: str  # admin, member, or unknown when never synced
    last_synced_ms: int | None
    session_logging_enabled: bool | None  # None: unknown (never synced as admin)


def read_meta(connection: sqlite3.Connection) -> dict[str, str]:
    """Every `meta` key and value, or nothing for a database never migrated."""
    if not _has_table(connection, "meta"):
        return {}
    return dict(connection.execute("SELECT key, value FROM meta").fetchall())


def organization(connection: sqlite3.Connection) -> Organization:
    """Who the local copy belongs to, and when a sync last finished well."""
    meta = read_meta(connection)
    last_synced_ms: int | None = None
    if _has_table(connection, "sync_runs"):
        row = connection.execute(
            "SELECT max(finished_at_ms) FROM sync_runs WHERE outcome = 'ok'"
        ).fetchone()
        last_synced_ms = row[0] if row else None
    if last_synced_ms is None and meta.get("last_sync_ms"):
        last_synced_ms = int(meta["last_sync_ms"])
    return Organization(
        organization_id=meta.get("organization_id", ""),
        organization_name=meta.get("organization_name", ""),
        role=meta.get("role") or "unknown",
        last_synced_ms=last_synced_ms,
        session_logging_enabled=(
            None
            if meta.get("session_logging_enabled") in (None, "")
            else meta["session_logging_enabled"] in ("1", "true")
        ),
    )


# --- agents ----------------------------------------------------------------


@dataclass(frozen=True)
class Agent:
    """One agent as the Agents screen lists it, before any figures."""

    application_id: str
    name: str
    kind: str
    status: str
    retention_days: int | None  # 0 is none; None is unknown (member key)

    @property
    def has_session_logs(self) -> bool:
        """Whether this kind of agent can have session logs at all."""
        return self.kind in SESSION_LOG_KINDS

    @property
    def is_deployed(self) -> bool:
        """Observability metrics exist for deployed agents only."""
        return self.status == "deployed"


_AGENT_COLUMNS = "application_id, name, kind, status, retention_days"


def agents(connection: sqlite3.Connection) -> list[Agent]:
    """Every agent, by name.

    Known limit: the list is read whole; an organisation has hundreds of
    agents, not millions, and the Agents screen sorts them by figures that
    are computed for all of them anyway.
    """
    if not _has_table(connection, "agents"):
        return []
    rows = connection.execute(
        f"SELECT {_AGENT_COLUMNS} FROM agents ORDER BY name, application_id"
    ).fetchall()
    return [Agent(*row) for row in rows]


def agent(connection: sqlite3.Connection, application_id: str) -> Agent | None:
    """One agent by id, or None when the local copy does not know it."""
    row = connection.execute(
        f"SELECT {_AGENT_COLUMNS} FROM agents WHERE application_id = ?",
        (application_id,),
    ).fetchone()
    return Agent(*row) if row else None


# --- sessions --------------------------------------------------------------


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions of one agent a Session logs list shows."""

    application_id: str
    from_ms: int
    to_ms: int
    user_text: str = ""  # matches the user's name, email or id, any case
    flagged_only: bool = False


@dataclass(frozen=True)
class SessionRow:
    """One line of Session logs."""

    session_id: str
    started_at_ms: int
    ended_at_ms: int | None
    user_id: str | None
    user_name: str | None
    message_count: int | None
    flagged_responses: int

    @property
    def duration_ms(self) -> int | None:
        """How long the session lasted, when its end is known."""
        if self.ended_at_ms is None:
            return None
        return max(0, self.ended_at_ms - self.started_at_ms)

    @property
    def sort_key(self) -> tuple[int, str]:
        """Where this row sits in newest-first order: the keyset bookmark."""
        return (self.started_at_ms, self.session_id)


def _session_where(selection: SessionFilter) -> tuple[str, list[object]]:
    """The WHERE clause and parameters shared by the count and the pages."""
    clauses = [
        "s.application_id = ?",
        "s.started_at_ms >= ?",
        "s.started_at_ms < ?",
    ]
    parameters: list[object] = [
        selection.application_id,
        selection.from_ms,
        selection.to_ms,
    ]
    if selection.user_text:
        pattern = f"%{_escape_like(selection.user_text)}%"
        clauses.append(
            "(s.user_id LIKE ? ESCAPE '\\' OR s.user_id IN (SELECT user_id FROM "
            "users WHERE name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\'))"
        )
        parameters += [pattern, pattern, pattern]
    if selection.flagged_only:
        clauses.append(
            "EXISTS (SELECT 1 FROM flags f WHERE f.session_id = s.session_id)"
        )
    return " AND ".join(clauses), parameters


def _escape_like(text: str) -> str:
    """`text` with LIKE's wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def count_sessions(connection: sqlite3.Connection, selection: SessionFilter) -> int:
    """How many sessions match `selection`."""
    where, parameters = _session_where(selection)
    row = connection.execute(
        f"SELECT count(*) FROM sessions s WHERE {where}", parameters
    ).fetchone()
    return int(row[0])


_SESSION_SELECT = """
SELECT s.session_id, s.started_at_ms, s.ended_at_ms, s.user_id, u.name,
       s.message_count,
       (SELECT count(*) FROM flags f WHERE f.session_id = s.session_id)
FROM sessions s LEFT JOIN users u ON u.user_id = s.user_id
"""


def session_page(
    connection: sqlite3.Connection,
    selection: SessionFilter,
    *,
    limit: int,
    after: tuple[int, str] | None = None,
    offset: int = 0,
    oldest_first: bool = False,
) -> list[SessionRow]:
    """Up to `limit` sessions, newest first, after the keyset bookmark `after`.

    Without `after`, `offset` rows are skipped (a jump; slower far down).
    `oldest_first` reads from the other end, for a jump to the last page; the
    rows then come oldest first and `after` is a bookmark in that order.
    """
    where, parameters = _session_where(selection)
    comparison, direction = (">", "ASC") if oldest_first else ("<", "DESC")
    if after is not None:
        where += (
            f" AND (s.started_at_ms {comparison} ? OR (s.started_at_ms = ? "
            f"AND s.session_id {comparison} ?))"
        )
        parameters += [after[0], after[0], after[1]]
    sql = (
        f"{_SESSION_SELECT} WHERE {where} "
        f"ORDER BY s.started_at_ms {direction}, s.session_id {direction} "
        "LIMIT ? OFFSET ?"
    )
    rows = connection.execute(sql, [*parameters, limit, offset if after is None else 0])
    return [SessionRow(*row) for row in rows.fetchall()]


def user_names(
    connection: sqlite3.Connection, user_ids: Sequence[str]
) -> dict[str, str]:
    """The names of the given users, for those the local copy knows."""
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = connection.execute(
        f"SELECT user_id, name FROM users WHERE user_id IN ({marks})", list(user_ids)
    )
    return {user_id: name for user_id, name in rows.fetchall() if name is not None}

"""The read queries behind the Admin settings screen.

The organisation's session-logging switch lives in `meta` (read it through
`store.queries.organization`); each agent's retention in `agents`; every
change, the organisation switch's included, in `settings_history`.
"""

import sqlite3
from dataclasses import dataclass

from store.queries import SESSION_LOG_KINDS

# The retention periods AI Studio offers, in days; 0 is none.
RETENTION_CHOICES = (0, 7, 30, 90, 180)


@dataclass(frozen=True, slots=True)
class RetentionSetting:
    """One agent that can have session logs, and how long they are kept."""

    application_id: str
    name: str
    kind: str
    status: str
    retention_days: int | None  # 0 is none; None is unknown (member key)
    updated_at_ms: int | None
    updated_by: str | None
    updated_by_name: str | None


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """One recorded change of a setting: who changed what, when, from and to."""

    change_id: str
    application_id: str | None  # None for the organisation switch
    field: str  # retention_days or session_logging_enabled
    old_value: str | None
    new_value: str | None
    changed_by: str | None
    changed_by_name: str | None
    changed_at_ms: int | None


def retention_settings(connection: sqlite3.Connection) -> list[RetentionSetting]:
    """Every agent that can have session logs, by name.

    Known limit: read whole; an organisation has hundreds of agents at most.
    """
    kinds = sorted(SESSION_LOG_KINDS)
    marks = ",".join("?" * len(kinds))
    rows = connection.execute(
        f"""
        SELECT a.application_id, a.name, a.kind, a.status, a.retention_days,
               a.retention_updated_at_ms, a.retention_updated_by, u.name
        FROM agents a LEFT JOIN users u ON u.user_id = a.retention_updated_by
        WHERE a.kind IN ({marks})
        ORDER BY a.name, a.application_id
        """,
        kinds,
    )
    return [RetentionSetting(*row) for row in rows.fetchall()]


def admin_count(connection: sqlite3.Connection) -> int:
    """How many users of the organisation the local copy knows as admins."""
    row = connection.execute(
        "SELECT count(*) FROM users WHERE role = 'admin'"
    ).fetchone()
    return int(row[0])


def settings_history(
    connection: sqlite3.Connection, application_id: str | None, *, limit: int = 100
) -> list[SettingsChange]:
    """The changes of one agent's settings, newest first.

    `application_id=None` gives the changes of the organisation's switch.
    """
    where = (
        "h.application_id IS NULL"
        if application_id is None
        else ("h.application_id = ?")
    )
    parameters: list[object] = [] if application_id is None else [application_id]
    rows = connection.execute(
        f"""
        SELECT h.change_id, h.application_id, h.field, h.old_value, h.new_value,
               h.changed_by, u.name, h.changed_at_ms
        FROM settings_history h LEFT JOIN users u ON u.user_id = h.changed_by
        WHERE {where}
        ORDER BY h.changed_at_ms DESC, h.change_id DESC
        LIMIT ?
        """,
        [*parameters, limit],
    )
    return [SettingsChange(*row) for row in rows.fetchall()]

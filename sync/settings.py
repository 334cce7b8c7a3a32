"""Changing session-log settings on the remote, then in the local copy.

`set_retention` and `set_session_logging` PUT the change (they need the
network: without it they raise `Unreachable`, nothing is queued), store what
the remote answered, refresh the settings and their history, and apply the
retention purge at once, so that lowering an agent's retention removes its
older transcripts from the local copy before the call returns.
"""

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from store.db import open_database
from store.retention import purge_expired_transcripts
from store.write import get_meta, record_agent_retention
from sync.client import WriterClient
from sync.config import SyncConfig
from sync.contract import (
    RETENTION_CHOICES,
    ContractViolation,
    RecordSpec,
    integer,
    text,
)
from sync.engine import OBSERVABILITY, SETTINGS_HISTORY, _Walk
from sync.errors import InvalidRetention, ProtocolError, SyncError
from sync.progress import SyncSummary

log = logging.getLogger("agentmon.sync")

RETENTION_ANSWER = RecordSpec(
    "retention change",
    (
        text("application_id", key=True),
        integer("retention_days", choices=RETENTION_CHOICES),
        integer("updated_at_ms"),
        text("updated_by"),
        text("change_id", nullable=True),
        integer("notified_admins", non_negative=True),
    ),
)


@dataclass(frozen=True)
class RetentionChange:
    """What the remote did with a retention change.

    `change_id` is None (and `notified_admins` 0) when the agent already had
    that value. `refreshed` is False when the change landed remotely but the
    settings could not be re-read afterwards (the next sync catches up).
    """

    application_id: str
    retention_days: int
    updated_at_ms: int
    updated_by: str
    change_id: str | None
    notified_admins: int
    refreshed: bool = True


@dataclass(frozen=True)
class SessionLoggingChange:
    """The organisation's session-logging switch after a change."""

    enabled: bool
    change_id: str | None
    notified_admins: int
    refreshed: bool = True


def set_retention(
    db_path: Path | str,
    config: SyncConfig,
    application_id: str,
    retention_days: int,
    *,
    transport: httpx.BaseTransport | None = None,
) -> RetentionChange:
    """Set one agent's retention remotely, then locally; purge what it no longer keeps.

    Raises `InvalidRetention` before any request for a value not in 0, 7, 30,
    90, 180, and the client's named errors otherwise (a refusal such as
    `session_logging_disabled` is a `RemoteError` whose `code` says which).
    """
    if type(retention_days) is not int or retention_days not in RETENTION_CHOICES:
        raise InvalidRetention(retention_days, RETENTION_CHOICES)
    path = Path(db_path)
    conn = open_database(path, create=False)
    try:
        with WriterClient(config, transport=transport) as client:
            walk = _write_back_walk(conn, path, client, config)
            endpoint = (
                OBSERVABILITY.format(org=walk.org)
                + f"/session-logs/settings/agents/{application_id}"
            )
            answer = client.put(endpoint, {"retention_days": retention_days}).body
            try:
                fields = RETENTION_ANSWER.row(answer)
            except ContractViolation as violation:
                raise ProtocolError(f"PUT {endpoint}", str(violation)) from None
            change = RetentionChange(*fields)
            record_agent_retention(
                conn,
                path,
                change.application_id,
                change.retention_days,
                change.updated_at_ms,
                change.updated_by,
            )
            walk.server_time_ms = max(walk.server_time_ms or 0, change.updated_at_ms)
            purge_expired_transcripts(conn, path, walk.server_time_ms)
            if not _refresh(walk):
                return replace(change, refreshed=False)
            return change
    finally:
        conn.close()


def set_session_logging(
    db_path: Path | str,
    config: SyncConfig,
    enabled: bool,
    *,
    transport: httpx.BaseTransport | None = None,
) -> SessionLoggingChange:
    """Switch the organisation's session logging remotely, then locally."""
    path = Path(db_path)
    conn = open_database(path, create=False)
    try:
        with WriterClient(config, transport=transport) as client:
            walk = _write_back_walk(conn, path, client, config)
            endpoint = OBSERVABILITY.format(org=walk.org) + "/session-logs/settings"
            answer = client.put(endpoint, {"session_logging_enabled": bool(enabled)})
            walk.store_settings(answer.body, f"PUT {endpoint}")
            walk.commit()
            walk.purge()
            body = answer.body
            return SessionLoggingChange(
                enabled=bool(body["session_logging_enabled"]),
                change_id=body.get("change_id"),
                notified_admins=int(body.get("notified_admins") or 0),
                refreshed=_refresh(walk),
            )
    finally:
        conn.close()


def _write_back_walk(
    conn: object, path: Path, client: WriterClient, config: SyncConfig
) -> _Walk:
    """A walk over the stored identity, for the refresh after a change."""
    walk = _Walk(conn, path, client, config, SyncSummary(), None, None)
    org = config.organization_id or get_meta(walk.conn, "organization_id")
    if org is None:
        org = str(client.get("/v1/me").body.get("organization_id", ""))
    walk.org = org
    server_time = get_meta(walk.conn, "server_time_ms")
    walk.server_time_ms = int(server_time) if server_time else None
    return walk


def _refresh(walk: _Walk) -> bool:
    """Re-read the settings and the new history entries; False if that failed."""
    try:
        walk.sync_settings()
        walk.sync_stream(SETTINGS_HISTORY)
        walk.commit()
        walk.purge()
    except SyncError as error:
        walk.writer.rollback()
        log.warning("sync: settings changed, but re-reading them failed: %s", error)
        return False
    return True


__all__ = [
    "RetentionChange",
    "SessionLoggingChange",
    "set_retention",
    "set_session_logging",
]

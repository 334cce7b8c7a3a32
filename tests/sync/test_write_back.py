"""Changing settings from agentmon: remote first, then the local copy, never queued."""

import socket
from pathlib import Path
from typing import Any

import pytest

from store.db import open_database
from sync.errors import InvalidRetention, RemoteError, Unreachable
from sync.settings import set_retention, set_session_logging
from tests.fixtures.synced import sync_config


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _retention(path: Path, agent: str) -> int | None:
    conn = open_database(path, readonly=True)
    try:
        row = conn.execute(
            "SELECT retention_days FROM agents WHERE application_id = ?", (agent,)
        ).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()


def _an_agent_with_session_logs(path: Path) -> str:
    conn = open_database(path, readonly=True)
    try:
        row = conn.execute(
            "SELECT application_id FROM agents WHERE retention_days > 0 "
            "ORDER BY application_id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    assert row is not None
    return str(row[0])


def test_without_a_network_a_retention_change_is_unreachable_and_not_stored(
    synced_db: Path,
) -> None:
    agent = _an_agent_with_session_logs(synced_db)
    before = _retention(synced_db, agent)
    config = sync_config(f"http://127.0.0.1:{_closed_port()}", "any-key")
    with pytest.raises(Unreachable):
        set_retention(synced_db, config, agent, 7 if before != 7 else 30)
    assert _retention(synced_db, agent) == before


def test_a_retention_outside_the_list_is_refused_before_any_request(
    synced_db: Path,
) -> None:
    config = sync_config(f"http://127.0.0.1:{_closed_port()}", "any-key")
    with pytest.raises(InvalidRetention, match="0, 7, 30, 90, 180"):
        set_retention(synced_db, config, "app_0001", 14)


def test_a_retention_change_is_stored_locally(
    synced_db: Path, fresh_sandbox: Any
) -> None:
    # The fresh sandbox serves the same world `synced_db` was synced from.
    path = synced_db
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    agent = _an_agent_with_session_logs(path)
    target = 180 if _retention(path, agent) != 180 else 90
    change = set_retention(path, config, agent, target)
    assert (change.retention_days, change.refreshed, _retention(path, agent)) == (
        target,
        True,
        target,
    )


def test_setting_the_value_an_agent_already_has_notifies_nobody(
    synced_db: Path, fresh_sandbox: Any
) -> None:
    # The fresh sandbox serves the same world `synced_db` was synced from.
    path = synced_db
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    agent = _an_agent_with_session_logs(path)
    current = _retention(path, agent)
    assert current is not None
    change = set_retention(path, config, agent, current)
    assert (change.change_id, change.notified_admins) == (None, 0)


def test_a_retention_change_for_an_agent_without_session_logs_is_refused(
    synced_db: Path, fresh_sandbox: Any
) -> None:
    # The fresh sandbox serves the same world `synced_db` was synced from.
    path = synced_db
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    conn = open_database(path, readonly=True)
    (agent,) = conn.execute(
        "SELECT application_id FROM agents WHERE kind IN ('api', 'prebuilt') LIMIT 1"
    ).fetchone()
    conn.close()
    with pytest.raises(RemoteError) as refused:
        set_retention(path, config, agent, 30)
    assert refused.value.code == "session_logs_unsupported"


def test_switching_session_logging_off_is_stored_locally(
    synced_db: Path, fresh_sandbox: Any
) -> None:
    # The fresh sandbox serves the same world `synced_db` was synced from.
    path = synced_db
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    change = set_session_logging(path, config, False)
    conn = open_database(path, readonly=True)
    stored = conn.execute(
        "SELECT value FROM meta WHERE key = 'session_logging_enabled'"
    ).fetchone()
    conn.close()
    assert (change.enabled, stored) == (False, ("0",))

"""Fixtures for the app's tests: a pinned clock and zone, small worlds, the app."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.world import NOW_ISO
from tests.tui.world import World


@pytest.fixture(autouse=True)
def _pinned(pinned_clock: None) -> None:
    """Every app test runs at 2026-06-01T12:00:00Z in UTC (tests/fixtures/app.py)."""


@pytest.fixture
def world_db(tmp_path: Path) -> Path:
    """A small database synced with an admin key."""
    return World().build(tmp_path / "world.db")


@pytest.fixture
def member_world_db(tmp_path: Path) -> Path:
    """The same small world, synced with a member key (no retention known)."""
    return World(role="member").build(tmp_path / "member.db")


@pytest.fixture
def make_app() -> Callable[..., Any]:
    """Build an `AgentmonApp` on a database (imported late: Textual is heavy)."""

    def build(db_path: Path, **options: Any) -> Any:
        from tui.app import AgentmonApp

        return AgentmonApp(db_path, **options)

    return build


def _sandbox_synced(directory: Path, role: str) -> Path:
    """A small sandbox (seed 7, now pinned) synced with the admin or member key."""
    from sandbox import SandboxConfig, start_sandbox
    from store.clock import parse_iso_ms
    from sync.config import ApiKey, SyncConfig
    from sync.engine import run_sync

    path = directory / f"{role}.db"
    config = SandboxConfig(
        seed=7,
        scale="small",
        now_ms=parse_iso_ms(NOW_ISO),
        admin_key="test-admin-key",
        member_key="test-member-key",
    )
    with start_sandbox(config) as running:
        key = running.admin_key if role == "admin" else running.member_key
        run_sync(path, SyncConfig(api_key=ApiKey(key), base_url=running.base_url))
    return path


@pytest.fixture(scope="session")
def _own_synced_dbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Synced copies made once per test process, for before the shared fixtures."""
    import os

    directory = tmp_path_factory.mktemp("synced")
    previous = os.environ.get("AGENTMON_NOW")
    os.environ["AGENTMON_NOW"] = NOW_ISO
    try:
        return {role: _sandbox_synced(directory, role) for role in ("admin", "member")}
    finally:
        if previous is None:
            del os.environ["AGENTMON_NOW"]
        else:
            os.environ["AGENTMON_NOW"] = previous


def _synced(
    request: pytest.FixtureRequest, name: str, role: str, tmp_path: Path
) -> Path:
    """The shared fixture `name` when it exists, else a fresh copy of our own."""
    import shutil

    try:
        return Path(request.getfixturevalue(name))
    except pytest.FixtureLookupError:
        source = request.getfixturevalue("_own_synced_dbs")[role]
        copy = tmp_path / f"{role}-copy.db"
        shutil.copyfile(source, copy)
        return copy


@pytest.fixture
def app_synced_db(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A small sandbox (seed 7) synced with the admin key, at the pinned now."""
    return _synced(request, "synced_db", "admin", tmp_path)


@pytest.fixture
def app_member_db(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The same sandbox synced with a member key."""
    return _synced(request, "member_synced_db", "member", tmp_path)

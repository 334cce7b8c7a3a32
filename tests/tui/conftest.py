"""Fixtures for the app's tests: a pinned clock and zone, small worlds, the app.

The synced sandbox databases are the shared `synced_db` and `member_synced_db`
(tests/fixtures/synced.py).
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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

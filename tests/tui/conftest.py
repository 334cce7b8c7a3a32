"""Fixtures for the app's tests: a pinned clock and zone, small worlds, the app."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tui.world import NOW_ISO, World


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Now is 2026-06-01T12:00:00Z and the local zone is UTC, in every app test."""
    monkeypatch.setenv("AGENTMON_NOW", NOW_ISO)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


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


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (anyio's pytest plugin runs the coroutines)."""
    return "asyncio"

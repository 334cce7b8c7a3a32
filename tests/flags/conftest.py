"""Fixtures for flag triage: a pinned clock, a small flag world, connections."""

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.reviews import open_for_review
from tests.flags.world import NOW_ISO, FlagWorld


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Now is 2026-06-01T12:00:00Z and the local zone is UTC."""
    monkeypatch.setenv("AGENTMON_NOW", NOW_ISO)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def flag_db(tmp_path: Path) -> Path:
    """Twelve flags over two agents, none decided, synced with an admin key."""
    return FlagWorld().build(tmp_path / "flags.db")


@pytest.fixture
def member_flag_db(tmp_path: Path) -> Path:
    """The same flags, synced with a member key."""
    return FlagWorld(role="member").build(tmp_path / "member.db")


@pytest.fixture
def conn(flag_db: Path) -> Iterator[sqlite3.Connection]:
    """A writable connection to `flag_db`."""
    connection = open_for_review(flag_db)
    yield connection
    connection.close()


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (anyio's pytest plugin runs the coroutines)."""
    return "asyncio"

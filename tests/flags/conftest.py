"""Fixtures for flag triage: a pinned clock, a small flag world, connections."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.reviews import open_for_review
from tests.flags.world import FlagWorld


@pytest.fixture(autouse=True)
def _pinned(pinned_clock: None) -> None:
    """Every triage test runs at 2026-06-01T12:00:00Z in UTC (tests/fixtures/app.py)."""


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

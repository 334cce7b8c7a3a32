"""Fixtures for the store's tests: a fresh database file per test."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.db import open_database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database lives (not created yet)."""
    return tmp_path / "data" / "agentmon.db"


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A freshly created, migrated database, closed after the test."""
    connection = open_database(db_path)
    yield connection
    connection.close()

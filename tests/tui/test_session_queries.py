"""Session logs read in keyset pages return the same rows as one big read."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import queries
from tests.tui.world import DAY_MS, NOW_MS, World
from tui.screens.agent_sessions import SessionsSource


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = World(sessions_per_agent=120).build(tmp_path / "pages.db")
    connection = queries.open_readonly(path)
    yield connection
    connection.close()


def _selection(**changes: object) -> queries.SessionFilter:
    fields: dict[str, object] = {
        "application_id": "app_0001",
        "from_ms": NOW_MS - 180 * DAY_MS,
        "to_ms": NOW_MS,
    }
    fields.update(changes)
    return queries.SessionFilter(**fields)  # type: ignore[arg-type]


def _everything(
    connection: sqlite3.Connection, selection: queries.SessionFilter
) -> list[queries.SessionRow]:
    return queries.session_page(connection, selection, limit=10_000)


def test_sessions_come_newest_first(connection: sqlite3.Connection) -> None:
    """The list starts with the most recent session and never goes back in time."""
    rows = _everything(connection, _selection())
    starts = [row.started_at_ms for row in rows]
    assert starts == sorted(starts, reverse=True)
    assert rows[0].session_id == "ses_app_0001_0000"


def test_pages_read_in_order_match_one_big_read(connection: sqlite3.Connection) -> None:
    """Reading 7 at a time, by bookmark, gives exactly the full list."""
    source = SessionsSource(connection, _selection())
    paged = []
    for start in range(0, source.count(), 7):
        paged += source.fetch(start, 7)
    assert paged == _everything(connection, _selection())


def test_a_jump_near_the_end_reads_backwards_and_matches(
    connection: sqlite3.Connection,
) -> None:
    """The last page, read from the oldest end, is the tail of the full list."""
    source = SessionsSource(connection, _selection())
    total = source.count()
    assert (
        list(source.fetch(total - 5, 5)) == _everything(connection, _selection())[-5:]
    )


def test_a_jump_into_the_middle_matches(connection: sqlite3.Connection) -> None:
    """A jump with no bookmark (row skipping) gives the same rows."""
    source = SessionsSource(connection, _selection())
    assert list(source.fetch(40, 10)) == _everything(connection, _selection())[40:50]


def test_the_period_bounds_are_half_open(connection: sqlite3.Connection) -> None:
    """A session starting exactly at `to_ms` belongs to the next period."""
    newest = _everything(connection, _selection())[0]
    selection = _selection(to_ms=newest.started_at_ms)
    assert newest.session_id not in {
        row.session_id for row in _everything(connection, selection)
    }
    selection = _selection(from_ms=newest.started_at_ms)
    assert [row.session_id for row in _everything(connection, selection)] == [
        newest.session_id
    ]


def test_user_filter_matches_name_any_case(connection: sqlite3.Connection) -> None:
    """'user 05' finds User 05's sessions only."""
    rows = _everything(connection, _selection(user_text="user 05"))
    assert rows
    assert {row.user_name for row in rows} == {"User 05"}


def test_user_filter_takes_wildcards_literally(connection: sqlite3.Connection) -> None:
    """% and _ in the filter are characters, not patterns."""
    assert _everything(connection, _selection(user_text="%")) == []
    assert _everything(connection, _selection(user_text="User_05")) == []


def test_flagged_only_counts_and_lists_the_same(connection: sqlite3.Connection) -> None:
    """The count and the rows agree, and every row has a flagged response."""
    selection = _selection(flagged_only=True)
    rows = _everything(connection, selection)
    assert len(rows) == queries.count_sessions(connection, selection) == 30
    assert all(row.flagged_responses > 0 for row in rows)

"""What the Session transcript looks like on the small synced sandbox (seed 7).

Now is pinned to 2026-06-01T12:00:00Z and the zone to UTC. The session shown
is the flagged session with the most messages (Campaign brief writer, Grace
Bianchi, 240 messages, one flagged response at message 188). Each docstring
says what the picture must show.
"""

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.tui.snapshots import NARROW, WIDE, compare_screen
from tui.screens.transcript import TranscriptScreen


def busiest_flagged_session(db: Path) -> str:
    """The flagged session with the most messages (ties: the smallest id)."""
    connection = sqlite3.connect(db)
    try:
        row = connection.execute(
            "SELECT f.session_id FROM flags f JOIN sessions s USING (session_id) "
            "GROUP BY f.session_id ORDER BY max(s.message_count) DESC, f.session_id "
            "LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return str(row[0])


def _compare(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    db: Path,
    size: tuple[int, int],
    keys: Sequence[str] = (),
    *,
    session_id: str | None = None,
    theme: str | None = None,
) -> bool:
    """Open the transcript of `session_id` (default: the busiest) and press `keys`."""
    session = session_id or busiest_flagged_session(db)
    return compare_screen(
        snap_compare,
        make_app,
        db,
        size,
        lambda: TranscriptScreen(session),
        keys,
        theme=theme,
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_transcript_as_admin(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """The top line names Campaign brief writer, Grace Bianchi and the start in
    UTC, with the View flagged responses button; the status says message 1 of
    240 and 1 flagged; the first user turn highlighted (orange bar, lighter
    background), then the agent's response (green bar) with its time, response
    time, status, tokens and model; markup lookalikes such as [bold]...[/bold]
    shown literally; the footer offers Back, Flagged responses, Next and
    Previous flagged."""
    assert _compare(snap_compare, make_app, synced_db, size)


def test_transcript_flagged_responses(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """After f: only the flagged response, highlighted, with '⚑ Flagged
    inaccurate', who flagged it and when under its header; numbered and
    bulleted lists with their markers coloured; the status 'Flagged response 1
    of 1 · Enter shows it in context'; the button reading 'View all messages';
    Show in context in the footer."""
    assert _compare(snap_compare, make_app, synced_db, NARROW, ["f"])


def test_transcript_flagged_response_in_context(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """f then Enter: the whole conversation again ('Message 188 of 240'), the
    flagged response highlighted a few lines down, the last lines of the
    user's question above it; the button back to 'View flagged responses'."""
    assert _compare(snap_compare, make_app, synced_db, NARROW, ["f", "enter"])


def test_transcript_in_the_light_theme(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """The same first screen in the light theme: labels, bars, muted details
    and the highlighted turn all readable on a light background."""
    assert _compare(snap_compare, make_app, synced_db, NARROW, theme="textual-light")


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_transcript_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """A member's copy: no conversation; the status says session logs are
    visible to organisation admins only and why; the flagged keys are dimmed."""
    assert _compare(
        snap_compare,
        make_app,
        member_synced_db,
        size,
        session_id="ses_00000247",
    )

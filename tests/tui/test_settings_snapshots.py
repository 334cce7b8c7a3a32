"""What the Admin settings screen looks like on the small synced sandbox (seed 7).

Now is pinned to 2026-06-01T12:00:00Z and the zone to UTC. Each docstring says
what the picture must show.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.tui.snapshots import NARROW, WIDE, compare_screen
from tui.screens.settings import SettingsScreen


def _compare(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    db: Path,
    size: tuple[int, int],
    keys: Sequence[str] = (),
) -> bool:
    """Open the settings directly (the S key is driven in test_settings)."""
    return compare_screen(snap_compare, make_app, db, size, SettingsScreen, keys)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_settings_as_admin(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """Session logging on, when and by whom it last changed, and 3 admins; the
    no-code agents and Writer Agent by name with kind, status, retention and
    when it last changed, Benefits assistant highlighted; below it (80x24) or
    beside it (160x48) its two changes, newest first, with who, when in UTC
    and from what to what; Change retention and Session logging in the
    footer."""
    assert _compare(snap_compare, make_app, synced_db, size)


def test_settings_retention_picker(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """Enter: a dialog titled 'Retention of Benefits assistant' offering none,
    7, 30, 90 and 180 days, the current 90 days marked and highlighted."""
    assert _compare(snap_compare, make_app, synced_db, NARROW, ["enter"])


def test_settings_confirmation(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """Enter, k, Enter: 'Change the retention of Benefits assistant from 90
    days to 30 days?', that every organisation admin will be emailed (3 in
    the local copy), the Change retention and Cancel buttons with Cancel
    focused, and y / n in the footer."""
    assert _compare(snap_compare, make_app, synced_db, NARROW, ["enter", "k", "enter"])


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_settings_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """A member's copy: no agent list, only the sentence that the settings are
    for organisation admins and that this copy was synced with a member key."""
    assert _compare(snap_compare, make_app, member_synced_db, size)

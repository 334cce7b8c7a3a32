"""What Organisation usage looks like on the small synced sandbox (seed 7).

Now is pinned to 2026-06-01T12:00:00Z and the zone to UTC; the pictures show
May 2026, the last whole month (one `[` from June). Each docstring says what
the picture must show.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.tui.snapshots import NARROW, WIDE, compare_screen
from tui.screens.usage import UsageScreen


def _compare(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    db: Path,
    size: tuple[int, int],
    keys: Sequence[str] = (),
    *,
    months_back: int = 1,
) -> bool:
    """Open usage directly, step back `months_back` months, wait for the figures."""

    async def step_back(pilot: Any, screen: UsageScreen) -> None:
        for _ in range(months_back):
            screen.action_step_month(-1)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return compare_screen(
        snap_compare, make_app, db, size, UsageScreen, keys, settle=step_back
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_usage_cost(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """The Cost tab for May 2026: the month's spend in dollars against April's
    with the change in percent, the comparison to the same day, the days with
    data; a line chart of daily spend for API, framework, no-code and other;
    (160x48: also) spend by model and by other services with exact dollars
    and tokens; months and tabs in the footer."""
    assert _compare(snap_compare, make_app, synced_db, size)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_usage_activity(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """The Activity tab for May 2026: tokens against April's; a bar chart of
    tokens by agent type beside the exact figures; the top five users and the
    top five agents by tokens with their spend (160x48: also tokens by
    model)."""
    assert _compare(snap_compare, make_app, synced_db, size, ["2"])


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_usage_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """A member's copy: no tabs, only the sentence that usage and spend are for
    organisation admins and need an admin's key."""
    assert _compare(snap_compare, make_app, member_synced_db, size, months_back=0)

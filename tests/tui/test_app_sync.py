"""Sync from inside the app: it runs in the background, and failures are one line."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.sandbox import ADMIN_KEY, MEMBER_KEY
from tui.screens.agent import AgentScreen
from tui.screens.agents import AgentsScreen

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


def _config(base_url: str, key: str = ADMIN_KEY) -> Any:
    from sync.config import ApiKey, SyncConfig

    return SyncConfig(
        api_key=ApiKey(key),
        base_url=base_url,
        retry_base_s=0.01,
        retry_cap_s=0.01,
        max_tries=2,
        timeout_s=2.0,
    )


def _messages(app: Any) -> list[tuple[str, str]]:
    return [(n.severity, n.message) for n in app._notifications]


async def test_a_sync_lands_and_the_screen_refreshes(
    synced_db: Path, fresh_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """s syncs in a worker; when it ends the app says so and re-reads the data."""
    app = make_app(synced_db, sync_config=_config(fresh_sandbox.base_url))
    async with app.run_test(size=SIZE) as pilot:
        before = app.status_version
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.status_version > before
        assert [severity for severity, _ in _messages(app)] == ["information"]
        assert "new and" in _messages(app)[0][1]


async def test_the_screens_stay_usable_while_a_sync_runs(
    synced_db: Path, fresh_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """Keys still work during a sync: open an agent and come back."""
    app = make_app(synced_db, sync_config=_config(fresh_sandbox.base_url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter")
        assert isinstance(app.screen, AgentScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, AgentsScreen)
        await app.workers.wait_for_complete()


async def test_with_the_sandbox_stopped_a_sync_fails_in_one_line(
    synced_db: Path, fresh_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """A sync against a stopped remote ends in one error notification, one line."""
    fresh_sandbox.stop()
    app = make_app(synced_db, sync_config=_config(fresh_sandbox.base_url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (severity, message), *others = _messages(app)
        assert (severity, others) == ("error", [])
        assert "\n" not in message and message
        assert app.is_running


async def test_with_the_sandbox_stopped_every_screen_still_works(
    synced_db: Path, fresh_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """The app reads only the local copy: every tab opens without the remote."""
    fresh_sandbox.stop()
    app = make_app(synced_db, sync_config=_config(fresh_sandbox.base_url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"campaign", "enter", "enter")
        for tab in "2341":
            await pilot.press(tab)
        await pilot.press("enter")
        assert type(app.screen).__name__ == "TranscriptScreen"
        await pilot.press("escape", "escape", "question_mark", "escape")
        assert isinstance(app.screen, AgentsScreen)
        assert _messages(app) == []


async def test_a_member_key_syncs_without_admin_screens(
    member_synced_db: Path, fresh_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """After a member sync the role stays member and session logs stay closed."""
    config = _config(fresh_sandbox.base_url, key=MEMBER_KEY)
    app = make_app(member_synced_db, sync_config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.role == "member"
        assert all(severity != "error" for severity, _ in _messages(app))

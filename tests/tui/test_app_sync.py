"""Sync from inside the app: it runs in the background, and failures are one line."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.world import NOW_ISO
from tui.screens.agent import AgentScreen
from tui.screens.agents import AgentsScreen

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


@pytest.fixture
def running_sandbox() -> Iterator[Any]:
    """A small sandbox on a free loopback port, for as long as the test runs."""
    from sandbox import SandboxConfig, start_sandbox
    from store.clock import parse_iso_ms

    config = SandboxConfig(
        seed=7,
        scale="small",
        now_ms=parse_iso_ms(NOW_ISO),
        admin_key="test-admin-key",
        member_key="test-member-key",
    )
    with start_sandbox(config) as running:
        yield running


def _config(base_url: str, key: str = "test-admin-key") -> Any:
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
    app_synced_db: Path, running_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """s syncs in a worker; when it ends the app says so and re-reads the data."""
    app = make_app(app_synced_db, sync_config=_config(running_sandbox.base_url))
    async with app.run_test(size=SIZE) as pilot:
        before = app.status_version
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.status_version > before
        assert [severity for severity, _ in _messages(app)] == ["information"]
        assert "new and" in _messages(app)[0][1]


async def test_the_screens_stay_usable_while_a_sync_runs(
    app_synced_db: Path, running_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """Keys still work during a sync: open an agent and come back."""
    app = make_app(app_synced_db, sync_config=_config(running_sandbox.base_url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter")
        assert isinstance(app.screen, AgentScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, AgentsScreen)
        await app.workers.wait_for_complete()


async def test_with_the_sandbox_stopped_a_sync_fails_in_one_line(
    app_synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """A sync against a stopped remote ends in one error notification, one line."""
    from sandbox import SandboxConfig, start_sandbox

    with start_sandbox(SandboxConfig(seed=7, scale="small")) as stopped:
        base_url = stopped.base_url
    app = make_app(app_synced_db, sync_config=_config(base_url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (severity, message), *others = _messages(app)
        assert (severity, others) == ("error", [])
        assert "\n" not in message and message
        assert app.is_running


async def test_with_the_sandbox_stopped_every_screen_still_works(
    app_synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """The app reads only the local copy: every tab opens without the remote."""
    from sandbox import SandboxConfig, start_sandbox

    with start_sandbox(SandboxConfig(seed=7, scale="small")) as stopped:
        base_url = stopped.base_url
    app = make_app(app_synced_db, sync_config=_config(base_url))
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
    app_member_db: Path, running_sandbox: Any, make_app: Callable[..., Any]
) -> None:
    """After a member sync the role stays member and session logs stay closed."""
    config = _config(running_sandbox.base_url, key="test-member-key")
    app = make_app(app_member_db, sync_config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.role == "member"
        assert all(severity != "error" for severity, _ in _messages(app))

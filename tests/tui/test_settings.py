"""The Admin settings screen: retention changes behind a confirmation, keys only."""

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from store.db import open_database
from store.settings_queries import retention_settings, settings_history
from sync.engine import run_sync
from tests.fixtures.synced import sync_config
from tui.inert import clean
from tui.screens.settings import SettingsScreen
from tui.widgets.settings_dialogs import ConfirmChange, RetentionPicker
from tui.widgets.virtual_table import VirtualTable

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


def _retention(db_path: Path, name: str) -> int | None:
    """The retention the local copy holds for the agent called `name`."""
    connection = open_database(db_path, readonly=True)
    try:
        return next(
            s.retention_days for s in retention_settings(connection) if s.name == name
        )
    finally:
        connection.close()


def _outcome(app: Any) -> str:
    return str(app.screen.query_one("#settings-outcome").render())


def _history(app: Any) -> str:
    return str(app.screen.query_one("#settings-history").render())


def _table(app: Any) -> VirtualTable[Any]:
    return app.screen.query_one("#settings-agents", VirtualTable)


async def _open_settings(pilot: Any) -> None:
    await pilot.press("S")
    await pilot.pause()


async def _answer(app: Any, pilot: Any) -> None:
    """Wait for the change's worker and the screen's handling of its answer.

    A refused change ends its worker in error, which the screen shows; waiting
    on a worker that has not finished yet re-raises that error here, so it is
    not an outcome of the wait.
    """
    from textual.worker import WorkerFailed

    with contextlib.suppress(WorkerFailed):
        await app.workers.wait_for_complete()
    await pilot.pause()


# --- reading -----------------------------------------------------------------------


async def test_lists_every_agent_that_can_have_session_logs(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """No-code agents and Writer Agent are listed by name; others are not."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        assert isinstance(app.screen, SettingsScreen)
        table = _table(app)
        rows = [table.row_at(i) for i in range(table.row_count)]
        assert {row.kind for row in rows} == {"no_code", "writer_agent"}
        assert [row.name for row in rows] == sorted(row.name for row in rows)


async def test_history_says_who_when_and_from_what_to_what(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """The highlighted agent's changes read newest first, with names and zone."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        setting = _table(app).cursor_value
        changes = settings_history(app.db, setting.application_id)
        assert len(changes) == 2
        first = _history(app).splitlines()[0]
        assert first.endswith(
            f"by {changes[0].changed_by_name}: "
            f"{_days(changes[0].old_value)} → {_days(changes[0].new_value)}"
        )
        assert " UTC by " in first


def _days(value: str | None) -> str:
    return "none" if value == "0" else f"{value} days"


async def test_confirmation_says_how_many_admins_are_emailed(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """The question names the change and the admins of the local copy."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        name = _table(app).cursor_value.name
        await pilot.press("enter", "k", "enter")
        assert isinstance(app.screen, ConfirmChange)
        question = str(app.screen.query_one("#confirm-question").render())
        assert f"Change the retention of {name} from" in question
        assert "Every organisation admin will be emailed" in question
        assert "(3 admins in the local copy)" in question


async def test_choosing_the_current_value_changes_nothing(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """The picker starts on the current value; Enter there asks nothing."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, RetentionPicker)
        await pilot.press("enter")
        assert isinstance(app.screen, SettingsScreen)
        assert _outcome(app) == "Nothing was changed."


# --- changing, against a sandbox of its own ------------------------------------------


@pytest.fixture
def fresh_synced(fresh_sandbox: Any, tmp_path: Path) -> Iterator[tuple[Path, Any]]:
    """A database synced with the admin key from a sandbox this test may change."""
    path = tmp_path / "fresh" / "agentmon.db"
    path.parent.mkdir(mode=0o700)
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    run_sync(path, config)
    yield path, config


async def test_a_confirmed_change_reaches_the_remote_and_its_history(
    fresh_synced: tuple[Path, Any],
    fresh_sandbox: Any,
    make_app: Callable[..., Any],
) -> None:
    """Enter, a new value, y: the remote changes, admins are emailed, history grows."""
    db_path, config = fresh_synced
    app = make_app(db_path, sync_config=config)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        setting = _table(app).cursor_value
        assert setting.retention_days == 90
        await pilot.press("enter", "k", "enter", "y")
        await _answer(app, pilot)
        assert _outcome(app) == (
            f"Done: the retention of {setting.name} is now 30 days. "
            "3 admins were notified by email."
        )
        assert _history(app).splitlines()[0].endswith(": 90 days → 30 days")
        assert _table(app).cursor_value.retention_days == 30
    assert _retention(db_path, setting.name) == 30
    assert len(fresh_sandbox.outbox()) == 3


async def test_cancelling_the_confirmation_changes_nothing(
    fresh_synced: tuple[Path, Any],
    fresh_sandbox: Any,
    make_app: Callable[..., Any],
) -> None:
    """n at the question leaves the remote, the local copy and the outbox alone."""
    db_path, config = fresh_synced
    app = make_app(db_path, sync_config=config)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        setting = _table(app).cursor_value
        history_before = _history(app)
        await pilot.press("enter", "k", "enter", "n")
        await _answer(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert _outcome(app) == "Cancelled: nothing was changed."
        assert _history(app) == history_before
    assert _retention(db_path, setting.name) == setting.retention_days
    assert fresh_sandbox.outbox() == []


async def test_without_the_network_a_change_is_refused_not_queued(
    fresh_synced: tuple[Path, Any],
    fresh_sandbox: Any,
    make_app: Callable[..., Any],
) -> None:
    """With the remote stopped the screen says so and the local copy is untouched."""
    db_path, config = fresh_synced
    fresh_sandbox.stop()
    app = make_app(db_path, sync_config=config)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        setting = _table(app).cursor_value
        await pilot.press("enter", "k", "enter", "y")
        await _answer(app, pilot)
        outcome = _outcome(app)
        assert outcome.startswith(f"Not changed: cannot reach {config.host}")
        assert "Nothing was queued" in outcome
        assert app.screen.query_one("#settings-outcome").has_class("-error")
    assert _retention(db_path, setting.name) == setting.retention_days


async def test_without_a_configured_remote_a_change_is_refused(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """An app opened with no remote configuration says why nothing was sent."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        await pilot.press("enter", "k", "enter", "y")
        assert "No remote is configured" in _outcome(app)


async def test_switching_session_logging_off_then_setting_a_retention_is_refused(
    fresh_synced: tuple[Path, Any],
    fresh_sandbox: Any,
    make_app: Callable[..., Any],
) -> None:
    """l, y switches logging off remotely; retention changes then explain why not."""
    db_path, config = fresh_synced
    app = make_app(db_path, sync_config=config)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        await pilot.press("l", "y")
        await _answer(app, pilot)
        assert _outcome(app) == (
            "Done: session logging is now off. 3 admins were notified by email."
        )
        assert len(fresh_sandbox.outbox()) == 3
        logging_line = str(app.screen.query_one("#settings-logging").render())
        assert logging_line.startswith("Session logging: off")
        await pilot.press("enter")
        assert isinstance(app.screen, SettingsScreen)
        assert "switch it on (l)" in _outcome(app)


# --- who may -----------------------------------------------------------------------


async def test_a_member_cannot_reach_settings(
    member_synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """S on a member's copy stays put and says settings are for admins."""
    app = make_app(member_synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        assert not isinstance(app.screen, SettingsScreen)
        notes = [notification.message for notification in app._notifications]
        assert any("for organisation admins" in note for note in notes)


async def test_the_settings_screen_itself_refuses_a_member(
    member_synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """Even when pushed directly, a member sees why and no agent list."""
    app = make_app(member_synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(SettingsScreen())
        await pilot.pause()
        text = str(app.screen.query_one("#settings-logging").render())
        assert "for organisation admins" in text
        assert not app.screen.query_one("#settings-body").display
        await pilot.press("l")
        assert not isinstance(app.screen, ConfirmChange)


# --- untrusted names -----------------------------------------------------------------

HOSTILE_AGENT = "[@click=app.quit]q[/] [link=x]y[/link]"
HOSTILE_USER = "[bold]Eve[/] :smile: \x1b[2J \x1b]0;owned\x07 \x1b]52;c;aGk=\x07"


async def test_hostile_agent_and_user_names_are_shown_literally(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """Names from the remote read as typed in the table, history and dialogs."""
    database = sqlite_utils.Database(open_database(synced_db))
    first = database.execute(
        "SELECT application_id, retention_updated_by FROM agents "
        "WHERE kind = 'no_code' ORDER BY name LIMIT 1"
    ).fetchone()
    database["agents"].update(first[0], {"name": HOSTILE_AGENT})
    database["settings_history"].update(
        database.execute(
            "SELECT change_id FROM settings_history WHERE application_id = ? "
            "ORDER BY changed_at_ms DESC LIMIT 1",
            [first[0]],
        ).fetchone()[0],
        {"changed_by": "usr_eve"},
    )
    database["users"].insert(
        {"user_id": "usr_eve", "name": HOSTILE_USER, "email": "e@x", "role": "member"}
    )
    database.conn.close()
    app = make_app(synced_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_settings(pilot)
        await pilot.press("G")  # "[" sorts after every capital letter
        table = _table(app)
        assert table.cursor_value.application_id == first[0]
        lines = [table.render_line(y) for y in range(table.size.height)]
        row = next(line for line in lines if "[@click" in line.text)
        assert row.text.startswith(HOSTILE_AGENT)
        assert not any(s.style and (s.style.link or s.style.meta) for s in row)
        assert clean(HOSTILE_USER) in _history(app)
        await pilot.press("enter")
        title = str(app.screen.query_one(".dialog-title").render())
        assert HOSTILE_AGENT in title
        await pilot.press("escape")
        assert app.is_running

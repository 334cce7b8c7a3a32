"""The Organisation usage screen, driven with the keyboard only."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from rich.console import Console
from textual.widgets import Static

from store.db import open_database
from store.metrics_consumption import ConsumptionMonth, consumption
from tui.screens.usage import UsageScreen
from tui.widgets import format as fmt

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


def _month(db_path: Path, month: str) -> ConsumptionMonth:
    """The figures the screen must show, straight from the store."""
    connection = open_database(db_path, readonly=True)
    try:
        return consumption(connection, month)
    finally:
        connection.close()


def _text(app: Any, selector: str) -> str:
    """What a figure or table on the usage screen reads, as plain text."""
    renderable = app.screen.query_one(selector, Static).content
    console = Console(width=120, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def _open_usage(app: Any, pilot: Any, *keys: str) -> None:
    """U, then `keys`, waiting for every computation to land."""
    await pilot.press("U")
    await app.workers.wait_for_complete()
    await pilot.pause()
    for key in keys:
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()


def _title(app: Any) -> str:
    return str(app.screen.query_one("#usage-title").render())


async def test_usage_opens_on_the_current_month(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """U shows the month of the pinned now, June 2026."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_usage(app, pilot)
        assert isinstance(app.screen, UsageScreen)
        assert _title(app).startswith("Organisation usage · June 2026")


async def test_left_bracket_steps_back_to_the_previous_month(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """[ shows May, with its spend in exact dollars against April's."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_usage(app, pilot, "left_square_bracket")
        may = _month(synced_db, "2026-05")
        assert _title(app).startswith("Organisation usage · May 2026")
        spend = _text(app, "#usage-spend")
        assert f"Spend {fmt.money(may.cost_ucents)}" in spend
        assert f"April 2026 {fmt.money(may.previous_cost_ucents)}" in spend


async def test_right_bracket_never_passes_the_current_month(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """] from May returns to June, and ] again stays in June."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_usage(
            app,
            pilot,
            "left_square_bracket",
            "right_square_bracket",
            "right_square_bracket",
        )
        assert _title(app).startswith("Organisation usage · June 2026")


async def test_cost_lists_spend_by_model_and_by_service(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """Every model and service line of May with its exact spend."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_usage(app, pilot, "left_square_bracket")
        may = _month(synced_db, "2026-05")
        models = _text(app, "#usage-models")
        services = _text(app, "#usage-services")
        for item in may.by_model:
            assert f"{fmt.money(item.cost_ucents)}" in models
            assert item.name in models
        for item in may.by_service:
            assert item.name in services


async def test_2_shows_the_top_five_users_and_agents_by_tokens(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """The Activity tab ranks five users and five agents, most tokens first."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_usage(app, pilot, "left_square_bracket", "2")
        may = _month(synced_db, "2026-05")
        assert app.screen.query_one("#usage-tabs").active == "usage-activity"
        users = _text(app, "#usage-top-users")
        agents = _text(app, "#usage-top-agents")
        assert len(may.top_users) == len(may.top_agents) == 5
        for place, user in enumerate(may.top_users, start=1):
            assert f"{place}. {user.name}" in users
        for place, agent in enumerate(may.top_agents, start=1):
            assert f"{place}. {agent.name}" in agents
        tokens = _text(app, "#usage-tokens")
        assert f"Tokens {fmt.count(may.total_tokens)}" in tokens


async def test_a_member_cannot_reach_usage(
    member_synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """U on a member's copy stays put and says usage is for admins."""
    app = make_app(member_synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("U")
        assert not isinstance(app.screen, UsageScreen)
        notes = [notification.message for notification in app._notifications]
        assert any("for organisation admins" in note for note in notes)


async def test_the_usage_screen_itself_refuses_a_member(
    member_synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """Pushed directly, it shows only why, and its keys do nothing."""
    app = make_app(member_synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(UsageScreen())
        await pilot.pause()
        assert "for organisation admins" in _title(app)
        assert not app.screen.query_one("#usage-tabs").display
        await pilot.press("left_square_bracket", "2")
        assert app.screen.month == ""


HOSTILE_USER = "[@click=app.quit]Eve[/] [link=https://e.com]x[/link] \x1b]0;t\x07"
HOSTILE_MODEL = "[bold]model[/] :smile: \x1b[2J"


async def test_names_from_the_remote_are_shown_literally(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """A user's and a model's hostile names read as typed and carry no link."""
    database = sqlite_utils.Database(open_database(synced_db))
    top = database.execute(
        "SELECT id FROM consumption_breakdown WHERE month = '2026-05' AND "
        "scope = 'user' ORDER BY total_tokens DESC, id LIMIT 1"
    ).fetchone()[0]
    database["consumption_breakdown"].update(
        ("2026-05", "user", top), {"name": HOSTILE_USER}
    )
    database.execute(
        "UPDATE consumption_daily SET name = ? WHERE date LIKE '2026-05-%' "
        "AND category = 'model' AND name = 'palmyra-x5'",
        [HOSTILE_MODEL],
    )
    database.conn.commit()
    database.conn.close()
    app = make_app(synced_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_usage(app, pilot, "left_square_bracket")
        assert "[bold]model[/] :smile: \N{REPLACEMENT CHARACTER}[2J" in _text(
            app, "#usage-models"
        )
        await pilot.press("2")
        users = app.screen.query_one("#usage-top-users", Static).content
        console = Console(width=160, color_system=None)
        segments = list(console.render(users))
        text = "".join(segment.text for segment in segments)
        assert "1. [@click=app.quit]Eve[/] [link=https://e.com]x[/link]" in text
        assert "\x1b" not in text
        assert not any(s.style and (s.style.link or s.style.meta) for s in segments)
        assert app.is_running

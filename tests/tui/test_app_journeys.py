"""The main journeys through the app, driven with the keyboard only."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TabbedContent

from tests.tui.world import DAY_MS, NOW_MS
from tui.screens.agent import AgentScreen
from tui.screens.agent_sessions import SessionLogsPane
from tui.screens.agents import AgentsScreen
from tui.screens.help import HelpScreen
from tui.widgets.period import PeriodDialog
from tui.widgets.virtual_table import VirtualTable

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


def _agent_names(app: Any) -> list[str]:
    table = app.screen.query_one("#agents-table", VirtualTable)
    return [table.row_at(index).agent.name for index in range(table.row_count)]


async def test_home_lists_every_agent_by_name(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """The first screen is the Agents list, sorted by name."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, AgentsScreen)
        assert _agent_names(app) == [
            "Claims triage",
            "Draft helper",
            "Pricing API",
            "Quiet bot",
            "Summariser",
            "Writer Agent",
        ]


async def test_figures_follow_the_list_from_a_worker(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """The list draws first; each agent's interactions arrive from the worker."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#agents-table", VirtualTable)
        lines = [table.row_at(index) for index in range(table.row_count)]
        assert not any(line.pending for line in lines)
        interactions = {line.agent.name: line.interactions for line in lines}
        assert interactions["Claims triage"] > 0
        assert interactions["Draft helper"] == 0


async def test_enter_opens_the_agent_under_the_cursor(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """j moves down a row and Enter opens that agent's screen."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        assert isinstance(app.screen, AgentScreen)
        assert app.screen.agent.name == "Draft helper"


async def test_escape_goes_back_to_the_agents(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """Escape on an agent returns to the list."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "escape")
        assert isinstance(app.screen, AgentsScreen)


async def test_typing_a_filter_narrows_the_list(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """/ then text keeps only the agents whose name, id or kind match."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"writer")
        assert _agent_names(app) == ["Writer Agent"]


async def test_enter_in_the_filter_then_enter_opens_the_match(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """After filtering, Enter returns to the list and Enter opens the agent."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"pricing", "enter", "enter")
        assert isinstance(app.screen, AgentScreen)
        assert app.screen.agent.application_id == "app_0004"


async def test_a_number_key_sorts_by_that_column_and_again_reverses(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """2 sorts by kind; 1 twice sorts by name descending."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert _agent_names(app)[0] == "Writer Agent"
        await pilot.press("2")
        assert _agent_names(app)[:2] == ["Pricing API", "Writer Agent"]


async def test_number_keys_switch_the_agent_tabs(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """1-4 pick Session logs, Engagement, Performance and Usage."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        tabs = app.screen.query_one(TabbedContent)
        seen = []
        for key in "2341":
            await pilot.press(key)
            seen.append(tabs.active)
        assert seen == ["engagement", "performance", "usage", "sessions"]


async def test_brackets_cycle_through_the_tabs(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """] moves to the next tab and [ back, wrapping around."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "left_square_bracket")
        assert app.screen.query_one(TabbedContent).active == "usage"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert app.screen.query_one(TabbedContent).active == "engagement"


async def test_picking_a_period_applies_to_the_whole_app(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """p opens the picker on 7d; the next preset sets the period to the last 30d."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert isinstance(app.screen, PeriodDialog)
        await pilot.press("down", "enter")
        assert app.period.label == "30d"
        assert (app.period.from_ms, app.period.to_ms) == (NOW_MS - 30 * DAY_MS, NOW_MS)


async def test_a_custom_period_is_typed_as_dates(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """Custom from-to takes two dates in the local zone (UTC here)."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "end", "enter", *"2026-05-01", "tab", *"2026-05-08")
        await pilot.press("enter")
        assert (app.period.from_ms, app.period.to_ms) == (
            NOW_MS - 31 * DAY_MS - 12 * 3_600_000,
            NOW_MS - 24 * DAY_MS - 12 * 3_600_000,
        )


async def test_changing_the_period_refreshes_session_logs(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """The Session logs list follows the period: 7d shows fewer sessions than 90d."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        table = app.screen.query_one("#sessions-table", VirtualTable)
        week = table.row_count
        await pilot.press("p", "down", "down", "enter")
        assert app.period.label == "90d"
        assert week < table.row_count == 40


async def test_enter_on_a_session_opens_its_transcript(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """Enter on the first (newest) session pushes the transcript of that session."""
    from tui.screens.transcript import TranscriptScreen

    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, TranscriptScreen)
        assert app.screen.session_id == "ses_app_0001_0000"


async def test_flagged_only_keeps_sessions_with_flags(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """f shows only sessions with flagged responses (every fourth in this world)."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "p", "down", "down", "enter", "f")
        table = app.screen.query_one("#sessions-table", VirtualTable)
        rows = [table.row_at(index) for index in range(table.row_count)]
        assert len(rows) == 10
        assert all(row.flagged_responses == 1 for row in rows)


async def test_user_filter_keeps_one_users_sessions(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """u then a name keeps only that user's sessions."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "p", "down", "down", "enter")
        await pilot.press("u", *"user 03", "enter")
        table = app.screen.query_one("#sessions-table", VirtualTable)
        users = {table.row_at(index).user_name for index in range(table.row_count)}
        assert users == {"User 03"}


async def test_question_mark_lists_the_screens_keys(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """? opens help naming the screen's actions; Escape closes it."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("/", "Filter agents as you type") in app.screen.key_rows
        await pilot.press("escape")
        assert isinstance(app.screen, AgentsScreen)


async def test_theme_key_switches_between_dark_and_light(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """T toggles the theme."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        dark = app.current_theme.dark
        await pilot.press("T")
        assert app.current_theme.dark is not dark


async def test_a_prebuilt_agent_says_why_it_has_no_session_logs(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """Prebuilt agents have no session logs, and the tab says so."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"summariser", "enter", "enter")
        reason = str(app.screen.query_one("#sessions-reason").render())
        assert "no session logs" in reason


async def test_retention_none_says_why_there_are_no_sessions(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """An agent whose retention is none keeps no sessions, and the tab says so."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"quiet", "enter", "enter")
        reason = str(app.screen.query_one("#sessions-reason").render())
        assert "retention is none" in reason


async def test_a_member_is_told_session_logs_are_for_admins(
    member_world_db: Path, make_app: Callable[..., Any]
) -> None:
    """With a member key the Session logs tab explains, and lists nothing."""
    app = make_app(member_world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        pane = app.screen.query_one(SessionLogsPane)
        assert not pane.available
        assert "admins only" in str(app.screen.query_one("#sessions-reason").render())


async def test_a_member_cannot_open_settings_or_usage(
    member_world_db: Path, make_app: Callable[..., Any]
) -> None:
    """S and U stay on the Agents screen and say the screens are for admins."""
    app = make_app(member_world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S", "U")
        assert isinstance(app.screen, AgentsScreen)
        messages = [notification.message for notification in app._notifications]
        assert len(messages) == 2
        assert all("for organisation admins" in message for message in messages)


async def test_sync_without_configuration_says_how_to_configure(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """s with no remote configured tells the user what to set."""
    app = make_app(world_db, sync_config=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        messages = [notification.message for notification in app._notifications]
        assert any("WRITER_API_KEY" in message for message in messages)


async def test_the_palette_offers_what_applies_on_the_agents_screen(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """On the Agents list the palette offers filtering and sorting, not tabs."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Filter", "Sort", "Period", "Sync", "Help"} <= titles
        assert "Session logs" not in titles


async def test_the_palette_offers_the_tabs_on_an_agent(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """On an agent the palette offers the four tabs and Back, not the filter."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Session logs", "Engagement", "Performance", "Usage", "Back"} <= titles
        assert "Filter" not in titles


async def test_a_palette_command_runs_its_action(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """Choosing Performance in the palette switches to that tab."""
    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+p", *"performance")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "performance"


async def test_an_admin_opens_settings_and_usage_with_their_keys(
    world_db: Path, make_app: Callable[..., Any]
) -> None:
    """S pushes the settings screen and U organisation usage, Escape comes back."""
    from tui.screens.settings import SettingsScreen
    from tui.screens.usage import UsageScreen

    app = make_app(world_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape", "U")
        assert isinstance(app.screen, UsageScreen)

"""Names from the API are shown literally on every screen, and nothing acts."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.tui.world import HOSTILE_NAMES, AgentSpec, World
from tui.inert import clean

pytestmark = pytest.mark.anyio

WIDE = (160, 48)


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """Agents, users and the organisation all named with hostile strings."""
    world = World(
        organization_name="[red]Org[/] \x1b]0;title\x07",
        agents=[
            AgentSpec(f"app_{number:04d}", name, "no_code", "deployed", 180)
            for number, name in enumerate(HOSTILE_NAMES)
        ],
        user_names=HOSTILE_NAMES,
        sessions_per_agent=len(HOSTILE_NAMES),
        model="[@click=app.quit]model[/] \x1b[31mred",
    )
    return world.build(tmp_path / "hostile.db")


def _screen(app: Any) -> tuple[str, list[Any]]:
    """The screen's text and every segment's style, as the terminal gets them."""
    strips = app.screen._compositor.render_strips()
    text = "\n".join(strip.text for strip in strips)
    styles = [segment.style for strip in strips for segment in strip if segment.style]
    return text, styles


def _assert_inert(app: Any, names: list[str]) -> None:
    text, styles = _screen(app)
    for name in names:
        assert clean(name, single_line=True) in text
    assert "\x1b" not in text and "\x07" not in text
    assert all(style.link is None for style in styles)
    assert not any("@click" in str(style.meta) for style in styles)


async def test_agents_screen_shows_hostile_names_literally(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """Every agent name and the organisation name appear as typed, inert."""
    app = make_app(hostile_db)
    async with app.run_test(size=WIDE):
        _assert_inert(app, ["[red]Org[/] ", *HOSTILE_NAMES])
        assert app.is_running


async def test_session_logs_show_hostile_user_names_literally(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """The agent's title and the users in its session logs appear as typed."""
    app = make_app(hostile_db)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("p", "end", "up", "enter")  # 180 days
        await pilot.press("enter")
        _assert_inert(app, [app.screen.agent.name, *HOSTILE_NAMES])
        assert app.is_running


async def test_clicking_a_hostile_name_runs_nothing(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """A click on '[@click=app.quit]' in the list only moves the cursor."""
    app = make_app(hostile_db)
    async with app.run_test(size=WIDE) as pilot:
        row = 3 + sorted(name.casefold() for name in HOSTILE_NAMES).index(
            "[@click=app.quit]quit[/]"
        )
        await pilot.click(offset=(5, row))
        await pilot.pause()
        assert app.is_running


async def test_engagement_shows_hostile_top_users_literally(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """The top users table on the Engagement tab shows names as typed."""
    app = make_app(hostile_db)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("p", "end", "up", "enter", "enter", "2")
        text, _styles = _screen(app)
        shown = [
            name for name in HOSTILE_NAMES if clean(name, single_line=True) in text
        ]
        assert len(shown) == 5  # the top five users
        _assert_inert(app, shown)


async def test_usage_shows_a_hostile_model_name_literally(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """The by-model table shows the model as received, escape replaced."""
    app = make_app(hostile_db)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("p", "end", "up", "enter", "enter", "4")
        _assert_inert(app, ["[@click=app.quit]model[/] \x1b[31mred"])
        assert app.is_running

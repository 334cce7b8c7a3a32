"""What the app's screens look like on the small synced sandbox (seed 7).

Now is pinned to 2026-06-01T12:00:00Z and the zone to UTC, so every picture
is the same on every run. Each test's docstring says what its picture shows.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from store import queries

NARROW = (80, 24)
WIDE = (160, 48)

# The agent with the most to show: sessions, flagged responses, 180-day logs.
BUSY_AGENT = "Campaign brief writer"
DRAFT_AGENT = "Support reply drafter"
PREBUILT_AGENT = "Ask Writer"


def _compare(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    db: Path,
    keys: Sequence[str],
    size: tuple[int, int],
    *,
    agent: str | None = None,
    period: str = "7d",
) -> None:
    """Open the app on `db`, go to `agent` over `period` directly, press `keys`.

    The journeys to get there are driven key by key in test_app_journeys; here
    the set-up is direct, so that a picture costs one render.
    """
    app = make_app(db)
    app.animation_level = "none"

    async def arrive(pilot: Any) -> None:
        from tui.screens.agent import AgentScreen
        from tui.widgets.period import Period

        if period != "7d":
            app.period = Period.preset(period, app.now_ms())
        if agent is not None:
            (application_id,) = [
                known.application_id
                for known in queries.agents(app.db)
                if known.name == agent
            ]
            await app.push_screen(AgentScreen(application_id))
        await app.workers.wait_for_complete()
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        # Let focus changes (a modal blurs the list below) settle before the
        # picture, however busy the machine is.
        await pilot.wait_for_scheduled_animations()
        for _ in range(3):
            await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=arrive)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_agents_as_admin(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """Every agent with kind, status, retention, interactions, P95, flags and last
    activity for the last 7 days; the header names Bluefin Insurance, admin and
    'synced just now'."""
    _compare(snap_compare, make_app, synced_db, [], size)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_agents_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """The same list for a member key: retention shows a dash (members cannot read
    settings) and the header says member."""
    _compare(snap_compare, make_app, member_synced_db, [], size)


def test_agents_filtered_as_you_type(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """Typing 'writer' in the filter keeps the agents whose name or kind says
    writer (Writer Agent, release notes writers, ...)."""
    _compare(snap_compare, make_app, synced_db, ["slash", *"writer"], NARROW)


def test_agents_sorted_by_p95_slowest_first(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """6 sorts by P95, slowest first, with ▼ on the P95 title; agents without
    responses sit at the bottom."""
    _compare(snap_compare, make_app, synced_db, ["6"], NARROW)


def test_agents_in_the_light_theme(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """T switches to the light theme: the same list, dark text on light."""
    _compare(snap_compare, make_app, synced_db, ["T"], NARROW)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_session_logs_as_admin(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """Campaign brief writer's sessions of the last 30 days, newest first: start
    time (UTC), user, messages, flagged responses, duration; the count on the
    right of the filters."""
    _compare(
        snap_compare, make_app, synced_db, [], size, agent=BUSY_AGENT, period="30d"
    )


def test_session_logs_flagged_only(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """f keeps only the sessions with flagged responses; the filter says on."""
    _compare(
        snap_compare,
        make_app,
        synced_db,
        ["f"],
        NARROW,
        agent=BUSY_AGENT,
        period="30d",
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_session_logs_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """A member opening the agent is told session logs are for admins only."""
    _compare(snap_compare, make_app, member_synced_db, [], size, agent=BUSY_AGENT)


def test_session_logs_of_a_prebuilt_agent(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """Ask Writer is prebuilt: the tab says prebuilt agents have no session logs."""
    _compare(snap_compare, make_app, synced_db, [], NARROW, agent=PREBUILT_AGENT)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_engagement(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """30 days of Campaign brief writer: total interactions, previous period and
    change, users, the top five users with interactions and share, and a bar
    chart of interactions per day."""
    _compare(
        snap_compare,
        make_app,
        synced_db,
        ["2"],
        size,
        agent=BUSY_AGENT,
        period="30d",
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_engagement_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """Metrics are for everyone: a member sees the same Engagement figures."""
    _compare(
        snap_compare,
        make_app,
        member_synced_db,
        ["2"],
        size,
        agent=BUSY_AGENT,
        period="30d",
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_performance(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """Responses and sample n, average, P90, P95, P99 (a ? where the sample is
    too small, with the note), 200/400/500 counts and shares, a line chart of P95
    and average per day and a distribution chart."""
    _compare(
        snap_compare,
        make_app,
        synced_db,
        ["3"],
        size,
        agent=BUSY_AGENT,
        period="30d",
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_performance_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """Metrics are for everyone: a member sees the same Performance figures,
    status breakdown and charts as an admin."""
    _compare(
        snap_compare,
        make_app,
        member_synced_db,
        ["3"],
        size,
        agent=BUSY_AGENT,
        period="30d",
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_usage(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """Prompt, completion and total tokens, spend against the previous period,
    the by-model table, and bar charts of tokens and spend per day."""
    _compare(
        snap_compare,
        make_app,
        synced_db,
        ["4"],
        size,
        agent=BUSY_AGENT,
        period="30d",
    )


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_usage_as_member(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
    size: tuple[int, int],
) -> None:
    """A member sees the agent's Usage figures too."""
    _compare(
        snap_compare,
        make_app,
        member_synced_db,
        ["4"],
        size,
        agent=BUSY_AGENT,
        period="30d",
    )


def test_draft_agent_session_logs(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """Support reply drafter is a draft with 7-day retention: its title says draft
    and Session logs lists its (possibly empty) sessions."""
    _compare(snap_compare, make_app, synced_db, [], NARROW, agent=DRAFT_AGENT)


def test_draft_agent_metrics(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """A draft's Performance tab says metrics exist for deployed agents only."""
    _compare(snap_compare, make_app, synced_db, ["3"], NARROW, agent=DRAFT_AGENT)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x48"])
def test_help_on_the_agents_screen(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    synced_db: Path,
    size: tuple[int, int],
) -> None:
    """? lists the Agents screen's keys with what each does, then the list keys."""
    _compare(snap_compare, make_app, synced_db, ["question_mark"], size)


def test_help_on_the_agent_screen(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    member_synced_db: Path,
) -> None:
    """On an agent, help lists tab switching, the filters and going back."""
    _compare(
        snap_compare,
        make_app,
        member_synced_db,
        ["question_mark"],
        NARROW,
        agent=BUSY_AGENT,
    )


def test_period_picker(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], synced_db: Path
) -> None:
    """p opens the picker over the Agents screen with 7d highlighted, the custom
    from and to fields below."""
    _compare(snap_compare, make_app, synced_db, ["p"], NARROW)

"""How fast the app answers on the large scale, measured headless with Pilot.

Targets (from the issue): the Agents screen and an agent's Session logs over
180 days each draw their first screen under 1 s after the key press, a page
move takes under 100 ms, and the process stays under 300 MB.

Each figure is the time from the key press (or app start) until the frame is
rendered: Pilot waits for the app to process the key, then the screen is
composed into strips, as a terminal would draw it. Pilot's own waiting (it
lets the event loop go idle after every key) is part of the "with Pilot"
figures; "app work" times the same move as the app does it (the action and a
full-screen render) without Pilot, which is the latency a user sees before the
terminal writes the frame.
"""

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

from bench.frames import (
    against_target,
    draw,
    memory_against_target,
    pin_now,
)
from bench.memory import peak_rss_mb

FIRST_SCREEN_TARGET_S = 1.0
PAGE_MOVE_TARGET_S = 0.100
MEMORY_TARGET_MB = 300
PAGE_MOVES = 30


def _busiest_session_agent(app: Any) -> tuple[int, str, int]:
    """The position, id and 180-day session count of the agent with most sessions."""
    from store import queries
    from tui.widgets.virtual_table import VirtualTable

    best = (0, "", -1)
    table = app.screen.query_one("#agents-table", VirtualTable)
    for position in range(table.row_count):
        agent = table.row_at(position).agent
        if not agent.has_session_logs:
            continue
        count = queries.count_sessions(
            app.db,
            queries.SessionFilter(
                agent.application_id, app.period.from_ms, app.period.to_ms
            ),
        )
        if count > best[2]:
            best = (position, agent.application_id, count)
    return best


async def _measure(db_path: Path) -> dict[str, Any]:
    from tui.app import AgentmonApp
    from tui.widgets.virtual_table import VirtualTable

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    app = AgentmonApp(db_path, default_period="180d")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        draw(app)
        figures["agents_first_screen_s"] = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        draw(app)
        figures["agents_figures_s"] = time.perf_counter() - started
        figures["agents"] = app.screen.query_one(
            "#agents-table", VirtualTable
        ).row_count

        position, application_id, sessions = _busiest_session_agent(app)
        figures["sessions_180d"] = sessions
        figures["agent"] = application_id
        await pilot.press("g", *["j"] * position)

        started = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        draw(app)
        figures["sessions_first_screen_s"] = time.perf_counter() - started

        moves = []
        for key in ["pagedown"] * PAGE_MOVES + ["G", "g"]:
            started = time.perf_counter()
            await pilot.press(key)
            draw(app)
            moves.append(time.perf_counter() - started)
        figures["page_move_median_s"] = statistics.median(moves)
        figures["page_move_max_s"] = max(moves)

        table = app.screen.query_one("#sessions-table", VirtualTable)
        work = []
        for action in ["page_down"] * PAGE_MOVES + ["last", "first"]:
            started = time.perf_counter()
            getattr(table, f"action_{action}")()
            draw(app)
            work.append(time.perf_counter() - started)
        figures["page_move_work_median_s"] = statistics.median(work)
        figures["page_move_work_max_s"] = max(work)

        await pilot.press("escape")
        started = time.perf_counter()
        await pilot.press("pagedown")
        draw(app)
        figures["agents_page_move_s"] = time.perf_counter() - started
    figures["max_rss_mb"] = peak_rss_mb()
    return figures


def main() -> None:
    """Print the app's figures on the large synced database, with the targets."""
    from bench.world import large_db

    pin_now()
    db_path = Path(large_db())
    figures = asyncio.run(_measure(db_path))
    print(
        f"database: {db_path.name}, {figures['agents']} agents, "
        f"{figures['sessions_180d']:,} sessions in 180 days for {figures['agent']}"
    )
    rows = [
        (
            "agents: first screen (from app start)",
            figures["agents_first_screen_s"],
            FIRST_SCREEN_TARGET_S,
        ),
        (
            "agents: figures filled in (from app start)",
            figures["agents_figures_s"],
            FIRST_SCREEN_TARGET_S,
        ),
        ("agents: page move", figures["agents_page_move_s"], PAGE_MOVE_TARGET_S),
        (
            "session logs 180d: first screen",
            figures["sessions_first_screen_s"],
            FIRST_SCREEN_TARGET_S,
        ),
        (
            "session logs: page move with Pilot (median)",
            figures["page_move_median_s"],
            PAGE_MOVE_TARGET_S,
        ),
        (
            "session logs: page move with Pilot (worst, G/g)",
            figures["page_move_max_s"],
            PAGE_MOVE_TARGET_S,
        ),
        (
            "session logs: page move, app work (median)",
            figures["page_move_work_median_s"],
            PAGE_MOVE_TARGET_S,
        ),
        (
            "session logs: page move, app work (worst, G/g)",
            figures["page_move_work_max_s"],
            PAGE_MOVE_TARGET_S,
        ),
    ]
    for label, seconds, target in rows:
        print(against_target(label, seconds, target, 50))
    print(memory_against_target(figures["max_rss_mb"], MEMORY_TARGET_MB, 50))

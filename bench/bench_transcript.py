"""How fast the Session transcript answers on the large scale, headless with Pilot.

Targets (from the issue): the longest transcript (10,000 messages on the large
scale) draws its first screen under 1 s after the key press, a page move takes
under 100 ms, and the process stays under 300 MB.

Each figure is the time from the key until the frame is rendered: the key is
posted to the app, every message queue of the app and the screen is drained
(the key, the messages it caused), then the whole screen is composed into
strips, as a terminal refresh would draw it. The first screen is timed until
the app is idle (Pilot's `pause`, whose idle detection sleeps at least 20 ms),
so it is an upper bound; so is Pilot's own `press`, printed for comparison.
Figures vary with the machine's load: run it on a quiet machine.
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
PAGE_MOVES = 40


async def _settled(pilot: Any) -> None:
    """Until the app and the screen have handled everything queued, and no
    widget is still being mounted (a handler may queue more, a footer may
    recompose). Pilot's private wait, without its idle sleeps."""
    widgets = -1
    while True:
        await pilot._wait_for_screen()
        await pilot._wait_for_screen()
        now = len(list(pilot.app.screen.walk_children()))
        if now == widgets:
            return
        widgets = now


async def _timed(app: Any, pilot: Any, keys: list[str]) -> list[float]:
    """The time of each key until its frame is drawn."""
    from textual import events

    times = []
    for key in keys:
        started = time.perf_counter()
        app.post_message(events.Key(key, key if len(key) == 1 else None))
        await _settled(pilot)
        draw(app)
        times.append(time.perf_counter() - started)
    return times


async def _pilot_round_trips(app: Any, pilot: Any, keys: list[str]) -> list[float]:
    """The same through `pilot.press`, whose idle waits are included."""
    times = []
    for key in keys:
        started = time.perf_counter()
        await pilot.press(key)
        draw(app)
        times.append(time.perf_counter() - started)
    return times


async def _measure(db_path: Path, size: tuple[int, int]) -> dict[str, Any]:
    from store.transcripts import longest_session
    from tui.app import AgentmonApp
    from tui.screens.transcript import TranscriptScreen
    from tui.widgets.transcript_view import TranscriptView

    figures: dict[str, Any] = {}
    app = AgentmonApp(db_path, default_period="180d")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        session_id = longest_session(app.db)
        assert session_id is not None
        figures["session"] = session_id

        # Until the app is idle, not just settled: the footer and the layout
        # finish their first frame in idle callbacks, and they count.
        started = time.perf_counter()
        await app.push_screen(TranscriptScreen(session_id))
        await pilot.pause()
        draw(app)
        figures["first_screen_s"] = time.perf_counter() - started
        view = app.screen.query_one(TranscriptView)
        figures["messages"] = len(view.entries)
        figures["flagged"] = len(app.screen.flagged)

        down = await _timed(app, pilot, ["pagedown"] * PAGE_MOVES)
        jumps = await _timed(app, pilot, ["G", "g"])
        up_from_end = await _timed(app, pilot, ["G"] + ["pageup"] * PAGE_MOVES)
        steps = await _timed(app, pilot, ["j"] * 20)
        flagged = await _timed(app, pilot, ["f", "n", "n", "enter", "n", "p"])
        moves = down + up_from_end[1:] + steps
        figures["page_move_median_s"] = statistics.median(moves)
        figures["page_move_p95_s"] = statistics.quantiles(moves, n=20)[-1]
        figures["page_move_max_s"] = max(moves)
        figures["jump_max_s"] = max(jumps + up_from_end[:1])
        figures["flagged_max_s"] = max(flagged)
        figures["pages_read"] = view.pages_read
        pilot_moves = await _pilot_round_trips(app, pilot, ["pagedown"] * 10)
        figures["pilot_page_move_median_s"] = statistics.median(pilot_moves)
    figures["max_rss_mb"] = peak_rss_mb()
    return figures


def _row(label: str, seconds: float, target: float) -> str:
    return against_target(label, seconds, target, 46)


def main() -> None:
    """Print the transcript's figures on the large synced database, with targets."""
    from bench.world import large_db

    pin_now()
    db_path = Path(large_db())
    for size in ((80, 24), (160, 48)):
        figures = asyncio.run(_measure(db_path, size))
        print(
            f"{size[0]}x{size[1]}: {figures['session']}, "
            f"{figures['messages']:,} messages, {figures['flagged']} flagged; "
            f"{figures['pages_read']} pages read from the store"
        )
        print(_row("first screen", figures["first_screen_s"], FIRST_SCREEN_TARGET_S))
        print(
            _row(
                "page move / next message (median)",
                figures["page_move_median_s"],
                PAGE_MOVE_TARGET_S,
            )
        )
        print(
            _row(
                "page move / next message (95th percentile)",
                figures["page_move_p95_s"],
                PAGE_MOVE_TARGET_S,
            )
        )
        print(
            _row(
                "page move / next message (worst)",
                figures["page_move_max_s"],
                PAGE_MOVE_TARGET_S,
            )
        )
        print(
            _row(
                "jump to end or start (worst)",
                figures["jump_max_s"],
                PAGE_MOVE_TARGET_S,
            )
        )
        print(
            _row(
                "flagged view, n/p, in context (worst)",
                figures["flagged_max_s"],
                PAGE_MOVE_TARGET_S,
            )
        )
        print(
            _row(
                "page move via pilot.press (median, upper bound)",
                figures["pilot_page_move_median_s"],
                PAGE_MOVE_TARGET_S,
            )
        )
    print(memory_against_target(figures["max_rss_mb"], MEMORY_TARGET_MB, 46))

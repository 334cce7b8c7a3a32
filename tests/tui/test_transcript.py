"""The Session transcript screen, driven with the keyboard only."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from store.db import open_database
from tests.tui.world import HOSTILE_NAMES, NOW_MS, World
from tui.inert import clean
from tui.screens.transcript import TranscriptScreen
from tui.widgets.transcript_view import TranscriptView

pytestmark = pytest.mark.anyio

SIZE = (80, 24)
SESSION = "ses_talk"
AGENT = "app_0001"  # Claims triage in the small world

# Untrusted text that must be shown literally and never act: the world's
# hostile names and a terminal-title sequence, an even number of turns.
HOSTILE = [*HOSTILE_NAMES, "title\x1b]0;owned\x07set"]


def add_transcript(
    db_path: Path,
    *,
    session_id: str = SESSION,
    contents: list[str],
    flagged: dict[int, tuple[str, str | None]] | None = None,
    user_name: str = "Ana Ruiz",
) -> None:
    """A session whose turns alternate user, agent, with `contents` in order.

    `flagged` maps a message position to the (reason, comment) of a flag on it;
    agent turns get a log record with known figures.
    """
    connection = open_database(db_path)
    database = sqlite_utils.Database(connection)
    started = NOW_MS - 3_600_000
    database["users"].insert(
        {"user_id": "usr_ana", "name": user_name, "email": "a@x", "role": "member"},
        replace=True,
    )
    database["sessions"].insert(
        {
            "session_id": session_id,
            "application_id": AGENT,
            "user_id": "usr_ana",
            "started_at_ms": started,
            "ended_at_ms": started + 5_000 * len(contents),
            "message_count": len(contents),
            "inserted_at_ms": started,
        }
    )
    messages, logs, flags = [], [], []
    for seq, content in enumerate(contents):
        message_id = f"msg_{session_id}_{seq:05d}"
        is_agent = seq % 2 == 1
        log_id = f"log_{session_id}_{seq:05d}" if is_agent else None
        messages.append(
            {
                "message_id": message_id,
                "session_id": session_id,
                "application_id": AGENT,
                "seq": seq,
                "role": "agent" if is_agent else "user",
                "content": content,
                "created_at_ms": started + 5_000 * seq,
                "log_id": log_id,
                "inserted_at_ms": started + 5_000 * seq,
            }
        )
        if is_agent:
            logs.append(
                {
                    "log_id": log_id,
                    "record_type": "agent_run",
                    "inserted_at_ms": started + 5_000 * seq,
                    "application_id": AGENT,
                    "session_id": session_id,
                    "user_id": "usr_ana",
                    "message_id": message_id,
                    "duration_ms": 2_400,
                    "http_status": 500 if seq == 3 else 200,
                    "model": "palmyra-x5",
                    "prompt_tokens": 1_000,
                    "completion_tokens": 234,
                    "total_tokens": 1_234,
                    "cost_ucents": 5_000_000,
                    "run_status": "failed" if seq == 3 else "completed",
                }
            )
    for seq, (reason, comment) in (flagged or {}).items():
        flags.append(
            {
                "flag_id": f"flg_{session_id}_{seq}",
                "message_id": f"msg_{session_id}_{seq:05d}",
                "session_id": session_id,
                "application_id": AGENT,
                "user_id": "usr_ana",
                "reason": reason,
                "comment": comment,
                "flagged_at_ms": started + 5_000 * seq + 1_000,
                "inserted_at_ms": started,
            }
        )
    database["messages"].insert_all(messages)
    database["log_records"].insert_all(logs)
    if flags:
        database["flags"].insert_all(flags)
    connection.close()


def conversation(turns: int) -> list[str]:
    """`turns` short messages that name their own position."""
    return [f"turn {seq} says hello" for seq in range(turns)]


@pytest.fixture
def talk_db(tmp_path: Path) -> Path:
    """The small world plus a 40-turn session with three flagged responses."""
    path = World().build(tmp_path / "talk.db")
    add_transcript(
        path,
        contents=conversation(40),
        flagged={
            5: ("inaccurate", "The total is wrong"),
            17: ("inappropriate", None),
            33: ("inaccurate", "Made up a policy number"),
        },
    )
    return path


def screen_lines(view: TranscriptView) -> list[str]:
    """The text of every line the view shows now."""
    return [
        view.render_line(y).text for y in range(view.scrollable_content_region.height)
    ]


def screen_text(view: TranscriptView) -> str:
    """Everything the view shows now, one string."""
    return "\n".join(screen_lines(view))


async def open_transcript(app: Any, pilot: Any, **options: Any) -> TranscriptView:
    """Push the transcript of SESSION and wait for its first screen."""
    await app.push_screen(TranscriptScreen(SESSION, **options))
    await pilot.pause()
    return app.screen.query_one(TranscriptView)


async def test_turns_read_in_order_with_each_response_s_details(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """The user's turn, then the agent's with time, response time, status, tokens."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        lines = screen_lines(view)
        assert lines[0].startswith("┃ Ana Ruiz  11:00:00")
        assert lines[1] == "┃ turn 0 says hello".ljust(79)
        agent = next(line for line in lines if "Claims triage" in line)
        assert "11:00:05 · 2.4 s · 200 completed" in agent
        assert "1,234 tokens (1,000 in, 234 out) · palmyra-x5" in "\n".join(lines)


async def test_failed_response_shows_its_status(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """A response that failed says so in its header."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("j", "j", "j")
        assert "500 failed" in screen_text(view)


async def test_flagged_response_shows_reason_and_comment(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """A flagged response carries the flag's reason and comment."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("n")
        assert "⚑ Flagged inaccurate: “The total is wrong”" in screen_text(view)


async def test_view_flagged_narrows_to_the_flagged_responses(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """f shows only the three flagged responses, the first highlighted."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("f")
        assert view.entries == [5, 17, 33]
        assert "turn 5 says hello" in screen_text(view)
        assert "turn 4 says hello" not in screen_text(view)


async def test_the_flagged_button_narrows_like_f(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """The View flagged responses button does what f does."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.click("#transcript-flagged-button")
        assert len(view.entries) == 3


async def test_n_and_p_step_through_the_flagged_responses(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """In the flagged view n goes to the next flagged response, p back."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("f", "n")
        assert "turn 17 says hello" in screen_text(view)
        assert "Flagged response 2 of 3" in _status(app)
        await pilot.press("n")
        assert "Flagged response 3 of 3" in _status(app)
        await pilot.press("p", "p")
        assert "Flagged response 1 of 3" in _status(app)


async def test_enter_on_a_flagged_response_shows_it_in_context(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """Enter returns to the whole conversation, at that response, its question above."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("f", "n", "enter")
        assert len(view.entries) == 40
        message = view.message_at(view.cursor)
        assert message is not None
        assert message.message_id == f"msg_{SESSION}_00017"
        text = screen_text(view)
        assert "turn 16 says hello" in text.split("turn 17 says hello")[0]
        assert "Message 18 of 40" in _status(app)


async def test_n_in_the_whole_conversation_jumps_to_the_next_flagged(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """Without narrowing, n and p move between flagged responses in place."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("n", "n")
        assert view.cursor == 17
        await pilot.press("p")
        assert view.cursor == 5


async def test_escape_leaves_the_flagged_view_before_the_screen(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """Escape first shows all messages again, then goes back."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("f", "escape")
        assert isinstance(app.screen, TranscriptScreen)
        assert len(view.entries) == 40
        await pilot.press("escape")
        assert not isinstance(app.screen, TranscriptScreen)


async def test_opening_at_a_message_highlights_it(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """A screen opened with a message id starts on that message."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot, message_id=f"msg_{SESSION}_00033")
        assert view.cursor == 33
        assert "turn 33 says hello" in screen_text(view)


async def test_a_session_not_held_locally_says_why(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """An unknown session explains retention instead of showing nothing."""
    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TranscriptScreen("ses_gone"))
        await pilot.pause()
        assert "not in the local copy" in _status(app)


async def test_members_are_told_session_logs_are_for_admins(
    tmp_path: Path, make_app: Callable[..., Any]
) -> None:
    """A member's copy has no transcripts, and the screen says why."""
    path = World(role="member").build(tmp_path / "member.db")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TranscriptScreen("ses_app_0001_0000"))
        await pilot.pause()
        assert "visible to organisation admins only" in _status(app)


def _status(app: Any) -> str:
    """The transcript's status line."""
    return str(app.screen.query_one("#transcript-status").render())


# --- untrusted text ---------------------------------------------------------------


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """A session whose every message, name and comment is hostile."""
    path = World().build(tmp_path / "hostile.db")
    add_transcript(
        path,
        contents=list(HOSTILE),
        flagged={1: ("inaccurate", HOSTILE[2]), 3: ("inaccurate", HOSTILE[3])},
        user_name=HOSTILE[3],
    )
    return path


def _segments(view: TranscriptView) -> Iterator[Any]:
    for y in range(view.scrollable_content_region.height):
        yield from view.render_line(y)


async def test_hostile_text_is_shown_literally(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """Markup lookalikes read as typed; escape sequences show as replacements."""
    app = make_app(hostile_db)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_transcript(app, pilot)
        text = screen_text(view)
        for hostile in HOSTILE:
            assert clean(hostile) in text
        assert "\x1b" not in text and "\x07" not in text


async def test_hostile_text_carries_no_link_or_action(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """No drawn cell has a link or a click action, names and comments included."""
    app = make_app(hostile_db)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("f")
        styled = [segment.style for segment in _segments(view) if segment.style]
        assert styled
        assert not any(style.link or style.meta for style in styled)


async def test_clicking_a_click_lookalike_does_nothing(
    hostile_db: Path, make_app: Callable[..., Any]
) -> None:
    """A click on `[@click=app.quit]` in a message leaves the app running."""
    app = make_app(hostile_db)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_transcript(app, pilot)
        lines = screen_lines(view)
        row = next(y for y, line in enumerate(lines) if "[@click=app.quit]" in line)
        column = lines[row].index("[@click=app.quit]") + 3
        await pilot.click(TranscriptView, offset=(column, row))
        await pilot.press("j")
        assert app.is_running
        assert isinstance(app.screen, TranscriptScreen)


# --- the virtual view ---------------------------------------------------------------


@pytest.fixture
def long_db(tmp_path: Path) -> Path:
    """A 3,000-turn session whose answers wrap over several lines."""
    path = World(sessions_per_agent=2).build(tmp_path / "long.db")
    contents = [
        f"turn {seq} " + "words that wrap " * (seq % 13) for seq in range(3_000)
    ]
    add_transcript(path, contents=contents, flagged={2_999: ("inaccurate", "end")})
    return path


async def test_a_long_transcript_reads_only_the_pages_it_shows(
    long_db: Path, make_app: Callable[..., Any]
) -> None:
    """Opening and jumping to the end reads a few pages, not 3,000 messages."""
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("G")
        assert "turn 2999 " in screen_text(view)
        assert view.pages_read <= 4


async def test_paging_down_shows_every_turn_once_and_in_order(
    long_db: Path, make_app: Callable[..., Any]
) -> None:
    """Heights estimated before layout never make the view skip or repeat a turn."""
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        seen: list[int] = []
        for _ in range(60):
            for line in screen_lines(view)[:-1]:
                if line.startswith("┃ turn ") or line.startswith("▌ turn "):
                    number = int(line.split()[2])
                    if not seen or number > seen[-1]:
                        seen.append(number)
            view.action_page_down()
        assert seen == list(range(len(seen)))
        assert len(seen) > 100


async def test_paging_up_from_the_end_shows_every_turn_once_and_in_order(
    long_db: Path, make_app: Callable[..., Any]
) -> None:
    """Coming back up through pages laid out late keeps the order too."""
    app = make_app(long_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("G")
        seen: list[int] = []
        for _ in range(60):
            for line in reversed(screen_lines(view)):
                if line.startswith(("┃ turn ", "▌ turn ")):
                    number = int(line.split()[2])
                    if not seen or number < seen[-1]:
                        seen.append(number)
            view.action_page_up()
        assert seen == list(range(2_999, 2_999 - len(seen), -1))
        assert len(seen) > 100


# --- the whole journey, keys only ------------------------------------------------


async def test_from_the_agents_to_a_flagged_response_in_context_by_keys(
    synced_db: Path, make_app: Callable[..., Any]
) -> None:
    """Filter to an agent, open it, keep flagged sessions, open one, narrow to
    its flagged responses, step, and Enter shows the response in context."""
    app = make_app(synced_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"campaign", "enter", "enter")
        await pilot.press("f", "enter")
        assert isinstance(app.screen, TranscriptScreen)
        view = app.screen.query_one(TranscriptView)
        flagged = app.screen.flagged
        assert flagged
        await pilot.press("f")
        assert view.entries == flagged
        assert _status(app).startswith(f"Flagged response 1 of {len(flagged)}")
        await pilot.press("n", "p", "enter")
        assert view.entries == list(range(len(app.screen.index)))
        assert view.cursor == flagged[0]
        assert "⚑ Flagged" in screen_text(view)
        assert _status(app).startswith(f"Message {flagged[0] + 1} of ")


async def test_a_landed_sync_adds_new_turns_and_keeps_the_reader_in_place(
    talk_db: Path, make_app: Callable[..., Any]
) -> None:
    """After a sync brings two more turns, they are counted and the highlighted
    message stays the one the reader was on."""
    from tui.app import DataChanged

    app = make_app(talk_db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_transcript(app, pilot)
        await pilot.press("n")
        add_transcript(
            talk_db, session_id="ses_other", contents=conversation(2)
        )  # another session: must not appear
        database = sqlite_utils.Database(open_database(talk_db))
        database["messages"].insert_all(
            {
                "message_id": f"msg_{SESSION}_late_{seq}",
                "session_id": SESSION,
                "application_id": AGENT,
                "seq": seq,
                "role": "user" if seq % 2 == 0 else "agent",
                "content": f"turn {seq} says hello",
                "created_at_ms": NOW_MS,
            }
            for seq in (40, 41)
        )
        database.conn.close()
        app.screen.post_message(DataChanged())
        await pilot.pause()
        assert len(view.entries) == 42
        assert view.cursor == 5
        assert "Message 6 of 42" in _status(app)

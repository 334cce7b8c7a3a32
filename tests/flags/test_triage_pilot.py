"""Triage from the keyboard: the journeys a support engineer makes, key by key."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import RunningSandbox
from sandbox.server import SandboxHTTPServer
from store import reviews
from tests.fixtures.synced import sync_config
from tests.flags.world import FlagSpec, FlagWorld

pytestmark = pytest.mark.anyio

SIZE = (80, 24)
VERDICT_KEYS = "aerdaerdae"  # ten verdicts, each one key
VERDICTS_IN_ORDER = ["acknowledged", "escalated", "resolved", "dismissed"] * 3


def make_app(db: Path, **options: Any) -> Any:
    from tui.app import AgentmonApp

    app = AgentmonApp(db, **options)
    app.animation_level = "none"
    return app


@pytest.fixture
def conn(flag_db: Path) -> Iterator[sqlite3.Connection]:
    connection = reviews.open_for_review(flag_db)
    yield connection
    connection.close()


def states(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT flag_id, state FROM flags").fetchall())


def shown_flag(app: Any) -> str | None:
    """The flag the review view shows."""
    return getattr(app.screen, "flag_id", None)


def notes(app: Any) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_ten_flags_triaged_with_one_key_each_and_the_last_undone(
    flag_db: Path, conn: sqlite3.Connection
) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter")
        seen = []
        for key in VERDICT_KEYS:
            seen.append(shown_flag(app))
            await pilot.press(key)
        await pilot.press("u")

        assert shown_flag(app) == seen[-1] == "flg_0009"
    decided = {flag: state for flag, state in states(conn).items() if state != "new"}
    expected = dict(zip(seen[:9], VERDICTS_IN_ORDER[:9], strict=True))
    assert decided == expected
    assert reviews.outbox_counts(conn).waiting == 9


async def test_after_a_verdict_the_next_flag_appears_by_itself(
    flag_db: Path,
) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter")
        first = shown_flag(app)
        await pilot.press("r")

        assert (first, shown_flag(app)) == ("flg_0000", "flg_0001")


async def test_when_the_queue_is_done_the_view_says_so(tmp_path: Path) -> None:
    db = FlagWorld(flags=[FlagSpec()]).build(tmp_path / "one.db")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter", "d")

        title = app.screen.query_one("#review-title").render()
        assert shown_flag(app) is None
        assert "The queue is done" in str(title)


async def test_skipping_moves_on_without_a_verdict_and_back(
    flag_db: Path, conn: sqlite3.Connection
) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter", "right_square_bracket")
        skipped_to = shown_flag(app)
        await pilot.press("left_square_bracket")

        assert (skipped_to, shown_flag(app)) == ("flg_0001", "flg_0000")
    assert reviews.outbox_counts(conn).waiting == 0


async def test_a_sync_landing_leaves_the_reader_where_they_were(
    tmp_path: Path,
) -> None:
    from tui.app import DataChanged

    long_answer = "\n".join(f"Line {number} of the answer." for number in range(80))
    db = FlagWorld(flags=[FlagSpec(answer=long_answer)]).build(tmp_path / "long.db")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter", "pagedown")
        body = app.screen.body
        before = body.scroll_y
        app.screen.post_message(DataChanged())
        await pilot.pause()

        assert before > 0
        assert (shown_flag(app), body.scroll_y) == ("flg_0000", before)


async def test_a_note_is_saved_with_the_next_verdict(
    flag_db: Path, conn: sqlite3.Connection
) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter", "n", *"ask legal", "enter", "e")

    (note,) = conn.execute(
        "SELECT note FROM flag_verdicts WHERE flag_id = 'flg_0000'"
    ).fetchone()
    assert note == "ask legal"


async def test_escape_in_the_note_drops_it_and_stays_on_the_flag(
    flag_db: Path, conn: sqlite3.Connection
) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter", "n", *"oops", "escape", "r")

    assert conn.execute("SELECT note FROM flag_verdicts").fetchall() == [(None,)]


async def test_enter_opens_the_transcript_at_the_flagged_response(
    flag_db: Path,
) -> None:
    from tui.screens.transcript import TranscriptScreen

    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter", "enter")

        screen = app.screen
        assert isinstance(screen, TranscriptScreen)
        assert (screen.session_id, screen.first_message_id) == (
            "ses_0000",
            "msg_0000_1",
        )


async def test_the_queue_keys_decide_the_highlighted_flag_and_move_on(
    flag_db: Path, conn: sqlite3.Connection
) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "r")

        assert app.screen.table.cursor_value.flag_id == "flg_0002"
    assert states(conn)["flg_0001"] == "resolved"


async def test_a_state_key_shows_only_that_state(
    flag_db: Path, conn: sqlite3.Connection
) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0005", "escalated")
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "3")

        table = app.screen.table
        assert [table.row_at(i).flag_id for i in range(table.row_count)] == ["flg_0005"]


async def test_the_filter_dialog_narrows_the_queue_to_chosen_agents(
    flag_db: Path,
) -> None:
    from textual.widgets import SelectionList

    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "slash")
        app.screen.query_one("#flags-filter-agents", SelectionList).select("app_0002")
        await pilot.press("ctrl+s")

        table = app.screen.table
        rows = [table.row_at(i) for i in range(table.row_count)]
        assert {row.application_id for row in rows} == {"app_0002"}
        assert len(rows) == 4


async def test_newest_first_puts_the_latest_flag_on_top(flag_db: Path) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "o")

        assert app.screen.table.cursor_value.flag_id == "flg_0011"


async def test_the_screen_exports_what_the_queue_shows_to_the_file_named(
    flag_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.jsonl"
    app = make_app(flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "3", "x")
        field = app.screen.export_input
        field.value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()

        assert f"Wrote 0 flags to {target}" in notes(app)
    assert target.read_text() == ""


async def test_hostile_text_in_a_flag_is_shown_literally(tmp_path: Path) -> None:
    hostile = "[@click=app.quit]quit[/] [bold]x[/bold] esc\x1b[2Jclear"
    db = FlagWorld(flags=[FlagSpec(comment=hostile, answer=hostile)]).build(
        tmp_path / "hostile.db"
    )
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "enter")
        response = str(app.screen.query_one("#review-response").render())

        assert app.is_running
        assert "[@click=app.quit]quit[/] [bold]x[/bold]" in response
        assert "\x1b" not in response


async def test_a_member_is_told_why_there_is_no_queue(member_flag_db: Path) -> None:
    app = make_app(member_flag_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")

        reason = str(app.screen.query_one("#flags-member").render())
        assert "for organisation admins, as in AI Studio" in reason
        assert "member key" in reason


async def test_the_command_palette_offers_the_flags_screen(flag_db: Path) -> None:
    app = make_app(flag_db)
    async with app.run_test(size=SIZE):
        titles = [command.title for command in app.get_system_commands(app.screen)]

        assert "Flags" in titles


# --- against the sandbox: offline, then sync; conflicts ------------------------


def accepted(running: RunningSandbox) -> list[dict[str, Any]]:
    answer = httpx.get(f"{running.base_url}/sandbox/verdicts")
    return list(answer.json()["data"])


def restarted(old: RunningSandbox) -> RunningSandbox:
    server = SandboxHTTPServer((old.config.host, old.port), old.api, old.config)
    return RunningSandbox(old.config, old.world, server)


async def sync_in_app(app: Any, pilot: Any) -> None:
    await pilot.press("s")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_verdicts_made_offline_reach_the_remote_exactly_once(
    synced_db: Path, fresh_sandbox: RunningSandbox
) -> None:
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    app = make_app(synced_db, sync_config=config)
    back: RunningSandbox | None = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "enter", "r", "r", "e")
            await sync_in_app(app, pilot)
            fresh_sandbox.stop()
            await pilot.press("d", "a", "u", "a", "r")
            await sync_in_app(app, pilot)
            assert len(fresh_sandbox.api.verdicts.book.all()) == 3
            back = restarted(fresh_sandbox)
            await sync_in_app(app, pilot)
            await sync_in_app(app, pilot)

        held = accepted(back)
        assert [v["state"] for v in held] == [
            *("resolved", "resolved", "escalated"),
            *("dismissed", "acknowledged", "resolved"),
        ]
        assert len({v["verdict_id"] for v in held}) == 6
    finally:
        if back is not None:
            back.stop()


@pytest.fixture
def conflicted_app(synced_db: Path, fresh_sandbox: RunningSandbox) -> Iterator[Any]:
    """An app whose first flag was decided here and, meanwhile, by another admin."""
    conn = reviews.open_for_review(synced_db)
    try:
        first = reviews.queue_page(conn, reviews.FlagFilter(), limit=1)[0].flag_id
    finally:
        conn.close()
    answer = httpx.post(
        f"{fresh_sandbox.base_url}/sandbox/flags/{first}/verdicts",
        params={"user_id": "usr_0002"},
        json={"state": "escalated", "note": "legal must see this"},
    )
    assert answer.status_code == 201
    config = sync_config(fresh_sandbox.base_url, fresh_sandbox.admin_key)
    yield make_app(synced_db, sync_config=config)


async def open_the_conflict(app: Any, pilot: Any) -> None:
    from tui.screens.verdict_conflict import VerdictConflictScreen

    await pilot.press("f", "d")
    await sync_in_app(app, pilot)
    await pilot.press("0", "c")
    assert isinstance(app.screen, VerdictConflictScreen)


async def test_a_conflict_shows_both_verdicts(
    conflicted_app: Any, fresh_sandbox: RunningSandbox
) -> None:
    async with conflicted_app.run_test(size=SIZE) as pilot:
        await open_the_conflict(conflicted_app, pilot)

        screen = conflicted_app.screen
        mine = str(screen.query_one("#conflict-mine").render())
        theirs = str(screen.query_one("#conflict-theirs").render())
        assert "dismissed" in mine and "escalated" in theirs
        assert "legal must see this" in theirs


async def test_keeping_mine_sends_it_on_top_of_theirs_at_the_next_sync(
    conflicted_app: Any, fresh_sandbox: RunningSandbox
) -> None:
    async with conflicted_app.run_test(size=SIZE) as pilot:
        await open_the_conflict(conflicted_app, pilot)
        await pilot.press("k")
        await sync_in_app(conflicted_app, pilot)

    held = accepted(fresh_sandbox)
    assert [v["state"] for v in held] == ["escalated", "dismissed"]
    assert held[1]["base_verdict_id"] == held[0]["verdict_id"]


async def test_taking_theirs_adopts_it_and_sends_nothing(
    conflicted_app: Any, fresh_sandbox: RunningSandbox
) -> None:
    async with conflicted_app.run_test(size=SIZE) as pilot:
        await open_the_conflict(conflicted_app, pilot)
        await pilot.press("t")
        await sync_in_app(conflicted_app, pilot)

        row = conflicted_app.screen.table.row_at(0)
        assert (row.state, row.sync_status) == ("escalated", None)
    assert [v["state"] for v in accepted(fresh_sandbox)] == ["escalated"]

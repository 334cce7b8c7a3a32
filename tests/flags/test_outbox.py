"""Verdicts reach the remote exactly once through the sync, across crashes too."""

import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import RunningSandbox
from sandbox.server import SandboxHTTPServer
from store import reviews
from sync import outbox
from sync.client import WriterClient
from sync.engine import run_sync
from sync.errors import Unreachable
from tests.fixtures.synced import sync_config

REPOSITORY = Path(__file__).resolve().parents[2]


def sync(db: Path, running: RunningSandbox) -> Any:
    """One admin sync of `db` from `running`."""
    return run_sync(db, sync_config(running.base_url, running.admin_key))


def exchange(db: Path, running: RunningSandbox) -> outbox.OutboxReport:
    """What a sync does with verdicts, without the rest of the walk: send, pull."""
    conn = reviews.open_for_review(db)
    config = sync_config(running.base_url, running.admin_key)
    try:
        with WriterClient(config) as client:
            report = outbox.send_verdicts(conn, db, client, running.organization_id)
            report.pulled = outbox.pull_verdicts(
                conn, db, client, running.organization_id
            )
        return report
    finally:
        conn.close()


def accepted(running: RunningSandbox) -> dict[str, Any]:
    """What the sandbox says it accepted (`GET /sandbox/verdicts`)."""
    return dict(httpx.get(f"{running.base_url}/sandbox/verdicts").json())


def accepted_ids(running: RunningSandbox) -> list[str]:
    return [verdict["verdict_id"] for verdict in accepted(running)["data"]]


def second_reviewer(running: RunningSandbox, flag_id: str, state: str) -> str:
    """Another admin decides `flag_id` at the remote; the verdict's id."""
    answer = httpx.post(
        f"{running.base_url}/sandbox/flags/{flag_id}/verdicts",
        params={"user_id": "usr_0002"},
        json={"state": state, "note": "seen from the other desk"},
    )
    assert answer.status_code == 201
    return str(answer.json()["verdict_id"])


def restarted(old: RunningSandbox) -> RunningSandbox:
    """The same sandbox (world and verdicts) serving again on its old port."""
    server = SandboxHTTPServer((old.config.host, old.port), old.api, old.config)
    return RunningSandbox(old.config, old.world, server)


def run_python(code: str, db: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter with the database path as argv[1]."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(db)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(synced_db: Path) -> Path:
    """A database synced from a sandbox of the same world as `fresh_sandbox`."""
    return synced_db


@pytest.fixture
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    connection = reviews.open_for_review(db)
    yield connection
    connection.close()


@pytest.fixture
def flag_ids(conn: sqlite3.Connection) -> list[str]:
    """The flags of the local copy, oldest first."""
    rows = reviews.queue_page(conn, reviews.FlagFilter(states=()), limit=20)
    return [row.flag_id for row in rows]


def waiting(conn: sqlite3.Connection) -> int:
    return reviews.outbox_counts(conn).waiting


def test_a_verdict_reaches_the_remote_once_at_the_next_sync(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    made = reviews.record_verdict(conn, db, flag_ids[0], "resolved", "Fine.")

    sync(db, fresh_sandbox)
    sync(db, fresh_sandbox)

    assert accepted_ids(fresh_sandbox) == [made.verdict_id]
    assert (accepted(fresh_sandbox)["replays"], waiting(conn)) == (0, 0)


def test_the_sync_says_how_many_verdicts_it_sent(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    for flag_id in flag_ids[:3]:
        reviews.record_verdict(conn, db, flag_id, "acknowledged")

    summary = sync(db, fresh_sandbox)

    assert "verdicts: 3 sent" in summary.notices


def test_verdicts_made_while_the_remote_is_down_are_sent_once_it_is_back(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    before = reviews.record_verdict(conn, db, flag_ids[0], "escalated")
    sync(db, fresh_sandbox)
    fresh_sandbox.stop()
    during = [
        reviews.record_verdict(conn, db, flag_id, "dismissed").verdict_id
        for flag_id in flag_ids[1:4]
    ]
    with pytest.raises(Unreachable):
        sync(db, fresh_sandbox)

    back = restarted(fresh_sandbox)
    try:
        sync(db, back)
        assert accepted_ids(back) == [before.verdict_id, *during]
    finally:
        back.stop()


def test_a_process_killed_right_after_the_local_save_sends_it_after_restart(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    killed = run_python(
        f"""
        import os, signal, sys
        from pathlib import Path
        from store import reviews
        path = Path(sys.argv[1])
        conn = reviews.open_for_review(path)
        made = reviews.record_verdict(conn, path, {flag_ids[0]!r}, "resolved")
        print(made.verdict_id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        db,
    )
    assert killed.returncode == -signal.SIGKILL

    sync(db, fresh_sandbox)

    assert accepted_ids(fresh_sandbox) == [killed.stdout.strip()]


def test_a_sync_killed_after_the_remote_accepted_resends_and_is_told_it_is_held(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    made = reviews.record_verdict(conn, db, flag_ids[0], "resolved")
    killed = run_python(
        f"""
        import os, signal, sys
        from pathlib import Path
        from store import reviews
        from sync.engine import run_sync
        from tests.fixtures.synced import sync_config

        def killed_before_the_mark(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)

        reviews.mark_sent = killed_before_the_mark
        run_sync(
            Path(sys.argv[1]),
            sync_config({fresh_sandbox.base_url!r}, {fresh_sandbox.admin_key!r}),
        )
        """,
        db,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (accepted_ids(fresh_sandbox), waiting(conn)) == ([made.verdict_id], 1)

    summary = sync(db, fresh_sandbox)

    assert accepted_ids(fresh_sandbox) == [made.verdict_id]
    assert (accepted(fresh_sandbox)["replays"], waiting(conn)) == (1, 0)
    assert "verdicts: 1 sent (1 already held remotely)" in summary.notices


def test_another_reviewers_verdict_reaches_this_copy(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    second_reviewer(fresh_sandbox, flag_ids[2], "escalated")

    exchange(db, fresh_sandbox)

    row = reviews.queue_row(conn, flag_ids[2])
    name = conn.execute("SELECT name FROM users WHERE user_id = 'usr_0002'")
    assert row is not None
    assert (row.state, row.reviewer_name) == ("escalated", name.fetchone()[0])


def test_a_verdict_decided_over_by_another_reviewer_comes_back_as_a_conflict(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    mine = reviews.record_verdict(conn, db, flag_ids[0], "resolved")
    theirs = second_reviewer(fresh_sandbox, flag_ids[0], "escalated")

    summary = sync(db, fresh_sandbox)

    conflict = reviews.conflict_of(conn, flag_ids[0])
    assert conflict is not None
    assert (conflict.mine.verdict_id, conflict.theirs.verdict_id) == (
        mine.verdict_id,
        theirs,
    )
    assert accepted_ids(fresh_sandbox) == [theirs]
    assert any("in conflict with another reviewer" in line for line in summary.notices)


def test_keeping_mine_after_a_conflict_sends_it_on_top_of_theirs(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    mine = reviews.record_verdict(conn, db, flag_ids[0], "resolved")
    theirs = second_reviewer(fresh_sandbox, flag_ids[0], "escalated")
    exchange(db, fresh_sandbox)

    reviews.keep_mine(conn, db, mine.verdict_id)
    exchange(db, fresh_sandbox)

    held = accepted(fresh_sandbox)["data"]
    assert [(v["verdict_id"], v["base_verdict_id"]) for v in held] == [
        (theirs, None),
        (mine.verdict_id, theirs),
    ]
    assert reviews.queue_row(conn, flag_ids[0]).state == "resolved"  # type: ignore[union-attr]


def test_taking_theirs_after_a_conflict_sends_nothing_and_adopts_theirs(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    mine = reviews.record_verdict(conn, db, flag_ids[0], "resolved")
    theirs = second_reviewer(fresh_sandbox, flag_ids[0], "escalated")
    exchange(db, fresh_sandbox)

    reviews.take_theirs(conn, db, mine.verdict_id)
    exchange(db, fresh_sandbox)

    assert accepted_ids(fresh_sandbox) == [theirs]
    assert reviews.queue_row(conn, flag_ids[0]).state == "escalated"  # type: ignore[union-attr]
    assert waiting(conn) == 0


def test_undo_of_a_sent_verdict_reopens_the_flag_for_the_team_too(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    made = reviews.record_verdict(conn, db, flag_ids[0], "dismissed")
    exchange(db, fresh_sandbox)

    reviews.undo_verdict(conn, db, made.verdict_id)
    exchange(db, fresh_sandbox)

    assert [v["state"] for v in accepted(fresh_sandbox)["data"]] == [
        "dismissed",
        "new",
    ]


def test_a_verdict_the_remote_refuses_for_good_is_kept_and_never_resent(
    db: Path, conn: sqlite3.Connection, fresh_sandbox: Any
) -> None:
    conn.execute(
        "INSERT INTO flags (flag_id, message_id, session_id, application_id, reason,"
        " flagged_at_ms) VALUES ('flg_99999999', 'msg_x', 'ses_x', 'app_0001',"
        " 'inaccurate', 1)"
    )
    reviews.record_verdict(conn, db, "flg_99999999", "resolved")

    exchange(db, fresh_sandbox)
    exchange(db, fresh_sandbox)

    assert accepted_ids(fresh_sandbox) == []
    assert reviews.outbox_counts(conn).rejected == 1
    assert conn.execute("SELECT count(*) FROM flag_verdicts").fetchone()[0] == 1


def test_a_member_sync_leaves_the_outbox_alone(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], fresh_sandbox: Any
) -> None:
    reviews.record_verdict(conn, db, flag_ids[0], "resolved")

    run_sync(db, sync_config(fresh_sandbox.base_url, fresh_sandbox.member_key))

    assert (accepted_ids(fresh_sandbox), waiting(conn)) == ([], 1)


def test_answers_lost_on_the_way_back_are_resent_and_recorded_once(
    db: Path, conn: sqlite3.Connection, flag_ids: list[str], sandbox_factory: Any
) -> None:
    """Half the answers are cut off after the remote recorded the verdict."""
    from tests.fixtures.sandbox import small_config

    running = sandbox_factory(small_config(faults={"drop": 0.5}, fault_seed=11))
    made = [
        reviews.record_verdict(conn, db, flag_id, "resolved").verdict_id
        for flag_id in flag_ids[:6]
    ]
    config = replace(sync_config(running.base_url, running.admin_key), max_tries=12)

    with WriterClient(config) as client:
        report = outbox.send_verdicts(conn, db, client, running.organization_id)

    listing = accepted(running)
    assert [v["verdict_id"] for v in listing["data"]] == made
    assert listing["replays"] > 0
    assert (report.sent + report.replayed, waiting(conn)) == (6, 0)

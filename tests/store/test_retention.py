"""The local copy keeps no transcript past its agent's retention."""

import sqlite3
from pathlib import Path

from store.retention import DAY_MS, purge_expired_transcripts
from store.write import SyncWriter

NOW = 1_780_000_000_000


def _world(
    conn: sqlite3.Connection,
    db_path: Path,
    retention: int | None,
    started_days_ago: float,
) -> None:
    """One agent with `retention`, one session started that long ago, and its rows."""
    started = NOW - int(started_days_ago * DAY_MS)
    writer = SyncWriter(conn, db_path)
    writer.upsert("agents", [("app_1", "A", "no_code", "chat", "deployed", 1, 1, None)])
    if retention is not None:
        writer.set_retention([("app_1", retention, 1, "usr_1")])
    writer.upsert(
        "sessions", [("ses_1", "app_1", "usr_1", started, started, 1, started)]
    )
    writer.upsert(
        "messages",
        [("msg_1", "ses_1", "app_1", 0, "agent", "hi", started, None, started)],
    )
    writer.upsert(
        "flags",
        [("flg_1", "msg_1", "ses_1", "app_1", "usr_1", "inaccurate", None, started, 1)],
    )
    writer.commit()


def _remaining(conn: sqlite3.Connection) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("sessions", "messages", "flags")
    )


def test_a_session_within_retention_is_kept_with_its_messages_and_flags(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=30, started_days_ago=29)
    purge_expired_transcripts(conn, db_path, NOW)
    assert _remaining(conn) == (1, 1, 1)


def test_a_session_past_retention_goes_with_its_messages_and_flags(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=30, started_days_ago=31)
    counts = purge_expired_transcripts(conn, db_path, NOW)
    assert _remaining(conn) == (0, 0, 0)
    assert (counts.sessions, counts.messages, counts.flags) == (1, 1, 1)


def test_a_session_started_exactly_at_the_cutoff_is_kept(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=7, started_days_ago=7)
    purge_expired_transcripts(conn, db_path, NOW)
    assert _remaining(conn) == (1, 1, 1)


def test_a_session_one_millisecond_before_the_cutoff_goes(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=7, started_days_ago=7 + 1 / DAY_MS)
    purge_expired_transcripts(conn, db_path, NOW)
    assert _remaining(conn) == (0, 0, 0)


def test_retention_none_keeps_no_transcript(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=0, started_days_ago=0)
    purge_expired_transcripts(conn, db_path, NOW)
    assert _remaining(conn) == (0, 0, 0)


def test_unknown_retention_keeps_no_transcript(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=None, started_days_ago=0)
    purge_expired_transcripts(conn, db_path, NOW)
    assert _remaining(conn) == (0, 0, 0)


def test_retention_is_measured_against_the_remote_clock(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    # Five years in the past by the wall clock, but fresh by the remote's.
    _world(conn, db_path, retention=7, started_days_ago=1)
    purge_expired_transcripts(conn, db_path, NOW)
    assert _remaining(conn) == (1, 1, 1)


def test_an_old_orphan_message_is_purged_by_its_own_time(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=7, started_days_ago=1)
    old = NOW - 8 * DAY_MS
    writer = SyncWriter(conn, db_path)
    writer.upsert(
        "messages", [("msg_9", "ses_gone", "app_1", 0, "user", "x", old, None, old)]
    )
    writer.commit()
    purge_expired_transcripts(conn, db_path, NOW)
    assert conn.execute("SELECT message_id FROM messages").fetchall() == [("msg_1",)]


def test_a_young_orphan_message_waits_for_its_session(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    _world(conn, db_path, retention=7, started_days_ago=1)
    young = NOW - DAY_MS
    writer = SyncWriter(conn, db_path)
    writer.upsert(
        "messages",
        [("msg_9", "ses_later", "app_1", 0, "user", "x", young, None, young)],
    )
    writer.commit()
    purge_expired_transcripts(conn, db_path, NOW)
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 2

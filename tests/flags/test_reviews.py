"""Local verdicts: one transaction each, undo, the outbox's life, the team's."""

import sqlite3
from pathlib import Path

import pytest

from store import reviews
from store.reviews import (
    CannotUndo,
    FlagInConflict,
    InvalidVerdict,
    RemoteVerdict,
    UnknownFlag,
)
from tests.flags.world import ME, NOW_MS, OTHER_REVIEWER


def flag_state(conn: sqlite3.Connection, flag_id: str) -> str:
    row = conn.execute("SELECT state FROM flags WHERE flag_id = ?", (flag_id,))
    return str(row.fetchone()[0])


def remote(
    verdict_id: str,
    flag_id: str,
    state: str,
    *,
    by: str = OTHER_REVIEWER,
    base: str | None = None,
    inserted_at_ms: int = NOW_MS,
    note: str | None = None,
) -> RemoteVerdict:
    return RemoteVerdict(
        verdict_id, flag_id, state, note, NOW_MS - 1000, by, base, inserted_at_ms
    )


def waiting_ids(conn: sqlite3.Connection) -> list[str]:
    return [verdict.verdict_id for verdict in reviews.waiting_verdicts(conn)]


def send(conn: sqlite3.Connection, path: Path, verdict_id: str) -> None:
    """What the outbox does when the remote accepts a verdict."""
    reviews.mark_attempt(conn, path, verdict_id)
    mine = reviews.verdict(conn, verdict_id)
    assert mine is not None
    reviews.mark_sent(
        conn,
        path,
        RemoteVerdict(
            verdict_id,
            mine.flag_id,
            mine.state,
            mine.note,
            mine.decided_at_ms,
            ME,
            mine.base_verdict_id,
            NOW_MS,
        ),
    )


# --- recording ---------------------------------------------------------------


def test_a_verdict_stores_its_row_the_flag_state_and_an_outbox_row(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "escalated", "Look again")

    stored = reviews.verdict(conn, made.verdict_id)
    assert stored is not None
    assert (stored.state, stored.note, stored.decided_by, stored.status) == (
        "escalated",
        "Look again",
        ME,
        "pending",
    )
    assert flag_state(conn, "flg_0003") == "escalated"
    assert waiting_ids(conn) == [made.verdict_id]


def test_a_verdict_that_fails_midway_leaves_nothing_behind(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON verdict_outbox "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )

    with pytest.raises(sqlite3.IntegrityError):
        reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")

    assert flag_state(conn, "flg_0003") == "new"
    assert conn.execute("SELECT count(*) FROM flag_verdicts").fetchone()[0] == 0


def test_a_verdict_on_a_flag_not_held_is_refused(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    with pytest.raises(UnknownFlag):
        reviews.record_verdict(conn, flag_db, "flg_9999", "resolved")


def test_a_verdict_state_outside_the_list_is_refused(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    with pytest.raises(InvalidVerdict):
        reviews.record_verdict(conn, flag_db, "flg_0003", "deleted")


def test_a_blank_note_is_stored_as_no_note(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved", "   ")

    assert made.note is None


def test_a_note_over_the_limit_is_refused(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    with pytest.raises(InvalidVerdict):
        reviews.record_verdict(
            conn, flag_db, "flg_0003", "resolved", "x" * (reviews.NOTE_LIMIT + 1)
        )


def test_a_second_verdict_on_a_flag_is_based_on_the_first(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    first = reviews.record_verdict(conn, flag_db, "flg_0003", "acknowledged")
    second = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")

    assert (first.base_verdict_id, second.base_verdict_id) == (None, first.verdict_id)
    assert waiting_ids(conn) == [first.verdict_id, second.verdict_id]


# --- undo --------------------------------------------------------------------


def test_undo_of_a_verdict_never_sent_withdraws_it_and_restores_the_state(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "dismissed")

    result = reviews.undo_verdict(conn, flag_db, made.verdict_id)

    assert (result.restored_state, result.compensating_verdict_id) == ("new", None)
    assert flag_state(conn, "flg_0003") == "new"
    assert waiting_ids(conn) == []
    outcome = conn.execute(
        "SELECT outcome, resolution FROM verdict_outbox WHERE verdict_id = ?",
        (made.verdict_id,),
    ).fetchone()
    assert tuple(outcome) == ("withdrawn", "undone")


def test_undo_of_a_sent_verdict_queues_one_that_reopens_the_flag(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "dismissed")
    send(conn, flag_db, made.verdict_id)

    result = reviews.undo_verdict(conn, flag_db, made.verdict_id)

    reopening = reviews.verdict(conn, result.compensating_verdict_id or "")
    assert reopening is not None
    assert (reopening.state, reopening.base_verdict_id) == ("new", made.verdict_id)
    assert flag_state(conn, "flg_0003") == "new"
    assert waiting_ids(conn) == [reopening.verdict_id]


def test_undo_of_a_verdict_already_tried_compensates_instead_of_withdrawing(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")
    reviews.mark_attempt(conn, flag_db, made.verdict_id)

    result = reviews.undo_verdict(conn, flag_db, made.verdict_id)

    assert result.compensating_verdict_id is not None
    assert waiting_ids(conn) == [made.verdict_id, result.compensating_verdict_id]


def test_a_verdict_undone_before_its_send_is_claimed_is_never_sent(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")
    reviews.undo_verdict(conn, flag_db, made.verdict_id)

    assert reviews.mark_attempt(conn, flag_db, made.verdict_id) is None


def test_a_claimed_verdict_is_what_is_sent(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved", "ok")

    claimed = reviews.mark_attempt(conn, flag_db, made.verdict_id)

    assert claimed is not None
    assert (claimed.state, claimed.note, claimed.attempts) == ("resolved", "ok", 1)


def test_undo_of_the_same_verdict_twice_is_refused(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")
    reviews.undo_verdict(conn, flag_db, made.verdict_id)

    with pytest.raises(CannotUndo):
        reviews.undo_verdict(conn, flag_db, made.verdict_id)


def test_undo_of_a_verdict_decided_over_since_is_refused(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    first = reviews.record_verdict(conn, flag_db, "flg_0003", "acknowledged")
    reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")

    with pytest.raises(CannotUndo):
        reviews.undo_verdict(conn, flag_db, first.verdict_id)


def test_undo_of_a_second_verdict_restores_the_first(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0003", "acknowledged")
    second = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")

    reviews.undo_verdict(conn, flag_db, second.verdict_id)

    assert flag_state(conn, "flg_0003") == "acknowledged"


# --- conflicts ---------------------------------------------------------------


@pytest.fixture
def conflicted(conn: sqlite3.Connection, flag_db: Path) -> str:
    """Our `resolved` on flg_0003 lost to another reviewer's `escalated`."""
    mine = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved", "fine")
    reviews.mark_attempt(conn, flag_db, mine.verdict_id)
    reviews.mark_conflict(
        conn, flag_db, mine.verdict_id, remote("vrd_theirs", "flg_0003", "escalated")
    )
    return mine.verdict_id


def test_a_conflict_keeps_both_verdicts_and_shows_ours_meanwhile(
    conn: sqlite3.Connection, conflicted: str
) -> None:
    conflict = reviews.conflict_of(conn, "flg_0003")

    assert conflict is not None
    assert (conflict.mine.state, conflict.theirs.state) == ("resolved", "escalated")
    assert conflict.theirs.decided_by_name == "Ben Okafor"
    assert flag_state(conn, "flg_0003") == "resolved"
    assert reviews.outbox_counts(conn).conflicts == 1


def test_a_flag_in_conflict_takes_no_new_verdict(
    conn: sqlite3.Connection, flag_db: Path, conflicted: str
) -> None:
    with pytest.raises(FlagInConflict):
        reviews.record_verdict(conn, flag_db, "flg_0003", "dismissed")


def test_verdicts_made_before_a_conflict_wait_behind_it(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    mine = reviews.record_verdict(conn, flag_db, "flg_0003", "acknowledged")
    later = reviews.record_verdict(conn, flag_db, "flg_0003", "resolved")
    other = reviews.record_verdict(conn, flag_db, "flg_0004", "resolved")
    reviews.mark_conflict(
        conn, flag_db, mine.verdict_id, remote("vrd_theirs", "flg_0003", "escalated")
    )

    assert later.verdict_id not in waiting_ids(conn)
    assert waiting_ids(conn) == [other.verdict_id]


def test_keeping_mine_queues_it_again_on_top_of_theirs(
    conn: sqlite3.Connection, flag_db: Path, conflicted: str
) -> None:
    kept = reviews.keep_mine(conn, flag_db, conflicted)

    assert kept.base_verdict_id == "vrd_theirs"
    assert waiting_ids(conn) == [conflicted]
    assert flag_state(conn, "flg_0003") == "resolved"
    assert reviews.conflict_of(conn, "flg_0003") is None


def test_taking_theirs_adopts_it_and_records_ours_as_given_up(
    conn: sqlite3.Connection, flag_db: Path, conflicted: str
) -> None:
    adopted = reviews.take_theirs(conn, flag_db, conflicted)

    assert adopted.verdict_id == "vrd_theirs"
    assert flag_state(conn, "flg_0003") == "escalated"
    assert waiting_ids(conn) == []
    record = conn.execute(
        "SELECT outcome, resolution FROM verdict_outbox WHERE verdict_id = ?",
        (conflicted,),
    ).fetchone()
    assert tuple(record) == ("withdrawn", "took_theirs")


# --- the team's verdicts -----------------------------------------------------


def test_another_reviewers_verdict_gives_the_flag_its_state(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.apply_remote_verdicts(
        conn, flag_db, [remote("vrd_b1", "flg_0005", "escalated")], "c1"
    )

    assert flag_state(conn, "flg_0005") == "escalated"
    assert reviews.reviewers(conn) == [(OTHER_REVIEWER, "Ben Okafor")]


def test_a_page_delivered_twice_stores_its_verdicts_once(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    page = [remote("vrd_b1", "flg_0005", "escalated")]
    first = reviews.apply_remote_verdicts(conn, flag_db, page, "c1")
    again = reviews.apply_remote_verdicts(conn, flag_db, page, "c1")

    assert (first, again) == (1, 0)
    assert conn.execute("SELECT count(*) FROM flag_verdicts").fetchone()[0] == 1


def test_the_latest_accepted_verdict_wins(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.apply_remote_verdicts(
        conn,
        flag_db,
        [
            remote("vrd_late", "flg_0005", "resolved", inserted_at_ms=NOW_MS + 5),
            remote("vrd_early", "flg_0005", "escalated", inserted_at_ms=NOW_MS),
        ],
        "c1",
    )

    assert flag_state(conn, "flg_0005") == "resolved"


def test_our_waiting_verdict_seen_in_the_export_is_never_sent_again(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    made = reviews.record_verdict(conn, flag_db, "flg_0005", "resolved")

    reviews.apply_remote_verdicts(
        conn, flag_db, [remote(made.verdict_id, "flg_0005", "resolved", by=ME)], "c1"
    )

    assert waiting_ids(conn) == []
    stored = reviews.verdict(conn, made.verdict_id)
    assert stored is not None and stored.status == "sent"


def test_our_waiting_verdict_keeps_the_flag_against_an_older_remote_one(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0005", "dismissed")

    reviews.apply_remote_verdicts(
        conn, flag_db, [remote("vrd_b1", "flg_0005", "escalated")], "c1"
    )

    assert flag_state(conn, "flg_0005") == "dismissed"


def test_a_verdicts_page_stores_its_bookmark(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.apply_remote_verdicts(conn, flag_db, [], "c9")

    cursor = conn.execute(
        "SELECT cursor FROM sync_state WHERE source = 'verdicts'"
    ).fetchone()
    assert cursor[0] == "c9"


def test_a_flag_that_lands_after_its_verdict_catches_up(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.apply_remote_verdicts(
        conn, flag_db, [remote("vrd_b1", "flg_0005", "resolved")], "c1"
    )
    conn.execute("UPDATE flags SET state = 'new' WHERE flag_id = 'flg_0005'")

    changed = reviews.settle_flag_states(conn, flag_db)

    assert (changed, flag_state(conn, "flg_0005")) == (1, "resolved")


# --- the queue ---------------------------------------------------------------


def test_counts_per_state_ignore_the_state_filter(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0001", "resolved")
    reviews.record_verdict(conn, flag_db, "flg_0002", "escalated")

    counts = reviews.count_by_state(conn, reviews.FlagFilter(states=("new",)))

    assert counts == {
        "new": 10,
        "acknowledged": 0,
        "escalated": 1,
        "resolved": 1,
        "dismissed": 0,
    }


def test_the_queue_filters_by_agent_reason_and_period(
    conn: sqlite3.Connection,
) -> None:
    selection = reviews.FlagFilter(
        application_ids=("app_0002",),
        reasons=("inappropriate",),
        since_ms=NOW_MS - 2 * 86_400_000,
        until_ms=NOW_MS,
    )

    rows = reviews.queue_page(conn, selection, limit=50)

    # app_0002 holds flags 0, 3, 6, 9; the even ones are inappropriate, and
    # flag 0 was flagged three days ago.
    assert [row.flag_id for row in rows] == ["flg_0006"]


def test_the_queue_filters_by_reviewer(conn: sqlite3.Connection, flag_db: Path) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0001", "resolved")
    reviews.apply_remote_verdicts(
        conn, flag_db, [remote("vrd_b1", "flg_0002", "resolved")], "c1"
    )
    selection = reviews.FlagFilter(states=(), reviewer=OTHER_REVIEWER)

    rows = reviews.queue_page(conn, selection, limit=50)

    assert [(row.flag_id, row.reviewer_name) for row in rows] == [
        ("flg_0002", "Ben Okafor")
    ]


def test_the_queue_reads_oldest_or_newest_first(conn: sqlite3.Connection) -> None:
    oldest = reviews.queue_page(conn, reviews.FlagFilter(), limit=2)
    newest = reviews.queue_page(conn, reviews.FlagFilter(newest_first=True), limit=2)

    assert [row.flag_id for row in oldest] == ["flg_0000", "flg_0001"]
    assert [row.flag_id for row in newest] == ["flg_0011", "flg_0010"]


def test_paging_by_key_reads_what_paging_by_offset_reads(
    conn: sqlite3.Connection,
) -> None:
    source = reviews.QueueSource(conn, reviews.FlagFilter(newest_first=True))
    by_key = [row.flag_id for start in (0, 5, 10) for row in source.fetch(start, 5)]
    fresh = reviews.QueueSource(conn, reviews.FlagFilter(newest_first=True))
    by_offset = [row.flag_id for row in fresh.fetch(5, 5)]

    assert by_key == [f"flg_{n:04d}" for n in range(11, -1, -1)]
    assert by_offset == by_key[5:10]


def test_after_a_verdict_the_next_flag_awaiting_one_comes_up(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    selection = reviews.FlagFilter()
    current = reviews.queue_page(conn, selection, limit=1)[0]
    reviews.record_verdict(conn, flag_db, current.flag_id, "resolved")

    following = reviews.next_in_queue(conn, selection, current.key)

    assert following is not None and following.flag_id == "flg_0001"


def test_the_next_flag_wraps_to_the_top_of_the_queue(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    selection = reviews.FlagFilter()
    last = reviews.queue_page(conn, reviews.FlagFilter(newest_first=True), limit=1)[0]
    reviews.record_verdict(conn, flag_db, last.flag_id, "resolved")

    following = reviews.next_in_queue(conn, selection, last.key)

    assert following is not None and following.flag_id == "flg_0000"


def test_a_waiting_verdict_marks_its_row_in_the_queue(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0001", "acknowledged")

    row = reviews.queue_row(conn, "flg_0001")

    assert row is not None and (row.state, row.sync_status) == (
        "acknowledged",
        "pending",
    )


# --- review detail and report ------------------------------------------------


def test_the_detail_holds_the_question_before_the_flagged_answer(
    conn: sqlite3.Connection,
) -> None:
    detail = reviews.flag_detail(conn, "flg_0004")

    assert detail is not None
    assert detail.question is not None and detail.response is not None
    assert detail.question.content == "Question 4: what does policy 4 cover?"
    assert detail.response.content == "Answer 4: policy 4 covers water damage."
    assert (detail.row.agent_name, detail.flagged_by_name) == (
        "Claims triage",
        "Cleo End-User",
    )


def test_the_detail_lists_every_verdict_in_order(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.apply_remote_verdicts(
        conn, flag_db, [remote("vrd_b1", "flg_0004", "escalated")], "c1"
    )
    reviews.record_verdict(conn, flag_db, "flg_0004", "resolved", "checked")

    detail = reviews.flag_detail(conn, "flg_0004")

    assert detail is not None
    assert [(v.state, v.decided_by_name) for v in detail.verdicts] == [
        ("escalated", "Ben Okafor"),
        ("resolved", "Ana Ruiz"),
    ]


def test_the_report_holds_context_verdict_note_and_reviewer(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0004", "resolved", "checked")

    rows = list(reviews.export_rows(conn, reviews.FlagFilter(states=("resolved",))))

    assert [row.as_dict() for row in rows] == [
        {
            "flag_id": "flg_0004",
            "flagged_at_ms": rows[0].flagged_at_ms,
            "application_id": "app_0001",
            "agent_name": "Claims triage",
            "session_id": "ses_0004",
            "message_id": "msg_0004_1",
            "reason": "inappropriate",
            "comment": None,
            "flagged_by_name": "Cleo End-User",
            "question": "Question 4: what does policy 4 cover?",
            "response": "Answer 4: policy 4 covers water damage.",
            "state": "resolved",
            "note": "checked",
            "decided_by_name": "Ana Ruiz",
            "decided_at_ms": NOW_MS,
            "sync_status": "pending",
        }
    ]


def test_only_an_admin_copy_may_review(member_flag_db: Path) -> None:
    member = reviews.open_for_review(member_flag_db)
    try:
        with pytest.raises(reviews.NotAnAdmin, match="member key"):
            reviews.require_admin(member)
    finally:
        member.close()


def test_the_review_connection_leaves_checkpoints_to_the_background(
    conn: sqlite3.Connection,
) -> None:
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0


def test_a_background_checkpoint_puts_the_verdicts_in_the_main_file(
    conn: sqlite3.Connection, flag_db: Path
) -> None:
    reviews.record_verdict(conn, flag_db, "flg_0001", "resolved")

    def in_main_file() -> int:
        # `immutable` reads the main file alone, never the WAL.
        main = sqlite3.connect(f"file:{flag_db}?immutable=1", uri=True)
        try:
            return int(main.execute("SELECT count(*) FROM flag_verdicts").fetchone()[0])
        finally:
            main.close()

    before = in_main_file()
    reviews.checkpoint(flag_db)

    assert (before, in_main_file()) == (0, 1)

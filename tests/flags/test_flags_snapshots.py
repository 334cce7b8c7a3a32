"""What triage looks like at 80x24, on the small synced sandbox (seed 7).

Now is pinned to 2026-06-01T12:00:00Z and the zone to UTC. Verdicts made in
the set-up carry random ids, which no picture shows. Each docstring says what
its picture must show.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

from store import reviews
from store.clock import now_ms
from store.reviews import RemoteVerdict
from tests.flags.world import FlagWorld

SIZE = (80, 24)


def oldest_flags(db: Path, count: int) -> list[str]:
    conn = reviews.open_for_review(db)
    try:
        rows = reviews.queue_page(conn, reviews.FlagFilter(), limit=count)
        return [row.flag_id for row in rows]
    finally:
        conn.close()


def decide(db: Path, flag_id: str, state: str, note: str | None = None) -> str:
    conn = reviews.open_for_review(db)
    try:
        return reviews.record_verdict(conn, db, flag_id, state, note).verdict_id
    finally:
        conn.close()


def compare(snap_compare: Callable[..., bool], db: Path, keys: Sequence[str]) -> bool:
    """Open the app on `db`, press f, then `keys`."""
    from tui.app import AgentmonApp

    app = AgentmonApp(db)
    app.animation_level = "none"
    return bool(snap_compare(app, press=["f", *keys], terminal_size=SIZE))


def test_the_queue(snap_compare: Callable[..., bool], synced_db: Path) -> None:
    """Every state of the queue, oldest first: the counts line reads new 34,
    resolved 1, escalated 1 (all five states in reverse video, since 0 shows
    every state); the filter line says oldest first · every agent · any
    reason · anyone · all time and, on the right, ↑2 to send. The rows are the
    sandbox's flags from 2025-12-11 on, with agent, reason, state, reviewer
    and the end user's comment (or › and the response when there is none);
    the first two are resolved↑ and escalated↑ by Chloé Herrera."""
    first, second = oldest_flags(synced_db, 2)
    decide(synced_db, first, "resolved")
    decide(synced_db, second, "escalated", "Needs the policy team")

    assert compare(snap_compare, synced_db, ["0"])


def test_the_review_view(snap_compare: Callable[..., bool], synced_db: Path) -> None:
    """The review view on the oldest flag: 'Flag 1 of 36 · inaccurate · new ·
    flg_00000002', the agent (Campaign brief writer) and session, who flagged
    it and when, the end user's comment ('It cited a policy that was retired
    last year.'), the two turns before, then the user's message and the start
    of the flagged response, each under its label; the line above the footer
    says n adds a note; the footer lists the verdict keys a e r d, n, u."""
    assert compare(snap_compare, synced_db, ["enter"])


def test_the_conflict_dialog(
    snap_compare: Callable[..., bool], synced_db: Path
) -> None:
    """The conflict dialog over the queue: 'Verdict conflict on
    flg_00000002', the flag's agent, reason and date, what each choice does,
    then Yours: dismissed by Chloé Herrera with no note, and Theirs: escalated
    by Carmen Khan with the note 'Legal must see this', and the three choices
    k Keep mine, t Take theirs, Esc Later."""
    (first,) = oldest_flags(synced_db, 1)
    mine = decide(synced_db, first, "dismissed")
    conn = reviews.open_for_review(synced_db)
    try:
        reviews.mark_attempt(conn, synced_db, mine)
        reviews.mark_conflict(
            conn,
            synced_db,
            mine,
            RemoteVerdict(
                "vrd_from_the_other_desk",
                first,
                "escalated",
                "Legal must see this",
                now_ms() - 60_000,
                "usr_0002",
                None,
                now_ms(),
            ),
        )
    finally:
        conn.close()

    assert compare(snap_compare, synced_db, ["0", "c"])


def test_an_empty_queue(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    """A copy with no flags: every count is 0, the filter line ends 'all
    verdicts sent', and the table under its column titles says 'No flag
    awaits a verdict. 0 shows every state; u undoes.'"""
    db = FlagWorld(flags=[]).build(tmp_path / "empty.db")

    assert compare(snap_compare, db, [])

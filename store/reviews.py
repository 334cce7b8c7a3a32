"""Reviewing flagged responses locally: verdicts, undo, the outbox, the queue.

A verdict is stored at once, in one transaction: its row in `flag_verdicts`,
the flag's new `flags.state`, the flag's current verdict and a row in
`verdict_outbox`, which the next sync sends (`sync/outbox.py`) under the
verdict's own client-made `verdict_id`, so that the remote records it once
however often it is sent. Nothing leaves the outbox in silence: every row ends
`sent`, `withdrawn` (undone before it was ever sent, or given up for another
reviewer's verdict) or `rejected`, with when and why.

The queue reads are keyset-paged over `flags` (index `state, flagged_at_ms`),
so that tens of thousands of flags never load at once.
"""

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.clock import now_ms
from store.db import open_database, sqlite_errors, transaction
from store.errors import StoreError

# What a reviewer may decide; `new` is also a verdict's state when a verdict
# the remote already holds is undone (the flag is reopened).
VERDICT_STATES = ("acknowledged", "escalated", "resolved", "dismissed")
STATES = ("new", *VERDICT_STATES)
CLOSED_STATES = ("resolved", "dismissed")
REASONS = ("inappropriate", "inaccurate")
NOTE_LIMIT = 2000
VERDICT_SOURCE = "verdicts"  # the export stream's bookmark in sync_state

# How many messages before the user's question the review view shows.
EARLIER_TURNS = 2
EXCERPT_CHARS = 160


class ReviewError(StoreError):
    """Base of the foreseen refusals of a review action; one line for the user."""


class NotAnAdmin(ReviewError):
    """Flagged responses are for organisation admins, as in AI Studio."""

    def __init__(self, role: str) -> None:
        shown = role if role and role != "unknown" else "no known"
        super().__init__(
            "flagged responses are for organisation admins, as in AI Studio; "
            f"this database was synced with a {shown} key"
        )
        self.role = role


class UnknownFlag(ReviewError):
    """The local copy holds no flag with this id."""

    def __init__(self, flag_id: str) -> None:
        super().__init__(f"no flag {flag_id} in the local copy: sync, then try again")
        self.flag_id = flag_id


class FlagInConflict(ReviewError):
    """The flag has a verdict conflict the user must settle first."""

    def __init__(self, flag_id: str) -> None:
        super().__init__(
            f"flag {flag_id} has a verdict conflict with another reviewer: "
            "keep yours or take theirs first"
        )
        self.flag_id = flag_id


class InvalidVerdict(ReviewError):
    """A verdict state outside the list, or a note that is too long."""


class CannotUndo(ReviewError):
    """The verdict cannot be undone (already undone, or decided over since)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One verdict on a flag, made here or pulled from the team's export."""

    verdict_id: str
    flag_id: str
    state: str
    note: str | None  # untrusted text, as written or as received
    decided_at_ms: int
    decided_by: str | None
    decided_by_name: str | None
    base_verdict_id: str | None
    inserted_at_ms: int | None  # the remote's acceptance time, None until then
    origin: str  # here or remote
    status: str  # pending, sent, conflict, withdrawn, accepted


@dataclass(frozen=True, slots=True)
class RemoteVerdict:
    """A verdict object as the remote answers it (docs/api.md)."""

    verdict_id: str
    flag_id: str
    state: str
    note: str | None
    decided_at_ms: int
    decided_by: str
    base_verdict_id: str | None
    inserted_at_ms: int


@dataclass(frozen=True, slots=True)
class OutgoingVerdict:
    """A verdict waiting in the outbox: what the sender puts in the body."""

    verdict_id: str
    flag_id: str
    state: str
    note: str | None
    decided_at_ms: int
    base_verdict_id: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class UndoResult:
    """What an undo did: the flag, the state it has again, and how."""

    flag_id: str
    restored_state: str
    # None: the verdict had never been sent and was withdrawn; else the id of
    # the verdict that reopens the flag at the remote too.
    compensating_verdict_id: str | None


@dataclass(frozen=True, slots=True)
class Conflict:
    """A verdict of ours the remote refused because another reviewer decided."""

    mine: Verdict
    theirs: Verdict


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    """How the outbox stands: waiting to be sent, in conflict, rejected."""

    waiting: int
    conflicts: int
    rejected: int


def new_verdict_id() -> str:
    """A fresh client-made verdict id, the remote's idempotency key."""
    return f"vrd_{uuid.uuid4().hex}"


def open_for_review(path: Path) -> sqlite3.Connection:
    """A writable connection for recording verdicts (the database must exist).

    Its commits never checkpoint the WAL: on a large file a checkpoint took
    0.6 s, and verdicts are saved while the user waits for the next flag.
    Call `checkpoint` from a background thread now and then instead (a sync's
    own commits checkpoint too).
    """
    conn = open_database(path, create=False)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    return conn


def checkpoint(path: Path) -> None:
    """Copy what the WAL holds into the database file, waiting for no one."""
    conn = open_database(path, create=False)
    try:
        with sqlite_errors(path):
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        conn.close()


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def reviewer_role(conn: sqlite3.Connection) -> str:
    """The role of the key the local copy was synced with (`unknown` if never)."""
    return _meta(conn, "role") or "unknown"


def reviewer_id(conn: sqlite3.Connection) -> str | None:
    """The user id of the key the local copy was synced with: who decides here."""
    return _meta(conn, "user_id")


def require_admin(conn: sqlite3.Connection) -> None:
    """Raise `NotAnAdmin` unless the local copy was synced with an admin key."""
    role = reviewer_role(conn)
    if role != "admin":
        raise NotAnAdmin(role)


# --- recording verdicts -----------------------------------------------------


def _checked(state: str, note: str | None) -> str | None:
    """The note to store (blank is none), once state and note are allowed."""
    if state not in VERDICT_STATES:
        choices = ", ".join(VERDICT_STATES)
        raise InvalidVerdict(f"a verdict is one of {choices}, not {state!r}")
    if note is not None and not note.strip():
        return None
    if note is not None and len(note) > NOTE_LIMIT:
        raise InvalidVerdict(f"a note holds at most {NOTE_LIMIT} characters")
    return note


def record_verdict(
    conn: sqlite3.Connection,
    path: Path,
    flag_id: str,
    state: str,
    note: str | None = None,
) -> Verdict:
    """Decide a flag here and now: one transaction, then the outbox sends it.

    Raises `UnknownFlag`, `FlagInConflict` or `InvalidVerdict`.
    """
    note = _checked(state, note)
    with sqlite_errors(path), transaction(conn):
        return _insert_local(conn, flag_id, state, note, undoes=None)


def _insert_local(
    conn: sqlite3.Connection,
    flag_id: str,
    state: str,
    note: str | None,
    *,
    undoes: str | None,
) -> Verdict:
    """Insert a verdict made here, in the caller's transaction."""
    row = conn.execute("SELECT state FROM flags WHERE flag_id = ?", (flag_id,))
    flag = row.fetchone()
    if flag is None:
        raise UnknownFlag(flag_id)
    if _has_open_conflict(conn, flag_id):
        raise FlagInConflict(flag_id)
    previous_state = flag[0] or "new"
    current = conn.execute(
        "SELECT verdict_id FROM flag_current_verdict WHERE flag_id = ?", (flag_id,)
    ).fetchone()
    base = None if current is None else str(current[0])
    verdict_id = new_verdict_id()
    decided_at_ms = now_ms()
    decided_by = reviewer_id(conn)
    conn.execute(
        "INSERT INTO flag_verdicts (verdict_id, flag_id, state, note, decided_at_ms,"
        " decided_by, base_verdict_id, origin, status, previous_state,"
        " undoes_verdict_id, made_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 'here',"
        " 'pending', ?, ?, (SELECT coalesce(max(made_seq), 0) + 1"
        " FROM flag_verdicts))",
        (
            verdict_id,
            flag_id,
            state,
            note,
            decided_at_ms,
            decided_by,
            base,
            previous_state,
            undoes,
        ),
    )
    conn.execute(
        "INSERT INTO verdict_outbox (verdict_id, queued_at_ms) VALUES (?, ?)",
        (verdict_id, decided_at_ms),
    )
    _set_current(conn, flag_id, verdict_id, state, decided_by, decided_at_ms)
    return Verdict(
        verdict_id,
        flag_id,
        state,
        note,
        decided_at_ms,
        decided_by,
        None,
        base,
        None,
        "here",
        "pending",
    )


def _set_current(
    conn: sqlite3.Connection,
    flag_id: str,
    verdict_id: str,
    state: str,
    decided_by: str | None,
    decided_at_ms: int | None,
) -> None:
    """Make `verdict_id` the flag's current verdict and its state the flag's."""
    conn.execute(
        "INSERT INTO flag_current_verdict (flag_id, verdict_id, state, decided_by,"
        " decided_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (flag_id) DO UPDATE SET"
        " verdict_id = excluded.verdict_id, state = excluded.state,"
        " decided_by = excluded.decided_by, decided_at_ms = excluded.decided_at_ms",
        (flag_id, verdict_id, state, decided_by, decided_at_ms),
    )
    conn.execute("UPDATE flags SET state = ? WHERE flag_id = ?", (state, flag_id))


def _has_open_conflict(conn: sqlite3.Connection, flag_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM flag_verdicts WHERE flag_id = ? AND status = 'conflict'",
        (flag_id,),
    ).fetchone()
    return row is not None


def undo_verdict(conn: sqlite3.Connection, path: Path, verdict_id: str) -> UndoResult:
    """Take back a verdict made here; the flag gets its earlier state again.

    A verdict never yet handed to the remote is withdrawn from the outbox. One
    that may have reached it (sent, or tried) stays on record and a new
    verdict restoring the earlier state is queued after it, so the team sees
    the flag reopened too. Raises `CannotUndo` when the verdict was undone
    already or the flag was decided again since, `FlagInConflict` while its
    conflict is unsettled.
    """
    with sqlite_errors(path), transaction(conn):
        row = conn.execute(
            "SELECT v.flag_id, v.state, v.status, v.previous_state,"
            " v.base_verdict_id, o.attempts, c.verdict_id"
            " FROM flag_verdicts v JOIN verdict_outbox o USING (verdict_id)"
            " LEFT JOIN flag_current_verdict c ON c.flag_id = v.flag_id"
            " WHERE v.verdict_id = ? AND v.origin = 'here'",
            (verdict_id,),
        ).fetchone()
        if row is None:
            raise CannotUndo(f"no verdict {verdict_id} was made here")
        flag_id, _state, status, previous_state, base, attempts, current = row
        if status == "conflict":
            raise FlagInConflict(flag_id)
        if status == "withdrawn" or _undone_by(conn, verdict_id):
            raise CannotUndo("that verdict was undone already")
        if current != verdict_id:
            raise CannotUndo(
                f"flag {flag_id} was decided again since: undo the later verdict"
            )
        restored = previous_state or "new"
        if status == "pending" and attempts == 0:
            _withdraw(conn, verdict_id, "undone")
            _restore_current(conn, flag_id, base, restored)
            return UndoResult(flag_id, restored, None)
        compensating = _insert_local(conn, flag_id, restored, None, undoes=verdict_id)
        return UndoResult(flag_id, restored, compensating.verdict_id)


def _undone_by(conn: sqlite3.Connection, verdict_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM flag_verdicts WHERE undoes_verdict_id = ? AND status !="
        " 'withdrawn'",
        (verdict_id,),
    ).fetchone()
    return row is not None


def _withdraw(conn: sqlite3.Connection, verdict_id: str, resolution: str) -> None:
    """Take a verdict out of the outbox for good, saying why."""
    conn.execute(
        "UPDATE flag_verdicts SET status = 'withdrawn' WHERE verdict_id = ?",
        (verdict_id,),
    )
    conn.execute(
        "UPDATE verdict_outbox SET outcome = 'withdrawn', outcome_at_ms = ?,"
        " resolution = ? WHERE verdict_id = ?",
        (now_ms(), resolution, verdict_id),
    )


def _restore_current(
    conn: sqlite3.Connection, flag_id: str, base: str | None, state: str
) -> None:
    """Make `base` the flag's current verdict again (none: the flag is new)."""
    row = None
    if base is not None:
        row = conn.execute(
            "SELECT verdict_id, state, decided_by, decided_at_ms FROM flag_verdicts"
            " WHERE verdict_id = ? AND status != 'withdrawn'",
            (base,),
        ).fetchone()
    if row is None:
        conn.execute("DELETE FROM flag_current_verdict WHERE flag_id = ?", (flag_id,))
        conn.execute("UPDATE flags SET state = ? WHERE flag_id = ?", (state, flag_id))
        return
    _set_current(conn, flag_id, row[0], row[1], row[2], row[3])


# --- the outbox, as the sync sends it ---------------------------------------


_OUTGOING_SQL = (
    "SELECT v.verdict_id, v.flag_id, v.state, v.note, v.decided_at_ms,"
    " v.base_verdict_id, o.attempts"
    " FROM verdict_outbox o JOIN flag_verdicts v USING (verdict_id)"
)


def waiting_verdicts(conn: sqlite3.Connection) -> list[OutgoingVerdict]:
    """The verdicts to send, in the order they were made.

    A verdict on a flag whose conflict is unsettled waits behind it: it was
    decided on top of the verdict in conflict and would only conflict too.
    """
    rows = conn.execute(
        f"{_OUTGOING_SQL} WHERE o.outcome IS NULL AND v.flag_id NOT IN"
        " (SELECT flag_id FROM flag_verdicts WHERE status = 'conflict')"
        " ORDER BY v.made_seq"
    ).fetchall()
    return [OutgoingVerdict(*row) for row in rows]


def mark_attempt(
    conn: sqlite3.Connection, path: Path, verdict_id: str
) -> OutgoingVerdict | None:
    """Claim a waiting verdict for one send; what to send, or None to skip it.

    Recorded before the request leaves, in the same transaction as the check
    that the verdict still waits: an undo either comes first (the verdict is
    withdrawn and never sent) or after (it sees the attempt and compensates).
    """
    with sqlite_errors(path), transaction(conn):
        claimed = conn.execute(
            "UPDATE verdict_outbox SET attempts = attempts + 1, last_attempt_ms = ?"
            " WHERE verdict_id = ? AND outcome IS NULL",
            (now_ms(), verdict_id),
        ).rowcount
        if not claimed:
            return None
        row = conn.execute(
            f"{_OUTGOING_SQL} WHERE v.verdict_id = ?", (verdict_id,)
        ).fetchone()
    return OutgoingVerdict(*row)


def mark_failed(
    conn: sqlite3.Connection, path: Path, verdict_id: str, why: str
) -> None:
    """Record why a send failed; the verdict keeps waiting for the next sync."""
    with sqlite_errors(path), transaction(conn):
        conn.execute(
            "UPDATE verdict_outbox SET last_error = ? WHERE verdict_id = ?",
            (why, verdict_id),
        )


def mark_sent(conn: sqlite3.Connection, path: Path, accepted: RemoteVerdict) -> None:
    """The remote holds the verdict: the outbox row is done."""
    with sqlite_errors(path), transaction(conn):
        _mark_sent(conn, accepted)


def _mark_sent(conn: sqlite3.Connection, accepted: RemoteVerdict) -> None:
    conn.execute(
        "UPDATE flag_verdicts SET status = 'sent', inserted_at_ms = ?,"
        " decided_by = ? WHERE verdict_id = ?",
        (accepted.inserted_at_ms, accepted.decided_by, accepted.verdict_id),
    )
    conn.execute(
        "UPDATE verdict_outbox SET outcome = 'sent', outcome_at_ms = ?,"
        " last_error = NULL WHERE verdict_id = ?",
        (now_ms(), accepted.verdict_id),
    )


def mark_rejected(
    conn: sqlite3.Connection, path: Path, verdict_id: str, why: str
) -> None:
    """The remote refused the verdict for good (the flag is gone there, ...).

    The verdict stays on record here, with the reason, and keeps its local
    effect on the flag; it is never sent again.
    """
    with sqlite_errors(path), transaction(conn):
        conn.execute(
            "UPDATE flag_verdicts SET status = 'withdrawn' WHERE verdict_id = ?",
            (verdict_id,),
        )
        conn.execute(
            "UPDATE verdict_outbox SET outcome = 'rejected', outcome_at_ms = ?,"
            " last_error = ? WHERE verdict_id = ?",
            (now_ms(), why, verdict_id),
        )


def mark_conflict(
    conn: sqlite3.Connection, path: Path, verdict_id: str, current: RemoteVerdict
) -> None:
    """Another reviewer decided first: keep both on record until the user settles.

    The flag keeps showing our verdict's state, marked as in conflict.
    """
    with sqlite_errors(path), transaction(conn):
        _upsert_remote(conn, current)
        conn.execute(
            "UPDATE flag_verdicts SET status = 'conflict' WHERE verdict_id = ?",
            (verdict_id,),
        )
        conn.execute(
            "UPDATE verdict_outbox SET outcome = 'conflict', outcome_at_ms = ?,"
            " conflict_verdict_id = ?, last_error = NULL WHERE verdict_id = ?",
            (now_ms(), current.verdict_id, verdict_id),
        )


def keep_mine(conn: sqlite3.Connection, path: Path, verdict_id: str) -> Verdict:
    """Settle a conflict by sending ours again, on top of the other's verdict."""
    with sqlite_errors(path), transaction(conn):
        theirs_id = _conflict_partner(conn, verdict_id)
        conn.execute(
            "UPDATE flag_verdicts SET status = 'pending', base_verdict_id = ?"
            " WHERE verdict_id = ?",
            (theirs_id, verdict_id),
        )
        conn.execute(
            "UPDATE verdict_outbox SET outcome = NULL, outcome_at_ms = ?,"
            " resolution = 'kept_mine' WHERE verdict_id = ?",
            (now_ms(), verdict_id),
        )
        mine = verdict(conn, verdict_id)
        assert mine is not None
        _set_current(
            conn,
            mine.flag_id,
            verdict_id,
            mine.state,
            mine.decided_by,
            mine.decided_at_ms,
        )
        return mine


def take_theirs(conn: sqlite3.Connection, path: Path, verdict_id: str) -> Verdict:
    """Settle a conflict by adopting the other's verdict and dropping ours.

    Ours is withdrawn (on record, with the resolution `took_theirs`), and so
    are verdicts made here on the same flag after it, which were built on it.
    Returns the verdict adopted.
    """
    with sqlite_errors(path), transaction(conn):
        theirs_id = _conflict_partner(conn, verdict_id)
        mine = verdict(conn, verdict_id)
        assert mine is not None
        later = conn.execute(
            "SELECT v.verdict_id FROM flag_verdicts v JOIN verdict_outbox o"
            " USING (verdict_id) WHERE v.flag_id = ? AND o.outcome IS NULL AND"
            " v.made_seq > (SELECT made_seq FROM flag_verdicts WHERE verdict_id = ?)",
            (mine.flag_id, verdict_id),
        ).fetchall()
        for (later_id,) in later:
            _withdraw(conn, later_id, "took_theirs")
        _withdraw(conn, verdict_id, "took_theirs")
        _reconcile_flag(conn, mine.flag_id)
        theirs = verdict(conn, theirs_id)
        assert theirs is not None
        return theirs


def _conflict_partner(conn: sqlite3.Connection, verdict_id: str) -> str:
    """The other reviewer's verdict our conflicted verdict lost to."""
    row = conn.execute(
        "SELECT o.conflict_verdict_id FROM verdict_outbox o JOIN flag_verdicts v"
        " USING (verdict_id) WHERE o.verdict_id = ? AND v.status = 'conflict'",
        (verdict_id,),
    ).fetchone()
    if row is None or row[0] is None:
        raise CannotUndo(f"verdict {verdict_id} is not in conflict")
    return str(row[0])


def outbox_counts(conn: sqlite3.Connection) -> OutboxCounts:
    """How many verdicts wait to be sent, are in conflict, were rejected."""
    row = conn.execute(
        "SELECT coalesce(sum(outcome IS NULL), 0),"
        " coalesce(sum(outcome = 'conflict'), 0),"
        " coalesce(sum(outcome = 'rejected'), 0) FROM verdict_outbox"
    ).fetchone()
    return OutboxCounts(int(row[0]), int(row[1]), int(row[2]))


def open_conflicts(
    conn: sqlite3.Connection, flag_id: str | None = None
) -> list[Conflict]:
    """Every unsettled conflict (or the flag's), oldest verdict first."""
    on_flag = "" if flag_id is None else " AND v.flag_id = ?"
    rows = conn.execute(
        "SELECT o.verdict_id, o.conflict_verdict_id FROM verdict_outbox o"
        " JOIN flag_verdicts v USING (verdict_id)"
        f" WHERE v.status = 'conflict'{on_flag} ORDER BY v.made_seq",
        () if flag_id is None else (flag_id,),
    ).fetchall()
    conflicts = []
    for mine_id, theirs_id in rows:
        mine, theirs = verdict(conn, mine_id), verdict(conn, theirs_id)
        if mine is not None and theirs is not None:
            conflicts.append(Conflict(mine, theirs))
    return conflicts


def conflict_of(conn: sqlite3.Connection, flag_id: str) -> Conflict | None:
    """The flag's unsettled conflict, if it has one."""
    conflicts = open_conflicts(conn, flag_id)
    return conflicts[0] if conflicts else None


# --- the team's verdicts, as the sync pulls them ----------------------------


def apply_remote_verdicts(
    conn: sqlite3.Connection,
    path: Path,
    verdicts: Sequence[RemoteVerdict],
    cursor: str | None,
) -> int:
    """Store one export page of verdicts and its bookmark, in one transaction.

    Our own verdicts come back too: one still waiting in the outbox (a crash
    after the remote accepted it, before it was marked) is marked sent, so it
    is not sent again. Each touched flag then takes the state of its latest
    accepted verdict, unless a verdict made here still waits or is in
    conflict: that one is the user's word until it is settled. Returns how
    many verdicts were new here.
    """
    with sqlite_errors(path), transaction(conn):
        added = 0
        for verdict in verdicts:
            added += _upsert_remote(conn, verdict)
        for flag_id in {verdict.flag_id for verdict in verdicts}:
            _reconcile_flag(conn, flag_id)
        conn.execute(
            "INSERT INTO sync_state (source, cursor) VALUES (?, ?) "
            "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor",
            (VERDICT_SOURCE, cursor),
        )
    return added


def set_aside(
    conn: sqlite3.Connection, path: Path, endpoint: str, reason: str, payload: str
) -> None:
    """Keep a verdict record that breaks the contract in `rejects`, once."""
    with sqlite_errors(path), transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO rejects (endpoint, reason, payload,"
            " rejected_at_ms) VALUES (?, ?, ?, ?)",
            (endpoint, reason, payload, now_ms()),
        )


def settle_flag_states(conn: sqlite3.Connection, path: Path) -> int:
    """Give every flag its current verdict's state; returns flags changed.

    Flags and their verdicts come by separate streams, so a flag may land
    after its verdict (with the default `new`); this catches it up.
    """
    with sqlite_errors(path), transaction(conn):
        cursor = conn.execute(
            "UPDATE flags SET state = c.state FROM flag_current_verdict c"
            " WHERE c.flag_id = flags.flag_id AND flags.state IS NOT c.state"
        )
        return max(0, cursor.rowcount)


def _upsert_remote(conn: sqlite3.Connection, verdict: RemoteVerdict) -> int:
    """Store a verdict the remote holds; 1 when it was not known here."""
    known = conn.execute(
        "SELECT origin, status FROM flag_verdicts WHERE verdict_id = ?",
        (verdict.verdict_id,),
    ).fetchone()
    if known is None:
        conn.execute(
            "INSERT INTO flag_verdicts (verdict_id, flag_id, state, note,"
            " decided_at_ms, decided_by, base_verdict_id, inserted_at_ms, origin,"
            " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'remote', 'accepted')",
            (
                verdict.verdict_id,
                verdict.flag_id,
                verdict.state,
                verdict.note,
                verdict.decided_at_ms,
                verdict.decided_by,
                verdict.base_verdict_id,
                verdict.inserted_at_ms,
            ),
        )
        return 1
    origin, status = known
    if origin == "here" and status != "sent":
        # The remote holds it whatever we thought: that is the truth to keep.
        _mark_sent(conn, verdict)
    elif origin == "remote":
        conn.execute(
            "UPDATE flag_verdicts SET inserted_at_ms = ? WHERE verdict_id = ?",
            (verdict.inserted_at_ms, verdict.verdict_id),
        )
    return 0


def _reconcile_flag(conn: sqlite3.Connection, flag_id: str) -> None:
    """Point the flag at its latest accepted verdict, unless ours is unsettled."""
    unsettled = conn.execute(
        "SELECT 1 FROM flag_verdicts WHERE flag_id = ? AND origin = 'here'"
        " AND status IN ('pending', 'conflict')",
        (flag_id,),
    ).fetchone()
    if unsettled is not None:
        return
    latest = conn.execute(
        "SELECT verdict_id, state, decided_by, decided_at_ms FROM flag_verdicts"
        " WHERE flag_id = ? AND status IN ('sent', 'accepted')"
        " ORDER BY inserted_at_ms DESC, verdict_id DESC LIMIT 1",
        (flag_id,),
    ).fetchone()
    if latest is None:
        _restore_current(conn, flag_id, None, "new")
        return
    _set_current(conn, flag_id, *latest)


# --- single verdicts and a flag's history -----------------------------------

_VERDICT_COLUMNS = (
    "v.verdict_id, v.flag_id, v.state, v.note, v.decided_at_ms, v.decided_by,"
    " u.name, v.base_verdict_id, v.inserted_at_ms, v.origin, v.status"
)


def verdict(conn: sqlite3.Connection, verdict_id: str) -> Verdict | None:
    """One verdict by id, with its reviewer's name."""
    row = conn.execute(
        f"SELECT {_VERDICT_COLUMNS} FROM flag_verdicts v"
        " LEFT JOIN users u ON u.user_id = v.decided_by WHERE v.verdict_id = ?",
        (verdict_id,),
    ).fetchone()
    return None if row is None else Verdict(*row)


def flag_verdicts(conn: sqlite3.Connection, flag_id: str) -> list[Verdict]:
    """Every verdict on a flag, in the order they were decided."""
    rows = conn.execute(
        f"SELECT {_VERDICT_COLUMNS} FROM flag_verdicts v"
        " LEFT JOIN users u ON u.user_id = v.decided_by WHERE v.flag_id = ?"
        " ORDER BY coalesce(v.inserted_at_ms, 9e18), v.made_seq, v.decided_at_ms",
        (flag_id,),
    ).fetchall()
    return [Verdict(*row) for row in rows]


# --- the queue --------------------------------------------------------------


@dataclass(frozen=True)
class FlagFilter:
    """Which flags the queue shows, and in which order.

    Empty tuples mean "any". `states` defaults to the flags awaiting a
    verdict. The period is half-open on `flagged_at_ms`.
    """

    application_ids: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    states: tuple[str, ...] = ("new",)
    since_ms: int | None = None
    until_ms: int | None = None
    reviewer: str | None = None  # who decided the flag's current verdict
    newest_first: bool = False


@dataclass(frozen=True, slots=True)
class QueueKey:
    """A flag's place in the queue order."""

    flagged_at_ms: int
    flag_id: str


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One flagged response as the queue lists it."""

    flag_id: str
    flagged_at_ms: int
    application_id: str
    agent_name: str | None
    reason: str
    state: str
    comment: str | None  # untrusted
    session_id: str
    message_id: str
    reviewer_name: str | None  # who decided the current verdict
    sync_status: str | None  # ours not yet sent: pending, conflict or rejected
    response_excerpt: str | None  # untrusted; None when not held locally

    @property
    def key(self) -> QueueKey:
        """Where this row stands in the queue order."""
        return QueueKey(self.flagged_at_ms, self.flag_id)


def _where(selection: FlagFilter, *, with_state: bool = True) -> tuple[str, list[Any]]:
    """The WHERE clause (over `flags f`) and its parameters for a filter."""
    clauses: list[str] = []
    params: list[Any] = []

    def among(column: str, values: Sequence[str]) -> None:
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)

    if selection.application_ids:
        among("f.application_id", selection.application_ids)
    if selection.reasons:
        among("f.reason", selection.reasons)
    if with_state and selection.states:
        among("f.state", selection.states)
    if selection.since_ms is not None:
        clauses.append("f.flagged_at_ms >= ?")
        params.append(selection.since_ms)
    if selection.until_ms is not None:
        clauses.append("f.flagged_at_ms < ?")
        params.append(selection.until_ms)
    if selection.reviewer is not None:
        clauses.append(
            "f.flag_id IN (SELECT flag_id FROM flag_current_verdict"
            " WHERE decided_by = ?)"
        )
        params.append(selection.reviewer)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _beyond(
    where: str,
    params: list[Any],
    selection: FlagFilter,
    key: QueueKey,
    *,
    later: bool,
) -> tuple[str, list[Any]]:
    """`where` narrowed to the flags after `key` (or before it) in queue order."""
    compare = ">" if later != selection.newest_first else "<"
    clause = f"(f.flagged_at_ms, f.flag_id) {compare} (?, ?)"
    return (
        where + (" AND " if where else " WHERE ") + clause,
        [*params, key.flagged_at_ms, key.flag_id],
    )


def count_by_state(conn: sqlite3.Connection, selection: FlagFilter) -> dict[str, int]:
    """Flags per state under every filter but the state one (all states listed)."""
    where, params = _where(selection, with_state=False)
    rows = conn.execute(
        f"SELECT coalesce(f.state, 'new'), count(*) FROM flags f{where} GROUP BY 1",
        params,
    ).fetchall()
    counts = dict.fromkeys(STATES, 0)
    for state, number in rows:
        counts[state] = counts.get(state, 0) + int(number)
    return counts


def count_flags(conn: sqlite3.Connection, selection: FlagFilter) -> int:
    """How many flags the filter lets through."""
    where, params = _where(selection)
    return int(
        conn.execute(f"SELECT count(*) FROM flags f{where}", params).fetchone()[0]
    )


_QUEUE_COLUMNS = f"""
    f.flag_id, f.flagged_at_ms, f.application_id, a.name, f.reason,
    coalesce(f.state, 'new'), f.comment, f.session_id, f.message_id, u.name,
    CASE WHEN v.origin = 'here' AND o.outcome IS NULL THEN 'pending'
         WHEN o.outcome IN ('conflict', 'rejected') THEN o.outcome END,
    substr(m.content, 1, {EXCERPT_CHARS})
"""
_QUEUE_JOINS = """
    FROM flags f
    LEFT JOIN agents a ON a.application_id = f.application_id
    LEFT JOIN flag_current_verdict c ON c.flag_id = f.flag_id
    LEFT JOIN flag_verdicts v ON v.verdict_id = c.verdict_id
    LEFT JOIN verdict_outbox o ON o.verdict_id = c.verdict_id
    LEFT JOIN users u ON u.user_id = c.decided_by
    LEFT JOIN messages m ON m.message_id = f.message_id
"""


def queue_page(
    conn: sqlite3.Connection,
    selection: FlagFilter,
    *,
    limit: int,
    after: QueueKey | None = None,
    offset: int = 0,
) -> list[QueueRow]:
    """Up to `limit` flags in queue order, after `after` (keyset) or at `offset`."""
    where, params = _where(selection)
    direction = "DESC" if selection.newest_first else "ASC"
    if after is not None:
        where, params = _beyond(where, params, selection, after, later=True)
    rows = conn.execute(
        f"SELECT {_QUEUE_COLUMNS} {_QUEUE_JOINS}{where}"
        f" ORDER BY f.flagged_at_ms {direction}, f.flag_id {direction}"
        " LIMIT ? OFFSET ?",
        [*params, limit, 0 if after is not None else offset],
    ).fetchall()
    return [QueueRow(*row) for row in rows]


def queue_row(conn: sqlite3.Connection, flag_id: str) -> QueueRow | None:
    """One flag as the queue lists it, whatever the filter."""
    row = conn.execute(
        f"SELECT {_QUEUE_COLUMNS} {_QUEUE_JOINS} WHERE f.flag_id = ?", (flag_id,)
    ).fetchone()
    return None if row is None else QueueRow(*row)


def next_in_queue(
    conn: sqlite3.Connection, selection: FlagFilter, after: QueueKey | None
) -> QueueRow | None:
    """The flag that follows `after` in the queue, wrapping to the top.

    Used after a verdict: with the default filter the decided flag has left
    the queue, and the next one awaiting a verdict comes up by itself.
    """
    following = queue_page(conn, selection, limit=1, after=after)
    if following:
        return following[0]
    if after is None:
        return None
    first = queue_page(conn, selection, limit=1)
    if first and first[0].flag_id != after.flag_id:
        return first[0]
    return None


def position_in_queue(
    conn: sqlite3.Connection, selection: FlagFilter, key: QueueKey
) -> int:
    """How many flags of the queue come before `key` (its 0-based position)."""
    where, params = _where(selection)
    where, params = _beyond(where, params, selection, key, later=False)
    row = conn.execute(f"SELECT count(*) FROM flags f{where}", params).fetchone()
    return int(row[0])


class QueueSource:
    """The queue as a row source for a virtual table: counted once, read by page.

    Pages are read by keyset from the last row of the page before when that
    page was read (the usual case: scrolling), else by offset.
    """

    def __init__(self, conn: sqlite3.Connection, selection: FlagFilter) -> None:
        self.conn = conn
        self.selection = selection
        self._count = count_flags(conn, selection)
        self._last_key_before: dict[int, QueueKey] = {}

    def count(self) -> int:
        """How many flags the queue holds."""
        return self._count

    def fetch(self, start: int, limit: int) -> list[QueueRow]:
        """Up to `limit` flags from position `start`."""
        after = self._last_key_before.get(start)
        if after is not None:
            rows = queue_page(self.conn, self.selection, limit=limit, after=after)
        else:
            rows = queue_page(self.conn, self.selection, limit=limit, offset=start)
        if rows:
            self._last_key_before[start + len(rows)] = rows[-1].key
        return rows


# --- the review view --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContextMessage:
    """A message of the flagged conversation."""

    message_id: str
    seq: int
    role: str
    content: str  # untrusted
    created_at_ms: int | None


@dataclass(frozen=True)
class FlagDetail:
    """Everything the review view shows about one flag."""

    row: QueueRow
    flagged_by: str | None
    flagged_by_name: str | None
    response: ContextMessage | None  # None when the message is not held locally
    question: ContextMessage | None  # the user's message before the response
    earlier: list[ContextMessage] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    conflict: Conflict | None = None


def flag_detail(conn: sqlite3.Connection, flag_id: str) -> FlagDetail | None:
    """The flag, its response and the conversation before it, and its verdicts."""
    row = queue_row(conn, flag_id)
    if row is None:
        return None
    flagged_by = conn.execute(
        "SELECT f.user_id, u.name FROM flags f LEFT JOIN users u"
        " ON u.user_id = f.user_id WHERE f.flag_id = ?",
        (flag_id,),
    ).fetchone()
    response = _message(conn, "message_id = ?", (row.message_id,))
    question: ContextMessage | None = None
    earlier: list[ContextMessage] = []
    if response is not None:
        question = _message(
            conn,
            "session_id = ? AND seq < ? AND role = 'user' ORDER BY seq DESC",
            (row.session_id, response.seq),
        )
        if question is not None:
            earlier = _messages_before(conn, row.session_id, question.seq)
    return FlagDetail(
        row=row,
        flagged_by=flagged_by[0] if flagged_by else None,
        flagged_by_name=flagged_by[1] if flagged_by else None,
        response=response,
        question=question,
        earlier=earlier,
        verdicts=flag_verdicts(conn, flag_id),
        conflict=conflict_of(conn, flag_id) if row.sync_status == "conflict" else None,
    )


_MESSAGE_COLUMNS = "message_id, seq, role, coalesce(content, ''), created_at_ms"


def _message(
    conn: sqlite3.Connection, condition: str, params: tuple[Any, ...]
) -> ContextMessage | None:
    row = conn.execute(
        f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE {condition} LIMIT 1", params
    ).fetchone()
    return None if row is None else ContextMessage(*row)


def _messages_before(
    conn: sqlite3.Connection, session_id: str, seq: int
) -> list[ContextMessage]:
    rows = conn.execute(
        f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE session_id = ? AND seq < ?"
        " ORDER BY seq DESC LIMIT ?",
        (session_id, seq, EARLIER_TURNS),
    ).fetchall()
    return [ContextMessage(*row) for row in reversed(rows)]


# --- choices for the filters ------------------------------------------------


def flagged_agents(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(application id, name, flags) of every agent with flags, by name."""
    rows = conn.execute(
        "SELECT f.application_id, coalesce(a.name, f.application_id), count(*)"
        " FROM flags f LEFT JOIN agents a ON a.application_id = f.application_id"
        " GROUP BY f.application_id ORDER BY 2, 1"
    ).fetchall()
    return [(str(a), str(n), int(c)) for a, n, c in rows]


def reviewers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(user id, name) of everyone who decided a flag's current verdict."""
    rows = conn.execute(
        "SELECT c.decided_by, coalesce(u.name, c.decided_by) FROM"
        " (SELECT DISTINCT decided_by FROM flag_current_verdict"
        "  WHERE decided_by IS NOT NULL) c"
        " LEFT JOIN users u ON u.user_id = c.decided_by ORDER BY 2, 1"
    ).fetchall()
    return [(str(user), str(name)) for user, name in rows]


# --- the report -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One flag as the report writes it: response, context and verdict."""

    flag_id: str
    flagged_at_ms: int
    application_id: str
    agent_name: str | None
    session_id: str
    message_id: str
    reason: str
    comment: str | None
    flagged_by_name: str | None
    question: str | None  # the user's message before the response
    response: str | None
    state: str
    note: str | None
    decided_by_name: str | None
    decided_at_ms: int | None
    sync_status: str | None  # pending, sent, conflict, rejected, or None

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict, in column order."""
        return {name: getattr(self, name) for name in self.__slots__}


EXPORT_COLUMNS = ExportRow.__slots__

_EXPORT_SQL = """
SELECT f.flag_id, f.flagged_at_ms, f.application_id, a.name, f.session_id,
       f.message_id, f.reason, f.comment, fu.name,
       (SELECT q.content FROM messages q
         WHERE q.session_id = m.session_id AND q.seq < m.seq AND q.role = 'user'
         ORDER BY q.seq DESC LIMIT 1),
       m.content, coalesce(f.state, 'new'), v.note, du.name, v.decided_at_ms,
       CASE WHEN v.origin = 'here' THEN
            coalesce(o.outcome, CASE WHEN v.status = 'pending' THEN 'pending' END)
       END
FROM flags f
LEFT JOIN agents a ON a.application_id = f.application_id
LEFT JOIN users fu ON fu.user_id = f.user_id
LEFT JOIN messages m ON m.message_id = f.message_id
LEFT JOIN flag_current_verdict c ON c.flag_id = f.flag_id
LEFT JOIN flag_verdicts v ON v.verdict_id = c.verdict_id
LEFT JOIN users du ON du.user_id = v.decided_by
LEFT JOIN verdict_outbox o ON o.verdict_id = v.verdict_id
"""


def export_rows(conn: sqlite3.Connection, selection: FlagFilter) -> Iterator[ExportRow]:
    """The flags of the filter in queue order, read as they are written out."""
    where, params = _where(selection)
    direction = "DESC" if selection.newest_first else "ASC"
    cursor = conn.execute(
        f"{_EXPORT_SQL}{where} ORDER BY f.flagged_at_ms {direction},"
        f" f.flag_id {direction}",
        params,
    )
    while True:
        batch = cursor.fetchmany(500)
        if not batch:
            return
        for row in batch:
            yield ExportRow(*row)

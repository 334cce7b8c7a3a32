"""The read queries behind a session's transcript.

A transcript can hold tens of thousands of messages, so it is read in two
steps. `transcript_index` reads where every message sits (its `seq`) and which
are flagged from the indexes alone, never touching a message's row: that is
what keeps the first screen of a 10,000-message session fast on a large file.
`messages_at` then reads the full messages of one page, joined with their
agent response's log record and their flags.

Positions: the i-th message in conversation order (by `seq`, then
`message_id`, so that a remote repeating a `seq` still gives a stable order)
is at position i.
"""

import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What the top of a transcript says about its session."""

    session_id: str
    application_id: str
    agent_name: str | None
    user_id: str | None
    user_name: str | None
    started_at_ms: int
    ended_at_ms: int | None
    message_count: int  # the messages the local copy holds
    flagged_responses: int  # distinct agent messages with at least one flag


@dataclass(frozen=True, slots=True)
class TranscriptIndex:
    """Where each message of a session sits, and which ones are flagged."""

    seqs: list[int]  # the seq at each position, in order (repeats possible)
    flag_counts: dict[int, int]  # position -> flags on it, flagged ones only

    def __len__(self) -> int:
        return len(self.seqs)

    @property
    def flagged_positions(self) -> list[int]:
        """The positions of the flagged responses, in conversation order."""
        return sorted(self.flag_counts)

    def first_position(self, seq: int) -> int:
        """The first position holding `seq`."""
        return bisect_left(self.seqs, seq)

    def repeats(self, seq: int) -> int:
        """How many messages share `seq` (1 unless the remote repeated it)."""
        return bisect_right(self.seqs, seq) - bisect_left(self.seqs, seq)


@dataclass(frozen=True, slots=True)
class AgentResponse:
    """The log record behind an agent message: how the response went."""

    log_id: str
    inserted_at_ms: int
    duration_ms: int | None  # None: the remote did not record it
    http_status: int
    run_status: str | None
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None


@dataclass(frozen=True, slots=True)
class Flag:
    """An end user's flag on an agent response."""

    flag_id: str
    reason: str  # inappropriate or inaccurate
    comment: str | None
    flagged_at_ms: int | None
    user_id: str | None
    user_name: str | None
    state: str | None


@dataclass(frozen=True, slots=True)
class TranscriptMessage:
    """One turn of the conversation, with its response details and flags."""

    message_id: str
    seq: int
    role: str  # user or agent
    content: str  # untrusted, exactly as received
    created_at_ms: int | None
    log_id: str | None
    response: AgentResponse | None  # None for user turns, or an unsynced record
    flags: tuple[Flag, ...]


def session_summary(
    connection: sqlite3.Connection, session_id: str
) -> SessionSummary | None:
    """The session's agent, user, times and counts; None when it is not held.

    A session whose messages arrived before the session record itself (the
    export streams are eventually consistent) is still summarised, from its
    messages.
    """
    row = connection.execute(
        """
        SELECT s.application_id, a.name, s.user_id, u.name, s.started_at_ms,
               s.ended_at_ms
        FROM sessions s
        LEFT JOIN agents a ON a.application_id = s.application_id
        LEFT JOIN users u ON u.user_id = s.user_id
        WHERE s.session_id = ?
        """,
        (session_id,),
    ).fetchone()
    # From the (session_id, seq) index alone: no message row is read.
    message_count = connection.execute(
        "SELECT count(*) FROM messages WHERE session_id = ?", (session_id,)
    ).fetchone()[0]
    if row is None and message_count == 0:
        return None
    flagged = connection.execute(
        "SELECT count(DISTINCT message_id) FROM flags WHERE session_id = ?",
        (session_id,),
    ).fetchone()[0]
    if row is None:
        row = _summary_from_messages(connection, session_id)
    application_id, agent_name, user_id, user_name, started_ms, ended_ms = row
    return SessionSummary(
        session_id=session_id,
        application_id=application_id,
        agent_name=agent_name,
        user_id=user_id,
        user_name=user_name,
        started_at_ms=started_ms,
        ended_at_ms=ended_ms,
        message_count=message_count,
        flagged_responses=flagged,
    )


def _summary_from_messages(
    connection: sqlite3.Connection, session_id: str
) -> tuple[str, str | None, None, None, int, int | None]:
    """What a session's messages say about it, when its record has not arrived."""
    application_id, first_ms, last_ms = connection.execute(
        "SELECT max(application_id), min(created_at_ms), max(created_at_ms) "
        "FROM messages WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    agent = connection.execute(
        "SELECT name FROM agents WHERE application_id = ?", (application_id,)
    ).fetchone()
    return (
        application_id,
        agent[0] if agent else None,
        None,
        None,
        first_ms or 0,
        last_ms,
    )


def transcript_index(
    connection: sqlite3.Connection, session_id: str
) -> TranscriptIndex:
    """Every message's position and the flagged ones, from the indexes alone."""
    seqs = [
        row[0]
        for row in connection.execute(
            "SELECT seq FROM messages WHERE session_id = ? ORDER BY seq",
            (session_id,),
        )
    ]
    index = TranscriptIndex(seqs=seqs, flag_counts={})
    flagged = connection.execute(
        """
        SELECT m.seq, m.message_id, count(*)
        FROM flags f JOIN messages m ON m.message_id = f.message_id
        WHERE f.session_id = ? AND m.session_id = ?
        GROUP BY m.message_id
        """,
        (session_id, session_id),
    ).fetchall()
    for seq, message_id, count in flagged:
        position = message_position(connection, session_id, index, seq, message_id)
        index.flag_counts[position] = count
    return index


def message_position(
    connection: sqlite3.Connection,
    session_id: str,
    index: TranscriptIndex,
    seq: int,
    message_id: str,
) -> int:
    """The position of the message `message_id`, whose seq is `seq`."""
    position = index.first_position(seq)
    if index.repeats(seq) > 1:
        same_seq = [
            row[0]
            for row in connection.execute(
                "SELECT message_id FROM messages WHERE session_id = ? AND seq = ? "
                "ORDER BY message_id",
                (session_id, seq),
            )
        ]
        position += same_seq.index(message_id) if message_id in same_seq else 0
    return position


def find_message(
    connection: sqlite3.Connection,
    index: TranscriptIndex,
    session_id: str,
    message_id: str,
) -> int | None:
    """The position of a message by its id, or None when it is not in the session."""
    row = connection.execute(
        "SELECT seq FROM messages WHERE message_id = ? AND session_id = ?",
        (message_id, session_id),
    ).fetchone()
    if row is None:
        return None
    return message_position(connection, session_id, index, row[0], message_id)


def messages_at(
    connection: sqlite3.Connection,
    session_id: str,
    index: TranscriptIndex,
    positions: Sequence[int],
) -> dict[int, TranscriptMessage]:
    """The full messages at these positions, with responses and flags.

    Positions whose message is no longer held (purged since the index was
    read) are left out. Meant for one page at a time: a few dozen positions.
    """
    wanted = sorted({index.seqs[position] for position in positions})
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = connection.execute(
        f"""
        SELECT m.message_id, m.seq, m.role, m.content, m.created_at_ms, m.log_id,
               l.log_id, l.inserted_at_ms, l.duration_ms, l.http_status,
               l.run_status, l.model, l.prompt_tokens, l.completion_tokens,
               l.total_tokens
        FROM messages m LEFT JOIN log_records l ON l.log_id = m.log_id
        WHERE m.session_id = ? AND m.seq IN ({marks})
        ORDER BY m.seq, m.message_id
        """,
        [session_id, *wanted],
    ).fetchall()
    flags = _flags_of(connection, [row[0] for row in rows])
    found: dict[int, TranscriptMessage] = {}
    rank: dict[int, int] = {}
    for row in rows:
        seq = row[1]
        position = index.first_position(seq) + rank.get(seq, 0)
        rank[seq] = rank.get(seq, 0) + 1
        response = AgentResponse(*row[6:15]) if row[6] is not None else None
        found[position] = TranscriptMessage(
            message_id=row[0],
            seq=seq,
            role=row[2],
            content=row[3] or "",
            created_at_ms=row[4],
            log_id=row[5],
            response=response,
            flags=tuple(flags.get(row[0], ())),
        )
    return {position: found[position] for position in positions if position in found}


def _flags_of(
    connection: sqlite3.Connection, message_ids: Sequence[str]
) -> dict[str, list[Flag]]:
    """The flags on the given messages, oldest first, by message id."""
    if not message_ids:
        return {}
    marks = ",".join("?" * len(message_ids))
    rows = connection.execute(
        f"""
        SELECT f.message_id, f.flag_id, f.reason, f.comment, f.flagged_at_ms,
               f.user_id, u.name, f.state
        FROM flags f LEFT JOIN users u ON u.user_id = f.user_id
        WHERE f.message_id IN ({marks})
        ORDER BY f.flagged_at_ms, f.flag_id
        """,
        list(message_ids),
    )
    flags: dict[str, list[Flag]] = {}
    for message_id, *fields in rows.fetchall():
        flags.setdefault(message_id, []).append(Flag(*fields))
    return flags


def longest_session(connection: sqlite3.Connection) -> str | None:
    """The session with the most messages, by its recorded count; None if none."""
    row = connection.execute(
        "SELECT session_id FROM sessions "
        "ORDER BY message_count DESC, session_id LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])

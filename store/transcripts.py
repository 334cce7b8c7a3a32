"""The read queries behind a session's transcript.

A transcript can hold tens of thousands of messages, so it is read in two
steps: `transcript_index` gives one small row per message (its id, role, the
size of its content and whether it is flagged), enough for a view to lay out
a scrollbar and estimate heights; `transcript_messages` then reads the full
messages of one page, joined with their agent response's log record and
their flags.
"""

import sqlite3
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
class IndexEntry:
    """One message as the transcript's index knows it, before its content."""

    message_id: str
    role: str  # user or agent
    content_length: int  # characters
    newline_count: int
    flag_count: int

    @property
    def is_flagged(self) -> bool:
        """Whether an end user flagged this response."""
        return self.flag_count > 0


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
    counts = connection.execute(
        """
        SELECT count(*), min(created_at_ms), max(created_at_ms),
               max(application_id)
        FROM messages WHERE session_id = ?
        """,
        (session_id,),
    ).fetchone()
    message_count, first_ms, last_ms, message_application = counts
    if row is None and message_count == 0:
        return None
    flagged = connection.execute(
        "SELECT count(DISTINCT message_id) FROM flags WHERE session_id = ?",
        (session_id,),
    ).fetchone()[0]
    if row is None:
        agent_name = connection.execute(
            "SELECT name FROM agents WHERE application_id = ?",
            (message_application,),
        ).fetchone()
        row = (
            message_application,
            agent_name[0] if agent_name else None,
            None,
            None,
            first_ms or 0,
            last_ms,
        )
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


def transcript_index(
    connection: sqlite3.Connection, session_id: str
) -> list[IndexEntry]:
    """Every message of the session in conversation order, without content.

    Order is `seq`, then `message_id`, so that a remote that repeats a
    position still gives a stable order.
    """
    rows = connection.execute(
        """
        SELECT m.message_id, m.role, coalesce(length(m.content), 0),
               coalesce(length(m.content)
                        - length(replace(m.content, char(10), '')), 0),
               (SELECT count(*) FROM flags f WHERE f.message_id = m.message_id)
        FROM messages m
        WHERE m.session_id = ?
        ORDER BY m.seq, m.message_id
        """,
        (session_id,),
    )
    return [IndexEntry(*row) for row in rows.fetchall()]


def transcript_messages(
    connection: sqlite3.Connection, message_ids: Sequence[str]
) -> list[TranscriptMessage]:
    """The messages with these ids, in the order given, with responses and flags.

    Ids the local copy does not hold (purged since the index was read) are
    left out. Meant for one page at a time: a few hundred ids.
    """
    if not message_ids:
        return []
    marks = ",".join("?" * len(message_ids))
    rows = connection.execute(
        f"""
        SELECT m.message_id, m.seq, m.role, m.content, m.created_at_ms, m.log_id,
               l.log_id, l.inserted_at_ms, l.duration_ms, l.http_status,
               l.run_status, l.model, l.prompt_tokens, l.completion_tokens,
               l.total_tokens
        FROM messages m LEFT JOIN log_records l ON l.log_id = m.log_id
        WHERE m.message_id IN ({marks})
        """,
        list(message_ids),
    ).fetchall()
    flags = _flags_of(connection, message_ids, marks)
    by_id = {}
    for row in rows:
        response = None
        if row[6] is not None:
            response = AgentResponse(*row[6:15])
        by_id[row[0]] = TranscriptMessage(
            message_id=row[0],
            seq=row[1],
            role=row[2],
            content=row[3] or "",
            created_at_ms=row[4],
            log_id=row[5],
            response=response,
            flags=tuple(flags.get(row[0], ())),
        )
    return [by_id[message_id] for message_id in message_ids if message_id in by_id]


def _flags_of(
    connection: sqlite3.Connection, message_ids: Sequence[str], marks: str
) -> dict[str, list[Flag]]:
    """The flags on the given messages, oldest first, by message id."""
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

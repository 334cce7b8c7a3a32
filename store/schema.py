"""The local database's schema, created and migrated by code.

Each entry in `MIGRATIONS` moves the schema from version N to N+1, where N is
SQLite's `PRAGMA user_version`. A migration only ever adds; it never rewrites
what a user has already synced.

Synced tables carry no foreign keys on purpose: the remote export streams are
at-least-once and eventually consistent, so a message may arrive before its
session does, and a constraint would reject valid data. Tables that agentmon
owns locally (reviews, outboxes) do use them.
"""

from collections.abc import Callable

import sqlite_utils

SCHEMA_VERSION = 2

# Recorded in `meta` so that a file made by another program is never mistaken
# for ours, nor altered.
APPLICATION_MARK = "agentmon"


def _create_v1(db: sqlite_utils.Database) -> None:
    """The first schema: every table the foundation sync fills."""
    db.table("meta").create({"key": str, "value": str}, pk="key")

    db.table("users").create(
        {"user_id": str, "name": str, "email": str, "role": str}, pk="user_id"
    )

    db.table("agents").create(
        {
            "application_id": str,
            "name": str,
            "kind": str,  # no_code, writer_agent, prebuilt, api, framework
            "type": str,  # Writer's own application type
            "status": str,  # deployed or draft
            "created_at_ms": int,
            "updated_at_ms": int,
            "last_deployed_at_ms": int,
            # 0 is none; NULL is unknown (a member key cannot read settings).
            "retention_days": int,
            "retention_updated_at_ms": int,
            "retention_updated_by": str,
        },
        pk="application_id",
        not_null={"name", "kind", "status"},
    )

    db.table("settings_history").create(
        {
            "change_id": str,
            "application_id": str,  # NULL for the organisation switch
            "field": str,
            "old_value": str,
            "new_value": str,
            "changed_by": str,
            "changed_at_ms": int,
        },
        pk="change_id",
    )
    db.table("settings_history").create_index(["application_id", "changed_at_ms"])

    db.table("log_records").create(
        {
            "log_id": str,
            "record_type": str,
            "inserted_at_ms": int,
            "application_id": str,
            "session_id": str,
            "user_id": str,
            "message_id": str,
            "duration_ms": int,  # NULL when the remote did not record it
            "http_status": int,
            "model": str,
            "prompt_tokens": int,
            "completion_tokens": int,
            "total_tokens": int,
            "cost_ucents": int,  # millionths of a cent, exact
            "agent_run_id": str,
            "root_agent_run_id": str,
            "run_status": str,
        },
        pk="log_id",
        not_null={"inserted_at_ms", "application_id", "http_status"},
    )
    db.table("log_records").create_index(["application_id", "inserted_at_ms"])
    db.table("log_records").create_index(["inserted_at_ms"])
    db.table("log_records").create_index(["session_id"])

    db.table("sessions").create(
        {
            "session_id": str,
            "application_id": str,
            "user_id": str,
            "started_at_ms": int,
            "ended_at_ms": int,
            "message_count": int,
            "inserted_at_ms": int,
        },
        pk="session_id",
        not_null={"application_id", "started_at_ms"},
    )
    db.table("sessions").create_index(["application_id", "started_at_ms"])
    db.table("sessions").create_index(["user_id"])

    db.table("messages").create(
        {
            "message_id": str,
            "session_id": str,
            "application_id": str,
            "seq": int,
            "role": str,  # user or agent
            "content": str,  # untrusted text, stored exactly as received
            "created_at_ms": int,
            "log_id": str,
            "inserted_at_ms": int,
        },
        pk="message_id",
        not_null={"session_id", "seq", "role"},
    )
    db.table("messages").create_index(["session_id", "seq"])

    db.table("flags").create(
        {
            "flag_id": str,
            "message_id": str,
            "session_id": str,
            "application_id": str,
            "user_id": str,
            "reason": str,  # inappropriate or inaccurate
            "comment": str,
            "flagged_at_ms": int,
            "inserted_at_ms": int,
            # The review state: new, acknowledged, escalated, resolved, dismissed.
            "state": str,
        },
        pk="flag_id",
        not_null={"message_id", "session_id", "application_id", "reason"},
        defaults={"state": "new"},
    )
    db.table("flags").create_index(["application_id", "flagged_at_ms"])
    db.table("flags").create_index(["session_id"])
    db.table("flags").create_index(["message_id"])
    db.table("flags").create_index(["state", "flagged_at_ms"])

    db.table("feedback").create(
        {
            "feedback_id": str,
            "message_id": str,
            "agent_run_id": str,
            "application_id": str,
            "rating": str,
            "qualitative_comment": str,
            "user_id": str,
            "session_id": str,
            "thread_id": str,
            "emitted_at_ms": int,
            "inserted_at_ms": int,
        },
        pk="feedback_id",
    )
    db.table("feedback").create_index(["application_id", "emitted_at_ms"])

    db.table("consumption_daily").create(
        {
            "date": str,  # YYYY-MM-DD, UTC
            "agent_type": str,  # api, framework, no_code, other
            "category": str,  # model or service
            "name": str,
            "cost_ucents": int,
            "total_tokens": int,
        },
        pk=("date", "agent_type", "category", "name"),
    )

    db.table("consumption_breakdown").create(
        {
            "month": str,  # YYYY-MM
            "scope": str,  # user, team, playbook, billing_group
            "id": str,
            "name": str,
            "cost_ucents": int,
            "total_tokens": int,
        },
        pk=("month", "scope", "id"),
    )

    db.table("sync_state").create(
        {
            "source": str,  # one per endpoint walked: logs, sessions, ...
            "cursor": str,  # the bookmark: the remote's resume token
            "last_success_ms": int,
            "last_error": str,
        },
        pk="source",
    )

    db.table("sync_runs").create(
        {
            "run_id": int,
            "started_at_ms": int,
            "finished_at_ms": int,
            "outcome": str,  # ok, failed, interrupted
            "summary": str,  # JSON
        },
        pk="run_id",
    )

    db.table("rejects").create(
        {
            "reject_id": int,
            "endpoint": str,
            "reason": str,
            "payload": str,  # the raw record as received
            "rejected_at_ms": int,
        },
        pk="reject_id",
    )
    # A record redelivered (at-least-once streams, a resumed sync) is set aside
    # once, not once per delivery.
    db.table("rejects").create_index(["endpoint", "payload"], unique=True)


_VERDICT_STATES = "('new', 'acknowledged', 'escalated', 'resolved', 'dismissed')"


def _create_v2(db: sqlite_utils.Database) -> None:
    """Local review of flags: every verdict known, the outbox, each flag's current.

    `flag_verdicts` holds the verdicts made here and those pulled from the
    team's export; `verdict_outbox` the ones made here on their way to the
    remote (kept after sending, as the record of what happened to each);
    `flag_current_verdict` the verdict that gives each decided flag its
    `flags.state`. No foreign key points at `flags`: the retention purge
    removes flags, and what was decided about them stays on record.
    """
    db.execute(
        f"""
        CREATE TABLE flag_verdicts (
            verdict_id TEXT PRIMARY KEY,
            flag_id TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN {_VERDICT_STATES}),
            note TEXT,
            decided_at_ms INTEGER NOT NULL,
            decided_by TEXT,
            base_verdict_id TEXT,
            -- the remote's acceptance time: NULL until it has accepted it
            inserted_at_ms INTEGER,
            -- 'here' (made in this database) or 'remote' (pulled)
            origin TEXT NOT NULL CHECK (origin IN ('here', 'remote')),
            -- here: pending, sent, conflict, withdrawn; remote: accepted
            status TEXT NOT NULL CHECK (status IN
                ('pending', 'sent', 'conflict', 'withdrawn', 'accepted')),
            -- here: the flag's state before this verdict, which undo restores
            previous_state TEXT,
            undoes_verdict_id TEXT REFERENCES flag_verdicts (verdict_id),
            made_seq INTEGER
        )
        """
    )
    db.execute("CREATE INDEX flag_verdicts_flag ON flag_verdicts (flag_id)")
    db.execute(
        "CREATE INDEX flag_verdicts_open ON flag_verdicts (status) "
        "WHERE status IN ('pending', 'conflict')"
    )
    db.execute(
        """
        CREATE TABLE verdict_outbox (
            verdict_id TEXT PRIMARY KEY
                REFERENCES flag_verdicts (verdict_id),
            queued_at_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_attempt_ms INTEGER,
            last_error TEXT,
            -- NULL while waiting; sent, conflict, withdrawn or rejected
            outcome TEXT CHECK (outcome IN
                ('sent', 'conflict', 'withdrawn', 'rejected')),
            outcome_at_ms INTEGER,
            -- the other reviewer's verdict a 409 named (kept in flag_verdicts)
            conflict_verdict_id TEXT REFERENCES flag_verdicts (verdict_id),
            -- how the user settled it: kept_mine, took_theirs, undone
            resolution TEXT
        )
        """
    )
    db.execute(
        "CREATE INDEX verdict_outbox_waiting ON verdict_outbox (verdict_id) "
        "WHERE outcome IS NULL"
    )
    db.execute(
        f"""
        CREATE TABLE flag_current_verdict (
            flag_id TEXT PRIMARY KEY,
            verdict_id TEXT NOT NULL REFERENCES flag_verdicts (verdict_id),
            state TEXT NOT NULL CHECK (state IN {_VERDICT_STATES}),
            decided_by TEXT,
            decided_at_ms INTEGER
        )
        """
    )
    db.execute(
        "CREATE INDEX flag_current_verdict_by ON flag_current_verdict (decided_by)"
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_create_v1, _create_v2]
assert len(MIGRATIONS) == SCHEMA_VERSION

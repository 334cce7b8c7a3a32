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

SCHEMA_VERSION = 1

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


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_create_v1]
assert len(MIGRATIONS) == SCHEMA_VERSION

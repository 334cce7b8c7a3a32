"""JSON text of export records, built straight from the numpy columns.

Pages of thousands of log records must serialise fast, so each record is one
`%` format over plain Python lists taken from the arrays (`tolist` is cheap),
never a dict per record. Only untrusted text is escaped, and message content
comes ready-escaped from `TextFactory`.
Ids are positions + 1, zero-padded, so they sort in insertion order.
"""

import json

import numpy as np

from sandbox.org import MODEL_NAMES
from sandbox.settings import HistoryEntry
from sandbox.text import SHOWCASE_KINDS
from sandbox.world import Snapshot, World

MICRO = 1_000_000

_LOG = (
    '{"record_type":"agent_run","log_id":"log_%010d","inserted_at_ms":%d,'
    '"agent_run_id":"run_%010d","root_agent_run_id":"run_%010d",'
    '"run_status":"%s","model":"%s","duration_ms":%s,"prompt_tokens":%d,'
    '"completion_tokens":%d,"total_tokens":%d,"application_id":"app_%04d",'
    '"session_id":"ses_%08d","user_id":"usr_%04d","message_id":"msg_%010d",'
    '"http_status":%d,"cost_in_cents":%d.%06d}'
)
_SESSION = (
    '{"session_id":"ses_%08d","application_id":"app_%04d","user_id":"usr_%04d",'
    '"started_at_ms":%d,"ended_at_ms":%d,"message_count":%d,"inserted_at_ms":%d}'
)
_MESSAGE = (
    '{"message_id":"msg_%010d","session_id":"ses_%08d","application_id":"app_%04d",'
    '"seq":%d,"role":"%s","content":%s,"created_at_ms":%d,"log_id":%s,'
    '"inserted_at_ms":%d}'
)
_FLAG = (
    '{"flag_id":"flg_%08d","message_id":"msg_%010d","session_id":"ses_%08d",'
    '"application_id":"app_%04d","user_id":"usr_%04d","reason":"%s","comment":%s,'
    '"flagged_at_ms":%d,"inserted_at_ms":%d}'
)
_FEEDBACK = (
    '{"feedback_id":"fbk_%08d","message_id":"msg_%010d","agent_run_id":"run_%010d",'
    '"rating":"%s","qualitative_comment":%s,"user_id":"usr_%04d",'
    '"session_id":"ses_%08d","thread_id":"thr_%08d","emitted_at_ms":%d,'
    '"inserted_at_ms":%d,"application_id":"app_%04d"}'
)
_RUN_STATUS = ("completed", "failed")
_REASONS = ("inaccurate", "inappropriate")
_RATINGS = ("negative", "positive")


def cents_text(ucents: int) -> str:
    """Millionths of a cent as an exact decimal number of cents (`0.042137`)."""
    whole, fraction = divmod(int(ucents), MICRO)
    return f"{whole}.{fraction:06d}"


def log_records(snapshot: Snapshot, positions: np.ndarray) -> list[str]:
    """The `agent_run` records at these log positions."""
    logs = snapshot.logs
    status = logs["status"][positions]
    prompt = logs["prompt"][positions].astype(np.int64)
    completion = logs["completion"][positions].astype(np.int64)
    whole, fraction = np.divmod(logs["cost"][positions], MICRO)
    ids = (positions + 1).tolist()
    durations = [d if d >= 0 else "null" for d in logs["duration"][positions].tolist()]
    return [
        _LOG % row
        for row in zip(
            ids,
            logs["inserted"][positions].tolist(),
            ids,
            ids,
            [_RUN_STATUS[s >= 300] for s in status.tolist()],
            [MODEL_NAMES[m] for m in logs["model"][positions].tolist()],
            durations,
            prompt.tolist(),
            completion.tolist(),
            (prompt + completion).tolist(),
            (logs["app"][positions] + 1).tolist(),
            (logs["session"][positions] + 1).tolist(),
            (logs["user"][positions] + 1).tolist(),
            (logs["message"][positions] + 1).tolist(),
            status.tolist(),
            whole.tolist(),
            fraction.tolist(),
            strict=True,
        )
    ]


def session_records(snapshot: Snapshot, positions: np.ndarray) -> list[str]:
    """The session records at these session positions."""
    sessions = snapshot.sessions
    ended = sessions["ended"][positions].tolist()
    return [
        _SESSION % row
        for row in zip(
            (positions + 1).tolist(),
            (sessions["app"][positions] + 1).tolist(),
            (sessions["user"][positions] + 1).tolist(),
            sessions["started"][positions].tolist(),
            ended,
            sessions["msg_count"][positions].tolist(),
            ended,
            strict=True,
        )
    ]


def message_records(
    world: World, snapshot: Snapshot, positions: np.ndarray
) -> list[str]:
    """The transcript messages at these message positions, text made now."""
    messages = snapshot.messages
    sessions = snapshot.sessions
    session = messages["session"][positions]
    seq = positions - sessions["msg_start"][session]
    log = messages["log"][positions]
    texts = message_texts_json(world, snapshot, positions, session, seq, log)
    return [
        _MESSAGE
        % (
            m + 1,
            s + 1,
            a + 1,
            q,
            "agent" if q % 2 else "user",
            text,
            c,
            f'"log_{lg + 1:010d}"' if lg >= 0 else "null",
            e,
        )
        for m, s, a, q, text, c, lg, e in zip(
            positions.tolist(),
            session.tolist(),
            sessions["app"][session].tolist(),
            seq.tolist(),
            texts,
            messages["created"][positions].tolist(),
            log.tolist(),
            sessions["ended"][session].tolist(),
            strict=True,
        )
    ]


def message_texts_json(
    world: World,
    snapshot: Snapshot,
    positions: np.ndarray,
    session: np.ndarray,
    seq: np.ndarray,
    log: np.ndarray,
) -> list[str]:
    """`World.message_texts(..., as_json=True)`, made for the whole batch at once.

    The facts a text depends on are gathered the way `World.message_texts`
    gathers them (a test holds the two equal), then `TextFactory` makes the
    batch in array passes.
    """
    sessions = snapshot.sessions
    answered = np.maximum(log, 0)
    showcase = np.where(
        (session == world.long_session) & (seq < 2 * SHOWCASE_KINDS), seq // 2, -1
    )
    return world.text.messages_json(
        positions,
        world.agent_facts["topic"][sessions["app"][session]],
        seq % 2 == 1,
        snapshot.logs["status"][answered],
        snapshot.logs["completion"][answered],
        showcase,
    )


def flag_records(world: World, snapshot: Snapshot, positions: np.ndarray) -> list[str]:
    """The end-user flags at these flag positions."""
    flags = snapshot.flags
    flagged = flags["flagged"][positions].tolist()
    comments = [
        json.dumps(world.text.flag_comment(p), ensure_ascii=False) if has else "null"
        for p, has in zip(
            positions.tolist(), flags["has_comment"][positions].tolist(), strict=True
        )
    ]
    return [
        _FLAG % row
        for row in zip(
            (positions + 1).tolist(),
            (flags["message"][positions] + 1).tolist(),
            (flags["session"][positions] + 1).tolist(),
            (flags["app"][positions] + 1).tolist(),
            (flags["user"][positions] + 1).tolist(),
            [_REASONS[r] for r in flags["reason"][positions].tolist()],
            comments,
            flagged,
            flagged,
            strict=True,
        )
    ]


def feedback_records(
    world: World, snapshot: Snapshot, positions: np.ndarray
) -> list[str]:
    """The agent feedback records at these feedback positions."""
    feedback = snapshot.feedback
    logs = snapshot.logs
    log = feedback["log"][positions]
    session = logs["session"][log] + 1
    comments = [
        json.dumps(world.text.feedback_comment(p), ensure_ascii=False)
        if has
        else "null"
        for p, has in zip(
            positions.tolist(), feedback["has_comment"][positions].tolist(), strict=True
        )
    ]
    return [
        _FEEDBACK % row
        for row in zip(
            (positions + 1).tolist(),
            (logs["message"][log] + 1).tolist(),
            (log + 1).tolist(),
            [_RATINGS[r] for r in feedback["rating"][positions].tolist()],
            comments,
            (logs["user"][log] + 1).tolist(),
            session.tolist(),
            session.tolist(),
            feedback["emitted"][positions].tolist(),
            feedback["inserted"][positions].tolist(),
            (logs["app"][log] + 1).tolist(),
            strict=True,
        )
    ]


def history_record(entry: HistoryEntry) -> str:
    """One settings-history record."""
    return json.dumps(
        {
            "change_id": entry.change_id,
            "application_id": entry.application_id,
            "field": entry.field,
            "old_value": entry.old_value,
            "new_value": entry.new_value,
            "changed_by": entry.changed_by,
            "changed_at_ms": entry.changed_at_ms,
            "inserted_at_ms": entry.changed_at_ms,
        },
        ensure_ascii=False,
    )

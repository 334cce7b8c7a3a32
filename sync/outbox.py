"""Sending the verdicts made here exactly once, and pulling the team's.

Every admin sync (`sync.engine`) calls `send_verdicts` right after it knows who
the key is, then, once the flags have landed, `pull_verdicts`.

Exactly once, even across crashes: a verdict waits in `verdict_outbox` until
the remote has answered for it, and is sent under its own client-made
`verdict_id`, which the remote records once (docs/api.md: a repeat is answered
`200` with the stored verdict). So a process killed after the local save sends
it at the next sync; one killed after the remote accepted it but before the
local mark sends it again and is told it is already held. The attempt is
recorded before each request, so an undo knows the verdict may have left.

Nothing is dropped in silence: a `409 verdict_conflict` keeps both verdicts
for the user to settle (`store.reviews.keep_mine` / `take_theirs`); a verdict
the remote refuses for good (its flag no longer retained there) is kept,
marked rejected, with the reason.
"""

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store import reviews
from store.reviews import OutgoingVerdict, RemoteVerdict
from store.write import get_cursor
from sync.client import WriterClient
from sync.errors import ProtocolError, RemoteError

log = logging.getLogger("agentmon.sync")

FLAGS = "/api/observability/v1/organization/{org}/session-logs/flags"
EXPORT_PAGE = 1000
# Answers that will not change however often the verdict is sent again.
FINAL_REFUSALS = frozenset({400, 404, 422})


@dataclass
class OutboxReport:
    """What one sync did with the verdicts."""

    sent: int = 0
    replayed: int = 0  # answered 200: the remote held it already
    conflicts: int = 0
    rejected: int = 0
    failed: int = 0  # still waiting: the remote kept failing
    pulled: int = 0  # verdicts new here from the team's export
    error: str | None = None

    def notices(self) -> list[str]:
        """The lines worth telling the user, once each."""
        lines = []
        if self.sent or self.replayed:
            lines.append(
                f"verdicts: {self.sent + self.replayed} sent"
                + (f" ({self.replayed} already held remotely)" if self.replayed else "")
            )
        if self.conflicts:
            lines.append(
                f"verdicts: {self.conflicts} in conflict with another reviewer's: "
                "open Flags (f) and press c to settle"
            )
        if self.rejected:
            lines.append(
                f"verdicts: {self.rejected} refused by the remote and kept here "
                "(agentmon flags export --format md shows why)"
            )
        if self.error is not None:
            lines.append(
                f"verdicts: {self.failed} not sent, kept for the next sync: "
                f"{self.error}"
            )
        return lines


def send_verdicts(
    conn: sqlite3.Connection,
    path: Path,
    client: WriterClient,
    organization_id: str,
    *,
    cancel: threading.Event | None = None,
) -> OutboxReport:
    """Send every waiting verdict, in the order made; say what became of them.

    A remote that keeps failing (after the client's retries) stops the sending
    for this sync; the verdicts keep waiting. Connection and key failures are
    raised: the sync cannot go on either.
    """
    if conn.in_transaction:
        raise RuntimeError("send_verdicts needs each mark committed on its own")
    report = OutboxReport()
    waiting = reviews.waiting_verdicts(conn)
    for number, verdict in enumerate(waiting):
        if cancel is not None and cancel.is_set():
            report.failed = len(waiting) - number
            break
        try:
            _send_one(conn, path, client, organization_id, verdict, report)
        except RemoteError as error:
            reviews.mark_failed(conn, path, verdict.verdict_id, str(error))
            report.failed = len(waiting) - number
            report.error = str(error)
            log.warning("sync: verdict %s not sent: %s", verdict.verdict_id, error)
            break
    return report


def _send_one(
    conn: sqlite3.Connection,
    path: Path,
    client: WriterClient,
    organization_id: str,
    verdict: OutgoingVerdict,
    report: OutboxReport,
) -> None:
    """POST one verdict and record the answer."""
    claimed = reviews.mark_attempt(conn, path, verdict.verdict_id)
    if claimed is None:
        return  # undone since the list was read: it never leaves
    verdict = claimed
    endpoint = f"{FLAGS.format(org=organization_id)}/{verdict.flag_id}/verdicts"
    body = {
        "verdict_id": verdict.verdict_id,
        "state": verdict.state,
        "note": verdict.note,
        "decided_at_ms": verdict.decided_at_ms,
        "base_verdict_id": verdict.base_verdict_id,
    }
    try:
        answer = client.post(endpoint, body)
    except RemoteError as error:
        if error.code == "verdict_conflict":
            current = _error_current(error, endpoint)
            reviews.mark_conflict(conn, path, verdict.verdict_id, current)
            report.conflicts += 1
            log.info(
                "sync: verdict %s conflicts with %s's %s",
                verdict.verdict_id,
                current.decided_by,
                current.verdict_id,
            )
            return
        if error.status in FINAL_REFUSALS:
            reviews.mark_rejected(conn, path, verdict.verdict_id, str(error))
            report.rejected += 1
            log.warning("sync: verdict %s refused: %s", verdict.verdict_id, error)
            return
        raise
    accepted = verdict_of(answer.body, f"POST {endpoint}")
    if accepted.verdict_id != verdict.verdict_id:
        raise ProtocolError(f"POST {endpoint}", "answered another verdict_id")
    reviews.mark_sent(conn, path, accepted)
    if answer.status == 200:
        report.replayed += 1
    else:
        report.sent += 1


def _error_current(error: RemoteError, endpoint: str) -> RemoteVerdict:
    """The other reviewer's verdict a 409 names."""
    body = error.body if isinstance(error.body, dict) else {}
    return verdict_of(body.get("current"), f"POST {endpoint}")


def verdict_of(record: Any, endpoint: str) -> RemoteVerdict:
    """A verdict object of docs/api.md, checked; `ProtocolError` if malformed."""
    problem = _problem(record)
    if problem is not None:
        raise ProtocolError(endpoint, f"a verdict {problem}")
    return RemoteVerdict(
        record["verdict_id"],
        record["flag_id"],
        record["state"],
        record["note"],
        record["decided_at_ms"],
        record["decided_by"],
        record["base_verdict_id"],
        record["inserted_at_ms"],
    )


_TEXT = ("verdict_id", "flag_id", "decided_by")
_TIMES = ("decided_at_ms", "inserted_at_ms")
_MAYBE_TEXT = ("note", "base_verdict_id")


def _problem(record: Any) -> str | None:
    """What is wrong with a verdict record, or None."""
    if type(record) is not dict:
        return "is not a JSON object"
    for name in (*_TEXT, *_TIMES, *_MAYBE_TEXT, "state"):
        if name not in record:
            return f"lacks {name}"
    for name in _TEXT:
        if not isinstance(record[name], str) or not record[name]:
            return f"has no {name}"
    for name in _TIMES:
        if type(record[name]) is not int:
            return f"{name} is not an integer"
    for name in _MAYBE_TEXT:
        if record[name] is not None and not isinstance(record[name], str):
            return f"{name} is not a string"
    if record["state"] not in reviews.STATES:
        return f"state {record['state']!r} is not one of the allowed"
    return None


def pull_verdicts(
    conn: sqlite3.Connection,
    path: Path,
    client: WriterClient,
    organization_id: str,
    *,
    cancel: threading.Event | None = None,
) -> int:
    """Walk the team's verdicts export from its bookmark; verdicts new here.

    Each page lands with its bookmark in one transaction; a record that breaks
    the contract is set aside in `rejects`. Afterwards every flag carries its
    current verdict's state.
    """
    if conn.in_transaction:
        raise RuntimeError("pull_verdicts commits each page on its own")
    endpoint = f"{FLAGS.format(org=organization_id)}/verdicts/export"
    added = 0
    for records, next_cursor in _pages(client, endpoint, get_cursor(conn, "verdicts")):
        verdicts = []
        for record in records:
            problem = _problem(record)
            if problem is None:
                verdicts.append(verdict_of(record, endpoint))
                continue
            payload = json.dumps(record, default=str, ensure_ascii=False)
            reviews.set_aside(conn, path, endpoint, f"a verdict {problem}", payload)
        added += reviews.apply_remote_verdicts(conn, path, verdicts, next_cursor)
        if cancel is not None and cancel.is_set():
            break
    reviews.settle_flag_states(conn, path)
    return added


def _pages(
    client: WriterClient, endpoint: str, cursor: str | None
) -> Iterator[tuple[list[Any], str | None]]:
    """(records, bookmark after them) per page of the export, from `cursor`."""
    first = True
    while True:
        params: dict[str, Any] = {"order": "tail", "format": "native"}
        params["limit"] = EXPORT_PAGE
        if cursor:
            params["cursor"] = cursor
        try:
            answer = client.get(endpoint, params)
        except RemoteError as error:
            if not (first and cursor and error.code == "invalid_cursor"):
                raise
            log.warning("sync: the verdicts export refused its bookmark; from start")
            cursor = None
            continue
        first = False
        body = answer.body if isinstance(answer.body, dict) else {}
        records = body.get("result")
        pagination = body.get("pagination")
        if not isinstance(records, list) or not isinstance(pagination, dict):
            raise ProtocolError(f"GET {endpoint}", "result or pagination is missing")
        following = pagination.get("next_cursor") or answer.headers.get("x-next-cursor")
        has_more = pagination.get("has_more")
        if type(has_more) is not bool or (
            following is not None and not isinstance(following, str)
        ):
            raise ProtocolError(f"GET {endpoint}", "pagination breaks the contract")
        yield records, following or cursor
        if not has_more:
            return
        if not following or following == cursor:
            raise ProtocolError(f"GET {endpoint}", "has_more without a new cursor")
        cursor = following

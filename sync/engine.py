"""The sync: walk every endpoint of docs/api.md into the local database, resumably.

`run_sync(db_path, config)` is the whole of `agentmon sync`, and what the app
calls from a background worker. It walks, in order: who the key is
(`/v1/me`), applications, users, then for an admin the session-log settings
and their history; the logs and feedback exports; for an admin the sessions,
messages and flags exports and the consumption months covering 180 days.
For an admin it also sends the flag verdicts waiting in the outbox, right
after `/v1/me`, and pulls the team's verdicts once the flags have landed
(`sync/outbox.py`).

Resumable: pages land in large transactions (`SyncConfig.commit_rows`, 50,000
by default, or two seconds), each holding the bookmark of its last page, so a
process killed at any instant resumes from a bookmark whose rows are all
stored. Records are
upserted by id, so what an at-least-once stream sends twice is stored once.
Incremental: export streams resume from their bookmark; applications, users
and settings are small and refetched whole; consumption refetches the current
and previous month, and older months until one was fetched after it ended.

After the walk, transcripts past their agent's retention are purged, and the
run is recorded in `sync_runs`.
"""

import contextlib
import json
import logging
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx

from store.clock import now_ms
from store.db import open_database, sync_lock
from store.errors import OtherOrganization, StoreError
from store.paths import metrics_cache_path
from store.retention import PurgeCounts, purge_expired_transcripts
from store.write import (
    SyncWriter,
    count_rows,
    finish_run,
    get_cursor,
    get_meta,
    start_run,
)
from sync import contract, outbox
from sync.client import Answer, WriterClient
from sync.config import SyncConfig
from sync.contract import ContractViolation, RecordSpec
from sync.errors import ConfigError, ProtocolError, RemoteError
from sync.progress import (
    ENTITIES,
    ProgressCallback,
    SyncEvent,
    SyncNotice,
    SyncProgress,
    SyncSummary,
)

log = logging.getLogger("agentmon.sync")

DAY_MS = 86_400_000
HISTORY_DAYS = 180
COMMIT_SECONDS = 2.0
CONSUMPTION_SCOPES = ("user", "team", "playbook", "billing_group")
MEMBER_NOTICE = (
    "the key has the member role: session logs, their settings and consumption "
    "are for admins only and were skipped"
)

T = TypeVar("T")


@dataclass(frozen=True)
class Stream:
    """One export stream: its bookmark's name, path, record contract and table."""

    source: str
    path: str
    spec: RecordSpec
    table: str
    admin_only: bool
    # The first call's `start_date`: None asks from the start of time.
    history_days: int | None = HISTORY_DAYS


OBSERVABILITY = "/api/observability/v1/organization/{org}"
BILLING = "/api/billing/v1/organization/{org}"

SETTINGS_HISTORY = Stream(
    "settings_history",
    OBSERVABILITY + "/session-logs/settings/history",
    contract.SETTINGS_CHANGE,
    "settings_history",
    admin_only=True,
    # The history is the audit trail of who changed what: small, kept whole.
    history_days=None,
)

STREAMS = (
    SETTINGS_HISTORY,
    Stream(
        "logs",
        OBSERVABILITY + "/logs/export",
        contract.LOG_RECORD,
        "log_records",
        admin_only=False,
    ),
    Stream(
        "feedback",
        OBSERVABILITY + "/agent-feedback/export",
        contract.FEEDBACK,
        "feedback",
        admin_only=False,
    ),
    Stream(
        "sessions",
        OBSERVABILITY + "/session-logs/sessions/export",
        contract.SESSION,
        "sessions",
        admin_only=True,
    ),
    Stream(
        "messages",
        OBSERVABILITY + "/session-logs/messages/export",
        contract.MESSAGE,
        "messages",
        admin_only=True,
    ),
    Stream(
        "flags",
        OBSERVABILITY + "/session-logs/flags/export",
        contract.FLAG,
        "flags",
        admin_only=True,
    ),
)


class _Cancelled(Exception):
    """The caller's cancel event was set: stop after the page in hand."""


@dataclass(frozen=True)
class _Page:
    """One export page: its rows, the records set aside (and why), the next bookmark."""

    rows: list[tuple[Any, ...]]
    rejected: list[tuple[str, Any]]
    next_cursor: str | None
    has_more: bool

    @property
    def records(self) -> int:
        """How many records the page carried, kept or not."""
        return len(self.rows) + len(self.rejected)


def run_sync(
    db_path: Path | str,
    config: SyncConfig,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncSummary:
    """Sync the remote into the database at `db_path` and say what changed.

    `progress` receives `SyncProgress`/`SyncNotice` events in this thread.
    Setting `cancel` stops after the current page; what landed is kept, the
    purge still runs, and the summary's outcome is `cancelled`. Raises a
    `SyncError` or `StoreError` subclass for every failure it foresees; what
    was committed before the failure is kept.
    """
    path = Path(db_path)
    started = time.monotonic()
    conn = open_database(path)
    try:
        with sync_lock(path):
            run_id = start_run(conn, path, now_ms())
            summary = SyncSummary()
            walk: _Walk | None = None
            try:
                with WriterClient(config, transport=transport) as client:
                    walk = _Walk(conn, path, client, config, summary, progress, cancel)
                    walk.run()
            except BaseException as error:
                if walk is not None:
                    walk.salvage(error)
                summary.seconds = time.monotonic() - started
                outcome = "failed" if isinstance(error, Exception) else "interrupted"
                # The run's record must not hide the failure it records (a full
                # disk or a lock would fail this write too).
                with contextlib.suppress(StoreError):
                    finish_run(
                        conn,
                        path,
                        run_id,
                        now_ms(),
                        outcome,
                        _run_record(summary, error),
                    )
                raise
            records = summary.entities.get("log_records")
            changed = records is not None and (records.new or records.updated)
            if changed or not metrics_cache_path(path).exists():
                _refresh_metrics(path)
            summary.seconds = time.monotonic() - started
            finish_run(conn, path, run_id, now_ms(), "ok", _run_record(summary, None))
            return summary
    finally:
        conn.close()


def _refresh_metrics(path: Path) -> None:
    """Update the metrics' column cache beside the database, in a child process.

    A first read of a large copy holds about 250 MB of intermediate arrays;
    in a process of its own that memory is returned when it ends instead of
    adding to the sync's (or the app's) peak. It is only a cache: a failure
    costs the first screen some speed, never data, and is logged.
    """
    code = (
        "import sys; from store.metrics_columns import refresh_file; "
        "refresh_file(sys.argv[1])"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
        log.warning("sync: metrics cache not refreshed: %s", last)


def _run_record(summary: SyncSummary, error: BaseException | None) -> str:
    """The JSON kept in `sync_runs.summary`."""
    record = summary.as_json()
    if error is not None:
        record["error"] = str(error) or type(error).__name__
    return json.dumps(record)


class _Walk:
    """One sync's state: the connection, the client, and what it has done so far."""

    def __init__(
        self,
        conn: Any,
        path: Path,
        client: WriterClient,
        config: SyncConfig,
        summary: SyncSummary,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.client = client
        self.config = config
        self.summary = summary
        self.progress = progress
        self.cancel = cancel
        self.writer = SyncWriter(conn, path)
        self.org = ""
        self.server_time_ms: int | None = None
        self.changes = dict.fromkeys(ENTITIES, 0)
        self.removed = dict.fromkeys(ENTITIES, 0)
        self.counts_before: dict[str, int] = {}
        self.last_commit = time.monotonic()

    # The walk, step by step.

    def run(self) -> None:
        """Walk every source, then purge and count; cancellation ends it early."""
        self.counts_before = {name: count_rows(self.conn, name) for name in ENTITIES}
        admin = self.identify()
        try:
            if admin:
                self.send_verdicts()
                self.sync_applications(self.fetch_settings())
            else:
                self.notice(MEMBER_NOTICE)
                self.sync_applications(None)
            self.sync_users()
            for stream in STREAMS:
                if admin or not stream.admin_only:
                    self.sync_stream(stream)
            if admin:
                self.pull_verdicts()
                self.sync_consumption()
        except _Cancelled:
            self.summary.outcome = "cancelled"
        self.finish()

    def finish(self) -> None:
        """Commit what is pending, purge, and fill the summary's counts."""
        self.writer.commit()
        for name in ENTITIES:
            after = count_rows(self.conn, name)
            new = max(0, after - self.counts_before[name] + self.removed[name])
            self.summary.entities[name].new = new
            self.summary.entities[name].updated = max(0, self.changes[name] - new)
        self.purge()

    def salvage(self, error: BaseException) -> None:
        """After a failure, keep what landed (rows and bookmarks agree) and purge."""
        if isinstance(error, StoreError):
            self.writer.rollback()
            return
        try:
            self.writer.commit()
            self.purge()
        except (StoreError, OSError) as second:
            log.warning(
                "sync: could not keep the last batch after a failure: %s", second
            )
            self.writer.rollback()

    def purge(self) -> None:
        """Apply every agent's retention to the local copy, against the remote clock."""
        if self.server_time_ms is None:
            return
        counts = purge_expired_transcripts(self.conn, self.path, self.server_time_ms)
        previous = self.summary.purged
        self.summary.purged = PurgeCounts(
            sessions=previous.sessions + counts.sessions,
            messages=previous.messages + counts.messages,
            flags=previous.flags + counts.flags,
        )
        if counts.total:
            log.info(
                "sync: retention removed %d sessions, %d messages, %d flags",
                counts.sessions,
                counts.messages,
                counts.flags,
            )

    def identify(self) -> bool:
        """Ask `/v1/me` who the key is, check the organisation; True for an admin."""
        answer = self.client.get("/v1/me")
        try:
            user_id, org, org_name, role, server_time = contract.ME.row(answer.body)
        except ContractViolation as violation:
            raise ProtocolError("GET /v1/me", str(violation)) from None
        if self.config.organization_id and self.config.organization_id != org:
            raise ConfigError(
                f"WRITER_ORG_ID is {self.config.organization_id}, but the key "
                f"belongs to organisation {org}: fix or unset WRITER_ORG_ID"
            )
        held = get_meta(self.conn, "organization_id")
        if held is not None and held != org:
            raise OtherOrganization(self.path, held, org)
        self.org = org
        self.server_time_ms = server_time
        self.summary.organization_id = org
        self.summary.organization_name = org_name
        self.summary.role = role
        self.writer.set_meta(
            {
                "organization_id": org,
                "organization_name": org_name,
                "user_id": user_id,
                "role": role,
                "server_time_ms": server_time,
            }
        )
        return bool(role == "admin")

    def sync_applications(self, retention: dict[str, tuple[Any, ...]] | None) -> None:
        """All applications (Writer's `after` pagination), refetched whole.

        With `retention` (an admin's settings, by application id) each agent
        is stored with its retention in the same upsert; an agent the settings
        do not list cannot have session logs, so its retention is NULL.
        """
        rows: list[tuple[Any, ...]] = []
        pages = 0
        params: dict[str, Any] = {"order": "asc", "limit": 100}
        endpoint = "/v1/applications"
        while True:
            body = self.client.get(endpoint, params).body
            data = _list_field(body, "data", endpoint)
            rows += self.rows_of(contract.APPLICATION, data, endpoint)
            pages += 1
            self.report(SyncProgress("applications", pages, len(rows)))
            if not _bool_field(body, "has_more", endpoint):
                break
            last_id = body.get("last_id") if isinstance(body, dict) else None
            if not isinstance(last_id, str) or not last_id:
                raise ProtocolError(f"GET {endpoint}", "has_more without last_id")
            params = {**params, "after": last_id}
            self.check_cancel()
        if retention is None:
            self.changes["agents"] += self.writer.upsert("agents", rows)
        else:
            unknown = (None, None, None)
            merged = [(*row, *retention.get(row[0], unknown)) for row in rows]
            self.changes["agents"] += self.writer.upsert_agents_with_retention(merged)
        self.source_done("applications", pages, len(rows))

    def fetch_settings(self) -> dict[str, tuple[Any, ...]]:
        """Fetch the settings: the switch goes to `meta`, retention comes back."""
        endpoint = OBSERVABILITY.format(org=self.org) + "/session-logs/settings"
        body = self.client.get(endpoint).body
        rows = self.settings_rows(body, endpoint)
        self.source_done("settings", 1, len(rows))
        return {row[0]: row[1:] for row in rows}

    def sync_users(self) -> None:
        """All users of the organisation (offset pagination), refetched whole."""
        endpoint = OBSERVABILITY.format(org=self.org) + "/users"
        rows: list[tuple[Any, ...]] = []
        pages = 0
        for data, total in self.offset_pages(endpoint, {}, limit=500):
            rows += self.rows_of(contract.USER, data, endpoint)
            pages += 1
            self.report(SyncProgress("users", pages, len(rows), total))
        self.changes["users"] += self.writer.upsert("users", rows)
        self.source_done("users", pages, len(rows))

    def sync_settings(self) -> None:
        """The session-logging switch and every agent's retention, on their own."""
        endpoint = OBSERVABILITY.format(org=self.org) + "/session-logs/settings"
        self.store_settings(self.client.get(endpoint).body, endpoint)
        self.source_done("settings", 1, 1)

    def store_settings(self, body: Any, endpoint: str) -> None:
        """Store a settings object (as GET and PUT answer it) in the open batch."""
        rows = self.settings_rows(body, endpoint)
        self.changes["agents"] += self.writer.set_retention(rows)

    def settings_rows(self, body: Any, endpoint: str) -> list[tuple[Any, ...]]:
        """Each agent's retention row; the switch and the remote clock go to `meta`."""
        enabled = (
            body.get("session_logging_enabled") if isinstance(body, dict) else None
        )
        if type(enabled) is not bool:
            raise ProtocolError(endpoint, "session_logging_enabled is not a boolean")
        agents = _list_field(body, "agents", endpoint)
        values: dict[str, str | int | bool | None] = {
            "session_logging_enabled": enabled
        }
        if type(body.get("server_time_ms")) is int:
            self.server_time_ms = max(self.server_time_ms or 0, body["server_time_ms"])
            values["server_time_ms"] = self.server_time_ms
        self.writer.set_meta(values)
        return self.rows_of(contract.AGENT_RETENTION, agents, endpoint)

    def sync_stream(self, stream: Stream) -> None:
        """Walk one export stream from its bookmark to its end."""
        endpoint = stream.path.format(org=self.org)
        pages = rows = 0
        cursor = get_cursor(self.conn, stream.source)
        fetched = _prefetched(self.stream_pages(stream, endpoint, cursor))
        with contextlib.closing(fetched):
            for page in fetched:
                self.land(stream, endpoint, page)
                pages += 1
                rows += page.records
                self.report(SyncProgress(stream.source, pages, rows))
                self.maybe_commit()
                self.check_cancel()
        self.source_done(stream.source, pages, rows)

    def land(self, stream: Stream, endpoint: str, page: _Page) -> None:
        """Store one page's records and, in the same batch, the bookmark after it."""
        for reason, record in page.rejected:
            self.reject(endpoint, reason, record)
        self.changes[stream.table] += self.writer.upsert(stream.table, page.rows)
        self.writer.save_cursor(stream.source, page.next_cursor)

    def stream_pages(
        self, stream: Stream, endpoint: str, cursor: str | None
    ) -> Iterator[_Page]:
        """The pages of an export stream from `cursor`, fetched one after another.

        Runs in the prefetch thread, so it touches the network only, never the
        database connection; it also checks the records against the contract,
        so that this work overlaps the writer's.
        """
        base = {"order": "tail", "format": "native", "limit": self.config.page_limit}
        first = True
        while True:
            params = dict(base)
            if cursor:
                params["cursor"] = cursor
            else:
                params["start_date"] = self.start_date(stream)
            try:
                answer = self.client.get(endpoint, params)
            except RemoteError as error:
                if not (first and cursor and error.code == "invalid_cursor"):
                    raise
                log.warning(
                    "sync: %s refused its stored bookmark; walking it again from "
                    "the start (stored records are kept, repeats are merged)",
                    stream.source,
                )
                cursor = None
                continue
            first = False
            page = _page_of(answer, endpoint, cursor, stream.spec)
            yield page
            if not page.has_more:
                return
            if page.next_cursor is None or page.next_cursor == cursor:
                raise ProtocolError(f"GET {endpoint}", "has_more without a new cursor")
            cursor = page.next_cursor

    def start_date(self, stream: Stream) -> str:
        """The first call's `start_date`: 180 days before the remote's now."""
        if stream.history_days is None or self.server_time_ms is None:
            return "1970-01-01T00:00:00Z"
        start_ms = self.server_time_ms - stream.history_days * DAY_MS
        moment = datetime.fromtimestamp(start_ms // 1000, tz=UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def send_verdicts(self) -> None:
        """Send the flag verdicts made here, first of all (sync/outbox.py)."""
        self.commit()
        report = outbox.send_verdicts(
            self.conn, self.path, self.client, self.org, cancel=self.cancel
        )
        for line in report.notices():
            self.notice(line)

    def pull_verdicts(self) -> None:
        """The team's flag verdicts, once the flags they decide have landed."""
        self.commit()
        added = outbox.pull_verdicts(
            self.conn, self.path, self.client, self.org, cancel=self.cancel
        )
        self.report(SyncProgress("verdicts", 1, added, finished=True))
        self.check_cancel()

    def sync_consumption(self) -> None:
        """Every month covering 180 days that is not yet stored final."""
        assert self.server_time_ms is not None
        months = _months_covering(self.server_time_ms, HISTORY_DAYS)
        previous = months[-2] if len(months) > 1 else months[-1]
        for month in months:
            source = f"consumption:{month}"
            if month < previous and get_cursor(self.conn, source) == "final":
                continue
            self.sync_month(month, source)
            self.check_cancel()

    def sync_month(self, month: str, source: str) -> None:
        """One month's daily lines and its four breakdowns, replaced in one batch."""
        base = BILLING.format(org=self.org) + "/consumption"
        params = {"month": month}
        daily: list[tuple[Any, ...]] = []
        pages = 0
        for data, total in self.offset_pages(base + "/daily", params, limit=1000):
            daily += self.rows_of(contract.CONSUMPTION_DAY, data, base + "/daily")
            pages += 1
            self.report(SyncProgress(source, pages, len(daily), total))
        shares: list[tuple[Any, ...]] = []
        for scope in CONSUMPTION_SCOPES:
            endpoint = f"{base}/breakdown/{scope}"
            for data, _total in self.offset_pages(endpoint, params, limit=1000):
                rows = self.rows_of(contract.CONSUMPTION_SHARE, data, endpoint)
                shares += [(month, scope, *row) for row in rows]
                pages += 1
                self.report(SyncProgress(source, pages, len(daily) + len(shares)))
        for table, rows in (
            ("consumption_daily", daily),
            ("consumption_breakdown", shares),
        ):
            changed, removed = self.writer.replace_month(table, month, rows)
            self.changes[table] += changed
            self.removed[table] += removed
        ended = _month_end_ms(month) + DAY_MS <= (self.server_time_ms or 0)
        self.writer.save_cursor(source, "final" if ended else "partial")
        self.source_done(source, pages, len(daily) + len(shares))

    # Helpers shared by the steps.

    def offset_pages(
        self, endpoint: str, params: dict[str, Any], *, limit: int
    ) -> Iterator[tuple[list[Any], int | None]]:
        """(records, total) per page of an offset-paginated list."""
        offset = 0
        while True:
            body = self.client.get(
                endpoint, {**params, "limit": limit, "offset": offset}
            ).body
            data = _list_field(body, "data", endpoint)
            total = body.get("total") if isinstance(body, dict) else None
            if type(total) is not int:
                raise ProtocolError(f"GET {endpoint}", "total is not an integer")
            yield data, total
            offset += len(data)
            if not data or offset >= total:
                return
            self.check_cancel()

    def rows_of(
        self, spec: RecordSpec, records: Sequence[Any], endpoint: str
    ) -> list[tuple[Any, ...]]:
        """The rows of the records that keep the contract; the others are rejected."""
        rows, rejected = _checked_rows(spec, records)
        for reason, record in rejected:
            self.reject(endpoint, reason, record)
        return rows

    def reject(self, endpoint: str, reason: str, record: Any) -> None:
        """Set a record aside in `rejects`, with why, and carry on."""
        payload = json.dumps(record, default=_json_default, ensure_ascii=False)
        added = self.writer.reject(endpoint, reason, payload, now_ms())
        self.summary.rejects += added
        if added:
            log.warning("sync: %s record rejected: %s", endpoint, reason)

    def source_done(self, source: str, pages: int, rows: int) -> None:
        """Mark a source walked to its end, commit, and say so."""
        self.writer.source_succeeded(source, now_ms())
        self.commit()
        self.report(SyncProgress(source, pages, rows, finished=True))

    def maybe_commit(self) -> None:
        """Commit once the batch is big or old enough."""
        if (
            self.writer.pending_rows >= self.config.commit_rows
            or time.monotonic() - self.last_commit >= COMMIT_SECONDS
        ):
            self.commit()

    def commit(self) -> None:
        """Commit the batch (rows, bookmarks and the generation bump together)."""
        self.writer.commit()
        self.last_commit = time.monotonic()

    def check_cancel(self) -> None:
        """Stop here if the caller asked to."""
        if self.cancel is not None and self.cancel.is_set():
            raise _Cancelled

    def report(self, event: SyncEvent) -> None:
        """Hand an event to the caller's callback, if any."""
        if self.progress is not None:
            self.progress(event)

    def notice(self, text: str) -> None:
        """Say something once, in the progress stream and the summary."""
        self.summary.notices.append(text)
        self.report(SyncNotice(text))


def _checked_rows(
    spec: RecordSpec, records: Sequence[Any]
) -> tuple[list[tuple[Any, ...]], list[tuple[str, Any]]]:
    """The rows of the records that keep the contract, and (why, record) of the rest."""
    rows: list[tuple[Any, ...]] = []
    rejected: list[tuple[str, Any]] = []
    row = spec.row
    for record in records:
        try:
            rows.append(row(record))
        except ContractViolation as violation:
            rejected.append((str(violation), record))
    return rows, rejected


def _page_of(
    answer: Answer, endpoint: str, cursor: str | None, spec: RecordSpec
) -> _Page:
    """An export page from its answer, once its shape keeps the contract."""
    body = answer.body
    records = _list_field(body, "result", endpoint)
    pagination = body.get("pagination")
    if not isinstance(pagination, dict):
        raise ProtocolError(f"GET {endpoint}", "pagination is missing")
    has_more = _bool_field(pagination, "has_more", endpoint)
    next_cursor = pagination.get("next_cursor") or answer.headers.get("x-next-cursor")
    if next_cursor is not None and not isinstance(next_cursor, str):
        raise ProtocolError(f"GET {endpoint}", "next_cursor is not a string")
    # At the end of a stream a remote may omit the cursor: asking again with the
    # one just used repeats a page, which the upserts merge.
    rows, rejected = _checked_rows(spec, records)
    return _Page(rows, rejected, next_cursor or cursor, has_more)


def _list_field(body: Any, name: str, endpoint: str) -> list[Any]:
    """`body[name]` when it is a list, else the page breaks the contract."""
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, list):
        raise ProtocolError(f"GET {endpoint}", f"{name} is not a list")
    return value


def _bool_field(body: Any, name: str, endpoint: str) -> bool:
    """`body[name]` when it is a boolean, else the page breaks the contract."""
    value = body.get(name) if isinstance(body, dict) else None
    if type(value) is not bool:
        raise ProtocolError(f"GET {endpoint}", f"{name} is not a boolean")
    return value


def _json_default(value: object) -> object:
    """Decimals back to their JSON text form when a rejected record is kept."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _months_covering(server_time_ms: int, days: int) -> list[str]:
    """The `YYYY-MM` months from `days` before the remote's now to now, oldest first."""
    start = datetime.fromtimestamp((server_time_ms - days * DAY_MS) / 1000, tz=UTC)
    end = datetime.fromtimestamp(server_time_ms / 1000, tz=UTC)
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_end_ms(month: str) -> int:
    """The first instant after `month` (`YYYY-MM`), in epoch milliseconds."""
    year, number = int(month[:4]), int(month[5:7])
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return int(datetime(year, number, 1, tzinfo=UTC).timestamp() * 1000)


_DONE = object()


def _prefetched(pages: Iterator[T], depth: int = 2) -> Generator[T, None, None]:
    """`pages`, produced in a background thread up to `depth` ahead of the reader.

    The network wait for page n+1 overlaps the inserts of page n. An error in
    the producer reaches the reader at the point where that page would have.
    """
    slots: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for page in pages:
                if not _offer(slots, page, stop):
                    return
            _offer(slots, _DONE, stop)
        except BaseException as error:  # handed to the reader, who raises it
            _offer(slots, _Failure(error), stop)

    worker = threading.Thread(target=produce, name="agentmon-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()


class _Failure:
    """An exception raised in the prefetch thread, carried to the reader."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _offer(slots: "queue.Queue[Any]", item: object, stop: threading.Event) -> bool:
    """Put `item` in the queue unless the reader has gone; False once it has."""
    while not stop.is_set():
        try:
            slots.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


__all__ = ["STREAMS", "Stream", "run_sync"]

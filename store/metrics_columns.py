"""The columns of `log_records` as numpy arrays, read once per sync and kept.

Reading values out of SQLite through Python is what metrics cost (about
0.2 µs a value here), so the columns are read once into arrays ordered by
agent, then time, and kept: in memory per database file, and in a file next
to the database (`<database>.metrics.npz`) so that a new process does not
read them again. The arrays are keyed by `meta.sync_generation` and the
table's largest rowid; when either moved, only the rows appended since
(`rowid` above the last one read) are read and merged in, and the table's
row count must then agree, else everything is read again.

Known limit: a record rewritten in place with different content (the wire
contract says a redelivered record carries the same content) is picked up
only when the arrays are next rebuilt from scratch, e.g. by `forget()`.

numpy is imported here, so `store.metrics` imports this module lazily.
"""

import contextlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from store.paths import metrics_cache_path

# Bumped whenever the layout of the persisted file changes.
FORMAT_VERSION = 1

# Status classes, as small integer codes.
STATUS_2XX, STATUS_4XX, STATUS_5XX, STATUS_OTHER = 0, 1, 2, 3

# Appending more rows than this since the file was written rewrites it; fewer
# are cheaper to read again from SQLite than the file is to write.
PERSIST_AFTER_ROWS = 20_000

# Codes of absent strings (a record without user or model).
NO_CODE = -1

# Times are shifted by this much in the combined sort key so that the key stays
# positive for any time within about 139 years of 1970.
_TIME_OFFSET = 1 << 42
_CODE_SHIFT = 43

_SELECT = (
    "SELECT application_id, inserted_at_ms, user_id, model, duration_ms,"
    " http_status, prompt_tokens, completion_tokens, total_tokens, cost_ucents"
    " FROM log_records"
)

_ROW_DTYPE = np.dtype(
    [
        ("agent", "i4"),
        ("t", "i8"),
        ("user", "i4"),
        ("model", "i4"),
        # Nullable integers come in as floats (None becomes NaN); they are exact
        # well past any count of tokens, micro-cents or milliseconds a record has.
        ("duration", "f8"),
        ("http_status", "i8"),
        ("prompt", "f8"),
        ("completion", "f8"),
        ("total", "f8"),
        ("cost", "f8"),
    ]
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CacheKey:
    """What the arrays were read at: the sync generation and the table's extent."""

    generation: str
    max_rowid: int
    count: int


@dataclass
class Columns:
    """Every log record's metric columns, ordered by (agent code, inserted_at_ms).

    `agent_starts[c]` to `agent_starts[c + 1]` is agent code `c`'s block. Codes
    index `agent_ids`, `user_ids` and `model_names`; they are given in the order
    strings were first met, so `user_rank` orders users by id for tie-breaking.
    `duration_ms` holds NaN where the response time was not recorded.
    """

    key: CacheKey
    agent_ids: list[str]
    user_ids: list[str]
    model_names: list[str]
    agent_starts: IntArray
    inserted_at_ms: IntArray
    agent: npt.NDArray[np.int32]
    user: npt.NDArray[np.int32]
    model: npt.NDArray[np.int32]
    status_class: npt.NDArray[np.int8]
    duration_ms: FloatArray
    prompt_tokens: IntArray
    completion_tokens: IntArray
    total_tokens: IntArray
    cost_ucents: IntArray
    persisted_count: int = 0
    _user_rank: npt.NDArray[np.int64] | None = None
    _agent_codes: dict[str, int] | None = None

    @property
    def size(self) -> int:
        """How many records the arrays hold."""
        return int(self.inserted_at_ms.shape[0])

    @property
    def user_rank(self) -> npt.NDArray[np.int64]:
        """Each user code's position among the user ids in ascending order."""
        if self._user_rank is None:
            order = np.argsort(np.array(self.user_ids, dtype=object), kind="stable")
            rank = np.empty(len(self.user_ids), dtype=np.int64)
            rank[order] = np.arange(len(self.user_ids), dtype=np.int64)
            self._user_rank = rank
        return self._user_rank

    def agent_code(self, application_id: str) -> int | None:
        """The code of an agent that has records, None for one that has none."""
        if self._agent_codes is None:
            self._agent_codes = {name: code for code, name in enumerate(self.agent_ids)}
        return self._agent_codes.get(application_id)

    def block(self, code: int) -> tuple[int, int]:
        """The index range of one agent's records."""
        return int(self.agent_starts[code]), int(self.agent_starts[code + 1])

    def window_range(self, code: int, from_ms: int, to_ms: int) -> tuple[int, int]:
        """The index range of one agent's records in `[from_ms, to_ms)`."""
        start, end = self.block(code)
        times = self.inserted_at_ms[start:end]
        low, high = np.searchsorted(times, [from_ms, to_ms], side="left")
        return start + int(low), start + int(high)


def group_order(
    groups: npt.NDArray[np.integer[Any]], n_groups: int
) -> tuple[npt.NDArray[np.intp], IntArray]:
    """The order that puts equal groups together, and each group's bounds in it."""
    # Stable sorts of 16-bit integers are radix sorts: linear in the values.
    keys = groups.astype(np.uint16 if n_groups <= 1 << 16 else np.int64)
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n_groups + 1), side="left")
    return order, bounds.astype(np.int64)


def grouped_sums(
    order: npt.NDArray[np.intp],
    bounds: IntArray,
    values: dict[str, IntArray],
) -> dict[str, IntArray]:
    """Per group of `group_order`: the count (`"count"`) and each column's sum."""
    sums = {"count": np.diff(bounds)}
    for name, column in values.items():
        running = np.concatenate([[0], np.cumsum(column[order], dtype=np.int64)])
        sums[name] = running[bounds[1:]] - running[bounds[:-1]]
    return sums


_MEMORY: dict[str, Columns] = {}
_LOCK = threading.Lock()


# Known limit: reading every record anew (no cache file beside the database,
# for instance a copy made without its `.metrics.npz`) takes about 4 s per
# million records and holds the GIL most of that time, so an app doing it in a
# worker thread answers keys slowly until it ends. Every sync refreshes the
# file (`refresh_file`), so only such copies meet this.
def refresh_file(path: str) -> None:
    """Bring the column cache beside the database at `path` up to date.

    The last step of a sync: it pays the read of what it just wrote (only the
    new records when the cache was fresh before), so the first screen or
    `agentmon metrics` after it does not pay for reading every record.
    """
    from store.db import open_database

    conn = open_database(path, readonly=True)
    try:
        load_columns(conn)
    finally:
        conn.close()


def load_columns(conn: sqlite3.Connection) -> Columns:
    """The current columns of `conn`'s `log_records`, from cache when still fresh.

    Columns of an in-memory database are read anew on every call.
    """
    path = _database_file(conn)
    with _LOCK, _snapshot(conn):
        generation, max_rowid = _fast_key(conn)
        held = _MEMORY.get(path) if path else None
        if held is not None and (held.key.generation, held.key.max_rowid) == (
            generation,
            max_rowid,
        ):
            return held
        if held is None and path:
            held = _read_file(metrics_cache_path(path))
        columns, rebuilt = _refresh(conn, held, generation, max_rowid)
        if path:
            _MEMORY[path] = columns
            unsaved = columns.size - columns.persisted_count
            if rebuilt or unsaved > PERSIST_AFTER_ROWS:
                _write_file(metrics_cache_path(path), columns)
        return columns


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so the key, the count and the rows agree.

    A connection already in a transaction (a writer mid-batch) is its own
    snapshot and is left as it is.
    """
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def forget(conn: sqlite3.Connection) -> None:
    """Drop the cached columns of `conn`'s database, in memory and on disk."""
    path = _database_file(conn)
    if not path:
        return
    with _LOCK:
        _MEMORY.pop(path, None)
        with contextlib.suppress(OSError):
            metrics_cache_path(path).unlink()


def forget_memory() -> None:
    """Drop every database's columns held in memory; persisted files stay."""
    with _LOCK:
        _MEMORY.clear()


def cache_file_for(conn: sqlite3.Connection) -> Path | None:
    """Where the columns of `conn`'s database are persisted (None in memory)."""
    path = _database_file(conn)
    return metrics_cache_path(path) if path else None


def _database_file(conn: sqlite3.Connection) -> str:
    """The main database's file name, "" for an in-memory or temporary one."""
    for _seq, name, filename in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(filename or "")
    return ""


def _fast_key(conn: sqlite3.Connection) -> tuple[str, int]:
    """The database's identity and sync generation, and the largest rowid.

    The creation time tells apart two files that happen to share a path
    (a copy replaced by another) and a generation.
    """
    row = conn.execute(
        "SELECT (SELECT value FROM meta WHERE key = 'created_at_ms'),"
        " (SELECT value FROM meta WHERE key = 'sync_generation'),"
        " (SELECT max(rowid) FROM log_records)"
    ).fetchone()
    return f"{row[0] or ''}:{row[1] or 0}", int(row[2] or 0)


def _refresh(
    conn: sqlite3.Connection, held: Columns | None, generation: str, max_rowid: int
) -> tuple[Columns, bool]:
    """`held` brought up to date, and whether everything had to be read anew.

    Only rows appended since `held` was read are read when the row count
    agrees; otherwise the whole table is.
    """
    if held is not None and held.key.max_rowid == max_rowid:
        count = _count(conn)
        if count == held.key.count:
            held.key = CacheKey(generation, max_rowid, count)
            return held, False
    if held is not None and held.key.max_rowid < max_rowid:
        lists = (list(held.agent_ids), list(held.user_ids), list(held.model_names))
        rows = _read_rows(conn, held.key.max_rowid, max_rowid, *lists)
        count = _count(conn)
        if held.key.count + len(rows) == count:
            key = CacheKey(generation, max_rowid, count)
            return _merge(held, rows, lists, key), False
    lists = ([], [], [])
    rows = _read_rows(conn, 0, max_rowid, *lists)
    empty = _empty(CacheKey(generation, 0, 0))
    return _merge(empty, rows, lists, CacheKey(generation, max_rowid, len(rows))), True


def _count(conn: sqlite3.Connection) -> int:
    """How many log records there are (in the snapshot the key was read in)."""
    return int(conn.execute("SELECT count(*) FROM log_records").fetchone()[0])


def _empty(key: CacheKey) -> Columns:
    """Columns holding no record."""
    return Columns(
        key=key,
        agent_ids=[],
        user_ids=[],
        model_names=[],
        agent_starts=np.zeros(1, dtype=np.int64),
        inserted_at_ms=np.zeros(0, dtype=np.int64),
        agent=np.zeros(0, dtype=np.int32),
        user=np.zeros(0, dtype=np.int32),
        model=np.zeros(0, dtype=np.int32),
        status_class=np.zeros(0, dtype=np.int8),
        duration_ms=np.zeros(0, dtype=np.float64),
        prompt_tokens=np.zeros(0, dtype=np.int64),
        completion_tokens=np.zeros(0, dtype=np.int64),
        total_tokens=np.zeros(0, dtype=np.int64),
        cost_ucents=np.zeros(0, dtype=np.int64),
    )


def _read_rows(
    conn: sqlite3.Connection,
    after_rowid: int,
    up_to_rowid: int,
    agent_ids: list[str],
    user_ids: list[str],
    model_names: list[str],
) -> npt.NDArray[np.void]:
    """The rows with rowid in `(after_rowid, up_to_rowid]`, strings as codes.

    Agents, users and models met for the first time are appended to the lists.
    """
    agents, users, models = _Codes(agent_ids), _Codes(user_ids), _Codes(model_names)
    cursor = conn.execute(
        f"{_SELECT} WHERE rowid > ? AND rowid <= ?", (after_rowid, up_to_rowid)
    )
    # Unpacking in the generator and dict lookups that fall back to
    # `__missing__` only for new strings are the cheapest Python per row here.
    return np.fromiter(
        (
            (agents[agent], t, users[user], models[model], d, s, p, c, tt, co)
            for agent, t, user, model, d, s, p, c, tt, co in cursor
        ),
        dtype=_ROW_DTYPE,
    )


class _Codes(dict[str | None, int]):
    """A string's code: its index in `names`, where new strings are appended."""

    def __init__(self, names: list[str]) -> None:
        super().__init__({name: code for code, name in enumerate(names)})
        self[None] = NO_CODE
        self.names = names

    def __missing__(self, name: str | None) -> int:
        code = self[name] = len(self.names)
        assert name is not None
        self.names.append(name)
        return code


def _as_int(values: FloatArray) -> IntArray:
    """Nullable integer values read as floats, with null as 0."""
    return np.nan_to_num(values, nan=0.0).astype(np.int64)


def _status_class(http_status: IntArray) -> npt.NDArray[np.int8]:
    """The class code of each HTTP status."""
    hundreds = http_status // 100
    classes = np.full(http_status.shape, STATUS_OTHER, dtype=np.int8)
    classes[hundreds == 2] = STATUS_2XX
    classes[hundreds == 4] = STATUS_4XX
    classes[hundreds == 5] = STATUS_5XX
    return classes


def _merge(
    held: Columns,
    rows: npt.NDArray[np.void],
    lists: tuple[list[str], list[str], list[str]],
    key: CacheKey,
) -> Columns:
    """`held` with `rows` merged in, reordered by (agent, time).

    `lists` are the agent ids, user ids and model names the codes now index.
    Columns are built one at a time, so that a full read of a million records
    holds one column's intermediate copies at a time, not all of them.
    """
    agent_ids, user_ids, model_names = lists
    added: dict[str, Callable[[], npt.NDArray[Any]]] = {
        "inserted_at_ms": lambda: rows["t"],
        "agent": lambda: rows["agent"],
        "user": lambda: rows["user"],
        "model": lambda: rows["model"],
        "status_class": lambda: _status_class(rows["http_status"]),
        "duration_ms": lambda: rows["duration"],
        "prompt_tokens": lambda: _as_int(rows["prompt"]),
        "completion_tokens": lambda: _as_int(rows["completion"]),
        "total_tokens": lambda: _as_int(rows["total"]),
        "cost_ucents": lambda: _as_int(rows["cost"]),
    }

    def merged(name: str) -> npt.NDArray[Any]:
        return np.concatenate([getattr(held, name), added[name]()])

    agents = merged("agent")
    sort_key = (agents.astype(np.int64) << _CODE_SHIFT) + (
        merged("inserted_at_ms") + _TIME_OFFSET
    )
    # The held part is already in order: a stable sort (timsort) merges runs.
    order = np.argsort(sort_key, kind="stable")
    del sort_key
    ordered: dict[str, Any] = {"agent": agents[order]}
    del agents
    for name in added:
        if name != "agent":
            ordered[name] = merged(name)[order]
    starts = np.searchsorted(
        ordered["agent"], np.arange(len(agent_ids) + 1), side="left"
    ).astype(np.int64)
    return Columns(
        key=key,
        agent_ids=agent_ids,
        user_ids=user_ids,
        model_names=model_names,
        agent_starts=starts,
        persisted_count=held.persisted_count,
        **ordered,
    )


_ARRAY_FIELDS = (
    "agent_starts",
    "inserted_at_ms",
    "agent",
    "user",
    "model",
    "status_class",
    "duration_ms",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost_ucents",
)


def _write_file(target: Path, columns: Columns) -> None:
    """Persist the columns atomically, owner-readable only; failures are ignored.

    The file is a cache: a directory we cannot write to costs speed, not data.
    """
    arrays: dict[str, Any] = {name: getattr(columns, name) for name in _ARRAY_FIELDS}
    arrays["format"] = np.array([FORMAT_VERSION])
    arrays["key_generation"] = np.array([columns.key.generation])
    arrays["key_numbers"] = np.array([columns.key.max_rowid, columns.key.count])
    for name in ("agent_ids", "user_ids", "model_names"):
        arrays[name] = np.array(getattr(columns, name), dtype=np.str_)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=target.name, suffix=".tmp"
        )
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    columns.persisted_count = columns.size


def _read_file(source: Path) -> Columns | None:
    """Columns persisted earlier, or None when absent, unreadable or of old format."""
    try:
        with np.load(source, allow_pickle=False) as stored:
            if int(stored["format"][0]) != FORMAT_VERSION:
                return None
            max_rowid, count = (int(value) for value in stored["key_numbers"])
            key = CacheKey(str(stored["key_generation"][0]), max_rowid, count)
            arrays: dict[str, Any] = {name: stored[name] for name in _ARRAY_FIELDS}
            lists: dict[str, Any] = {
                name: [str(value) for value in stored[name]]
                for name in ("agent_ids", "user_ids", "model_names")
            }
    except (OSError, KeyError, ValueError):
        return None
    return Columns(key=key, persisted_count=count, **lists, **arrays)

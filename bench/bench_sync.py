"""Sync speed and memory: a large sandbox synced by `agentmon sync`, against raw SQLite.

The sandbox runs in its own interpreter and the sync in another (a real
`agentmon sync`), so the sync's peak RSS is its own and the two sides never
share a GIL. The same rows, in the same order, are then inserted with a plain
`executemany` (one row per execution) into an empty file with the real schema
(same primary keys and indexes), in one transaction, committed and closed:
the rate SQLite alone allows. Targets: the sync reaches at least a third of
that rate, and stays under 300 MB at any scale.

The sync itself upserts many rows per statement, which a plain executemany
does not, so the same insert with that statement shape is shown too (for
information: the target is against the plain one). The machine's load
average is printed with the figures, since other work on the machine slows
the sync (two processes) more than the raw insert (one).

Two more figures say where the time goes: the sync process's own CPU time
(its rate if the remote answered instantly), and how long the remote alone
takes to serve every export page (read as bytes, not parsed): a sync cannot
be faster than its remote.
"""

import itertools
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.world import ADMIN_KEY, NOW, SandboxProcess, keep_in_cache
from store.clock import parse_iso_ms
from store.db import open_database
from store.write import ROWS_PER_STATEMENT, UPSERT_COLUMNS
from sync.engine import STREAMS

SCALE = os.environ.get("AGENTMON_BENCH_SCALE", "large")
TARGET_RATIO = 1 / 3
TARGET_PEAK_MB = 300
CHUNK = 100_000
# What a first sync asks the export streams for: 180 days before the remote's now.
START_DATE = time.strftime(
    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(parse_iso_ms(NOW) / 1000 - 180 * 86_400)
)


def main() -> None:
    """Print the sync's records per second, peak memory, the raw rate and the ratio."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder, SandboxProcess(SCALE) as remote:
        synced = Path(folder) / "agentmon.db"
        seconds, cpu_seconds, peak_mb = _timed_sync(remote.sync_environment(synced))
        load_during = os.getloadavg()[0]
        rows = _synced_rows(synced)
        raw_seconds = _raw_insert_seconds(synced, Path(folder) / "raw.db")
        chunked_seconds = _raw_insert_seconds(
            synced, Path(folder) / "chunked.db", ROWS_PER_STATEMENT
        )
        serve_seconds = _remote_alone_seconds(remote.base_url)
        keep_in_cache(synced, SCALE)

    sync_rate = rows / seconds
    raw_rate = rows / raw_seconds
    ratio = sync_rate / raw_rate
    print(
        f"scale: {SCALE}, rows synced: {rows:,}; load average {load_before:.1f} "
        f"before the sync, {load_during:.1f} after it ({os.cpu_count()} cores)"
    )
    print(
        f"sync: {seconds:.1f} s, {sync_rate:,.0f} records/s, peak RSS {peak_mb:.0f} MB"
    )
    print(
        f"  its own CPU: {cpu_seconds:.1f} s, {rows / cpu_seconds:,.0f} records "
        "per CPU second"
    )
    print(
        f"  remote alone, serving every export page: {serve_seconds:.1f} s "
        f"(a sync can reach at most {rows / serve_seconds:,.0f} records/s)"
    )
    print(
        f"raw executemany of the same rows, one transaction, empty file: "
        f"{raw_seconds:.1f} s, {raw_rate:,.0f} rows/s"
    )
    print(
        f"  for information, {ROWS_PER_STATEMENT} rows per INSERT as the sync does: "
        f"{chunked_seconds:.1f} s, {rows / chunked_seconds:,.0f} rows/s"
    )
    print(
        f"ratio sync/raw: {ratio:.2f} (target >= {TARGET_RATIO:.2f}: "
        f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})"
    )
    print(
        f"peak RSS: {peak_mb:.0f} MB (target < {TARGET_PEAK_MB} MB: "
        f"{'met' if peak_mb < TARGET_PEAK_MB else 'MISSED'})"
    )


# `agentmon sync` as a child that reports its own peak memory on its way out.
_SYNC = """
import sys
from bench.memory import peak_rss_mb
from tui.cli import main
code = main(["sync"])
print(peak_rss_mb(), flush=True)
sys.exit(code)
"""


def _timed_sync(env: dict[str, str]) -> tuple[float, float, float]:
    """Run `agentmon sync` to the end; (wall seconds, CPU seconds, peak RSS MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", _SYNC],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"agentmon sync failed with exit code {process.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, float(output.split()[-1])


def _remote_alone_seconds(base_url: str) -> float:
    """Seconds to fetch every export stream's pages as bytes, unparsed."""
    import httpx

    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    started = time.perf_counter()
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        org = client.get("/v1/me").json()["organization_id"]
        for stream in STREAMS:
            path = stream.path.format(org=org)
            params: dict[str, object] = {"limit": 5000, "start_date": START_DATE}
            while True:
                answer = client.get(path, params=params)
                if b'"has_more":false' in answer.content:
                    break
                params = {"limit": 5000, "cursor": answer.headers["x-next-cursor"]}
    return time.perf_counter() - started


def _synced_rows(path: Path) -> int:
    """Rows in every synced table."""
    conn = open_database(path, readonly=True)
    try:
        return sum(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in UPSERT_COLUMNS
        )
    finally:
        conn.close()


def _raw_insert_seconds(synced: Path, empty: Path, rows_per_insert: int = 1) -> float:
    """Seconds plain inserts take to put every synced row into `empty`, and close.

    Rows are read from `synced` in the order the sync stored them; only the
    inserts, the commit and the closing checkpoint are timed.
    """
    source = open_database(synced, readonly=True)
    target = open_database(empty)
    spent = 0.0
    try:
        target.execute("BEGIN")
        for table, columns in UPSERT_COLUMNS.items():
            names = ", ".join(columns)
            row = f"({', '.join('?' for _ in columns)})"
            reader = source.execute(f"SELECT {names} FROM {table} ORDER BY rowid")
            while chunk := reader.fetchmany(CHUNK):
                started = time.perf_counter()
                _insert(target, table, names, row, chunk, rows_per_insert)
                spent += time.perf_counter() - started
        started = time.perf_counter()
        target.execute("COMMIT")
        target.close()
        spent += time.perf_counter() - started
    except sqlite3.Error:
        target.execute("ROLLBACK")
        target.close()
        raise
    finally:
        source.close()
    return spent


def _insert(
    conn: sqlite3.Connection,
    table: str,
    names: str,
    row: str,
    rows: list[tuple[object, ...]],
    per: int,
) -> None:
    """INSERT `rows`, `per` rows to a statement (one executemany per shape)."""
    whole = len(rows) - len(rows) % per if per > 1 else 0
    if whole:
        values = ", ".join([row] * per)
        conn.executemany(
            f"INSERT INTO {table} ({names}) VALUES {values}",
            [
                list(itertools.chain.from_iterable(rows[start : start + per]))
                for start in range(0, whole, per)
            ],
        )
    if whole < len(rows):
        conn.executemany(f"INSERT INTO {table} ({names}) VALUES {row}", rows[whole:])


if __name__ == "__main__":
    main()

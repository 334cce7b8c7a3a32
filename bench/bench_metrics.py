"""How fast the metric views answer on the large scale, and against DuckDB.

For windows of 24 h, 30 d and 180 d ending at the data's "now", on the
busiest agent and on every agent together, prints each view's time: the cold
first call (the columns read from SQLite, then read from the persisted file
by a fresh process's first call) and the warm call (median of several).
In the same run, DuckDB's `quantile_cont` over exactly the same values, with
the ratio to agentmon's percentiles.

Targets (from the issue): every view under 100 ms for 30 days of the busiest
agent, under 500 ms for 180 days of the whole organisation, and percentiles
no slower than DuckDB on the same values.
"""

import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

DAY_MS = 86_400_000
WINDOWS = {"24h": DAY_MS, "30d": 30 * DAY_MS, "180d": 180 * DAY_MS}
REPEATS = 7
# The warm time each view must stay under, per (scope, window).
TARGETS = {("busiest agent", "30d"): 0.100, ("organisation", "180d"): 0.500}


def _seconds(call: Callable[[], object], repeats: int = REPEATS) -> float:
    """The median wall time of `call`."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _once(call: Callable[[], object]) -> float:
    """The wall time of one call."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _busiest_agent(conn: sqlite3.Connection) -> tuple[str, int]:
    """The deployed agent with the most log records, and how many."""
    row = conn.execute(
        "SELECT l.application_id, count(*) FROM log_records l"
        " JOIN agents a USING (application_id) WHERE a.status = 'deployed'"
        " GROUP BY l.application_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return str(row[0]), int(row[1])


def _now_of(conn: sqlite3.Connection) -> int:
    """The end of the data: the remote clock at the last sync, else the last record."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'server_time_ms'").fetchone()
    if row and str(row[0]).isdigit():
        return int(row[0])
    return int(
        conn.execute("SELECT max(inserted_at_ms) FROM log_records").fetchone()[0]
    )


def _cold(conn: sqlite3.Connection, window: tuple[int, int]) -> dict[str, float]:
    """The first call's time with nothing cached, then with only the file."""
    from store import metrics, metrics_columns

    metrics_columns.forget(conn)
    from_sqlite = _once(lambda: metrics.performance(conn, *window))
    metrics_columns.forget_memory()
    from_file = _once(lambda: metrics.performance(conn, *window))
    return {"from_sqlite": from_sqlite, "from_file": from_file}


def _views(
    conn: sqlite3.Connection, window: tuple[int, int], agents: list[str] | None
) -> dict[str, Callable[[], object]]:
    """Each view for one window and scope, as a call."""
    from store import metrics

    views: dict[str, Callable[[], object]] = {
        "performance": lambda: metrics.performance(conn, *window, agents),
        "engagement": lambda: metrics.engagement(conn, *window, agents),
        "usage": lambda: metrics.usage(conn, *window, agents),
        "series": lambda: metrics.series(conn, *window, agents),
        "overview (all + previous)": lambda: metrics.overview(conn, *window, agents),
    }
    if agents is None:
        views["agent summaries"] = lambda: metrics.agent_summaries(conn, *window)
    return views


def _duckdb_ratio(
    conn: sqlite3.Connection, window: tuple[int, int], agents: list[str] | None
) -> dict[str, Any]:
    """agentmon's and DuckDB's percentile times over the same values."""
    import duckdb
    import numpy as np

    from store import metrics
    from store.metrics import _select, _timed

    selection = _select(conn, *window, agents)
    timed = _timed(selection.take("duration_ms"))
    ours = _seconds(lambda: metrics.percentiles(timed))
    with_take = _seconds(
        lambda: metrics.percentiles(_timed(selection.take("duration_ms")))
    )
    duck = duckdb.connect()
    duck.register("responses", {"duration_ms": timed})
    duck.execute("CREATE TABLE held AS SELECT duration_ms FROM responses")
    query = "SELECT quantile_cont(duration_ms, [0.5, 0.9, 0.95, 0.99]) FROM held"
    theirs = _seconds(lambda: duck.execute(query).fetchone())
    answer = duck.execute(query).fetchone()
    same = answer is not None and (
        (answer[0] is None and timed.shape[0] == 0)
        or bool(np.allclose(answer[0], metrics.percentiles(timed), rtol=1e-12))
    )
    duck.close()
    return {
        "n": int(timed.shape[0]),
        "ours": ours,
        "ours_with_take": with_take,
        "duckdb": theirs,
        "same": same,
    }


def _ms(seconds: float) -> str:
    """Seconds as milliseconds for the report."""
    return f"{seconds * 1000:8.1f} ms"


def measure(db_path: Path) -> Iterator[str]:
    """Run every measurement on the database at `db_path`, yielding report lines."""
    from store import metrics_consumption
    from store.db import open_database

    conn = open_database(db_path, readonly=True)
    try:
        count = int(conn.execute("SELECT count(*) FROM log_records").fetchone()[0])
        busiest, busiest_count = _busiest_agent(conn)
        now = _now_of(conn)
        yield (
            f"database: {count:,} log records; busiest agent {busiest} "
            f"({busiest_count:,})"
        )
        cold = _cold(conn, (now - WINDOWS["30d"], now))
        yield (
            f"cold first call: {_ms(cold['from_sqlite'])} reading log_records "
            f"from SQLite, {_ms(cold['from_file'])} from the persisted file"
        )
        failures = []
        for scope, agents in (("busiest agent", [busiest]), ("organisation", None)):
            for label, length in WINDOWS.items():
                window = (now - length, now)
                yield (f"-- {scope}, {label}")
                for name, call in _views(conn, window, agents).items():
                    warm = _seconds(call)
                    yield (f"   {name:<28}{_ms(warm)} warm")
                    target = TARGETS.get((scope, label))
                    if target is not None and warm > target:
                        failures.append(f"{name} {scope} {label}")
                ratio = _duckdb_ratio(conn, window, agents)
                yield (
                    f"   percentiles over n={ratio['n']:,}: ours {_ms(ratio['ours'])}"
                    f" ({_ms(ratio['ours_with_take']).strip()} with the slice),"
                    f" DuckDB {_ms(ratio['duckdb']).strip()}, ratio DuckDB/ours "
                    f"{ratio['duckdb'] / max(ratio['ours'], 1e-9):.2f}, "
                    f"same values: {ratio['same']}"
                )
        month = metrics_consumption.month_of(now - DAY_MS)
        try:
            usage = _seconds(lambda: metrics_consumption.consumption(conn, month), 3)
            yield f"-- organisation consumption {month}: {_ms(usage)} warm"
        except metrics_consumption.NoConsumptionData:
            yield "-- organisation consumption: no consumption data in this database"
        verdict = (
            "all targets met" if not failures else "missed: " + "; ".join(failures)
        )
        yield (
            f"targets (30 d busiest < 100 ms, 180 d organisation < 500 ms): {verdict}"
        )
    finally:
        conn.close()


def main(db_path: Path | None = None) -> None:
    """Measure on the large-scale synced database (bench/world.py) and print."""
    if db_path is None:
        from bench.world import large_db

        db_path = Path(large_db())
    for line in measure(db_path):
        print(line, flush=True)


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)

"""Observability metrics computed from the local copy, for any window and agents.

One function per view: `performance`, `engagement`, `usage`, `series`, and
`overview` (all of them plus the previous period), `agent_summaries` for the
Agents screen, and the organisation's consumption in `store.metrics_consumption`.
Each takes a connection, a half-open window `[from_ms, to_ms)` in UTC epoch
milliseconds on `log_records.inserted_at_ms`, and optionally the agents
(application ids; None means every record), and returns plain dataclasses.
docs/metrics.md defines every figure.

The values come from `store.metrics_columns` (numpy arrays kept per sync),
imported lazily so that importing `store` stays cheap.
"""

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from store.errors import StoreError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from store.metrics_columns import Columns

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS

# 1970-01-05 was the first Monday after the epoch: weeks are aligned to it.
MONDAY_MS = 4 * DAY_MS

# Each percentile: its name, q, and the sample it needs to mean something.
PERCENTILES: tuple[tuple[str, float, int], ...] = (
    ("p50_ms", 50.0, 1),
    ("p90_ms", 90.0, 10),
    ("p95_ms", 95.0, 20),
    ("p99_ms", 99.0, 100),
)

TOP_USERS = 5


class MetricsError(StoreError):
    """Base of the metrics' foreseen failures."""


class UnknownAgent(MetricsError):
    """An asked-for agent is not in the local copy."""

    def __init__(self, application_id: str) -> None:
        super().__init__(f"unknown agent {application_id}: it is not in the local copy")
        self.application_id = application_id


class AgentNotDeployed(MetricsError):
    """An asked-for agent is a draft: observability metrics exist for deployed ones."""

    def __init__(self, application_id: str) -> None:
        super().__init__(
            f"agent {application_id} is a draft: observability metrics exist for "
            "deployed agents only"
        )
        self.application_id = application_id


class InvalidWindow(MetricsError):
    """The window ends before it starts."""

    def __init__(self, from_ms: int, to_ms: int) -> None:
        super().__init__(f"the window ends ({to_ms}) before it starts ({from_ms})")


@dataclass(frozen=True)
class Window:
    """A half-open window `[from_ms, to_ms)` in UTC epoch milliseconds."""

    from_ms: int
    to_ms: int

    @property
    def length_ms(self) -> int:
        """How long the window is."""
        return self.to_ms - self.from_ms

    def previous(self) -> "Window":
        """The window of the same length just before this one."""
        return Window(self.from_ms - self.length_ms, self.from_ms)


@dataclass(frozen=True)
class Performance:
    """Response times and status classes over a window.

    `responses` counts every record; `n` those with a response time, over which
    `avg_ms` and the percentiles are taken (None when `n` is 0). `insufficient`
    names the percentiles whose sample is too small (see `PERCENTILES`).
    """

    responses: int
    n: int
    avg_ms: float | None
    p50_ms: float | None
    p90_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    status_200: int
    status_400: int
    status_500: int
    insufficient: tuple[str, ...]

    def status_share(self, status_class: int) -> float:
        """The fraction of responses in a class (200, 400 or 500); 0 when none."""
        counts = {200: self.status_200, 400: self.status_400, 500: self.status_500}
        return counts[status_class] / self.responses if self.responses else 0.0


@dataclass(frozen=True)
class UserInteractions:
    """One user's interactions in a window, and their share of all of them."""

    user_id: str
    interactions: int
    share: float


@dataclass(frozen=True)
class Engagement:
    """Interactions, distinct users and the most active users over a window."""

    interactions: int
    users: int
    top_users: tuple[UserInteractions, ...]


@dataclass(frozen=True)
class ModelUsage:
    """Tokens and spend of one model over a window (`model` None: not recorded)."""

    model: str | None
    interactions: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost_ucents: int


@dataclass(frozen=True)
class Usage:
    """Tokens and spend over a window; money in integer millionths of a cent."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost_ucents: int
    by_model: tuple[ModelUsage, ...]


@dataclass(frozen=True)
class Series:
    """Per-bucket figures for charts, in UTC buckets of `width_ms`.

    Bucket `i` covers `[starts_ms[i], starts_ms[i] + width_ms)` cut to the
    window; response-time values are None where a bucket has no sample.
    """

    bucket: str
    width_ms: int
    zone: str
    starts_ms: tuple[int, ...]
    interactions: tuple[int, ...]
    status_200: tuple[int, ...]
    status_400: tuple[int, ...]
    status_500: tuple[int, ...]
    n: tuple[int, ...]
    avg_ms: tuple[float | None, ...]
    p50_ms: tuple[float | None, ...]
    p90_ms: tuple[float | None, ...]
    p95_ms: tuple[float | None, ...]
    p99_ms: tuple[float | None, ...]
    total_tokens: tuple[int, ...]
    cost_ucents: tuple[int, ...]


@dataclass(frozen=True)
class Figures:
    """The headline figures of one window."""

    window: Window
    performance: Performance
    engagement: Engagement
    usage: Usage


@dataclass(frozen=True)
class Overview:
    """Everything `agentmon metrics` shows: a window, its previous period, series.

    `agents` is the sorted tuple asked for, or None for every record.
    """

    agents: tuple[str, ...] | None
    current: Figures
    previous: Figures
    series: Series


@dataclass(frozen=True)
class AgentSummary:
    """One agent's line on the Agents screen for a window.

    `last_activity_ms` is its latest log record, in the window or not.
    """

    application_id: str
    name: str | None
    status: str | None
    interactions: int
    n: int
    p95_ms: float | None
    p95_insufficient: bool
    flagged_responses: int
    last_activity_ms: int | None


def performance(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None = None,
) -> Performance:
    """Response times (mean, P50 to P99, sample count) and status classes."""
    return _performance(_select(conn, from_ms, to_ms, agents))


def engagement(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None = None,
    top: int = TOP_USERS,
) -> Engagement:
    """Interactions, distinct users and the `top` users by interactions."""
    return _engagement(_select(conn, from_ms, to_ms, agents), top)


def usage(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None = None,
) -> Usage:
    """Prompt, completion and total tokens and the exact spend, overall and by model."""
    return _usage(_select(conn, from_ms, to_ms, agents))


def series(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None = None,
) -> Series:
    """The window's figures per UTC hour, day or week, after its length."""
    return _series(_select(conn, from_ms, to_ms, agents))


def figures(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None = None,
    top: int = TOP_USERS,
) -> Figures:
    """Performance, engagement and usage of one window together."""
    return _figures(_select(conn, from_ms, to_ms, agents), top)


def overview(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None = None,
    top: int = TOP_USERS,
) -> Overview:
    """The window's figures, the previous period's, and the series for charts."""
    current = _select(conn, from_ms, to_ms, agents)
    earlier = Window(from_ms, to_ms).previous()
    previous = _Selection(
        current.columns,
        earlier,
        _ranges(current.columns, current.codes, earlier),
        current.codes,
    )
    return Overview(
        agents=None if agents is None else tuple(sorted(set(agents))),
        current=_figures(current, top),
        previous=_figures(previous, top),
        series=_series(current),
    )


@dataclass(frozen=True)
class Histogram:
    """How response times spread: counts between bin edges, in milliseconds.

    Bins are spaced evenly on a log scale from the fastest response to the
    window's P99, so one slow outlier does not squash the rest into a single
    bar; responses slower than P99 are counted in the last bin, which
    `overflow` says how many of its responses lie past its upper edge.
    """

    edges_ms: tuple[float, ...]
    counts: tuple[int, ...]
    overflow: int


def response_time_histogram(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None = None,
    bins: int = 12,
) -> Histogram:
    """The distribution of recorded response times in the window, in `bins` bins."""
    import numpy as np

    timed = _timed(_select(conn, from_ms, to_ms, agents).take("duration_ms"))
    if timed.shape[0] == 0:
        return Histogram(edges_ms=(), counts=(), overflow=0)
    low = max(float(timed.min()), 1.0)
    high = max(float(np.percentile(timed, 99.0, method="linear")), low + 1.0)
    edges = np.geomspace(low, high, bins + 1)
    clipped = np.clip(timed, low, high)
    counts, _ = np.histogram(clipped, bins=edges)
    return Histogram(
        edges_ms=tuple(float(edge) for edge in edges),
        counts=tuple(int(count) for count in counts),
        overflow=int((timed > high).sum()),
    )


def agent_summaries(
    conn: sqlite3.Connection, from_ms: int, to_ms: int
) -> dict[str, AgentSummary]:
    """Every agent's interactions, P95, flagged responses and last activity.

    Keyed by application id, in the agents' name order; an agent with log
    records but missing from `agents` is included too.
    """
    import numpy as np

    from store.metrics_columns import load_columns

    _check_window(from_ms, to_ms)
    columns = load_columns(conn)
    listed = conn.execute(
        "SELECT application_id, name, status FROM agents ORDER BY name, application_id"
    ).fetchall()
    known = {row[0] for row in listed}
    listed += [(agent, None, None) for agent in columns.agent_ids if agent not in known]
    flagged = dict(
        conn.execute(
            "SELECT application_id, count(*) FROM flags"
            " WHERE flagged_at_ms >= ? AND flagged_at_ms < ? GROUP BY application_id",
            (from_ms, to_ms),
        ).fetchall()
    )
    p95_needs = {name: needs for name, _q, needs in PERCENTILES}["p95_ms"]
    summaries: dict[str, AgentSummary] = {}
    for application_id, name, status in listed:
        code = columns.agent_code(application_id)
        interactions, n, p95, last = 0, 0, None, None
        if code is not None:
            low, high = columns.window_range(code, from_ms, to_ms)
            durations = columns.duration_ms[low:high]
            timed = durations[~np.isnan(durations)]
            interactions, n = high - low, int(timed.shape[0])
            if n:
                p95 = float(np.percentile(timed, 95.0, method="linear"))
            block_end = columns.block(code)[1]
            last = int(columns.inserted_at_ms[block_end - 1])
        summaries[application_id] = AgentSummary(
            application_id=application_id,
            name=name,
            status=status,
            interactions=interactions,
            n=n,
            p95_ms=p95,
            p95_insufficient=n < p95_needs,
            flagged_responses=int(flagged.get(application_id, 0)),
            last_activity_ms=last,
        )
    return summaries


def bucket_for(length_ms: int) -> tuple[str, int]:
    """The series bucket (name, width) for a window of `length_ms`."""
    if length_ms <= 2 * DAY_MS:
        return "hour", HOUR_MS
    if length_ms <= 92 * DAY_MS:
        return "day", DAY_MS
    return "week", WEEK_MS


def bucket_start(moment_ms: int, width_ms: int) -> int:
    """The UTC bucket boundary at or before `moment_ms`."""
    origin = MONDAY_MS if width_ms == WEEK_MS else 0
    return moment_ms - (moment_ms - origin) % width_ms


@dataclass
class _Selection:
    """The index ranges of the columns that fall in a window, for some agents.

    `agent_ranges` holds one range per agent with records in the window, each
    in time order; `ranges` the same with adjacent ones joined (no longer in
    time order), for figures that do not depend on order.
    """

    columns: "Columns"
    window: Window
    agent_ranges: list[tuple[int, int]]
    codes: list[int]

    @property
    def ranges(self) -> list[tuple[int, int]]:
        """The selected index ranges, adjacent ones joined; at least one."""
        joined: list[tuple[int, int]] = []
        for low, high in self.agent_ranges:
            if joined and joined[-1][1] == low:
                joined[-1] = (joined[-1][0], high)
            else:
                joined.append((low, high))
        return joined or [(0, 0)]

    @property
    def count(self) -> int:
        """How many records are selected."""
        return sum(high - low for low, high in self.agent_ranges)

    def take(self, name: str) -> "npt.NDArray[Any]":
        """One column's selected values, in (agent, time) order."""
        import numpy as np

        values = getattr(self.columns, name)
        ranges = self.ranges
        if len(ranges) == 1:
            low, high = ranges[0]
            return values[low:high]
        return np.concatenate([values[low:high] for low, high in ranges])


def _check_window(from_ms: int, to_ms: int) -> None:
    """Refuse a window that ends before it starts."""
    if to_ms < from_ms:
        raise InvalidWindow(from_ms, to_ms)


def _select(
    conn: sqlite3.Connection,
    from_ms: int,
    to_ms: int,
    agents: Collection[str] | None,
) -> _Selection:
    """The records of `[from_ms, to_ms)` for `agents`, once the agents are checked."""
    from store.metrics_columns import load_columns

    _check_window(from_ms, to_ms)
    asked = None if agents is None else sorted(set(agents))
    if asked is not None:
        _check_agents(conn, asked)
    columns = load_columns(conn)
    if asked is None:
        codes = list(range(len(columns.agent_ids)))
    else:
        found = (columns.agent_code(agent_id) for agent_id in asked)
        codes = sorted(code for code in found if code is not None)
    window = Window(from_ms, to_ms)
    return _Selection(columns, window, _ranges(columns, codes, window), codes)


def _check_agents(conn: sqlite3.Connection, asked: Sequence[str]) -> None:
    """Raise for the first asked agent that is unknown or a draft."""
    marks = ", ".join("?" for _ in asked)
    statuses = dict(
        conn.execute(
            "SELECT application_id, status FROM agents"
            f" WHERE application_id IN ({marks})",
            list(asked),
        ).fetchall()
    )
    for application_id in asked:
        status = statuses.get(application_id)
        if application_id not in statuses:
            has_records = conn.execute(
                "SELECT 1 FROM log_records WHERE application_id = ? LIMIT 1",
                (application_id,),
            ).fetchone()
            if has_records is None:
                raise UnknownAgent(application_id)
        elif status == "draft":
            raise AgentNotDeployed(application_id)


def _ranges(
    columns: "Columns", codes: Sequence[int], window: Window
) -> list[tuple[int, int]]:
    """Each agent's index range in `window`, empty ones left out."""
    ranges = (
        columns.window_range(code, window.from_ms, window.to_ms) for code in codes
    )
    return [(low, high) for low, high in ranges if low < high]


def _figures(selection: _Selection, top: int) -> Figures:
    """The headline figures of a selection."""
    return Figures(
        window=selection.window,
        performance=_performance(selection),
        engagement=_engagement(selection, top),
        usage=_usage(selection),
    )


def percentiles(timed: "npt.NDArray[np.float64]") -> list[float | None]:
    """P50, P90, P95 and P99 of `timed` (type 7, as `PERCENTILES`); None if empty."""
    import numpy as np

    if timed.shape[0] == 0:
        return [None for _ in PERCENTILES]
    qs = [q for _name, q, _needs in PERCENTILES]
    return [float(value) for value in np.percentile(timed, qs, method="linear")]


def _timed(durations: "npt.NDArray[np.float64]") -> "npt.NDArray[np.float64]":
    """The response times that were recorded."""
    import numpy as np

    return durations[~np.isnan(durations)]


def _mean(timed: "npt.NDArray[np.float64]") -> float | None:
    """The mean of whole milliseconds, exact up to the final division."""
    # Sums of whole numbers stay exact in float64 far beyond any window's total.
    return float(timed.sum()) / timed.shape[0] if timed.shape[0] else None


def _performance(selection: _Selection) -> Performance:
    """The performance figures of a selection."""
    import numpy as np

    from store.metrics_columns import STATUS_2XX, STATUS_4XX, STATUS_5XX

    timed = _timed(selection.take("duration_ms"))
    n = int(timed.shape[0])
    p50, p90, p95, p99 = percentiles(timed)
    classes = np.zeros(4, dtype=np.int64)
    for low, high in selection.ranges:
        classes += np.bincount(selection.columns.status_class[low:high], minlength=4)
    return Performance(
        responses=selection.count,
        n=n,
        avg_ms=_mean(timed),
        p50_ms=p50,
        p90_ms=p90,
        p95_ms=p95,
        p99_ms=p99,
        status_200=int(classes[STATUS_2XX]),
        status_400=int(classes[STATUS_4XX]),
        status_500=int(classes[STATUS_5XX]),
        insufficient=tuple(name for name, _q, needs in PERCENTILES if n < needs),
    )


def _engagement(selection: _Selection, top: int) -> Engagement:
    """The engagement figures of a selection."""
    import numpy as np

    columns = selection.columns
    users = selection.take("user")
    counts = np.bincount(users[users >= 0], minlength=len(columns.user_ids))
    active = np.flatnonzero(counts)
    ranked = active[np.lexsort((columns.user_rank[active], -counts[active]))][:top]
    interactions = selection.count
    return Engagement(
        interactions=interactions,
        users=int(active.shape[0]),
        top_users=tuple(
            UserInteractions(
                user_id=columns.user_ids[code],
                interactions=int(counts[code]),
                share=int(counts[code]) / interactions,
            )
            for code in ranked
        ),
    )


def _usage(selection: _Selection) -> Usage:
    """The usage figures of a selection, money summed as integers."""
    import numpy as np

    columns = selection.columns
    names = ("prompt_tokens", "completion_tokens", "total_tokens", "cost_ucents")
    groups = len(columns.model_names) + 1
    model_codes = selection.take("model") + 1  # code -1 (no model) becomes group 0
    counts = np.bincount(model_codes, minlength=groups)
    sums = {}
    for name in names:
        # Integer accumulation per group: exact, whatever the totals.
        sums[name] = np.zeros(groups, dtype=np.int64)
        np.add.at(sums[name], model_codes, selection.take(name))
    by_model = [
        ModelUsage(
            model=None if group == 0 else columns.model_names[group - 1],
            interactions=int(counts[group]),
            prompt_tokens=int(sums["prompt_tokens"][group]),
            completion_tokens=int(sums["completion_tokens"][group]),
            total_tokens=int(sums["total_tokens"][group]),
            cost_ucents=int(sums["cost_ucents"][group]),
        )
        for group in np.flatnonzero(counts)
    ]
    by_model.sort(key=lambda row: (-row.cost_ucents, row.model is None, row.model))
    return Usage(
        prompt_tokens=int(sums["prompt_tokens"].sum()),
        completion_tokens=int(sums["completion_tokens"].sum()),
        total_tokens=int(sums["total_tokens"].sum()),
        cost_ucents=int(sums["cost_ucents"].sum()),
        by_model=tuple(by_model),
    )


def _series(selection: _Selection) -> Series:
    """The per-bucket figures of a selection.

    Each agent's records are in time order, so a bucket is a run of each
    agent's range: its edges come from binary searches, its sums from running
    totals, and only its response times are gathered, for the percentiles.
    """
    import numpy as np

    columns, window = selection.columns, selection.window
    bucket, width = bucket_for(window.length_ms)
    first = bucket_start(window.from_ms, width)
    count = 0 if window.length_ms == 0 else -(-(window.to_ms - first) // width)
    starts = np.arange(count, dtype=np.int64) * width + first
    cuts = [
        np.concatenate(
            [
                [low],
                low + np.searchsorted(columns.inserted_at_ms[low:high], starts[1:]),
                [high],
            ]
        ).astype(np.int64)
        for low, high in selection.agent_ranges
        if count
    ]
    interactions = np.zeros(count, dtype=np.int64)
    tokens = np.zeros(count, dtype=np.int64)
    cost = np.zeros(count, dtype=np.int64)
    status = np.zeros((3, count), dtype=np.int64)
    for (low, high), edges in zip(selection.agent_ranges, cuts, strict=False):
        interactions += np.diff(edges)
        tokens += _run_sums(columns.total_tokens[low:high], edges - low)
        cost += _run_sums(columns.cost_ucents[low:high], edges - low)
        classes = columns.status_class[low:high]
        for code in range(3):
            status[code] += _run_sums(classes == code, edges - low)
    timed_runs = [
        _timed(
            np.concatenate(
                [columns.duration_ms[edges[index] : edges[index + 1]] for edges in cuts]
                or [np.zeros(0, dtype=np.float64)]
            )
        )
        for index in range(count)
    ]
    quantiles = [percentiles(timed) for timed in timed_runs]
    by_quantile = list(zip(*quantiles, strict=True)) if count else [()] * 4
    return Series(
        bucket=bucket,
        width_ms=width,
        zone="UTC",
        starts_ms=tuple(int(start) for start in starts),
        interactions=tuple(int(value) for value in interactions),
        status_200=tuple(int(value) for value in status[0]),
        status_400=tuple(int(value) for value in status[1]),
        status_500=tuple(int(value) for value in status[2]),
        n=tuple(int(timed.shape[0]) for timed in timed_runs),
        avg_ms=tuple(_mean(timed) for timed in timed_runs),
        p50_ms=tuple(by_quantile[0]),
        p90_ms=tuple(by_quantile[1]),
        p95_ms=tuple(by_quantile[2]),
        p99_ms=tuple(by_quantile[3]),
        total_tokens=tuple(int(value) for value in tokens),
        cost_ucents=tuple(int(value) for value in cost),
    )


def _run_sums(
    values: "npt.NDArray[Any]", edges: "npt.NDArray[np.int64]"
) -> "npt.NDArray[np.int64]":
    """The integer sum of `values` between each pair of consecutive `edges`."""
    import numpy as np

    running = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
    return np.diff(running[edges])

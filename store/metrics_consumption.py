"""The organisation's consumption for a month, checked against per-response costs.

From the synced consumption data (`consumption_daily`, `consumption_breakdown`;
an admin key's sync fetches them): the month's spend against the previous
month, daily spend by agent type, spend by model and by service, tokens by
agent type and by model, the top users by tokens; the top agents by tokens
from the month's log records; and the reconciliation of the log records'
costs with the consumption's model lines, day by day (docs/metrics.md).
Money is integer millionths of a cent throughout.
"""

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from store.metrics import DAY_MS, MetricsError

AGENT_TYPES = ("api", "framework", "no_code", "other")

# Which consumption agent type each agent kind is billed under (docs/api.md).
KIND_AGENT_TYPE = {
    "api": "api",
    "framework": "framework",
    "no_code": "no_code",
    "writer_agent": "no_code",
    "prebuilt": "no_code",
}
UNKNOWN_AGENT_TYPE = "unknown"

TOP = 5

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class NoConsumptionData(MetricsError):
    """The local copy holds no consumption data at all."""

    def __init__(self) -> None:
        super().__init__(
            "no consumption data in the local copy: consumption is admin-only, "
            "and a sync with an admin key fetches it"
        )


class InvalidMonth(MetricsError):
    """A month that is not `YYYY-MM`."""

    def __init__(self, text: str) -> None:
        super().__init__(f"not a month: {text!r} (write YYYY-MM, e.g. 2026-05)")


@dataclass(frozen=True)
class LineItem:
    """A model's or service's spend and tokens over the month."""

    name: str
    cost_ucents: int
    total_tokens: int


@dataclass(frozen=True)
class RankedByTokens:
    """A user or agent with its tokens and spend over the month."""

    id: str
    name: str | None
    total_tokens: int
    cost_ucents: int


@dataclass(frozen=True)
class Difference:
    """One day, agent type and model where the logs and the consumption differ."""

    date: str
    agent_type: str
    model: str
    consumption_ucents: int
    logs_ucents: int
    consumption_tokens: int
    logs_tokens: int

    @property
    def difference_ucents(self) -> int:
        """The consumption's cost less the logs'."""
        return self.consumption_ucents - self.logs_ucents


@dataclass(frozen=True)
class Reconciliation:
    """How the month's per-response costs compare with its model consumption."""

    days_compared: int
    rows_compared: int
    differences: tuple[Difference, ...]


@dataclass(frozen=True)
class ConsumptionMonth:
    """Everything `agentmon usage` shows for one month.

    `daily_by_agent_type[type][i]` is the spend of `dates[i]`;
    `previous_to_date_ucents` is the previous month's spend up to the same day
    of the month as this month's last day with data.
    """

    month: str
    previous_month: str
    cost_ucents: int
    previous_cost_ucents: int
    previous_to_date_ucents: int
    days: int
    total_tokens: int
    previous_total_tokens: int
    dates: tuple[str, ...]
    daily_by_agent_type: dict[str, tuple[int, ...]]
    by_model: tuple[LineItem, ...]
    by_service: tuple[LineItem, ...]
    tokens_by_agent_type: dict[str, int]
    top_users: tuple[RankedByTokens, ...]
    top_agents: tuple[RankedByTokens, ...]
    reconciliation: Reconciliation


def month_of(moment_ms: int) -> str:
    """The UTC calendar month of a moment, `YYYY-MM`."""
    return datetime.fromtimestamp(moment_ms / 1000, tz=UTC).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[int, int]:
    """The month's half-open window in UTC epoch milliseconds."""
    first = _first_day(month)
    following = (first + timedelta(days=32)).replace(day=1)
    return _day_ms(first), _day_ms(following)


def previous_month(month: str) -> str:
    """The calendar month before `month`."""
    return (_first_day(month) - timedelta(days=1)).strftime("%Y-%m")


def consumption(
    conn: sqlite3.Connection, month: str, top: int = TOP
) -> ConsumptionMonth:
    """The organisation's consumption for `month` (`YYYY-MM`, UTC)."""
    earlier = previous_month(month)
    if conn.execute("SELECT 1 FROM consumption_daily LIMIT 1").fetchone() is None:
        raise NoConsumptionData
    daily = _daily(conn, month)
    dates = tuple(sorted({row[0] for row in daily}))
    last_day = dates[-1][-2:] if dates else "00"
    previous_cost, previous_tokens = _month_totals(conn, earlier, "99")
    return ConsumptionMonth(
        month=month,
        previous_month=earlier,
        cost_ucents=sum(row[4] for row in daily),
        previous_cost_ucents=previous_cost,
        previous_to_date_ucents=_month_totals(conn, earlier, last_day)[0],
        days=len(dates),
        total_tokens=sum(row[5] for row in daily),
        previous_total_tokens=previous_tokens,
        dates=dates,
        daily_by_agent_type=_daily_by_agent_type(daily, dates),
        by_model=_line_items(daily, "model"),
        by_service=_line_items(daily, "service"),
        tokens_by_agent_type=_tokens_by_agent_type(daily),
        top_users=_top_users(conn, month, top),
        top_agents=_top_agents(conn, month, top),
        reconciliation=reconcile(conn, month),
    )


def reconcile(conn: sqlite3.Connection, month: str) -> Reconciliation:
    """Compare the month's log costs with its consumption model lines, per day.

    A day is compared when it has consumption lines and the local log records
    cover all of it (the earliest of them is before the day starts).
    """
    earliest = conn.execute("SELECT min(inserted_at_ms) FROM log_records").fetchone()[0]
    billed: dict[tuple[str, str, str], tuple[int, int]] = {
        (day, agent_type, name): (cost, tokens)
        for day, agent_type, category, name, cost, tokens in _daily(conn, month)
        if category == "model"
    }
    days = sorted(
        {
            key[0]
            for key in billed
            if earliest is not None and earliest < _day_ms(date.fromisoformat(key[0]))
        }
    )
    logged = _logged_by_day(conn, month)
    compared = set(days)
    keys = sorted(key for key in set(billed) | set(logged) if key[0] in compared)
    differences = []
    for key in keys:
        cost, tokens = billed.get(key, (0, 0))
        log_cost, log_tokens = logged.get(key, (0, 0))
        if (cost, tokens) != (log_cost, log_tokens):
            differences.append(Difference(*key, cost, log_cost, tokens, log_tokens))
    return Reconciliation(len(days), len(keys), tuple(differences))


def _first_day(month: str) -> date:
    """The first day of a `YYYY-MM` month; `InvalidMonth` otherwise."""
    match = _MONTH.match(month)
    if match is None:
        raise InvalidMonth(month)
    return date(int(match[1]), int(match[2]), 1)


def _day_ms(day: date) -> int:
    """UTC midnight starting `day`, in epoch milliseconds."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000


def _daily(
    conn: sqlite3.Connection, month: str
) -> list[tuple[str, str, str, str, int, int]]:
    """The month's daily consumption lines."""
    _first_day(month)
    return conn.execute(
        "SELECT date, agent_type, category, name, coalesce(cost_ucents, 0),"
        " coalesce(total_tokens, 0) FROM consumption_daily"
        " WHERE date >= ? AND date <= ? ORDER BY date",
        (f"{month}-01", f"{month}-31"),
    ).fetchall()


def _month_totals(
    conn: sqlite3.Connection, month: str, up_to_day: str
) -> tuple[int, int]:
    """A month's spend and tokens, up to and including day `up_to_day` (`DD`)."""
    row = conn.execute(
        "SELECT coalesce(sum(cost_ucents), 0), coalesce(sum(total_tokens), 0)"
        " FROM consumption_daily WHERE date >= ? AND date <= ?",
        (f"{month}-01", f"{month}-{up_to_day}"),
    ).fetchone()
    return int(row[0]), int(row[1])


def _daily_by_agent_type(
    daily: list[tuple[str, str, str, str, int, int]], dates: tuple[str, ...]
) -> dict[str, tuple[int, ...]]:
    """Each agent type's spend per date."""
    position = {day: index for index, day in enumerate(dates)}
    types = list(AGENT_TYPES) + sorted({row[1] for row in daily} - set(AGENT_TYPES))
    spend = {agent_type: [0] * len(dates) for agent_type in types}
    for day, agent_type, _category, _name, cost, _tokens in daily:
        spend[agent_type][position[day]] += cost
    return {agent_type: tuple(values) for agent_type, values in spend.items()}


def _line_items(
    daily: list[tuple[str, str, str, str, int, int]], category: str
) -> tuple[LineItem, ...]:
    """The month's spend and tokens per line of one category, most spent first."""
    totals: dict[str, list[int]] = {}
    for _day, _agent_type, row_category, name, cost, tokens in daily:
        if row_category == category:
            held = totals.setdefault(name, [0, 0])
            held[0] += cost
            held[1] += tokens
    items = [LineItem(name, cost, tokens) for name, (cost, tokens) in totals.items()]
    return tuple(sorted(items, key=lambda item: (-item.cost_ucents, item.name)))


def _tokens_by_agent_type(
    daily: list[tuple[str, str, str, str, int, int]],
) -> dict[str, int]:
    """The month's tokens per agent type."""
    tokens = dict.fromkeys(AGENT_TYPES, 0)
    for _day, agent_type, _category, _name, _cost, row_tokens in daily:
        tokens[agent_type] = tokens.get(agent_type, 0) + row_tokens
    return tokens


def _top_users(
    conn: sqlite3.Connection, month: str, top: int
) -> tuple[RankedByTokens, ...]:
    """The month's users with the most tokens, from the consumption breakdown."""
    rows = conn.execute(
        "SELECT id, name, coalesce(total_tokens, 0), coalesce(cost_ucents, 0)"
        " FROM consumption_breakdown WHERE month = ? AND scope = 'user'"
        " ORDER BY total_tokens DESC, id LIMIT ?",
        (month, top),
    ).fetchall()
    return tuple(RankedByTokens(*row) for row in rows)


def _top_agents(
    conn: sqlite3.Connection, month: str, top: int
) -> tuple[RankedByTokens, ...]:
    """The month's agents with the most tokens, from the local log records."""
    from store.metrics_columns import load_columns

    start, end = month_bounds(month)
    columns = load_columns(conn)
    names = dict(conn.execute("SELECT application_id, name FROM agents").fetchall())
    ranked = []
    for code, application_id in enumerate(columns.agent_ids):
        low, high = columns.window_range(code, start, end)
        if low == high:
            continue
        ranked.append(
            RankedByTokens(
                id=application_id,
                name=names.get(application_id),
                total_tokens=int(columns.total_tokens[low:high].sum()),
                cost_ucents=int(columns.cost_ucents[low:high].sum()),
            )
        )
    ranked.sort(key=lambda agent: (-agent.total_tokens, agent.id))
    return tuple(ranked[:top])


def _logged_by_day(
    conn: sqlite3.Connection, month: str
) -> dict[tuple[str, str, str], tuple[int, int]]:
    """The month's log costs and tokens per (date, agent type, model)."""
    import numpy as np

    from store.metrics_columns import group_order, grouped_sums, load_columns

    start, end = month_bounds(month)
    columns = load_columns(conn)
    kinds = dict(conn.execute("SELECT application_id, kind FROM agents").fetchall())
    models = len(columns.model_names) + 1
    days = (end - start) // DAY_MS
    totals: dict[tuple[str, str, str], tuple[int, int]] = {}
    for code, application_id in enumerate(columns.agent_ids):
        low, high = columns.window_range(code, start, end)
        if low == high:
            continue
        agent_type = KIND_AGENT_TYPE.get(
            kinds.get(application_id, ""), UNKNOWN_AGENT_TYPE
        )
        day = (columns.inserted_at_ms[low:high] - start) // DAY_MS
        groups = day * models + columns.model[low:high] + 1
        order, bounds = group_order(groups, days * models)
        sums = grouped_sums(
            order,
            bounds,
            {
                "cost": columns.cost_ucents[low:high],
                "tokens": columns.total_tokens[low:high],
            },
        )
        for group in np.flatnonzero(sums["count"]):
            day_index, model_code = divmod(int(group), models)
            when = datetime.fromtimestamp((start + day_index * DAY_MS) / 1000, tz=UTC)
            model = columns.model_names[model_code - 1] if model_code else ""
            key = (when.strftime("%Y-%m-%d"), agent_type, model)
            cost, tokens = totals.get(key, (0, 0))
            totals[key] = (
                cost + int(sums["cost"][group]),
                tokens + int(sums["tokens"][group]),
            )
    return totals

"""`agentmon metrics`: observability figures of deployed agents over a window.

Reads the local database only. Prints a table readable at 80 columns, or the
JSON of docs/metrics.md with `--json`. `--fail-if "p95_ms>2000"` exits 3
when a condition holds, so that a cron job can alert.
"""

import argparse
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DAY_MS = 86_400_000
RANGES = {"24h": 1, "7d": 7, "30d": 30, "90d": 90, "180d": 180}
DEFAULT_RANGE = "7d"

EXIT_CONDITION_HELD = 3
EXIT_USAGE = 2

# Subtrees that a bare key name never reaches: they repeat the current keys.
_NOT_BARE = ("previous", "series")

_CONDITION = re.compile(
    r"^\s*(?P<key>[A-Za-z0-9_.]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*"
    r"(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)

_COMPARE = {
    ">": lambda value, limit: value > limit,
    ">=": lambda value, limit: value >= limit,
    "<": lambda value, limit: value < limit,
    "<=": lambda value, limit: value <= limit,
    "==": lambda value, limit: value == limit,
    "!=": lambda value, limit: value != limit,
}


class UsageProblem(Exception):
    """A command line that cannot be carried out; its text is one line."""


def register(subparsers: Any) -> None:
    """Add the `metrics` subcommand."""
    parser = subparsers.add_parser(
        "metrics",
        help="performance, engagement and usage of deployed agents over a window",
        description="Compute observability metrics from the local database: "
        "response times (mean, P50-P99), status classes, interactions, top users, "
        "tokens and spend, each with the previous period. Never touches the "
        "network.",
    )
    parser.add_argument(
        "--agent",
        action="append",
        dest="agents",
        metavar="ID",
        help="an application id; repeat for several (default: every agent)",
    )
    parser.add_argument(
        "--range",
        choices=list(RANGES),
        help=f"the window ending now (default: {DEFAULT_RANGE})",
    )
    parser.add_argument(
        "--from", dest="from_iso", metavar="ISO", help="window start, ISO 8601"
    )
    parser.add_argument(
        "--to", dest="to_iso", metavar="ISO", help="window end, ISO 8601 (default: now)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--fail-if",
        action="append",
        dest="conditions",
        default=[],
        metavar="CONDITION",
        help='exit 3 when it holds, e.g. "p95_ms>2000" or '
        '"performance.status.500>=10"; repeatable',
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the metrics; 3 when a `--fail-if` condition holds, 2 on bad usage."""
    try:
        conditions = [parse_condition(text) for text in args.conditions]
        from_ms, to_ms = window_of(args)
    except UsageProblem as problem:
        print(f"agentmon: {problem}", file=sys.stderr)
        return EXIT_USAGE

    from store import metrics
    from store.db import open_database
    from store.metrics_json import dumps, overview_json
    from store.paths import resolve_db_path

    conn = open_database(resolve_db_path(getattr(args, "db", None)), readonly=True)
    try:
        overview = metrics.overview(conn, from_ms, to_ms, args.agents)
        names = _agent_names(conn, overview.agents)
    finally:
        conn.close()
    document = overview_json(overview)
    try:
        held = [
            (condition, path)
            for condition in conditions
            if condition.holds(document, path := resolve_key(document, condition.key))
        ]
    except UsageProblem as problem:
        print(f"agentmon: {problem}", file=sys.stderr)
        return EXIT_USAGE
    print(dumps(document) if args.json else "\n".join(table_lines(overview, names)))
    for condition, path in held:
        value = _number_at(document, path)
        shown = f"{value:.10g}" if isinstance(value, float) else str(value)
        print(
            f"agentmon: condition held: {condition.text} ({path} = {shown})",
            file=sys.stderr,
        )
    return EXIT_CONDITION_HELD if held else 0


def window_of(args: argparse.Namespace) -> tuple[int, int]:
    """The window `[from_ms, to_ms)` the arguments ask for."""
    from store.clock import now_ms, parse_iso_ms

    if args.range and (args.from_iso or args.to_iso):
        raise UsageProblem("give either --range or --from/--to, not both")
    now = now_ms()
    if not args.from_iso:
        if args.to_iso:
            raise UsageProblem("--to needs --from")
        return now - RANGES[args.range or DEFAULT_RANGE] * DAY_MS, now
    try:
        from_ms = parse_iso_ms(args.from_iso)
        to_ms = parse_iso_ms(args.to_iso) if args.to_iso else now
    except ValueError as error:
        raise UsageProblem(f"not an ISO 8601 time: {error}") from error
    if to_ms < from_ms:
        raise UsageProblem("--to is before --from")
    return from_ms, to_ms


@dataclass(frozen=True)
class Condition:
    """One `--fail-if` condition: `KEY OP NUMBER`."""

    text: str
    key: str
    op: str
    limit: Decimal

    def holds(self, document: Mapping[str, Any], path: str) -> bool:
        """Whether it holds for the number at `path`; a null never holds."""
        value = _number_at(document, path)
        if value is None:
            return False
        return bool(_COMPARE[self.op](Decimal(value), self.limit))


def parse_condition(text: str) -> Condition:
    """A condition from its text; `UsageProblem` when it does not parse."""
    match = _CONDITION.match(text)
    if match is None:
        raise UsageProblem(
            f"cannot read condition {text!r}: write KEY OP NUMBER with OP one of "
            "> >= < <= == !=, e.g. p95_ms>2000"
        )
    return Condition(
        text=text.strip(),
        key=match["key"],
        op=match["op"],
        limit=Decimal(match["number"]),
    )


def resolve_key(document: Mapping[str, Any], key: str) -> str:
    """The dotted path a condition's key names: itself, or a unique bare leaf."""
    if "." in key:
        _value_at(document, key)
        return key
    if key in document:
        return key
    found = [
        path
        for path in _leaf_paths(document)
        if path.rsplit(".", 1)[-1] == key and path.split(".", 1)[0] not in _NOT_BARE
    ]
    if not found:
        raise UsageProblem(f"no figure named {key!r} (see docs/metrics.md)")
    if len(found) > 1:
        raise UsageProblem(f"{key!r} is ambiguous: say one of {', '.join(found)}")
    return found[0]


def _leaf_paths(document: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """The dotted path of every value in nested objects (lists are leaves)."""
    for name, value in document.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from _leaf_paths(value, f"{path}.")
        else:
            yield path


def _value_at(document: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; `UsageProblem` when there is none."""
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise UsageProblem(f"no figure at {path!r} (see docs/metrics.md)")
        value = value[part]
    return value


def _number_at(document: Mapping[str, Any], path: str) -> int | float | Decimal | None:
    """The number at a dotted path (None for null); `UsageProblem` otherwise."""
    value = _value_at(document, path)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise UsageProblem(f"{path} is not a number")
    return value


def _agent_names(conn: Any, agents: Sequence[str] | None) -> dict[str, str]:
    """The names of the asked agents, by id."""
    from store import queries

    found = (queries.agent(conn, application_id) for application_id in agents or ())
    return {agent.application_id: agent.name for agent in found if agent is not None}


# --- the table ---------------------------------------------------------------

LABEL, VALUE, CHANGE = 26, 17, 9
BUCKET_WORDS = {"hour": "hourly", "day": "daily", "week": "weekly"}


def table_lines(overview: Any, names: Mapping[str, str]) -> list[str]:
    """The overview as a user reads it, within 80 columns."""
    from tui.widgets import format as fmt

    current, previous = overview.current, overview.previous
    zone = fmt.zone_name(current.window.to_ms)
    lines = [
        _title(overview.agents, names),
        f"window    {_span(current.window)} {zone}"
        f"  ({_length(current.window.length_ms)})",
        f"previous  {_span(previous.window)} {zone}",
        "",
    ]
    lines += _performance_lines(current.performance, previous.performance)
    lines += _engagement_lines(current.engagement, previous.engagement)
    lines += _usage_lines(current.usage, previous.usage)
    lines.append("")
    if _marked(current.performance):
        lines.append(
            "? too few response times to mean much (P90 needs 10, P95 20, P99 100)"
        )
    lines.append(
        f"Times in {zone}. Chart series ({BUCKET_WORDS[overview.series.bucket]}"
        " buckets, UTC): --json."
    )
    return lines


def _title(agents: Sequence[str] | None, names: Mapping[str, str]) -> str:
    """Whose metrics these are."""
    from tui.inert import clean

    if agents is None:
        return "Metrics of every agent"
    named = [
        f"{clean(names[agent], single_line=True)} ({agent})"
        if agent in names
        else agent
        for agent in agents
    ]
    return "Metrics of " + ", ".join(named)


def _span(window: Any) -> str:
    """A window's start and end in the local zone."""
    from tui.widgets import format as fmt

    return f"{fmt.local_time(window.from_ms)} → {fmt.local_time(window.to_ms)}"


def _length(length_ms: int) -> str:
    """A window's length in days or hours."""
    if length_ms % DAY_MS == 0:
        days = length_ms // DAY_MS
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{length_ms / 3_600_000:.1f} hours"


def _row(label: str, now: str, before: str = "", change: str = "") -> str:
    """One line of the table."""
    line = f"  {label:<{LABEL}}{now:>{VALUE}}{before:>{VALUE}}{change:>{CHANGE}}"
    return line.rstrip()


def _heading(title: str, now: str = "", before: str = "", change: str = "") -> str:
    """A section's heading, with column titles when given."""
    line = f"{title:<{LABEL + 2}}{now:>{VALUE}}{before:>{VALUE}}{change:>{CHANGE}}"
    return line.rstrip()


def _compare(
    label: str, now: int | float | None, before: int | float | None, shown: Any
) -> str:
    """A figure with its previous value and the change, formatted by `shown`."""
    from tui.widgets import format as fmt

    change = "" if now is None or before is None else fmt.change(now, before)
    return _row(label, shown(now), shown(before), change)


def _performance_lines(now: Any, before: Any) -> list[str]:
    """The performance section."""
    from tui.widgets import format as fmt

    lines = [
        _heading("Performance", "this period", "previous", "change"),
        _compare("responses", now.responses, before.responses, fmt.count),
        _compare("with a response time (n)", now.n, before.n, fmt.count),
        _compare("average", now.avg_ms, before.avg_ms, fmt.milliseconds),
    ]
    for name in ("p50_ms", "p90_ms", "p95_ms", "p99_ms"):
        label = name.removesuffix("_ms").upper()
        line = _compare(
            label, getattr(now, name), getattr(before, name), fmt.milliseconds
        )
        if name in _marked(now):
            line = _mark_insufficient(line)
        lines.append(line)
    for code in (200, 400, 500):
        count_now = getattr(now, f"status_{code}")
        count_before = getattr(before, f"status_{code}")
        lines.append(
            _row(
                f"status {code}",
                f"{fmt.count(count_now)} ({fmt.share(count_now, now.responses)})",
                f"{fmt.count(count_before)} "
                f"({fmt.share(count_before, before.responses)})",
                fmt.change(count_now, count_before),
            )
        )
    return lines


def _marked(performance: Any) -> list[str]:
    """The percentiles shown with `?`: computed, but from too small a sample."""
    return [
        name
        for name in performance.insufficient
        if getattr(performance, name) is not None
    ]


def _mark_insufficient(line: str) -> str:
    """A figure's line with `?` before its current value."""
    head, value = line[: 2 + LABEL], line[2 + LABEL : 2 + LABEL + VALUE]
    return head + f"? {value.strip()}".rjust(VALUE) + line[2 + LABEL + VALUE :]


def _engagement_lines(now: Any, before: Any) -> list[str]:
    """The engagement section, with the top users."""
    from tui.inert import clean
    from tui.widgets import format as fmt

    lines = [
        _heading("Engagement"),
        _compare("interactions", now.interactions, before.interactions, fmt.count),
        _compare("users", now.users, before.users, fmt.count),
    ]
    if now.top_users:
        lines.append(_row("top users", "interactions", "share"))
        for rank, user in enumerate(now.top_users, start=1):
            user_id = clean(user.user_id, single_line=True)[: LABEL - 5]
            lines.append(
                _row(
                    f"  {rank}. {user_id}",
                    fmt.count(user.interactions),
                    fmt.share(user.interactions, now.interactions),
                )
            )
    return lines


def _usage_lines(now: Any, before: Any) -> list[str]:
    """The usage section, with spend by model."""
    from tui.inert import clean
    from tui.widgets import format as fmt

    lines = [
        _heading("Usage"),
        _compare("prompt tokens", now.prompt_tokens, before.prompt_tokens, fmt.count),
        _compare(
            "completion tokens",
            now.completion_tokens,
            before.completion_tokens,
            fmt.count,
        ),
        _compare("total tokens", now.total_tokens, before.total_tokens, fmt.count),
        _compare("spend", now.cost_ucents, before.cost_ucents, fmt.money),
    ]
    if now.by_model:
        lines.append(_row("by model", "tokens", "spend", "resp."))
        for model in now.by_model:
            name = clean(model.model or "(none)", single_line=True)[: LABEL - 2]
            lines.append(
                _row(
                    f"  {name}",
                    fmt.count(model.total_tokens),
                    fmt.money(model.cost_ucents),
                    fmt.count(model.interactions),
                )
            )
    return lines

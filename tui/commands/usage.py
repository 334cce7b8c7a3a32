"""`agentmon usage`: the organisation's consumption for a month, from the local copy.

Spend against the previous month, daily spend by agent type, spend by model
and by service, tokens, the top users and agents by tokens, and the check of
the per-response costs against the consumption. Admin data: a sync with an
admin key fetches it. Reads the local database only.
"""

import argparse
from typing import Any

TYPE_LABELS = {
    "api": "API",
    "framework": "framework",
    "no_code": "no-code",
    "other": "other",
}


def register(subparsers: Any) -> None:
    """Add the `usage` subcommand."""
    parser = subparsers.add_parser(
        "usage",
        help="the organisation's monthly consumption (admin data)",
        description="Show a month's consumption from the local database: spend "
        "against the previous month, daily spend by agent type, spend by model "
        "and service, tokens, top users and agents by tokens, and how the "
        "per-response costs reconcile with it. Never touches the network.",
    )
    parser.add_argument(
        "--month", metavar="YYYY-MM", help="the UTC month (default: this month)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the month's consumption; 0 when there was data to show."""
    from store.clock import now_ms
    from store.db import open_database
    from store.metrics_consumption import consumption, month_of
    from store.metrics_json import consumption_json, dumps
    from store.paths import resolve_db_path
    from store.queries import organization

    month = args.month or month_of(now_ms())
    conn = open_database(resolve_db_path(getattr(args, "db", None)), readonly=True)
    try:
        result = consumption(conn, month)
        organisation = organization(conn).organization_name
    finally:
        conn.close()
    if args.json:
        print(dumps(consumption_json(result)))
    else:
        print("\n".join(table_lines(result, organisation)))
    return 0


def table_lines(month: Any, organisation: str) -> list[str]:
    """The month as a user reads it, within 80 columns."""
    from tui.inert import clean
    from tui.widgets import format as fmt

    who = clean(organisation, single_line=True) or "the organisation"
    earlier = month.previous_month
    lines = [
        f"Consumption of {who}, {month.month} (UTC days)",
        f"  spend   {fmt.money(month.cost_ucents):>16}   {earlier}: "
        f"{fmt.money(month.previous_cost_ucents)} "
        f"({fmt.change(month.cost_ucents, month.previous_cost_ucents)})",
        f"  {'':8}{'':>16}   {earlier} to the same day: "
        f"{fmt.money(month.previous_to_date_ucents)}",
        f"  tokens  {fmt.count(month.total_tokens):>16}   {earlier}: "
        f"{fmt.count(month.previous_total_tokens)} "
        f"({fmt.change(month.total_tokens, month.previous_total_tokens)})",
        "",
    ]
    lines += _daily_lines(month)
    lines += _item_lines("Spend by model", month.by_model)
    lines += _item_lines("Spend by other services", month.by_service)
    lines.append("Tokens by agent type")
    lines += [
        f"  {TYPE_LABELS.get(agent_type, clean(agent_type)):<24}{fmt.count(tokens):>14}"
        for agent_type, tokens in month.tokens_by_agent_type.items()
    ]
    lines.append("")
    lines += _ranked_lines("Top users by tokens", month.top_users)
    lines += _ranked_lines("Top agents by tokens (from log records)", month.top_agents)
    lines += _reconciliation_lines(month.reconciliation)
    return lines


def _daily_lines(month: Any) -> list[str]:
    """Daily spend by agent type, one line a day."""
    from tui.widgets import format as fmt

    types = list(month.daily_by_agent_type)
    heading = "".join(
        f"{TYPE_LABELS.get(agent_type, agent_type)[:10]:>11}" for agent_type in types
    )
    lines = ["Daily spend by agent type", f"  {'date':<10}{heading}{'total':>11}"]
    for index, day in enumerate(month.dates):
        values = [month.daily_by_agent_type[agent_type][index] for agent_type in types]
        cells = "".join(f"{fmt.money(value):>11}" for value in values)
        lines.append(f"  {day:<10}{cells}{fmt.money(sum(values)):>11}")
    if not month.dates:
        lines.append("  no consumption recorded for this month")
    return [*lines, ""]


def _item_lines(title: str, items: Any) -> list[str]:
    """A list of models or services with spend and tokens."""
    from tui.inert import clean
    from tui.widgets import format as fmt

    if not items:
        return []
    lines = [f"{title:<26}{'spend':>16}{'tokens':>16}"]
    for item in items:
        name = clean(item.name, single_line=True)[:24]
        lines.append(
            f"  {name:<24}{fmt.money(item.cost_ucents):>16}"
            f"{fmt.count(item.total_tokens):>16}"
        )
    return [*lines, ""]


def _ranked_lines(title: str, ranked: Any) -> list[str]:
    """Top users or agents with their tokens and spend."""
    from tui.inert import clean
    from tui.widgets import format as fmt

    lines = [f"{title:<42}{'tokens':>16}{'spend':>16}"]
    for place, entry in enumerate(ranked, start=1):
        label = clean(entry.name or entry.id, single_line=True)
        if entry.name:
            label = f"{label} ({entry.id})"
        lines.append(
            f"  {place}. {label[:37]:<37}{fmt.count(entry.total_tokens):>16}"
            f"{fmt.money(entry.cost_ucents):>16}"
        )
    if not ranked:
        lines.append("  none in the local copy")
    return [*lines, ""]


def _reconciliation_lines(reconciliation: Any) -> list[str]:
    """How the per-response costs compare with the consumption."""
    from store.metrics_json import cents
    from tui.inert import clean

    compared = (
        f"{reconciliation.days_compared} days, "
        f"{reconciliation.rows_compared} lines compared"
    )
    if not reconciliation.days_compared:
        return [
            "Per-response costs: no day of this month is fully covered by the",
            "local log records, so none was compared with the consumption.",
        ]
    if not reconciliation.differences:
        return [f"Per-response costs match the consumption exactly ({compared})."]
    lines = [
        f"Per-response costs differ from the consumption on "
        f"{len(reconciliation.differences)} lines ({compared}):",
        f"  {'date':<11}{'type':<10}{'model':<19}{'consumption ¢':>14}"
        f"{'logs ¢':>12}{'diff ¢':>11}",
    ]
    for row in reconciliation.differences:
        lines.append(
            f"  {row.date:<11}{TYPE_LABELS.get(row.agent_type, row.agent_type):<10}"
            f"{clean(row.model, single_line=True)[:18]:<19}"
            f"{cents(row.consumption_ucents):>14}{cents(row.logs_ucents):>12}"
            f"{cents(row.difference_ucents):>+11}"
        )
    return lines

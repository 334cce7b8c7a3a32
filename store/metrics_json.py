"""The metrics as JSON: the shapes docs/metrics.md documents, money exact.

Money is held as integer millionths of a cent; in JSON it becomes cents as a
number with at most six decimals, written from the integer (never through a
binary float). `dumps` writes such values exactly; `json.loads(text,
parse_float=decimal.Decimal)` reads them back exactly.
"""

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from store.metrics import (
    Engagement,
    Figures,
    Overview,
    Performance,
    Series,
    Usage,
    Window,
)

if TYPE_CHECKING:
    from store.metrics_consumption import ConsumptionMonth

UCENTS_PER_CENT = 1_000_000


def cents(ucents: int) -> Decimal:
    """Integer millionths of a cent as an exact decimal number of cents."""
    sign = "-" if ucents < 0 else ""
    whole, fraction = divmod(abs(ucents), UCENTS_PER_CENT)
    digits = f"{fraction:06d}".rstrip("0")
    return Decimal(f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}")


def share(value: float) -> float:
    """A fraction as JSON shows it: rounded to six decimals."""
    return round(value, 6)


def window_json(window: Window, agents: Sequence[str] | None = None) -> dict[str, Any]:
    """`{"from_ms", "to_ms"}`, with `"agents"` when given."""
    shaped: dict[str, Any] = {"from_ms": window.from_ms, "to_ms": window.to_ms}
    if agents is not None:
        shaped["agents"] = list(agents)
    return shaped


def performance_json(performance: Performance) -> dict[str, Any]:
    """The `performance` object."""
    return {
        "n": performance.n,
        "responses": performance.responses,
        "avg_ms": performance.avg_ms,
        "p50_ms": performance.p50_ms,
        "p90_ms": performance.p90_ms,
        "p95_ms": performance.p95_ms,
        "p99_ms": performance.p99_ms,
        "insufficient": list(performance.insufficient),
        "status": {
            "200": performance.status_200,
            "400": performance.status_400,
            "500": performance.status_500,
        },
        "status_share": {
            str(code): share(performance.status_share(code)) for code in (200, 400, 500)
        },
    }


def engagement_json(engagement: Engagement) -> dict[str, Any]:
    """The `engagement` object."""
    return {
        "interactions": engagement.interactions,
        "users": engagement.users,
        "top_users": [
            {
                "user_id": user.user_id,
                "interactions": user.interactions,
                "share": share(user.share),
            }
            for user in engagement.top_users
        ],
    }


def usage_json(usage: Usage) -> dict[str, Any]:
    """The `usage` object."""
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "spend_cents": cents(usage.cost_ucents),
        "by_model": [
            {
                "model": model.model,
                "interactions": model.interactions,
                "prompt_tokens": model.prompt_tokens,
                "completion_tokens": model.completion_tokens,
                "total_tokens": model.total_tokens,
                "spend_cents": cents(model.cost_ucents),
            }
            for model in usage.by_model
        ],
    }


def figures_json(
    figures: Figures, agents: Sequence[str] | None = None
) -> dict[str, Any]:
    """`window`, `performance`, `engagement` and `usage` of one window."""
    return {
        "window": window_json(figures.window, agents),
        "performance": performance_json(figures.performance),
        "engagement": engagement_json(figures.engagement),
        "usage": usage_json(figures.usage),
    }


def series_json(series: Series) -> dict[str, Any]:
    """The `series` object."""
    return {
        "bucket": series.bucket,
        "width_ms": series.width_ms,
        "zone": series.zone,
        "starts_ms": list(series.starts_ms),
        "interactions": list(series.interactions),
        "status_200": list(series.status_200),
        "status_400": list(series.status_400),
        "status_500": list(series.status_500),
        "n": list(series.n),
        "avg_ms": list(series.avg_ms),
        "p50_ms": list(series.p50_ms),
        "p90_ms": list(series.p90_ms),
        "p95_ms": list(series.p95_ms),
        "p99_ms": list(series.p99_ms),
        "total_tokens": list(series.total_tokens),
        "spend_cents": [cents(value) for value in series.cost_ucents],
    }


def overview_json(overview: Overview) -> dict[str, Any]:
    """What `agentmon metrics --json` prints."""
    current = figures_json(overview.current)
    window = current.pop("window")
    window["agents"] = None if overview.agents is None else list(overview.agents)
    return {
        "window": window,
        "zone": "UTC",
        **current,
        "previous": figures_json(overview.previous),
        "series": series_json(overview.series),
    }


def dumps(value: Any, indent: int | None = 2) -> str:
    """JSON text of `value`, `Decimal`s written exactly as numbers."""
    return "".join(_encode(value, indent, 0))


def _encode(value: Any, indent: int | None, depth: int) -> list[str]:
    """The pieces of `value`'s JSON text."""
    if isinstance(value, Decimal):
        return [_decimal_text(value)]
    if isinstance(value, Mapping):
        items = [
            [json.dumps(str(key)), ": ", *_encode(item, indent, depth + 1)]
            for key, item in value.items()
        ]
        return _container("{", "}", items, indent, depth)
    if isinstance(value, list | tuple):
        items = [_encode(item, indent, depth + 1) for item in value]
        # A list of plain values (a series) reads best on one line.
        flat = all(not isinstance(item, Mapping | list | tuple) for item in value)
        return _container("[", "]", items, None if flat else indent, depth)
    return [json.dumps(value, allow_nan=False)]


def _container(
    opening: str,
    closing: str,
    items: list[list[str]],
    indent: int | None,
    depth: int,
) -> list[str]:
    """A JSON object or array from its encoded items."""
    if not items:
        return [opening, closing]
    if indent is None:
        pieces = [opening]
        for index, item in enumerate(items):
            pieces.extend([", ", *item] if index else item)
        return [*pieces, closing]
    inner = "\n" + " " * (indent * (depth + 1))
    outer = "\n" + " " * (indent * depth)
    pieces = [opening]
    for index, item in enumerate(items):
        pieces.append(("," if index else "") + inner)
        pieces.extend(item)
    pieces.extend([outer, closing])
    return pieces


def _decimal_text(value: Decimal) -> str:
    """A finite decimal as a JSON number, without exponent."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    return f"{value:f}"


def consumption_json(month: "ConsumptionMonth") -> dict[str, Any]:
    """What `agentmon usage --json` prints."""
    return {
        "month": month.month,
        "previous_month": month.previous_month,
        "zone": "UTC",
        "spend": {
            "spend_cents": cents(month.cost_ucents),
            "previous_spend_cents": cents(month.previous_cost_ucents),
            "previous_to_date_spend_cents": cents(month.previous_to_date_ucents),
            "days": month.days,
        },
        "tokens": {
            "total_tokens": month.total_tokens,
            "previous_total_tokens": month.previous_total_tokens,
        },
        "daily_spend_by_agent_type": {
            "dates": list(month.dates),
            **{
                agent_type: [cents(value) for value in values]
                for agent_type, values in month.daily_by_agent_type.items()
            },
        },
        "spend_by_model": [
            {
                "model": item.name,
                "spend_cents": cents(item.cost_ucents),
                "total_tokens": item.total_tokens,
            }
            for item in month.by_model
        ],
        "spend_by_service": [
            {
                "service": item.name,
                "spend_cents": cents(item.cost_ucents),
                "total_tokens": item.total_tokens,
            }
            for item in month.by_service
        ],
        "tokens_by_agent_type": dict(month.tokens_by_agent_type),
        "tokens_by_model": [
            {"model": item.name, "total_tokens": item.total_tokens}
            for item in sorted(
                month.by_model, key=lambda item: (-item.total_tokens, item.name)
            )
        ],
        "top_users_by_tokens": [
            {
                "user_id": user.id,
                "name": user.name,
                "total_tokens": user.total_tokens,
                "spend_cents": cents(user.cost_ucents),
            }
            for user in month.top_users
        ],
        "top_agents_by_tokens": [
            {
                "application_id": agent.id,
                "name": agent.name,
                "total_tokens": agent.total_tokens,
                "spend_cents": cents(agent.cost_ucents),
            }
            for agent in month.top_agents
        ],
        "reconciliation": {
            "days_compared": month.reconciliation.days_compared,
            "rows_compared": month.reconciliation.rows_compared,
            "rows_differing": len(month.reconciliation.differences),
            "differences": [
                {
                    "date": row.date,
                    "agent_type": row.agent_type,
                    "model": row.model,
                    "consumption_cents": cents(row.consumption_ucents),
                    "logs_cents": cents(row.logs_ucents),
                    "difference_cents": cents(row.difference_ucents),
                    "consumption_tokens": row.consumption_tokens,
                    "logs_tokens": row.logs_tokens,
                }
                for row in month.reconciliation.differences
            ],
        },
    }

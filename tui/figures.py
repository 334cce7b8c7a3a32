"""What the screens show from `store.metrics`, in the shapes they draw.

The metrics themselves (counts, percentiles, tokens, spend) are computed by
`store.metrics`; this module only picks the fields each screen needs and
gives them stable names, so a screen never depends on how metrics are laid
out internally.
"""

import sqlite3
from dataclasses import dataclass
from typing import Protocol

from tui.widgets import format as fmt


class Window(Protocol):
    """Anything with a half-open `[from_ms, to_ms)`: the app's Period."""

    from_ms: int
    to_ms: int


@dataclass(frozen=True)
class AgentSummary:
    """One agent's line on the Agents screen for a period."""

    interactions: int | None
    p95_ms: float | None
    flagged_responses: int | None
    last_activity_ms: int | None
    now_ms: int = 0

    @property
    def last_activity_label(self) -> str:
        """`4 min ago`, or a dash when the agent was never active."""
        if self.last_activity_ms is None:
            return fmt.DASH
        return fmt.ago(self.last_activity_ms, self.now_ms)


NO_FIGURES = AgentSummary(None, None, None, None)


def agent_summaries(
    connection: sqlite3.Connection, window: Window, now_ms: int
) -> dict[str, AgentSummary]:
    """Every agent's summary for `window`, by application id."""
    try:
        from store import metrics  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return {}
    summarize = getattr(metrics, "agent_summaries", None)
    if summarize is None:
        return {}
    return {
        application_id: AgentSummary(
            interactions=getattr(row, "interactions", None),
            p95_ms=getattr(row, "p95_ms", None),
            flagged_responses=getattr(row, "flagged_responses", None),
            last_activity_ms=getattr(row, "last_activity_ms", None),
            now_ms=now_ms,
        )
        for application_id, row in summarize(
            connection, window.from_ms, window.to_ms
        ).items()
    }

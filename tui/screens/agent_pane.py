"""What the Agent screen's metric tabs share: a scrolling pane per tab.

The Agent screen computes one `store.metrics.Overview` per period and hands
it to every pane, so the three tabs never compute the same figures three
times. A draft agent's pane says that metrics exist for deployed agents only.
"""

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from store import queries

if TYPE_CHECKING:
    from store.metrics import Overview

DRAFT_REASON = (
    "This agent is a draft: Observability metrics exist for deployed agents only."
)


class MetricsPane(VerticalScroll, can_focus=True):
    """A tab's body: its figures and charts, or why there are none."""

    def __init__(self, agent: queries.Agent, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.agent = agent

    def compose(self) -> ComposeResult:
        if not self.agent.is_deployed:
            yield Static(Text(DRAFT_REASON), classes="pane-reason draft-reason")
            return
        yield from self.compose_figures()

    def compose_figures(self) -> ComposeResult:
        """The tab's widgets for a deployed agent."""
        yield from ()

    def show_overview(self, overview: "Overview") -> None:
        """Fill the widgets from the period's figures."""

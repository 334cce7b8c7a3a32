"""What the Agent screen's metric tabs share: a scrolling pane per tab.

A pane re-reads its figures from `store.metrics` in `reload()`; a draft
agent's pane says that metrics exist for deployed agents only.
"""

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from store import queries

DRAFT_REASON = (
    "This agent is a draft: Observability metrics exist for deployed agents only."
)


class MetricsPane(VerticalScroll, can_focus=True):
    """A tab's body: its figures and charts, or why there are none."""

    DEFAULT_CLASSES = "agent-pane"

    def __init__(self, agent: queries.Agent, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.agent = agent

    def compose(self) -> ComposeResult:
        if not self.agent.is_deployed:
            yield Static(Text(DRAFT_REASON), classes="pane-reason")
            return
        yield from self.compose_figures()

    def compose_figures(self) -> ComposeResult:
        """The tab's widgets for a deployed agent."""
        yield from ()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the figures again for the app's period."""
        if self.agent.is_deployed:
            self.show_figures()

    def show_figures(self) -> None:
        """Fill the widgets from `store.metrics`."""

    @property
    def window(self) -> Any:
        """The app's period."""
        app: Any = self.app
        return app.period

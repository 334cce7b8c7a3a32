"""The Agent screen's Engagement tab."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from tui.screens.agent_pane import MetricsPane


class EngagementPane(MetricsPane):
    """Engagement figures for the period."""

    def compose_figures(self) -> ComposeResult:
        yield Static(Text("Engagement figures appear once metrics are available."))

"""The Agent screen's Usage tab."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from tui.screens.agent_pane import MetricsPane


class UsagePane(MetricsPane):
    """Usage figures for the period."""

    def compose_figures(self) -> ComposeResult:
        yield Static(Text("Usage figures appear once metrics are available."))

"""The Agent screen's Performance tab."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from tui.screens.agent_pane import MetricsPane


class PerformancePane(MetricsPane):
    """Performance figures for the period."""

    def compose_figures(self) -> ComposeResult:
        yield Static(Text("Performance figures appear once metrics are available."))

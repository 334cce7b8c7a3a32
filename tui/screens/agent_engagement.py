"""The Agent screen's Engagement tab: who uses the agent, and how much."""

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from store import queries
from tui.inert import inert
from tui.screens.agent_pane import MetricsPane
from tui.widgets import format as fmt
from tui.widgets.charts import TimeChart
from tui.widgets.format import zone_name

if TYPE_CHECKING:
    from store.metrics import Overview


class EngagementPane(MetricsPane):
    """Total interactions against the previous period, the top five users, a chart."""

    def compose_figures(self) -> ComposeResult:
        yield Static(id="engagement-figures", classes="figures")
        yield TimeChart(id="engagement-chart")

    def show_overview(self, overview: "Overview") -> None:
        app: Any = self.app
        current = overview.current.engagement
        previous = overview.previous.engagement
        headline = Text()
        headline.append("Interactions ", style="bold")
        headline.append(fmt.count(current.interactions))
        headline.append(f"  previous period {fmt.count(previous.interactions)}")
        headline.append(
            f"  change {fmt.change(current.interactions, previous.interactions)}"
        )
        headline.append(f"  users {fmt.count(current.users)}")

        names = queries.user_names(app.db, [user.user_id for user in current.top_users])
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=False)
        table.add_column(Text("Top users"), no_wrap=True, max_width=40)
        table.add_column(Text("Interactions"), justify="right")
        table.add_column(Text("Share"), justify="right")
        for user in current.top_users:
            name = names.get(user.user_id, user.user_id)
            table.add_row(
                inert(name, single_line=True),
                Text(fmt.count(user.interactions)),
                Text(fmt.share(user.share, 1)),
            )
        if not current.top_users:
            table.add_row(Text("No interactions in this period.", style="italic"))
        self.query_one("#engagement-figures", Static).update(_stack(headline, table))

        series = overview.series
        self.query_one("#engagement-chart", TimeChart).show(
            f"Interactions per {series.bucket} ({zone_name(app.now_ms())})",
            series.starts_ms,
            series.bucket,
            {"interactions": series.interactions},
            bars=True,
        )


def _stack(*parts: Any) -> Any:
    """Renderables one under the other."""
    from rich.console import Group

    return Group(*parts)

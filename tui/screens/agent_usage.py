"""The Agent screen's Usage tab: tokens and spend, over time and by model."""

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.inert import inert
from tui.screens.agent_pane import MetricsPane
from tui.widgets import format as fmt
from tui.widgets.charts import TimeChart
from tui.widgets.format import zone_name

if TYPE_CHECKING:
    from store.metrics import Overview, Usage

UCENTS_PER_DOLLAR = 100_000_000


class UsagePane(MetricsPane):
    """Prompt, completion and total tokens, spend, by model, and two charts."""

    def compose_figures(self) -> ComposeResult:
        yield Static(id="usage-figures", classes="figures")
        with Horizontal(classes="charts"):
            yield TimeChart(id="usage-tokens-chart")
            yield TimeChart(id="usage-spend-chart")

    def show_overview(self, overview: "Overview") -> None:
        app: Any = self.app
        current, previous = overview.current.usage, overview.previous.usage
        self.query_one("#usage-figures", Static).update(_figures(current, previous))

        series = overview.series
        zone = zone_name(app.now_ms())
        self.query_one("#usage-tokens-chart", TimeChart).show(
            f"Tokens per {series.bucket} ({zone})",
            series.starts_ms,
            series.bucket,
            {"tokens": series.total_tokens},
            bars=True,
        )
        self.query_one("#usage-spend-chart", TimeChart).show(
            f"Spend per {series.bucket}, $ ({zone})",
            series.starts_ms,
            series.bucket,
            # A chart's scale is approximate by nature; the exact sums are above.
            {"spend": [ucents / UCENTS_PER_DOLLAR for ucents in series.cost_ucents]},
            bars=True,
        )


def _figures(current: "Usage", previous: "Usage") -> Group:
    tokens = Text()
    tokens.append("Tokens ", style="bold")
    tokens.append(
        f"prompt {fmt.count(current.prompt_tokens)}  "
        f"completion {fmt.count(current.completion_tokens)}  "
        f"total {fmt.count(current.total_tokens)}"
    )
    spend = Text()
    spend.append("Spend ", style="bold")
    spend.append(fmt.money(current.cost_ucents))
    spend.append(
        f"  previous period {fmt.money(previous.cost_ucents)} "
        f"({fmt.change(current.cost_ucents, previous.cost_ucents)}), "
        f"{fmt.count(previous.total_tokens)} tokens"
    )
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column(Text("By model"), no_wrap=True, max_width=40)
    table.add_column(Text("Responses"), justify="right")
    table.add_column(Text("Prompt"), justify="right")
    table.add_column(Text("Completion"), justify="right")
    table.add_column(Text("Total"), justify="right")
    table.add_column(Text("Spend"), justify="right")
    for model in current.by_model:
        table.add_row(
            inert(model.model or "(not recorded)", single_line=True),
            Text(fmt.count(model.interactions)),
            Text(fmt.count(model.prompt_tokens)),
            Text(fmt.count(model.completion_tokens)),
            Text(fmt.count(model.total_tokens)),
            Text(fmt.money(model.cost_ucents)),
        )
    if not current.by_model:
        table.add_row(Text("No responses in this period.", style="italic"))
    return Group(tokens, spend, table)

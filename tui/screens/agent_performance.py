"""The Agent screen's Performance tab: response times and status classes."""

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from store import metrics
from tui.screens.agent_pane import MetricsPane
from tui.widgets import format as fmt
from tui.widgets.charts import BarChart, TimeChart
from tui.widgets.format import zone_name

if TYPE_CHECKING:
    from store.metrics import Overview, Performance

# Samples each percentile needs to mean something (docs/metrics.md).
NEEDS = {name: needed for name, _q, needed in metrics.PERCENTILES}


class PerformancePane(MetricsPane):
    """Average, P90, P95, P99 with the sample, 200/400/500, and two charts."""

    def compose_figures(self) -> ComposeResult:
        yield Static(id="performance-figures", classes="figures")
        with Horizontal(classes="charts"):
            yield TimeChart(id="performance-chart")
            yield BarChart(id="performance-distribution")

    def show_overview(self, overview: "Overview") -> None:
        app: Any = self.app
        performance = overview.current.performance
        self.query_one("#performance-figures", Static).update(_figures(performance))

        series = overview.series
        self.query_one("#performance-chart", TimeChart).show(
            f"Response time per {series.bucket}, ms ({zone_name(app.now_ms())})",
            series.starts_ms,
            series.bucket,
            {"P95": series.p95_ms, "average": series.avg_ms},
        )
        self._show_distribution(performance)

    def _show_distribution(self, performance: "Performance") -> None:
        app: Any = self.app
        period = app.period
        histogram = metrics.response_time_histogram(
            app.db, period.from_ms, period.to_ms, [self.agent.application_id]
        )
        labels = [fmt.milliseconds(edge) for edge in histogram.edges_ms[:-1]]
        if histogram.overflow:
            labels[-1] += "+"
        self.query_one("#performance-distribution", BarChart).show(
            f"Responses by response time (n {fmt.count(performance.n)})",
            labels,
            list(histogram.counts),
        )


def _percentile(performance: "Performance", name: str, label: str) -> Text:
    value = getattr(performance, name)
    text = Text(f"{label} ", style="bold", end="")
    text.append(fmt.milliseconds(value))
    if name in performance.insufficient:
        text.append("?", style="bold")
    return text


def _figures(performance: "Performance") -> Group:
    """The headline lines: sample, mean and percentiles, status classes."""
    sample = Text()
    sample.append("Responses ", style="bold")
    sample.append(fmt.count(performance.responses))
    sample.append(f"  with a response time (n) {fmt.count(performance.n)}")

    times = Text()
    times.append_text(_percentile(performance, "avg_ms", "Average"))
    for name, label in (("p90_ms", "P90"), ("p95_ms", "P95"), ("p99_ms", "P99")):
        times.append("   ")
        times.append_text(_percentile(performance, name, label))

    status = Text()
    status.append("Status ", style="bold")
    for status_class, count in (
        (200, performance.status_200),
        (400, performance.status_400),
        (500, performance.status_500),
    ):
        share = fmt.share(performance.status_share(status_class), 1)
        status.append(f" {status_class}: {fmt.count(count)} ({share})  ")

    lines: list[Text] = [sample, times]
    shown = [
        name
        for name in ("p90_ms", "p95_ms", "p99_ms")
        if name in performance.insufficient
    ]
    if shown:
        needs = ", ".join(f"{name[:3].upper()} needs {NEEDS[name]}" for name in shown)
        lines.append(Text(f"? too few samples to mean much ({needs})", style="dim"))
    lines.append(status)
    return Group(*lines)

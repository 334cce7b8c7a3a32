"""Charts for the Observability tabs, drawn by textual-plotext.

Only our own text reaches a chart (numbers, dates, fixed titles): plotext's
output is parsed from ANSI, so names from the API (models, users) are shown in
tables beside the charts instead, never as chart labels.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import plotext._utility
from textual.app import RenderResult
from textual_plotext import PlotextPlot


def _ordered_unique(data: object) -> list[object]:
    """plotext's de-duplication, keeping the first occurrence's order."""
    return list(dict.fromkeys(data))  # type: ignore[call-overload]


# plotext removes duplicate points and tick labels through a set, whose order
# follows Python's per-process string hashing; a chart then moves its tick
# labels by a cell from one run to the next. Keeping the order makes a chart a
# function of its data and size alone.
plotext._utility.no_duplicates = _ordered_unique

# The most x-axis labels a chart shows; more would overlap at 80 columns.
MAX_TICKS = 5


def bucket_label(start_ms: int, bucket: str) -> str:
    """A bucket's start in the local zone: `14:00` for hours, `05-31` for days."""
    moment = datetime.fromtimestamp(start_ms / 1000, tz=UTC).astimezone()
    return moment.strftime("%H:%M" if bucket == "hour" else "%m-%d")


def _ticks(count: int) -> list[int]:
    """Up to MAX_TICKS evenly spread positions out of `count`."""
    if count <= MAX_TICKS:
        return list(range(count))
    step = (count - 1) / (MAX_TICKS - 1)
    return sorted({round(step * number) for number in range(MAX_TICKS)})


class _Chart(PlotextPlot):
    """A plot that is drawn afresh for every render.

    plotext keeps layout state from the size it last drew at; rebuilding the
    figure each time makes a chart depend only on its data and its size.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._draw: Callable[[], None] = lambda: None

    def render(self) -> RenderResult:
        self.plt.clear_figure()
        self._draw()
        return super().render()


class TimeChart(_Chart):
    """One or more series over time buckets, as lines or bars."""

    DEFAULT_CSS = """
    TimeChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def show(
        self,
        title: str,
        starts_ms: Sequence[int],
        bucket: str,
        lines: dict[str, Sequence[float | None]],
        *,
        bars: bool = False,
    ) -> None:
        """Draw `lines` (label -> one value per bucket; None is a gap)."""
        copied = {label: list(values) for label, values in lines.items()}
        starts = list(starts_ms)

        def draw() -> None:
            self._plot_lines(title, starts, bucket, copied, bars)

        self._draw = draw
        self.refresh()

    def _plot_lines(
        self,
        title: str,
        starts_ms: Sequence[int],
        bucket: str,
        lines: dict[str, list[float | None]],
        bars: bool,
    ) -> None:
        plt = self.plt
        plt.title(title)
        positions = list(range(len(starts_ms)))
        for label, values in lines.items():
            points = [
                (x, y) for x, y in zip(positions, values, strict=True) if y is not None
            ]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            if bars:
                plt.bar(
                    list(xs),
                    list(ys),
                    label=label if len(lines) > 1 else None,
                    width=0.8,
                    marker="hd",
                )
            else:
                plt.plot(
                    list(xs),
                    list(ys),
                    label=label if len(lines) > 1 else None,
                    marker="braille",
                )
        ticks: list[float] = [float(tick) for tick in _ticks(len(starts_ms))]
        plt.xticks(
            ticks, [bucket_label(starts_ms[int(tick)], bucket) for tick in ticks]
        )
        if positions:
            plt.xlim(-0.5, len(positions) - 0.5)


class BarChart(_Chart):
    """Bars with our own labels: a distribution, a breakdown."""

    DEFAULT_CSS = """
    BarChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def show(self, title: str, labels: Sequence[str], values: Sequence[float]) -> None:
        """Draw one bar per label."""
        labels, values = list(labels), list(values)

        def draw() -> None:
            self.plt.title(title)
            if labels:
                self.plt.bar(labels, values, width=0.6, marker="hd")

        self._draw = draw
        self.refresh()

"""Organisation usage and spend: a month's consumption, for admins.

Two views of one calendar month (UTC): *Cost* (the month's spend against the
previous month, daily spend by agent type, spend by model and by other
services) and *Activity* (tokens against the previous month, the top five
users and agents by tokens, tokens by agent type and by model). `[` and `]`
step through the months. Figures come from `store.metrics_consumption`,
computed in a worker thread on its own connection; money is formatted from
integers.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from store.errors import StoreError
from tui.app import DataChanged
from tui.inert import inert
from tui.widgets import format as fmt
from tui.widgets.charts import BarChart, TimeChart
from tui.widgets.header import StatusHeader

if TYPE_CHECKING:
    from store.metrics_consumption import ConsumptionMonth, LineItem, RankedByTokens

# Consumption agent types in the user's words, in the order charts show them.
AGENT_TYPE_LABELS = {
    "api": "API",
    "framework": "framework",
    "no_code": "no-code",
    "other": "other",
}

UCENTS_PER_DOLLAR = 100_000_000

ADMINS_ONLY = (
    "Organisation usage and spend are for organisation admins. This database "
    "was synced with a {role} key: the consumption data comes only with an "
    "admin's key."
)


def month_label(month: str) -> str:
    """`2026-05` as people say it: `May 2026`."""
    return date.fromisoformat(f"{month}-01").strftime("%B %Y")


def step_month(month: str, step: int) -> str:
    """The month `step` months after `month` (before, when negative)."""
    year, number = int(month[:4]), int(month[5:7]) - 1 + step
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


class UsageScreen(Screen[None]):
    """The organisation's cost and activity for a chosen month."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("left_square_bracket", "step_month(-1)", "Prev month", key_display="["),
        Binding("right_square_bracket", "step_month(1)", "Next month", key_display="]"),
        Binding("1", "show_tab('usage-cost')", "Cost"),
        Binding("2", "show_tab('usage-activity')", "Activity"),
        Binding("j", "scroll_pane('down')", "Scroll down", show=False),
        Binding("k", "scroll_pane('up')", "Scroll up", show=False),
        Binding("g", "scroll_pane('home')", "Top", show=False),
        Binding("G", "scroll_pane('end')", "Bottom", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.month = ""
        self.latest_month = ""
        self.result: ConsumptionMonth | None = None

    def compose(self) -> ComposeResult:
        """The month's title, and its two views in tabs."""
        yield StatusHeader()
        yield Static(id="usage-title")
        with TabbedContent(id="usage-tabs"):
            with (
                TabPane("1 Cost", id="usage-cost"),
                VerticalScroll(id="usage-cost-pane", classes="usage-pane"),
            ):
                yield Static(id="usage-spend", classes="usage-figures")
                yield TimeChart(id="usage-daily-chart", classes="usage-chart")
                with Horizontal(classes="usage-tables"):
                    yield Static(id="usage-models", classes="usage-table")
                    yield Static(id="usage-services", classes="usage-table")
            with (
                TabPane("2 Activity", id="usage-activity"),
                VerticalScroll(id="usage-activity-pane", classes="usage-pane"),
            ):
                yield Static(id="usage-tokens", classes="usage-figures")
                with Horizontal(classes="usage-chart-row"):
                    yield BarChart(id="usage-types-chart", classes="usage-chart")
                    yield Static(id="usage-types", classes="usage-table")
                with Horizontal(classes="usage-tables"):
                    yield Static(id="usage-top-users", classes="usage-table")
                    yield Static(id="usage-top-agents", classes="usage-table")
                    yield Static(id="usage-token-models", classes="usage-table")
        yield Footer()

    def on_mount(self) -> None:
        """Start on the current month, or say why members see nothing."""
        app = self._app()
        if app.role != "admin":
            self.query_one("#usage-tabs").display = False
            self.query_one("#usage-title", Static).update(
                Text(ADMINS_ONLY.format(role=app.role), end="")
            )
            return
        self.latest_month = _month_of(app.now_ms())
        self.month = self.latest_month
        self._load()
        self._active_pane().focus()

    def _app(self) -> Any:
        """The app, with the attributes AgentmonApp adds."""
        return self.app

    # --- actions -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Months step only for admins, and never past the current month."""
        if action in {"show_tab", "scroll_pane"}:
            return bool(self.month)
        if action == "step_month":
            if not self.month:
                return False
            if parameters and int(str(parameters[0])) > 0:
                return self.month < self.latest_month or None
        return True

    def action_step_month(self, step: int) -> None:
        """Show the month before or after."""
        target = step_month(self.month, step)
        if target > self.latest_month:
            return
        self.month = target
        self._load()
        self.refresh_bindings()

    def action_show_tab(self, tab: str) -> None:
        """Switch between Cost and Activity."""
        self.query_one(TabbedContent).active = tab
        self._active_pane().focus()

    def action_scroll_pane(self, where: str) -> None:
        """Scroll the view shown: a line down or up, or to either end."""
        pane = self._active_pane()
        scroll = {
            "down": pane.scroll_down,
            "up": pane.scroll_up,
            "home": pane.scroll_home,
            "end": pane.scroll_end,
        }[where]
        scroll(animate=False)

    def on_tabbed_content_tab_activated(
        self, _event: TabbedContent.TabActivated
    ) -> None:
        """Keep the keyboard on the view shown, so paging keys scroll it."""
        self._active_pane().focus()

    def _active_pane(self) -> VerticalScroll:
        """The scrolling body of the tab shown."""
        active = self.query_one(TabbedContent).active
        return self.query_one(f"#{active}-pane", VerticalScroll)

    def on_data_changed(self, _message: DataChanged) -> None:
        """A sync landed: compute the month again."""
        if self.month:
            self._load()

    # --- computing -------------------------------------------------------------

    def _load(self) -> None:
        """Compute the month in a worker thread, on a connection of its own."""
        self._title(Text(" · computing…", style="italic", end=""))
        month = self.month
        db_path = Path(self._app().db_path)
        self.run_worker(
            lambda: _consumption(db_path, month),
            thread=True,
            group="usage",
            exclusive=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show the month when its figures are ready, or why they are not."""
        if event.worker.group != "usage":
            return
        if event.state == WorkerState.SUCCESS:
            result = event.worker.result
            if result is not None and result.month == self.month:
                self.result = result
                self._show(result)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, StoreError) else repr(error)
            self._title(inert(f" · {message}", single_line=True))
            self._clear()

    def _title(self, suffix: Text | None = None) -> None:
        """The title line: the month, and a note after it."""
        title = Text("Organisation usage · ", end="")
        title.append(month_label(self.month), style="bold")
        title.append(" (UTC days)")
        if suffix is not None:
            title.append_text(suffix)
        self.query_one("#usage-title", Static).update(title)

    def _clear(self) -> None:
        """Empty every figure, table and chart."""
        for static in self.query(".usage-figures, .usage-table").results(Static):
            static.update("")
        self.query_one("#usage-daily-chart", TimeChart).show("", [], "day", {})
        self.query_one("#usage-types-chart", BarChart).show("", [], [])

    # --- showing ---------------------------------------------------------------

    def _show(self, month: "ConsumptionMonth") -> None:
        """Fill both views from the month's figures."""
        note = None if month.dates else Text(" · no consumption recorded", end="")
        self._title(note)
        self.query_one("#usage-spend", Static).update(_spend_figures(month))
        self._daily_chart(month)
        self.query_one("#usage-models", Static).update(
            _items_table("Spend by model", month.by_model, money_first=True)
        )
        self.query_one("#usage-services", Static).update(
            _items_table("Spend by other services", month.by_service, money_first=True)
        )
        self.query_one("#usage-tokens", Static).update(_token_figures(month))
        types = [t for t in month.tokens_by_agent_type if t in AGENT_TYPE_LABELS]
        tokens = [month.tokens_by_agent_type[t] for t in types]
        unit, size = _token_unit(max(tokens, default=0))
        self.query_one("#usage-types-chart", BarChart).show(
            f"Tokens by agent type, {unit}",
            [AGENT_TYPE_LABELS[t] for t in types],
            [value / size for value in tokens],
        )
        self.query_one("#usage-types", Static).update(_types_table(month))
        self.query_one("#usage-top-users", Static).update(
            _ranked_table("Top users by tokens", month.top_users)
        )
        self.query_one("#usage-top-agents", Static).update(
            _ranked_table("Top agents by tokens", month.top_agents)
        )
        self.query_one("#usage-token-models", Static).update(
            _items_table("Tokens by model", month.by_model, money_first=False)
        )

    def _daily_chart(self, month: "ConsumptionMonth") -> None:
        """Daily spend by agent type, in dollars (the exact sums are in text)."""
        starts = [_day_ms(day) for day in month.dates]
        lines: dict[str, Sequence[float | None]] = {
            AGENT_TYPE_LABELS.get(agent_type, agent_type): [
                ucents / UCENTS_PER_DOLLAR for ucents in values
            ]
            for agent_type, values in month.daily_by_agent_type.items()
            if agent_type in AGENT_TYPE_LABELS and any(values)
        }
        self.query_one("#usage-daily-chart", TimeChart).show(
            "Daily spend by agent type, $", starts, "day", lines
        )


# --- in the worker thread -------------------------------------------------------


def _consumption(db_path: Path, month: str) -> "ConsumptionMonth":
    """The month's consumption, read on a connection of this thread's own."""
    from store.metrics_consumption import consumption
    from store.queries import open_readonly

    connection = open_readonly(db_path)
    try:
        return consumption(connection, month)
    finally:
        connection.close()


# --- how figures read -------------------------------------------------------------


def _month_of(moment_ms: int) -> str:
    """The UTC calendar month of a moment."""
    return datetime.fromtimestamp(moment_ms / 1000, tz=UTC).strftime("%Y-%m")


def _day_ms(day: str) -> int:
    """UTC midnight of `YYYY-MM-DD`, in epoch milliseconds."""
    moment = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return int(moment.timestamp()) * 1000


def _against_previous(
    title: str, value: int, previous: int, earlier: str, shown: Callable[[int], str]
) -> Text:
    """`Title value  Apr 2026 previous (+4.2%)`: a month's figure and the one before."""
    text = Text(f"{title} ", style="bold", end="")
    text.append(shown(value), style="bold")
    text.append(f"  {earlier} {shown(previous)} ({fmt.change(value, previous)})")
    return text


def _spend_figures(month: "ConsumptionMonth") -> Text:
    """The month's spend against the previous month's."""
    earlier = month_label(month.previous_month)
    text = _against_previous(
        "Spend", month.cost_ucents, month.previous_cost_ucents, earlier, fmt.money
    )
    if month.dates:
        last_day = int(month.dates[-1][-2:])
        text.append(
            f"\nTo day {last_day} of {earlier}: "
            f"{fmt.money(month.previous_to_date_ucents)} "
            f"({fmt.change(month.cost_ucents, month.previous_to_date_ucents)}) · "
            f"{month.days} {'day' if month.days == 1 else 'days'} with data"
        )
    return text


def _token_figures(month: "ConsumptionMonth") -> Text:
    """The month's tokens against the previous month's."""
    return _against_previous(
        "Tokens",
        month.total_tokens,
        month.previous_total_tokens,
        month_label(month.previous_month),
        fmt.count,
    )


def _token_unit(largest: int) -> tuple[str, int]:
    """The unit a token chart's axis reads best in, and its size."""
    if largest >= 10_000_000:
        return "millions", 1_000_000
    if largest >= 10_000:
        return "thousands", 1_000
    return "tokens", 1


def _types_table(month: "ConsumptionMonth") -> RenderableType:
    """The exact tokens of each agent type, beside the chart."""
    table = _table("Tokens by agent type", ("", "left"), ("tokens", "right"))
    for agent_type, tokens in month.tokens_by_agent_type.items():
        label = AGENT_TYPE_LABELS.get(agent_type)
        table.add_row(
            Text(label) if label else inert(agent_type, single_line=True),
            Text(fmt.count(tokens)),
        )
    return table


def _table(title: str, *columns: tuple[str, str]) -> Table:
    """A borderless table with a bold title and right-aligned figures."""
    table = Table(
        title=Text(title, style="bold"),
        title_justify="left",
        box=None,
        padding=(0, 1),
        show_edge=False,
        expand=True,
    )
    for header, justify in columns:
        table.add_column(
            Text(header),
            justify=justify,  # type: ignore[arg-type]
            no_wrap=True,
            ratio=2 if justify == "left" else 1,
        )
    return table


def _items_table(
    title: str, items: "tuple[LineItem, ...]", *, money_first: bool
) -> RenderableType:
    """Models or services, by spend or by tokens."""
    if money_first:
        table = _table(title, ("", "left"), ("spend", "right"), ("tokens", "right"))
        for item in items:
            table.add_row(
                inert(item.name, single_line=True),
                Text(fmt.money(item.cost_ucents)),
                Text(fmt.count(item.total_tokens)),
            )
    else:
        table = _table(title, ("", "left"), ("tokens", "right"))
        for item in sorted(items, key=lambda i: (-i.total_tokens, i.name)):
            table.add_row(
                inert(item.name, single_line=True), Text(fmt.count(item.total_tokens))
            )
    if not items:
        return Group(table, Text("none this month", style="italic"))
    return table


def _ranked_table(title: str, ranked: "tuple[RankedByTokens, ...]") -> RenderableType:
    """The top five users or agents by tokens, with their spend."""
    table = _table(title, ("", "left"), ("tokens", "right"), ("spend", "right"))
    for place, entry in enumerate(ranked, start=1):
        label = Text(f"{place}. ", end="")
        label.append_text(inert(entry.name or entry.id, single_line=True))
        table.add_row(
            label,
            Text(fmt.count(entry.total_tokens)),
            Text(fmt.money(entry.cost_ucents)),
        )
    if not ranked:
        return Group(table, Text("none in the local copy", style="italic"))
    return table

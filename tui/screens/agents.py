"""The home screen: every agent, with its figures for the chosen period.

Type `/` to filter as you type, 1-8 to sort by a column (again to reverse),
Enter to open the agent.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input

from store import metrics, queries
from store.errors import StoreError
from tui.app import DataChanged
from tui.inert import inert
from tui.widgets import format as fmt
from tui.widgets.header import StatusHeader
from tui.widgets.period import Period
from tui.widgets.virtual_table import Column, VirtualTable


@dataclass(frozen=True)
class AgentLine:
    """One agent with its figures for the period (None before any activity)."""

    agent: queries.Agent
    summary: metrics.AgentSummary | None
    now_ms: int
    pending: bool = False  # the figures are still being read

    @property
    def interactions(self) -> int:
        """Responses in the period."""
        return self.summary.interactions if self.summary else 0

    @property
    def p95_ms(self) -> float | None:
        """P95 response time in the period, when there is a sample."""
        return self.summary.p95_ms if self.summary else None

    @property
    def flagged_responses(self) -> int:
        """Responses flagged in the period."""
        return self.summary.flagged_responses if self.summary else 0

    @property
    def last_activity_ms(self) -> int | None:
        """The agent's latest response, in the period or not."""
        return self.summary.last_activity_ms if self.summary else None


def _sort_value(line: AgentLine, key: str) -> Any:
    """The value a column sorts by; unknown figures sort before every number."""
    agent = line.agent
    values: dict[str, Any] = {
        "name": agent.name.casefold(),
        "kind": fmt.kind(agent.kind),
        "status": agent.status,
        "retention": -1 if agent.retention_days is None else agent.retention_days,
        "interactions": line.interactions,
        "p95": -1.0 if line.p95_ms is None else line.p95_ms,
        "flagged": line.flagged_responses,
        "last_activity": line.last_activity_ms or 0,
    }
    return (values[key], agent.name.casefold(), agent.application_id)


class AgentsSource:
    """The agents, sorted and filtered; the figures come from `store.metrics`.

    Known limit: agents are held in memory (an organisation has hundreds, not
    millions); the table above still draws only the rows on screen.
    """

    def __init__(
        self, lines: Sequence[AgentLine], *, text: str, sort_key: str, reverse: bool
    ) -> None:
        needle = text.casefold().strip()
        chosen = [line for line in lines if not needle or needle in _haystack(line)]
        chosen.sort(key=lambda line: _sort_value(line, sort_key), reverse=reverse)
        self.lines = chosen

    def count(self) -> int:
        """How many agents pass the filter."""
        return len(self.lines)

    def fetch(self, start: int, limit: int) -> Sequence[AgentLine]:
        """The agents at positions `start` to `start + limit`."""
        return self.lines[start : start + limit]


def _haystack(line: AgentLine) -> str:
    agent = line.agent
    return " ".join(
        (agent.name, agent.application_id, fmt.kind(agent.kind), agent.status)
    ).casefold()


PENDING = Text("…", style="dim", end="")


def _cell(render: Callable[[AgentLine], str]) -> Callable[[AgentLine], Text]:
    return lambda line: Text(render(line), end="")


def _figure(render: Callable[[AgentLine], Text]) -> Callable[[AgentLine], Text]:
    """A figure's cell: an ellipsis until the figures have been read."""
    return lambda line: PENDING if line.pending else render(line)


def _status(line: AgentLine) -> Text:
    status = line.agent.status
    return Text(status, style="" if status == "deployed" else "italic", end="")


def _flagged(line: AgentLine) -> Text:
    flagged = line.flagged_responses
    return Text(fmt.count(flagged), style="bold" if flagged else "dim", end="")


def _p95(line: AgentLine) -> Text:
    if line.summary is None or line.p95_ms is None:
        return Text(fmt.DASH, style="dim", end="")
    text = Text(fmt.milliseconds(line.p95_ms), end="")
    if line.summary.p95_insufficient:
        # Too few responses for a P95 to mean much (docs/metrics.md).
        text.append("?", style="bold")
    return text


def _last_activity(line: AgentLine) -> Text:
    if line.last_activity_ms is None:
        return Text(fmt.DASH, style="dim", end="")
    return Text(fmt.ago(line.last_activity_ms, line.now_ms), end="")


COLUMNS: list[Column[AgentLine]] = [
    Column(
        "name",
        "Agent",
        lambda line: inert(line.agent.name, single_line=True),
        min_width=12,
        max_width=48,
    ),
    Column(
        "kind",
        "Kind",
        _cell(lambda line: fmt.kind(line.agent.kind)),
        width=12,
        narrow_width=9,
    ),
    Column("status", "Status", _status, width=8),
    Column(
        "retention",
        "Retention",
        _cell(lambda line: fmt.retention(line.agent.retention_days, short=True)),
        width=9,
        narrow_width=5,
        narrow_title="Ret.",
    ),
    Column(
        "interactions",
        "Interactions",
        _figure(_cell(lambda line: fmt.count(line.interactions))),
        width=12,
        narrow_width=6,
        narrow_title="Inter.",
        justify="right",
    ),
    Column(
        "p95",
        "P95",
        _figure(_p95),
        width=8,
        narrow_width=8,
        justify="right",
    ),
    Column(
        "flagged",
        "Flagged",
        _figure(_flagged),
        width=7,
        narrow_width=5,
        narrow_title="Flag",
        justify="right",
    ),
    Column(
        "last_activity",
        "Last activity",
        _figure(_last_activity),
        width=16,
        narrow_width=9,
        narrow_title="Last",
    ),
]


class AgentsScreen(Screen[None]):
    """Every agent: kind, status, retention and the period's figures."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "filter",
            "Filter",
            key_display="/",
            tooltip="Filter agents as you type",
        ),
        Binding(
            "1",
            "sort('name')",
            "Sort",
            key_display="1-8",
            tooltip="Sort by column 1-8; again to reverse",
        ),
        *[
            Binding(
                str(number),
                f"sort('{column.key}')",
                f"Sort by {column.title.lower()}",
                show=False,
            )
            for number, column in enumerate(COLUMNS[1:], start=2)
        ],
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_key = "name"
        self.sort_reverse = False
        self._agents: list[queries.Agent] = []
        self._lines: list[AgentLine] = []
        self._summaries: dict[str, metrics.AgentSummary] = {}
        self._summaries_period: Period | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        yield Input(placeholder="/ to filter agents", id="agents-filter")
        yield VirtualTable(COLUMNS, empty_text="No agents match.", id="agents-table")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "period", lambda _period: self.reload(), init=False)
        self.reload()
        self.table.focus()

    @property
    def table(self) -> VirtualTable[AgentLine]:
        """The agents list."""
        return self.query_one("#agents-table", VirtualTable)

    @property
    def filter_input(self) -> Input:
        """The filter box."""
        return self.query_one("#agents-filter", Input)

    def reload(self) -> None:
        """Read the agents now and their figures in the background.

        The list draws at once from the agents table; the period's figures
        (percentiles over every response) follow from a worker thread with
        its own connection, so the first screen never waits for them.
        """
        app: Any = self.app
        self._agents = queries.agents(app.db)
        period = app.period
        known = self._summaries if self._summaries_period == period else None
        self._show(known)
        if known is None:
            self.run_worker(
                lambda: self._read_figures(app.db_path, period),
                name="agent figures",
                group="agent-figures",
                thread=True,
                exclusive=True,
                exit_on_error=False,
            )

    def _read_figures(self, db_path: Path, period: Period) -> None:
        """In a worker thread: every agent's summary for `period`."""
        try:
            connection = queries.open_readonly(db_path)
            try:
                summaries = metrics.agent_summaries(
                    connection, period.from_ms, period.to_ms
                )
            finally:
                connection.close()
        except StoreError as error:
            self.app.call_from_thread(
                self.app.notify, str(error), severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._figures_ready, period, summaries)

    def _figures_ready(
        self, period: Period, summaries: dict[str, metrics.AgentSummary]
    ) -> None:
        app: Any = self.app
        if period != app.period:
            return  # a newer period's figures are on their way
        self._summaries, self._summaries_period = summaries, period
        self._show(summaries)

    def _show(self, summaries: dict[str, metrics.AgentSummary] | None) -> None:
        """Lines for every agent; figures pending while `summaries` is None."""
        app: Any = self.app
        now_ms = app.now_ms()
        self._lines = [
            AgentLine(
                agent,
                None if summaries is None else summaries.get(agent.application_id),
                now_ms,
                pending=summaries is None,
            )
            for agent in self._agents
        ]
        self._refill(keep_cursor=True)

    def _refill(self, *, keep_cursor: bool) -> None:
        table = self.table
        under_cursor = table.cursor_value if keep_cursor else None
        source = AgentsSource(
            self._lines,
            text=self.filter_input.value,
            sort_key=self.sort_key,
            reverse=self.sort_reverse,
        )
        table.sort_key, table.sort_reverse = self.sort_key, self.sort_reverse
        table.set_source(source, keep_cursor=keep_cursor)
        if under_cursor is not None:
            # The cursor stays on the same agent when figures reorder the list.
            for position, line in enumerate(source.lines):
                if line.agent.application_id == under_cursor.agent.application_id:
                    table.cursor_row = position
                    break

    def on_data_changed(self, _message: DataChanged) -> None:
        """A sync batch landed: the figures are read again."""
        self._summaries_period = None
        self.reload()

    # --- filtering and sorting ---------------------------------------------

    def action_filter(self) -> None:
        """Move to the filter box."""
        self.filter_input.focus()

    @on(Input.Changed, "#agents-filter")
    def filter_changed(self) -> None:
        """Filter as the user types."""
        self._refill(keep_cursor=False)

    @on(Input.Submitted, "#agents-filter")
    def filter_done(self) -> None:
        """Enter in the filter box goes back to the list."""
        self.table.focus()

    def action_clear_filter(self) -> None:
        """Escape clears the filter, or leaves the box when already clear."""
        if self.filter_input.value:
            self.filter_input.value = ""
        self.table.focus()

    def action_sort(self, column_key: str) -> None:
        """Sort by a column; the same column again reverses the order."""
        if column_key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = (
                column_key,
                column_key
                in {
                    "interactions",
                    "p95",
                    "flagged",
                    "last_activity",
                },
            )
        self._refill(keep_cursor=False)

    @on(VirtualTable.SortRequested, "#agents-table")
    def sort_clicked(self, event: VirtualTable.SortRequested) -> None:
        """A click on a column title sorts by it."""
        self.action_sort(event.column_key)

    # --- opening ------------------------------------------------------------

    @on(VirtualTable.Selected, "#agents-table")
    def open_agent(self, event: VirtualTable.Selected) -> None:
        """Enter opens the agent's Observability tabs."""
        from tui.screens.agent import AgentScreen

        line: AgentLine = event.row
        self.app.push_screen(AgentScreen(line.agent.application_id))

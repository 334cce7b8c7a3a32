"""One agent: AI Studio's Observability tabs over the shared period.

Session logs, Engagement, Performance and Usage, switched with 1-4 or [ and ].
Every tab follows the app's period and refreshes when a sync lands.
"""

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from store import queries
from tui.app import DataChanged
from tui.inert import inert
from tui.screens.agent_engagement import EngagementPane
from tui.screens.agent_pane import MetricsPane
from tui.screens.agent_performance import PerformancePane
from tui.screens.agent_sessions import SessionLogsPane
from tui.screens.agent_usage import UsagePane
from tui.widgets import format as fmt
from tui.widgets.header import StatusHeader

TABS = ("sessions", "engagement", "performance", "usage")


class AgentScreen(Screen[None]):
    """An agent's Session logs, Engagement, Performance and Usage."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the agents"),
        Binding("1", "show_tab('sessions')", "Session logs", show=False),
        Binding("2", "show_tab('engagement')", "Engagement", show=False),
        Binding("3", "show_tab('performance')", "Performance", show=False),
        Binding("4", "show_tab('usage')", "Usage", show=False),
        Binding("right_square_bracket", "next_tab(1)", "Next tab", key_display="]"),
        Binding(
            "left_square_bracket",
            "next_tab(-1)",
            "Previous tab",
            key_display="[",
            show=False,
        ),
    ]

    def __init__(self, application_id: str) -> None:
        super().__init__()
        self.application_id = application_id
        app: Any = self.app
        agent = queries.agent(app.db, application_id)
        if agent is None:
            agent = queries.Agent(
                application_id, application_id, "unknown", "unknown", None
            )
        self.agent = agent
        self._figures_shown = False

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        yield Static(self._title(), id="agent-title")
        with TabbedContent(id="agent-tabs"):
            with TabPane("1 Session logs", id="sessions"):
                yield SessionLogsPane(self.agent, id="sessions-pane")
            with TabPane("2 Engagement", id="engagement"):
                yield EngagementPane(self.agent, id="engagement-pane")
            with TabPane("3 Performance", id="performance"):
                yield PerformancePane(self.agent, id="performance-pane")
            with TabPane("4 Usage", id="usage"):
                yield UsagePane(self.agent, id="usage-pane")
        yield Footer()

    def _title(self) -> Text:
        agent = self.agent
        title = Text(" ", end="")
        title.append_text(inert(agent.name, style="bold", single_line=True))
        title.append(f" · {fmt.kind(agent.kind)} · {agent.status}")
        if agent.has_session_logs and agent.retention_days is not None:
            title.append(f" · retention {fmt.retention(agent.retention_days)}")
        return title

    def on_mount(self) -> None:
        self.watch(self.app, "period", lambda _period: self.reload(), init=False)
        self.query_one(SessionLogsPane).focus_list()

    def reload(self) -> None:
        """Every tab re-reads the store for the current period."""
        self.query_one(SessionLogsPane).reload()
        self._figures_shown = False
        self.show_figures()

    def on_tabbed_content_tab_activated(self) -> None:
        """The metric tabs' figures are computed when one is first shown."""
        self.show_figures()

    def show_figures(self) -> None:
        """Compute the period's figures once and hand them to the metric tabs.

        Only while a metric tab is showing: Session logs, the first tab, then
        never waits for percentiles it does not show.
        """
        if self._figures_shown or not self.agent.is_deployed:
            return
        if self.query_one(TabbedContent).active == "sessions":
            return
        from store import metrics

        app: Any = self.app
        overview = metrics.overview(
            app.db, app.period.from_ms, app.period.to_ms, [self.application_id]
        )
        for pane in self.query(MetricsPane):
            pane.show_overview(overview)
        self._figures_shown = True

    def action_show_tab(self, tab: str) -> None:
        """Switch to a tab by its id."""
        self.query_one(TabbedContent).active = tab
        if tab == "sessions":
            self.query_one(SessionLogsPane).focus_list()
        else:
            self.query_one(TabbedContent).query_one(f"#{tab}", TabPane).focus()

    def action_next_tab(self, step: int) -> None:
        """Switch to the next (or previous) tab, wrapping around."""
        current = self.query_one(TabbedContent).active
        position = TABS.index(current) if current in TABS else 0
        self.action_show_tab(TABS[(position + step) % len(TABS)])

    def on_data_changed(self, _message: DataChanged) -> None:
        """A sync batch landed."""
        self.reload()

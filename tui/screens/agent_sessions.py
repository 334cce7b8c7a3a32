"""The Agent screen's Session logs tab: the period's sessions, newest first.

Session logs are for organisation admins, and exist only for no-code agents
and Writer Agent with a retention other than none; otherwise the tab says
why there are none. Enter opens the transcript.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from store import queries
from tui.inert import inert
from tui.widgets import format as fmt
from tui.widgets.virtual_table import Column, VirtualTable

# How far from the end a jump may read backwards instead of skipping rows.
_TAIL_PAGES = 2


class SessionsSource:
    """Sessions of one agent, read from the store in keyset pages.

    Pages read in order continue from the last row's bookmark (cheap at any
    depth); a jump near the end reads backwards from the oldest; any other
    jump falls back to skipping rows.
    """

    def __init__(self, connection: Any, selection: queries.SessionFilter) -> None:
        self.connection = connection
        self.selection = selection
        self._count: int | None = None
        # position -> the sort key of the row just before it
        self._bookmarks: dict[int, tuple[int, str]] = {}

    def count(self) -> int:
        """How many sessions match (read once per source)."""
        if self._count is None:
            self._count = queries.count_sessions(self.connection, self.selection)
        return self._count

    def fetch(self, start: int, limit: int) -> Sequence[queries.SessionRow]:
        """The sessions at positions `start` to `start + limit`, newest first."""
        total = self.count()
        limit = min(limit, total - start)
        if limit <= 0:
            return []
        if start in self._bookmarks or start == 0:
            rows = queries.session_page(
                self.connection,
                self.selection,
                limit=limit,
                after=self._bookmarks.get(start),
            )
        elif total - start <= _TAIL_PAGES * limit:
            rows = queries.session_page(
                self.connection,
                self.selection,
                limit=limit,
                offset=total - start - limit,
                oldest_first=True,
            )[::-1]
        else:
            rows = queries.session_page(
                self.connection, self.selection, limit=limit, offset=start
            )
        if rows:
            self._bookmarks[start + len(rows)] = rows[-1].sort_key
        return rows


def _user(row: queries.SessionRow) -> Text:
    return inert(row.user_name or row.user_id or fmt.DASH, single_line=True)


def _flagged(row: queries.SessionRow) -> Text:
    flagged = row.flagged_responses
    return Text(fmt.count(flagged), style="bold" if flagged else "dim", end="")


SESSION_COLUMNS: list[Column[queries.SessionRow]] = [
    Column(
        "started",
        "Started",
        lambda row: Text(fmt.local_time(row.started_at_ms), end=""),
        width=16,
        sortable=False,
    ),
    Column("user", "User", _user, min_width=10, max_width=48, sortable=False),
    Column(
        "messages",
        "Messages",
        lambda row: Text(fmt.count(row.message_count), end=""),
        width=8,
        narrow_width=5,
        narrow_title="Msgs",
        justify="right",
        sortable=False,
    ),
    Column(
        "flagged",
        "Flagged",
        _flagged,
        width=7,
        narrow_width=4,
        narrow_title="Flag",
        justify="right",
        sortable=False,
    ),
    Column(
        "duration",
        "Duration",
        lambda row: Text(fmt.duration(row.duration_ms), end=""),
        width=11,
        narrow_width=10,
        justify="right",
        sortable=False,
    ),
]


def unavailable_reason(agent: queries.Agent, role: str) -> str | None:
    """Why this agent's session logs cannot be shown here, or None if they can."""
    if role != "admin":
        return (
            "Session logs are visible to organisation admins only; this database "
            f"was synced with a {role} key."
        )
    if not agent.has_session_logs:
        return (
            f"{fmt.kind(agent.kind).capitalize()} agents have no session logs: "
            "AI Studio keeps them for no-code agents and Writer Agent only."
        )
    if agent.retention_days == 0:
        return (
            "This agent's session-log retention is none, so no sessions are "
            "kept. An admin can change it in Settings (S)."
        )
    return None


class SessionLogsPane(Vertical):
    """The Session logs list with its filters, or the reason there is none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "filter_user", "User filter", tooltip="Filter by user"),
        Binding(
            "f",
            "toggle_flagged",
            "Flagged only",
            tooltip="Only sessions with flagged responses",
        ),
    ]

    def __init__(self, agent: queries.Agent, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.agent = agent
        self.flagged_only = False

    def compose(self) -> ComposeResult:
        app: Any = self.app
        reason = unavailable_reason(self.agent, app.role)
        if reason is not None:
            yield Static(Text(reason), classes="pane-reason", id="sessions-reason")
            return
        with Horizontal(id="sessions-filters"):
            yield Input(placeholder="u: filter by user", id="sessions-user")
            yield Static(id="sessions-flagged")
            yield Static(id="sessions-count")
        yield VirtualTable(SESSION_COLUMNS, id="sessions-table")

    def on_mount(self) -> None:
        self.reload()

    @property
    def available(self) -> bool:
        """Whether this pane lists sessions (rather than saying why not)."""
        return bool(self.query("#sessions-table"))

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Query the store again for the current period and filters."""
        if not self.available:
            return
        app: Any = self.app
        period = app.period
        selection = queries.SessionFilter(
            application_id=self.agent.application_id,
            from_ms=period.from_ms,
            to_ms=period.to_ms,
            user_text=self.query_one("#sessions-user", Input).value.strip(),
            flagged_only=self.flagged_only,
        )
        table = self.query_one("#sessions-table", VirtualTable)
        table.set_empty_text(
            "No sessions with flagged responses in this period."
            if self.flagged_only
            else "No sessions in this period."
        )
        table.set_source(SessionsSource(app.db, selection), keep_cursor=keep_cursor)
        self.query_one("#sessions-flagged", Static).update(
            Text(f"f flagged only: {'on' if self.flagged_only else 'off'}")
        )
        self.query_one("#sessions-count", Static).update(
            Text(fmt.plural(table.row_count, "session"))
        )

    def focus_list(self) -> None:
        """Put the keyboard on the list (or nowhere, when there is none)."""
        for table in self.query("#sessions-table"):
            table.focus()

    def action_filter_user(self) -> None:
        """Move to the user filter box."""
        if self.available:
            self.query_one("#sessions-user", Input).focus()

    def action_toggle_flagged(self) -> None:
        """Show only sessions with flagged responses, or all again."""
        if self.available:
            self.flagged_only = not self.flagged_only
            self.reload(keep_cursor=False)

    @on(Input.Changed, "#sessions-user")
    def user_changed(self) -> None:
        """Filter as the user types."""
        self.reload(keep_cursor=False)

    @on(Input.Submitted, "#sessions-user")
    def user_done(self) -> None:
        """Enter in the filter box goes back to the list."""
        self.focus_list()

    @on(VirtualTable.Selected, "#sessions-table")
    def open_session(self, event: VirtualTable.Selected) -> None:
        """Enter opens the session's transcript."""
        event.stop()
        row: queries.SessionRow = event.row
        try:
            from tui.screens.transcript import TranscriptScreen
        except ModuleNotFoundError:
            self.app.notify("Transcripts are not available yet.", markup=False)
            return
        self.app.push_screen(TranscriptScreen(row.session_id))

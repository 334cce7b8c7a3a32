"""The Flags screen: every flagged response across agents, queued for a verdict.

One key decides the highlighted flag (a acknowledged, e escalated, r resolved,
d dismissed) and the queue moves on; u undoes the last verdict; Enter opens the
review view. 1-5 show one state and 0 every state, / opens the filters (agent,
reason, state, period, reviewer), o flips oldest/newest first, c settles a
verdict conflict, x exports what the queue shows. A verdict is saved locally
at once and sent by the next sync (`sync/outbox.py`); the header counts the
flags per state and says what waits to be sent.

Admins only, as in AI Studio: a member's copy holds no session logs.

Known limit: a verdict is saved on the UI thread; while the first, large sync
of a copy lands its batches (each holds the write lock up to two seconds), a
verdict key may wait that long for its save.
"""

import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Select, SelectionList, Static

from store import reviews
from store.clock import now_ms
from store.errors import StoreError
from store.reviews import FlagFilter, QueueKey, QueueRow, QueueSource, Verdict
from tui.app import DataChanged
from tui.inert import clean, inert
from tui.widgets.format import local_time
from tui.widgets.virtual_table import Column, VirtualTable

# One key per verdict, the same on the queue and in the review view.
VERDICT_BINDINGS: list[BindingType] = [
    Binding("a", "decide('acknowledged')", "Ack", tooltip="Acknowledged"),
    Binding("e", "decide('escalated')", "Escalate", tooltip="Escalated"),
    Binding("r", "decide('resolved')", "Resolve", tooltip="Resolved"),
    Binding("d", "decide('dismissed')", "Dismiss", tooltip="Dismissed"),
]
UNDO_BINDING = Binding("u", "undo", "Undo", tooltip="Undo the last verdict")
STATE_KEYS = {
    "1": "new",
    "2": "acknowledged",
    "3": "escalated",
    "4": "resolved",
    "5": "dismissed",
}
SYNC_MARKS = {"pending": "↑", "conflict": "!", "rejected": "✗"}
HOUR_MS = 3_600_000
# Verdicts between two background WAL checkpoints (see store.reviews).
CHECKPOINT_EVERY = 25
PERIODS = (
    ("all", "All time", None),
    ("24h", "Last 24 hours", 24 * HOUR_MS),
    ("7d", "Last 7 days", 7 * 24 * HOUR_MS),
    ("30d", "Last 30 days", 30 * 24 * HOUR_MS),
    ("90d", "Last 90 days", 90 * 24 * HOUR_MS),
    ("app", "The app's period (p)", None),
)
MEMBER_REASON = (
    "Flagged responses are for organisation admins, as in AI Studio: they live "
    "in session logs, which only admins may read. This copy was synced with a "
    "{role} key; sync with an admin's key to triage flags."
)


@dataclass(frozen=True)
class UndoEntry:
    """A verdict made in this visit, and where its flag stood in the queue."""

    verdict_id: str
    key: QueueKey


class Triage:
    """What the queue and the review view share for one visit to the Flags screen.

    Reads go through the app's read-only connection; verdicts through a
    writable one opened on the first verdict (`store.reviews` writes the SQL).
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.db_path: Path = app.db_path
        self.selection = FlagFilter()
        self.period = "all"
        self.undo_stack: list[UndoEntry] = []
        self._writer: sqlite3.Connection | None = None
        self._since_checkpoint = 0

    @property
    def read(self) -> sqlite3.Connection:
        """The app's read-only connection."""
        connection: sqlite3.Connection = self.app.db
        return connection

    def writer(self) -> sqlite3.Connection:
        """The writable connection, opened on first use."""
        if self._writer is None:
            self._writer = reviews.open_for_review(self.db_path)
        return self._writer

    def close(self) -> None:
        """Close the writable connection, if one was opened."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def decide(self, row: QueueRow, state: str, note: str | None = None) -> Verdict:
        """Record a verdict on `row`'s flag; it can be undone with `undo`."""
        verdict = reviews.record_verdict(
            self.writer(), self.db_path, row.flag_id, state, note
        )
        self.undo_stack.append(UndoEntry(verdict.verdict_id, row.key))
        self._since_checkpoint += 1
        if self._since_checkpoint >= CHECKPOINT_EVERY:
            self._since_checkpoint = 0
            self.app.run_worker(
                lambda: reviews.checkpoint(self.db_path),
                thread=True,
                group="flags-checkpoint",
                exclusive=True,
                exit_on_error=False,
            )
        return verdict

    def undo(self) -> tuple[reviews.UndoResult, QueueKey] | None:
        """Undo the last verdict of this visit; None when there is none."""
        if not self.undo_stack:
            return None
        entry = self.undo_stack[-1]
        result = reviews.undo_verdict(self.writer(), self.db_path, entry.verdict_id)
        self.undo_stack.pop()
        return result, entry.key

    def keep_mine(self, verdict_id: str) -> Verdict:
        """Settle a conflict by sending ours again on top of theirs."""
        return reviews.keep_mine(self.writer(), self.db_path, verdict_id)

    def take_theirs(self, verdict_id: str) -> Verdict:
        """Settle a conflict by adopting theirs."""
        return reviews.take_theirs(self.writer(), self.db_path, verdict_id)

    def apply_period(self, period: str) -> None:
        """Set the filter's period from one of `PERIODS`, measured from now."""
        self.period = period
        now = now_ms()
        since, until = None, None
        if period == "app":
            since, until = self.app.period.from_ms, self.app.period.to_ms
        else:
            span = next(length for key, _title, length in PERIODS if key == period)
            if span is not None:
                since = now - span
        self.selection = replace(self.selection, since_ms=since, until_ms=until)


# --- the queue's columns ------------------------------------------------------


def _flagged(row: QueueRow) -> Text:
    # The day is enough to order a queue; the review view gives the minute.
    return Text(local_time(row.flagged_at_ms)[:10], end="")


def _state(row: QueueRow) -> Text:
    text = Text(row.state, style="bold" if row.state == "new" else "", end="")
    mark = SYNC_MARKS.get(row.sync_status or "")
    if mark:
        text.append(mark, style="bold" if mark == "↑" else "bold reverse")
    return text


def _what(row: QueueRow) -> Text:
    if row.comment:
        return inert(row.comment, single_line=True)
    if row.response_excerpt is None:
        return Text("(response not held locally)", style="italic dim", end="")
    return inert("› " + row.response_excerpt, style="dim", single_line=True)


COLUMNS: list[Column[QueueRow]] = [
    Column("flagged", "Flagged", _flagged, width=10),
    Column(
        "agent",
        "Agent",
        lambda row: inert(row.agent_name or row.application_id, single_line=True),
        width=22,
        narrow_width=13,
        sortable=False,
    ),
    Column(
        "reason",
        "Reason",
        lambda row: Text(row.reason, end=""),
        width=13,
        narrow_width=10,
        sortable=False,
    ),
    Column("state", "State", _state, width=13, sortable=False),
    Column(
        "reviewer",
        "Decided by",
        lambda row: inert(row.reviewer_name or "", single_line=True),
        width=18,
        narrow_width=9,
        narrow_title="By",
        sortable=False,
    ),
    Column("what", "Comment · response", _what, min_width=10, sortable=False),
]


class FlagsScreen(Screen[None]):
    """The queue of flagged responses across every agent (or a chosen set)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        *VERDICT_BINDINGS,
        UNDO_BINDING,
        Binding(
            "slash",
            "filters",
            "Filter",
            key_display="/",
            tooltip="Filter by agent, reason, state, period and reviewer",
        ),
        Binding(
            "1",
            "only_state('new')",
            "State",
            key_display="1-5,0",
            tooltip="Show one state (1 new … 5 dismissed), 0 every state",
        ),
        *[
            Binding(key, f"only_state('{state}')", f"Only {state}", show=False)
            for key, state in list(STATE_KEYS.items())[1:]
        ],
        Binding("0", "only_state('')", "Every state", show=False),
        Binding("o", "flip_order", "Order", tooltip="Oldest or newest first"),
        Binding("c", "conflicts", "Conflicts", tooltip="Settle a verdict conflict"),
        Binding("x", "export", "Export", tooltip="Write what the queue shows"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.triage: Triage | None = None

    def compose(self) -> ComposeResult:
        """The header, the counts, the filters, the queue and the export input."""
        from tui.widgets.header import StatusHeader

        yield StatusHeader()
        if not self._is_admin():
            yield Static(
                Text(MEMBER_REASON.format(role=self._role()), end=""),
                id="flags-member",
                classes="pane-reason",
            )
            yield Footer()
            return
        yield Static(id="flags-counts")
        with Horizontal(id="flags-bar"):
            yield Static(id="flags-filters")
            yield Static(id="flags-outbox")
        yield VirtualTable(COLUMNS, empty_text="", id="flags-table")
        yield Input(
            id="flags-export-path", placeholder="file to write (.csv .jsonl .md)"
        )
        yield Footer()

    def _is_admin(self) -> bool:
        return bool(getattr(self.app, "is_admin", False))

    def _role(self) -> str:
        return str(getattr(self.app, "role", "unknown"))

    def on_mount(self) -> None:
        """Read the queue and put the cursor on its first flag."""
        if not self._is_admin():
            return
        self.triage = Triage(self.app)
        self.export_input.display = False
        self.watch(self.app, "period", self._app_period_changed, init=False)
        self.reload()
        self.table.focus()

    def on_unmount(self) -> None:
        """Close the writable connection."""
        if self.triage is not None:
            self.triage.close()

    @property
    def table(self) -> VirtualTable[QueueRow]:
        """The queue."""
        return self.query_one("#flags-table", VirtualTable)

    @property
    def export_input(self) -> Input:
        """The path input of the export."""
        return self.query_one("#flags-export-path", Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A member's screen answers only Back; the queue's keys need the queue."""
        if action == "back":
            return True
        return self.triage is not None

    # --- reading ------------------------------------------------------------

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Read the counts and the queue again."""
        triage = self.triage
        if triage is None:
            return
        selection = triage.selection
        source = QueueSource(triage.read, selection)
        table = self.table
        table.set_empty_text(self._empty_text(selection))
        table.set_source(source, keep_cursor=keep_cursor)
        self.query_one("#flags-counts", Static).update(
            counts_line(reviews.count_by_state(triage.read, selection), selection)
        )
        self.query_one("#flags-filters", Static).update(
            filters_line(triage, reviews.flagged_agents(triage.read))
        )
        self.query_one("#flags-outbox", Static).update(
            outbox_line(reviews.outbox_counts(triage.read))
        )

    def _empty_text(self, selection: FlagFilter) -> str:
        if selection.states == ("new",) and selection == replace(
            FlagFilter(), newest_first=selection.newest_first
        ):
            return "No flag awaits a verdict. 0 shows every state; u undoes."
        return "No flag matches. / changes the filters, 0 shows every state."

    def on_data_changed(self, _message: DataChanged) -> None:
        """A sync landed: verdicts of the team may have changed states."""
        self.reload()

    def _app_period_changed(self, _period: object) -> None:
        if self.triage is not None and self.triage.period == "app":
            self.triage.apply_period("app")
            self.reload(keep_cursor=False)

    # --- verdicts -----------------------------------------------------------

    def action_decide(self, state: str) -> None:
        """Decide the highlighted flag; the cursor moves to the next one."""
        triage = self.triage
        row = self.table.cursor_value
        if triage is None or row is None:
            return
        try:
            triage.decide(row, state)
        except StoreError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        table = self.table
        index = table.cursor_row
        self.reload()
        still_here = table.row_at(index)
        if still_here is not None and still_here.flag_id == row.flag_id:
            table.cursor_row = index + 1

    def action_undo(self) -> None:
        """Undo the last verdict and put the cursor back on its flag."""
        triage = self.triage
        if triage is None:
            return
        undone = undo_last(self, triage)
        if undone is None:
            return
        self.reload()
        self.table.cursor_row = reviews.position_in_queue(
            triage.read, triage.selection, undone[1]
        )

    @on(VirtualTable.Selected, "#flags-table")
    def review(self, event: VirtualTable.Selected) -> None:
        """Enter opens the review view on the highlighted flag."""
        from tui.screens.review import ReviewScreen

        row: QueueRow = event.row
        if self.triage is not None:
            self.app.push_screen(ReviewScreen(self.triage, row.flag_id))

    def on_screen_resume(self) -> None:
        """Back from the review view: the queue moved on there."""
        self.reload()

    # --- filters and order ----------------------------------------------------

    def action_only_state(self, state: str) -> None:
        """Show one state's flags (every state for an empty one)."""
        if self.triage is None:
            return
        states = (state,) if state else ()
        self.triage.selection = replace(self.triage.selection, states=states)
        self.reload(keep_cursor=False)

    def action_flip_order(self) -> None:
        """Oldest first or newest first."""
        if self.triage is None:
            return
        selection = self.triage.selection
        self.triage.selection = replace(
            selection, newest_first=not selection.newest_first
        )
        self.reload(keep_cursor=False)

    def action_filters(self) -> None:
        """Open the filter dialog."""
        triage = self.triage
        if triage is None:
            return

        def chosen(result: tuple[FlagFilter, str] | None) -> None:
            if result is None:
                return
            selection, period = result
            triage.selection = selection
            triage.apply_period(period)
            self.reload(keep_cursor=False)

        dialog = FlagFilterDialog(
            triage.selection,
            triage.period,
            reviews.flagged_agents(triage.read),
            reviews.reviewers(triage.read),
            reviews.reviewer_id(triage.read),
        )
        self.app.push_screen(dialog, chosen)

    # --- conflicts --------------------------------------------------------------

    def action_conflicts(self) -> None:
        """Settle the highlighted flag's conflict, else the oldest one."""
        if self.triage is None:
            return
        row = self.table.cursor_value
        conflicts = reviews.open_conflicts(self.triage.read)
        if not conflicts:
            self.notify("No verdict conflict to settle.", markup=False)
            return
        mine = [
            c for c in conflicts if row is not None and c.mine.flag_id == row.flag_id
        ]
        settle_conflict(self, self.triage, (mine or conflicts)[0], self.reload)

    # --- export -------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask where to write what the queue shows."""
        if self.triage is None:
            return
        day = local_time(now_ms())[:10]
        field = self.export_input
        field.value = f"agentmon-flags-{day}.csv"
        field.display = True
        field.focus()

    @on(Input.Submitted, "#flags-export-path")
    def export_chosen(self, event: Input.Submitted) -> None:
        """Write the report in the background to the file named."""
        self._hide_export()
        target = event.value.strip()
        if target and self.triage is not None:
            self.write_export(Path(target), self.triage.selection)

    def _hide_export(self) -> None:
        self.export_input.display = False
        self.table.focus()

    def action_back(self) -> None:
        """Escape leaves the export input, else the screen."""
        if self.triage is not None and self.export_input.display:
            self._hide_export()
            return
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="flags-export")
    def write_export(self, target: Path, selection: FlagFilter) -> None:
        """Write the report with a connection of this thread's own."""
        from store import queries
        from tui.commands.flags import write_file

        fmt = {".jsonl": "jsonl", ".md": "md"}.get(target.suffix.lower(), "csv")
        try:
            conn = queries.open_readonly(self.triage.db_path if self.triage else target)
            try:
                written = write_file(target, fmt, reviews.export_rows(conn, selection))
            finally:
                conn.close()
        except (OSError, StoreError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            self.app.call_from_thread(
                self.notify,
                f"Export failed: {clean(reason, single_line=True)}",
                severity="error",
                markup=False,
            )
            return
        self.app.call_from_thread(
            self.notify,
            f"Wrote {written:,} flags to {clean(str(target), single_line=True)}",
            markup=False,
        )


def undo_last(
    screen: Screen[Any], triage: Triage
) -> tuple[reviews.UndoResult, QueueKey] | None:
    """Undo the visit's last verdict and say so; what was undone, or None."""
    try:
        undone = triage.undo()
    except StoreError as error:
        screen.notify(str(error), severity="warning", markup=False)
        return None
    if undone is None:
        screen.notify("Nothing to undo in this visit.", markup=False)
        return None
    result, _key = undone
    screen.notify(f"Undone: {result.flag_id} is {result.restored_state} again.")
    return undone


def settle_conflict(
    screen: Screen[Any], triage: Triage, conflict: reviews.Conflict, after: Any
) -> None:
    """Show a conflict; apply the user's choice; then call `after()`."""
    from tui.screens.verdict_conflict import VerdictConflictScreen

    def chosen(choice: str | None) -> None:
        if choice is None:
            return
        try:
            if choice == "keep":
                triage.keep_mine(conflict.mine.verdict_id)
                message = "Yours is kept: the next sync sends it on top of theirs."
            else:
                triage.take_theirs(conflict.mine.verdict_id)
                message = "Theirs is taken; yours stays on record, withdrawn."
        except StoreError as error:
            screen.notify(str(error), severity="warning", markup=False)
            return
        screen.notify(message, markup=False)
        after()

    row = reviews.queue_row(triage.read, conflict.mine.flag_id)
    screen.app.push_screen(VerdictConflictScreen(conflict, row), chosen)


# --- the header lines -------------------------------------------------------------


def counts_line(counts: dict[str, int], selection: FlagFilter) -> Text:
    """Flags per state, the states shown in bold reverse."""
    line = Text(end="")
    for number, state in enumerate(reviews.STATES):
        shown = not selection.states or state in selection.states
        if number:
            line.append("  ")
        line.append(
            f" {state} {counts.get(state, 0):,} ",
            style="bold reverse" if shown else "dim",
        )
    return line


def filters_line(triage: Triage, agents: list[tuple[str, str, int]]) -> Text:
    """The filters in force, in words."""
    selection = triage.selection
    names = {application_id: name for application_id, name, _count in agents}
    if not selection.application_ids:
        agent = "every agent"
    elif len(selection.application_ids) == 1:
        only = selection.application_ids[0]
        agent = clean(names.get(only, only), single_line=True)
    else:
        agent = f"{len(selection.application_ids)} agents"
    reason = " or ".join(selection.reasons) if selection.reasons else "any reason"
    if selection.reviewer is None:
        reviewer = "anyone"
    elif selection.reviewer == reviews.reviewer_id(triage.read):
        reviewer = "decided by me"
    else:
        reviewer = "decided by " + selection.reviewer
    period = next(title for key, title, _ in PERIODS if key == triage.period).lower()
    if triage.period == "app":
        period = f"the app's period ({triage.app.period.label})"
    order = "newest first" if selection.newest_first else "oldest first"
    return Text(" · ".join((order, agent, reason, reviewer, period)), end="")


def outbox_line(counts: reviews.OutboxCounts) -> Text:
    """What waits to be sent, and the conflicts to settle."""
    line = Text(end="")
    if counts.waiting:
        line.append(f"↑{counts.waiting:,} to send", style="bold")
    if counts.conflicts:
        if line:
            line.append("  ")
        line.append(f"!{counts.conflicts} conflict (c)", style="bold reverse")
    if counts.rejected:
        if line:
            line.append("  ")
        line.append(f"✗{counts.rejected} refused")
    if not line:
        line.append("all verdicts sent", style="dim")
    return line


# --- the filter dialog ------------------------------------------------------------


class FlagFilterDialog(ModalScreen[tuple[FlagFilter, str] | None]):
    """Choose agents, reasons, states, period, reviewer and order."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply", key_display="^s"),
    ]

    def __init__(
        self,
        selection: FlagFilter,
        period: str,
        agents: list[tuple[str, str, int]],
        reviewers: list[tuple[str, str]],
        me: str | None,
    ) -> None:
        super().__init__()
        self.selection = selection
        self.period = period
        self.agents = agents
        self.reviewers = reviewers
        self.me = me

    def compose(self) -> ComposeResult:
        """Lists for agents and states, choices for the rest, and the buttons."""
        chosen_agents = set(self.selection.application_ids)
        with Vertical(id="flags-filter-dialog"):
            yield Static(
                "Filter flags (space ticks, tab moves, ^s applies)",
                classes="dialog-title",
            )
            with Horizontal(id="flags-filter-lists"):
                with Vertical(id="flags-filter-agents-box"):
                    yield Static(
                        "Agents (none ticked: every agent)",
                        classes="flags-filter-label",
                    )
                    yield SelectionList[str](
                        *[
                            (
                                Content(f"{clean(name, single_line=True)} ({count})"),
                                application_id,
                                application_id in chosen_agents,
                            )
                            for application_id, name, count in self.agents
                        ],
                        id="flags-filter-agents",
                        compact=True,
                    )
                with Vertical(id="flags-filter-states-box"):
                    yield Static("States", classes="flags-filter-label")
                    yield SelectionList[str](
                        *[
                            (state, state, state in self.selection.states)
                            for state in reviews.STATES
                        ],
                        id="flags-filter-states",
                        compact=True,
                    )
            yield from self._choice(
                "Reason",
                "flags-filter-reason",
                [("Any reason", ""), *[(r, r) for r in reviews.REASONS]],
                self.selection.reasons[0] if self.selection.reasons else "",
            )
            yield from self._choice(
                "Period",
                "flags-filter-period",
                [(title, key) for key, title, _span in PERIODS],
                self.period,
            )
            yield from self._choice(
                "Decided",
                "flags-filter-reviewer",
                self._reviewer_options(),
                self.selection.reviewer or "",
            )
            yield from self._choice(
                "Order",
                "flags-filter-order",
                [("Oldest first", "oldest"), ("Newest first", "newest")],
                "newest" if self.selection.newest_first else "oldest",
            )
            with Horizontal(id="flags-filter-buttons"):
                yield Button(
                    "Apply", variant="primary", id="flags-filter-apply", compact=True
                )
                yield Button("Reset", id="flags-filter-reset", compact=True)
                yield Button("Cancel", id="flags-filter-cancel", compact=True)

    def _choice(
        self, label: str, widget_id: str, options: list[Any], value: str
    ) -> ComposeResult:
        with Horizontal(classes="flags-filter-row"):
            yield Static(label, classes="flags-filter-label")
            yield Select(
                options, value=value, allow_blank=False, id=widget_id, compact=True
            )

    def _reviewer_options(self) -> list[tuple[Text, str]]:
        options = [(Text("by anyone, or no one yet"), "")]
        if self.me is not None:
            options.append((Text("by me"), self.me))
        options += [
            (inert(f"by {name}", single_line=True), user_id)
            for user_id, name in self.reviewers
            if user_id != self.me
        ]
        return options

    def on_mount(self) -> None:
        """Agents first: the usual reason to filter."""
        self.query_one("#flags-filter-agents").focus()

    @on(Button.Pressed, "#flags-filter-apply")
    def action_apply(self) -> None:
        """Close with the filter chosen."""
        agents: SelectionList[str] = self.query_one(
            "#flags-filter-agents", SelectionList
        )
        states: SelectionList[str] = self.query_one(
            "#flags-filter-states", SelectionList
        )
        reason = self.query_one("#flags-filter-reason", Select).value
        reviewer = self.query_one("#flags-filter-reviewer", Select).value
        order = self.query_one("#flags-filter-order", Select).value
        period = self.query_one("#flags-filter-period", Select).value
        selection = FlagFilter(
            application_ids=tuple(agents.selected),
            reasons=(str(reason),) if reason else (),
            states=tuple(state for state in reviews.STATES if state in states.selected),
            reviewer=str(reviewer) if reviewer else None,
            newest_first=order == "newest",
        )
        self.dismiss((selection, str(period)))

    @on(Button.Pressed, "#flags-filter-reset")
    def reset(self) -> None:
        """Close with the default filter: every agent, awaiting a verdict."""
        self.dismiss((FlagFilter(), "all"))

    @on(Button.Pressed, "#flags-filter-cancel")
    def action_cancel(self) -> None:
        """Close without changing the filter."""
        self.dismiss(None)

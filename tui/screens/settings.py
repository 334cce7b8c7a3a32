"""Admin settings: the organisation's session-logging switch, each agent's retention.

Admins only. A change goes to the remote side through `sync/` in a worker
thread, behind a confirmation saying that every organisation admin will be
emailed and how many there are. The screen shows the outcome (how many admins
the remote side notified) and the selected agent's change history. With no
network the change is refused and nothing is queued.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from store import queries
from store.errors import StoreError
from store.settings_queries import (
    RetentionSetting,
    SettingsChange,
    admin_count,
    retention_settings,
    settings_history,
)
from sync.errors import SyncError, Unreachable
from tui.app import DataChanged
from tui.inert import inert
from tui.widgets import format as fmt
from tui.widgets.header import StatusHeader
from tui.widgets.settings_dialogs import ConfirmChange, RetentionPicker
from tui.widgets.virtual_table import Column, VirtualTable

# What the remote side's error codes mean to the person who pressed the key.
REFUSALS = {
    "session_logging_disabled": (
        "session logging is off for the organisation: switch it on first (l)"
    ),
    "session_logs_unsupported": "this kind of agent has no session logs",
    "invalid_retention": "that retention is not one AI Studio offers",
    "unknown_application": "the remote side does not know this agent any more",
}


@dataclass(frozen=True)
class ChangeOutcome:
    """What the remote side answered to a change.

    `change_id` is None when the setting already had the value (nothing
    changed, nobody notified).
    """

    change_id: str | None
    notified_admins: int


class RetentionSource:
    """The agents that can have session logs, for the table."""

    def __init__(self, settings: Sequence[RetentionSetting]) -> None:
        self.settings = list(settings)

    def count(self) -> int:
        """How many agents are listed."""
        return len(self.settings)

    def fetch(self, start: int, limit: int) -> Sequence[RetentionSetting]:
        """The agents at positions `start` to `start + limit`."""
        return self.settings[start : start + limit]


class RetentionTable(VirtualTable[RetentionSetting]):
    """The agents and their retention; Enter changes the one highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Change retention"),
    ]


def _changed(setting: RetentionSetting) -> Text:
    """When an agent's retention last changed (who is in the history)."""
    return Text(fmt.local_time(setting.updated_at_ms), end="")


RETENTION_COLUMNS: list[Column[RetentionSetting]] = [
    Column("name", "Agent", lambda s: inert(s.name, single_line=True), min_width=14),
    Column(
        "kind",
        "Kind",
        lambda s: Text(fmt.kind(s.kind)),
        width=13,
        narrow_width=12,
        sortable=False,
    ),
    Column(
        "status",
        "Status",
        lambda s: Text(s.status),
        width=9,
        narrow_width=0,
        sortable=False,
    ),
    Column(
        "retention",
        "Retention",
        lambda s: Text(fmt.retention(s.retention_days)),
        width=10,
        sortable=False,
    ),
    Column("changed", "Last changed", _changed, width=16, sortable=False),
]


class SettingsScreen(Screen[None]):
    """Session-log settings of the organisation, for its admins."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("l", "toggle_session_logging", "Session logging"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.settings: list[RetentionSetting] = []
        self.session_logging_enabled: bool | None = None
        self.admins = 0
        self.busy = False
        self._pending: tuple[Text, str] = (Text(), "")

    def compose(self) -> ComposeResult:
        """The switch, the agents and their history, the outcome line."""
        yield StatusHeader()
        yield Static(id="settings-logging")
        with Vertical(id="settings-body"):
            yield RetentionTable(
                RETENTION_COLUMNS,
                empty_text="No agent here can have session logs.",
                id="settings-agents",
            )
            with Vertical(id="settings-side"):
                yield Static(id="settings-history-title")
                yield Static(id="settings-history")
        yield Static(id="settings-outcome")
        yield Footer()

    def on_mount(self) -> None:
        """Read the settings, or say why this key cannot see them."""
        if not self._is_admin():
            self._refuse()
            return
        table = self.query_one(RetentionTable)
        self.watch(table, "cursor_row", lambda _row: self._show_history(), init=False)
        self.reload()
        table.focus()

    # --- reading -------------------------------------------------------------

    def _app(self) -> Any:
        """The app, with the attributes AgentmonApp adds."""
        return self.app

    def _is_admin(self) -> bool:
        """Whether the local copy was synced with an admin's key."""
        return bool(self._app().role == "admin")

    def reload(self) -> None:
        """Re-read the switch, the agents and the history from the local copy."""
        database = self._app().db
        organization = queries.organization(database)
        self.session_logging_enabled = organization.session_logging_enabled
        self.admins = admin_count(database)
        self.settings = retention_settings(database)
        self.query_one(RetentionTable).set_source(
            RetentionSource(self.settings), keep_cursor=True
        )
        self._show_logging(database)
        self._show_history()

    def on_data_changed(self, _message: DataChanged) -> None:
        """A sync landed: show what it brought."""
        if self._is_admin():
            self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Changes are offered to admins only."""
        if action in {"change_retention", "toggle_session_logging"}:
            return self._is_admin()
        return True

    def _refuse(self) -> None:
        """Members see why there is nothing here."""
        role = self._app().role
        self.query_one("#settings-body").display = False
        self.query_one(RetentionTable).disabled = True
        self.query_one("#settings-logging", Static).update(
            Text(
                "Session-log settings are for organisation admins. This "
                f"database was synced with a {role} key: ask an admin to make "
                "the change, or sync with an admin's key.",
                end="",
            )
        )

    def _show_logging(self, database: Any) -> None:
        """The organisation's switch, and its latest change."""
        state = {True: "on", False: "off", None: "unknown"}[
            self.session_logging_enabled
        ]
        text = Text("Session logging: ", end="")
        text.append(state, style="bold")
        latest = settings_history(database, None, limit=1)
        if latest:
            text.append(" · changed ")
            text.append_text(_when_and_who(latest[0]))
        admins = "1 admin" if self.admins == 1 else f"{self.admins:,} admins"
        text.append(f" · {admins}")
        self.query_one("#settings-logging", Static).update(text)

    def _show_history(self) -> None:
        """The highlighted agent's changes, newest first."""
        setting = self.query_one(RetentionTable).cursor_value
        title = self.query_one("#settings-history-title", Static)
        body = self.query_one("#settings-history", Static)
        if setting is None:
            title.update("")
            body.update("")
            return
        heading = Text("Changes to ", style="bold", end="")
        heading.append_text(inert(setting.name, style="bold", single_line=True))
        title.update(heading)
        changes = settings_history(self._app().db, setting.application_id)
        if not changes:
            body.update(Text("No change recorded in the local copy.", style="italic"))
            return
        lines = Text(end="")
        for number, change in enumerate(changes):
            if number:
                lines.append("\n")
            lines.append_text(_history_line(change))
        body.update(lines)

    # --- changing a retention ---------------------------------------------------

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        """Enter on an agent: change its retention."""
        event.stop()
        self.action_change_retention()

    def action_change_retention(self) -> None:
        """Pick a new retention for the highlighted agent, then confirm it."""
        setting = self.query_one(RetentionTable).cursor_value
        if setting is None or not self._may_change():
            return
        if self.session_logging_enabled is False:
            self._say(
                "Session logging is off for the organisation: switch it on (l) "
                "before setting an agent's retention.",
                error=True,
            )
            return
        name = inert(setting.name, single_line=True)

        def picked(days: int | None) -> None:
            if days is None or days == setting.retention_days:
                self._say("Nothing was changed.")
                return
            subject = Text("the retention of ", end="")
            subject.append_text(name)
            question = Text("Change ", end="")
            question.append_text(subject)
            question.append(
                f" from {fmt.retention(setting.retention_days)} to "
                f"{fmt.retention(days)}?"
            )
            self._confirm(
                "Change retention",
                question,
                subject,
                fmt.retention(days),
                lambda path, config: _set_retention(
                    path, config, setting.application_id, days
                ),
            )

        self.app.push_screen(RetentionPicker(name, setting.retention_days), picked)

    def action_toggle_session_logging(self) -> None:
        """Switch the organisation's session logging, after confirming."""
        if not self._may_change():
            return
        enabled = not self.session_logging_enabled
        word = "on" if enabled else "off"
        question = Text(f"Switch session logging {word} for the organisation?", end="")
        if not enabled:
            question.append(" Agents stop recording session logs.")
        self._confirm(
            f"Switch session logging {word}",
            question,
            Text("session logging", end=""),
            word,
            lambda path, config: _set_session_logging(path, config, enabled),
        )

    def _may_change(self) -> bool:
        """Whether a change can start now; says why not when it cannot."""
        if not self._is_admin():
            self._refuse()
            return False
        if self.busy:
            self._say("A change is already on its way; wait for its answer.")
            return False
        return True

    def _confirm(
        self,
        title: str,
        question: Text,
        subject: Text,
        new_value: str,
        send: Callable[[Path, Any], ChangeOutcome],
    ) -> None:
        """Ask, naming who will be emailed; on yes, send the change."""
        admins = "1 admin" if self.admins == 1 else f"{self.admins:,} admins"
        question.append(
            "\n\nEvery organisation admin will be emailed about this change "
            f"({admins} in the local copy)."
        )

        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                self._say("Cancelled: nothing was changed.")
                return
            self._send(subject, new_value, send)

        self.app.push_screen(
            ConfirmChange(title, question, confirm_label=title), answered
        )

    def _send(
        self, subject: Text, new_value: str, send: Callable[[Path, Any], ChangeOutcome]
    ) -> None:
        """Send the change from a worker thread; the answer comes back as an event."""
        config = self._app().sync_config
        if config is None:
            self._say(
                "No remote is configured (set WRITER_API_KEY and WRITER_BASE_URL): "
                "the change was not made.",
                error=True,
            )
            return
        self.busy = True
        waiting = Text("Sending: ", end="")
        waiting.append_text(subject)
        waiting.append(f" to {new_value}…")
        self._say(waiting)

        db_path = self._app().db_path
        self._pending = (subject, new_value)
        self.run_worker(
            lambda: send(db_path, config),
            thread=True,
            group="settings-change",
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show how the change went, and re-read what it changed."""
        worker = event.worker
        if worker.group != "settings-change":
            return
        if event.state == WorkerState.SUCCESS:
            self.busy = False
            outcome = worker.result
            assert isinstance(outcome, ChangeOutcome)
            self.reload()
            self._say(_outcome_text(outcome, *self._pending))
        elif event.state == WorkerState.ERROR:
            self.busy = False
            self._say(_refusal_text(worker.error), error=True)
        elif event.state == WorkerState.CANCELLED:
            self.busy = False

    def _say(self, message: str | Text, *, error: bool = False) -> None:
        """Put a line in the outcome area; errors in the error colour."""
        outcome = self.query_one("#settings-outcome", Static)
        outcome.set_class(error, "-error")
        outcome.update(Text(message, end="") if isinstance(message, str) else message)


# --- talking to sync/ (in the worker thread) ------------------------------------


def _set_retention(
    db_path: Path, config: Any, application_id: str, days: int
) -> ChangeOutcome:
    """Ask the remote side to change one agent's retention; store its answer."""
    from sync.settings import set_retention

    change = set_retention(db_path, config, application_id, days)
    return ChangeOutcome(change.change_id, change.notified_admins)


def _set_session_logging(db_path: Path, config: Any, enabled: bool) -> ChangeOutcome:
    """Ask the remote side to switch session logging; store its answer."""
    from sync.settings import set_session_logging

    change = set_session_logging(db_path, config, enabled)
    return ChangeOutcome(change.change_id, change.notified_admins)


# --- how things read ------------------------------------------------------------


def _setting_value(field: str, value: str | None) -> str:
    """A stored history value the way the screen says it."""
    if value is None:
        return fmt.DASH
    if field == "retention_days":
        return fmt.retention(int(value)) if value.isdigit() else value
    if field == "session_logging_enabled":
        return {"true": "on", "false": "off", "1": "on", "0": "off"}.get(value, value)
    return value


def _when_and_who(change: SettingsChange) -> Text:
    """`2026-05-30 16:00 UTC by Ana Ruiz`."""
    text = Text(end="")
    if change.changed_at_ms is not None:
        text.append(
            f"{fmt.local_time(change.changed_at_ms)} "
            f"{fmt.zone_name(change.changed_at_ms)}"
        )
    who = change.changed_by_name or change.changed_by
    if who:
        text.append(" by ")
        text.append_text(inert(who, single_line=True))
    return text


def _history_line(change: SettingsChange) -> Text:
    """One change: when, who, from what to what."""
    line = _when_and_who(change)
    line.append(": ")
    line.append(_setting_value(change.field, change.old_value))
    line.append(" → ")
    line.append(_setting_value(change.field, change.new_value), style="bold")
    return line


def _outcome_text(outcome: ChangeOutcome, subject: Text, new_value: str) -> Text:
    """What the remote side did, including how many admins it emailed."""
    text = Text(end="")
    if outcome.change_id is None:
        text.append("Unchanged: ")
        text.append_text(subject)
        text.append(f" was already {new_value}; nobody was notified.")
        return text
    text.append("Done: ")
    text.append_text(subject)
    text.append(f" is now {new_value}. ")
    admins = outcome.notified_admins
    if admins == 1:
        text.append("1 admin was notified by email.")
    else:
        text.append(f"{admins:,} admins were notified by email.")
    return text


def _refusal_text(error: BaseException | None) -> Text:
    """Why a change did not happen, in one line."""
    if isinstance(error, Unreachable):
        return inert(
            f"Not changed: {error}. Nothing was queued; try again when the "
            "network is back.",
            single_line=True,
        )
    code = getattr(error, "code", None)
    if isinstance(code, str) and code in REFUSALS:
        return Text(f"Not changed: {REFUSALS[code]}.", end="")
    if isinstance(error, SyncError | StoreError):
        return inert(f"Not changed: {error}", single_line=True)
    return inert(f"Not changed: {type(error).__name__}: {error}", single_line=True)

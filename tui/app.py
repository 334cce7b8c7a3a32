"""The agentmon Textual app: configuration, theme, key map and the first screen.

Screens live in `tui/screens/`, one a file; the app only holds what they
share: the database connection, who the key belongs to, the period, and the
background sync.
"""

import gc
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from store import clock, queries
from tui.widgets.period import Period, PeriodDialog


def stylesheet_path() -> Path:
    """screens.tcss beside this file in a wheel, else at the checkout's root."""
    packaged = Path(__file__).parent / "screens.tcss"
    return (
        packaged if packaged.exists() else Path(__file__).parent.parent / "screens.tcss"
    )


class DataChanged(Message):
    """A sync batch landed: screens re-read what they show."""


class AgentmonApp(App[None]):
    """The app: a stack of screens over one local database."""

    CSS_PATH = stylesheet_path()
    TITLE = "agentmon"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave agentmon"),
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            tooltip="Every key on this screen",
        ),
        Binding("p", "pick_period", "Period", tooltip="Choose the period"),
        Binding("s", "sync", "Sync", tooltip="Fetch what changed remotely"),
        Binding(
            "f",
            "flags",
            "Flags",
            show=False,
            tooltip="Triage flagged responses across every agent (admins)",
        ),
        Binding(
            "S",
            "settings",
            "Settings",
            show=False,
            tooltip="Session-log settings (admins)",
        ),
        Binding(
            "U",
            "usage",
            "Org usage",
            show=False,
            tooltip="Organisation usage and spend (admins)",
        ),
        Binding(
            "T",
            "toggle_theme",
            "Theme",
            show=False,
            tooltip="Switch between dark and light",
        ),
    ]

    period: reactive[Period] = reactive(Period(0, 0, "7d"), init=False)
    # Bumped whenever the header's facts change (a sync finished).
    status_version: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        db_path: Path,
        *,
        sync_config: Any = None,
        default_period: str = "7d",
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.db: sqlite3.Connection = queries.open_readonly(self.db_path)
        self.sync_config = sync_config
        self.set_reactive(
            AgentmonApp.period, Period.preset(default_period, self.now_ms())
        )
        self._read_organization()
        self.sync_cancel: threading.Event | None = None

    def on_unmount(self) -> None:
        # A sync still running stops after its page; what landed is kept.
        if self.sync_cancel is not None:
            self.sync_cancel.set()

    def now_ms(self) -> int:
        """Now, as every screen must read it (AGENTMON_NOW pins it)."""
        return clock.now_ms()

    def _read_organization(self) -> None:
        organization = queries.organization(self.db)
        self.role = organization.role
        self.organization_name = organization.organization_name
        self.last_synced_ms = organization.last_synced_ms

    @property
    def is_admin(self) -> bool:
        """Whether the synced key is an organisation admin's."""
        return self.role == "admin"

    def on_mount(self) -> None:
        from tui.screens.agents import AgentsScreen

        self.push_screen(AgentsScreen())
        # Everything built so far lives as long as the app: moving it out of
        # the collector's reach turns 60-130 ms full collections, which showed
        # as stalls between page moves, into sub-millisecond ones.
        gc.freeze()

    # --- app-wide actions ---------------------------------------------------

    def action_help(self) -> None:
        """Show every key the current screen answers."""
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_pick_period(self) -> None:
        """Open the period picker; the choice applies to every screen."""

        def chosen(period: Period | None) -> None:
            if period is not None:
                self.period = period

        self.push_screen(PeriodDialog(self.period, self.now_ms()), chosen)

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_flags(self) -> None:
        """Open the queue of flagged responses (it tells a member why not)."""
        from tui.screens.flags import FlagsScreen

        if not isinstance(self.screen, FlagsScreen):
            self.push_screen(FlagsScreen())

    def action_settings(self) -> None:
        """Open the session-log settings (admins only)."""
        self._open_admin_screen("settings", "SettingsScreen", "Settings")

    def action_usage(self) -> None:
        """Open organisation usage and spend (admins only)."""
        self._open_admin_screen("usage", "UsageScreen", "Organisation usage")

    def _open_admin_screen(self, module: str, name: str, title: str) -> None:
        if not self.is_admin:
            self.notify(
                f"{title} is for organisation admins; this database was synced "
                f"with a {self.role} key.",
                severity="warning",
                markup=False,
            )
            return
        import importlib

        try:
            screen_module = importlib.import_module(f"tui.screens.{module}")
        except ModuleNotFoundError:
            self.notify(f"{title} is not available yet.", markup=False)
            return
        self.push_screen(getattr(screen_module, name)())

    def action_sync(self) -> None:
        """Start a sync in the background; screens refresh as batches land."""
        from tui.sync_worker import start_sync

        start_sync(self)

    # --- refreshes ----------------------------------------------------------

    def show_sync_progress(self, rows: int, total: int | None, source: str) -> None:
        """Show the sync bar on every screen's header."""
        from tui.widgets.header import StatusHeader

        for screen in self.screen_stack:
            for header in screen.query(StatusHeader):
                header.show_progress(rows, total, source)

    def hide_sync_progress(self) -> None:
        """Hide the sync bar everywhere."""
        from tui.widgets.header import StatusHeader

        for screen in self.screen_stack:
            for header in screen.query(StatusHeader):
                header.hide_progress()

    def data_changed(self) -> None:
        """Re-read the header's facts and tell every screen to re-read."""
        self._read_organization()
        self.status_version += 1
        for screen in self.screen_stack:
            screen.post_message(DataChanged())

    # --- the command palette ------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action that applies on `screen`, then Textual's theme and quit."""
        from tui.screens.help import described_bindings

        for key, binding, node in described_bindings(screen):
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} (key: {key})",
                _runner(self, binding.action, node),
            )
        yield from super().get_system_commands(screen)


def _runner(app: App[Any], action: str, node: Any) -> Any:
    """A callback that runs `action` on `node`, for the command palette."""

    async def run() -> None:
        await app.run_action(action, node)

    return run

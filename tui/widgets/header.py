"""The line at the top of every screen: whose data, how fresh, which period.

It also holds the sync progress bar while a sync runs, so that any screen
shows progress without knowing about syncs.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from tui.inert import inert
from tui.widgets.format import ago, zone_name

# From this width on the header also names the app.
WIDE = 100


class StatusHeader(Horizontal):
    """Organisation · role · freshness · period, with a progress bar when syncing."""

    DEFAULT_CSS = """
    StatusHeader {
        height: 1;
        dock: top;
        background: $panel;
    }
    StatusHeader > #status-text {
        width: 1fr;
        height: 1;
    }
    StatusHeader > ProgressBar, StatusHeader > #sync-source {
        width: auto;
        height: 1;
        display: none;
    }
    StatusHeader.-syncing > ProgressBar, StatusHeader.-syncing > #sync-source {
        display: block;
    }
    StatusHeader > ProgressBar > Bar {
        width: 10;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="status-text")
        yield Static(id="sync-source")
        yield ProgressBar(
            total=None, show_eta=False, show_percentage=False, id="sync-progress"
        )

    def on_resize(self) -> None:
        self.update_status()

    def on_mount(self) -> None:
        self.update_status()
        self.watch(self.app, "period", lambda _period: self.update_status(), init=False)
        self.watch(
            self.app, "status_version", lambda _v: self.update_status(), init=False
        )

    def update_status(self) -> None:
        """Redraw from the app's current organisation, period and sync state."""
        app = self.app
        now_ms: int = app.now_ms()  # type: ignore[attr-defined]
        organization_name: str = app.organization_name  # type: ignore[attr-defined]
        role: str = app.role  # type: ignore[attr-defined]
        last_synced_ms = app.last_synced_ms  # type: ignore[attr-defined]
        period = app.period  # type: ignore[attr-defined]
        text = Text(" ", end="")
        if self.size.width >= WIDE:
            text.append("agentmon", style="bold")
            text.append(" · ")
        text.append_text(
            inert(
                organization_name or "no organisation", style="bold", single_line=True
            )
        )
        text.append(" · ")
        text.append(role, style="bold" if role == "admin" else "")
        text.append(" · ")
        text.append(
            "never synced"
            if last_synced_ms is None
            else f"synced {ago(last_synced_ms, now_ms)}"
        )
        text.append(f" · {period.label} ({zone_name(now_ms)})")
        self.query_one("#status-text", Static).update(text)

    def show_progress(self, rows: int, total: int | None, source: str) -> None:
        """Show the sync bar for `source`; `total` None when its size is unknown."""
        self.add_class("-syncing")
        # "logs 12,000" rather than the engine's longer source names.
        shown = source.split(":")[0].replace("_", " ")
        self.query_one("#sync-source", Static).update(
            Text(f" syncing {shown} {rows:,} ", end="")
        )
        self.query_one(ProgressBar).update(total=total, progress=rows)

    def hide_progress(self) -> None:
        """Hide the bar when a sync ends, well or not."""
        self.remove_class("-syncing")

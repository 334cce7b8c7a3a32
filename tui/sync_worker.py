"""Sync from inside the app: a thread worker, a progress bar, refreshes.

The sync engine runs in a worker thread with its own connection; the app's
screens stay usable and re-read the database as batches land (at most once a
second, so a long sync does not keep the UI busy redrawing). A failure is one
notification with the engine's one-line reason.
"""

import threading
import time
from typing import TYPE_CHECKING, Any

from store.errors import StoreError
from sync.errors import SyncError
from sync.progress import SyncNotice, SyncProgress

if TYPE_CHECKING:
    from sync.progress import SyncSummary
    from tui.app import AgentmonApp

# Progress bars redraw at most this often; the screens re-read at most every
# REFRESH_SECONDS while a sync runs.
PROGRESS_SECONDS = 0.25
REFRESH_SECONDS = 1.0

NOT_CONFIGURED = (
    "Sync is not configured: set WRITER_API_KEY (and WRITER_BASE_URL for a "
    "sandbox), or try `agentmon demo`."
)


def start_sync(app: "AgentmonApp") -> None:
    """Start a background sync unless one runs or nothing is configured."""
    if app.sync_config is None:
        app.notify(NOT_CONFIGURED, severity="warning", markup=False)
        return
    if any(worker.group == "sync" and worker.is_running for worker in app.workers):
        app.notify("A sync is already running.", markup=False)
        return
    cancel = threading.Event()
    app.sync_cancel = cancel
    app.show_sync_progress(0, None, "starting")
    app.run_worker(
        lambda: _run(app, cancel),
        name="sync",
        group="sync",
        thread=True,
        exit_on_error=False,
    )


def _run(app: "AgentmonApp", cancel: threading.Event) -> None:
    """The worker thread's body: run the engine, report back on the UI thread."""
    reporter = _Reporter(app)
    try:
        summary = _engine()(
            app.db_path, app.sync_config, progress=reporter, cancel=cancel
        )
    except (SyncError, StoreError) as error:
        app.call_from_thread(_finished, app, None, str(error))
    except Exception as error:
        reason = f"{type(error).__name__}: {error}".splitlines()[0]
        app.call_from_thread(_finished, app, None, f"sync failed: {reason}")
    else:
        app.call_from_thread(_finished, app, summary, None)


def _engine() -> Any:
    """The engine's `run_sync`, imported only when a sync starts (httpx is heavy)."""
    from sync.engine import run_sync

    return run_sync


class _Reporter:
    """The engine's progress callback: throttles and hops to the UI thread."""

    def __init__(self, app: "AgentmonApp") -> None:
        self.app = app
        self.last_progress = 0.0
        self.last_refresh = time.monotonic()

    def __call__(self, event: SyncNotice | SyncProgress) -> None:
        if isinstance(event, SyncNotice):
            self.app.call_from_thread(
                self.app.notify, event.text.splitlines()[0], markup=False
            )
            return
        now = time.monotonic()
        if now - self.last_progress >= PROGRESS_SECONDS or event.finished:
            self.last_progress = now
            self.app.call_from_thread(
                self.app.show_sync_progress, event.rows, event.total, event.source
            )
        if now - self.last_refresh >= REFRESH_SECONDS:
            self.last_refresh = now
            self.app.call_from_thread(self.app.data_changed)


def _finished(
    app: "AgentmonApp", summary: "SyncSummary | None", failure: str | None
) -> None:
    app.sync_cancel = None
    app.hide_sync_progress()
    app.data_changed()
    if failure is not None or summary is None:
        app.notify(
            failure or "sync failed",
            title="Sync failed",
            severity="error",
            markup=False,
        )
        return
    app.notify(summary.describe(), title="Synced", markup=False)

"""Session transcript: one session's conversation, with its flagged responses.

The conversation reads in order, user and agent turns told apart by colour and
label; each agent turn carries its time, response time, status and tokens, and
any end-user flag with its reason and comment. *View flagged responses* narrows
the view to the flagged ones; `n`/`p` step through them, Enter shows the one
highlighted back in its conversation.
"""

import sqlite3
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from store.transcripts import (
    IndexEntry,
    SessionSummary,
    TranscriptMessage,
    session_summary,
    transcript_index,
    transcript_messages,
)
from tui.inert import inert
from tui.widgets import format as fmt
from tui.widgets.header import StatusHeader
from tui.widgets.transcript_view import TranscriptView


class TranscriptScreen(Screen[None]):
    """One session's transcript, opened from an agent's session logs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("f", "toggle_flagged", "Flagged responses"),
        Binding("enter", "show_in_context", "Show in context"),
        Binding("n", "next_flagged", "Next flagged"),
        Binding("p", "previous_flagged", "Previous flagged"),
    ]

    def __init__(self, session_id: str, message_id: str | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.first_message_id = message_id
        self.summary: SessionSummary | None = None
        self.flagged_only = False
        self._all: list[IndexEntry] = []
        self._flagged: list[IndexEntry] = []
        self._position: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        """The session's summary and the flagged button, the status, the view."""
        yield StatusHeader()
        with Horizontal(id="transcript-bar"):
            yield Static(id="transcript-summary")
            yield Button(
                "View flagged responses",
                id="transcript-flagged-button",
                compact=True,
                tooltip="Show only the responses end users flagged (f)",
            )
        yield Static(id="transcript-status")
        yield TranscriptView(self._load, id="transcript-view")
        yield Footer()

    def on_mount(self) -> None:
        """Read the session's index and show its first screen."""
        view = self.query_one(TranscriptView)
        if getattr(self.app, "role", "unknown") != "member":
            self.summary = session_summary(self._database(), self.session_id)
        if self.summary is None:
            self._show_missing()
            return
        self._set_labels(view, self.summary)
        self._all = transcript_index(self._database(), self.session_id)
        self._flagged = [entry for entry in self._all if entry.is_flagged]
        self._position = {entry.message_id: i for i, entry in enumerate(self._all)}
        self.query_one("#transcript-summary", Static).update(self._summary_text())
        self.query_one(Button).disabled = not self._flagged
        cursor = self._position.get(self.first_message_id or "", 0)
        view.show(self._all, cursor=cursor)
        view.focus()

    # --- reading -----------------------------------------------------------

    def _database(self) -> sqlite3.Connection:
        """The app's read-only connection for the UI thread."""
        database: sqlite3.Connection = self.app.db  # type: ignore[attr-defined]
        return database

    def _load(self, message_ids: Sequence[str]) -> list[TranscriptMessage]:
        """One page of full messages for the view."""
        return transcript_messages(self._database(), message_ids)

    def _set_labels(self, view: TranscriptView, summary: SessionSummary) -> None:
        """Name the speakers: the end user, and the agent."""
        view.set_labels(
            user=summary.user_name or summary.user_id or "User",
            agent=summary.agent_name or "Agent",
        )

    def _summary_text(self) -> Text:
        """The session in one line: agent, user, when it started."""
        summary = self.summary
        assert summary is not None
        agent = summary.agent_name or summary.application_id
        user = summary.user_name or summary.user_id or "unknown user"
        started = summary.started_at_ms
        text = inert(agent, style="bold", single_line=True)
        text.append(" · ")
        text.append_text(inert(user, single_line=True))
        text.append(f" · {fmt.local_time(started)} {fmt.zone_name(started)}")
        return text

    def _show_missing(self) -> None:
        """Say why there is nothing to show."""
        role = getattr(self.app, "role", "unknown")
        if role == "member":
            reason = (
                "Session logs are visible to organisation admins only: this "
                "database was synced with a member key, which cannot read them."
            )
        else:
            reason = (
                "This session is not in the local copy: it may be outside its "
                "agent's retention, or not synced yet."
            )
        self.query_one("#transcript-summary", Static).update(
            inert(self.session_id, single_line=True)
        )
        self.query_one("#transcript-status", Static).update(reason)
        self.query_one(Button).disabled = True

    # --- following the cursor -------------------------------------------------

    def on_transcript_view_cursor_moved(
        self, event: TranscriptView.CursorMoved
    ) -> None:
        """Say where the reader is, and what Enter or n/p would do."""
        status = self.query_one("#transcript-status", Static)
        if self.flagged_only:
            status.update(
                f"Flagged response {event.index + 1:,} of {len(self._flagged):,}"
                " · Enter shows it in context · Esc shows all messages"
            )
        elif not self._all:
            status.update("This session has no messages in the local copy.")
        else:
            flagged = len(self._flagged)
            note = (
                f"{flagged:,} flagged: n/p step through them"
                if flagged
                else "no flagged responses"
            )
            status.update(f"Message {event.index + 1:,} of {len(self._all):,} · {note}")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what applies: Enter in the flagged view, n/p with flags."""
        if action == "show_in_context":
            return self.flagged_only
        if action in {"toggle_flagged", "next_flagged", "previous_flagged"}:
            return bool(self._flagged) or None
        return True

    # --- actions ---------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The flagged button does what `f` does."""
        event.stop()
        self.action_toggle_flagged()

    def action_toggle_flagged(self) -> None:
        """View flagged responses, or go back to all messages."""
        if not self._flagged:
            self.notify("No response in this session is flagged.")
            return
        view = self.query_one(TranscriptView)
        current = view.cursor_entry
        if self.flagged_only:
            self._show_all(current.message_id if current else None)
            return
        self.flagged_only = True
        self.query_one(Button).label = "View all messages"
        start = self._position.get(current.message_id, 0) if current else 0
        cursor = next(
            (
                i
                for i, entry in enumerate(self._flagged)
                if self._position[entry.message_id] >= start
            ),
            0,
        )
        view.show(self._flagged, cursor=cursor)

    def action_next_flagged(self) -> None:
        """Step to the next flagged response."""
        self._step_flagged(+1)

    def action_previous_flagged(self) -> None:
        """Step to the previous flagged response."""
        self._step_flagged(-1)

    def action_show_in_context(self) -> None:
        """Show the highlighted flagged response in its conversation."""
        entry = self.query_one(TranscriptView).cursor_entry
        if self.flagged_only and entry is not None:
            self._show_all(entry.message_id)

    def action_back(self) -> None:
        """Leave the flagged view, or the screen."""
        if self.flagged_only:
            entry = self.query_one(TranscriptView).cursor_entry
            self._show_all(entry.message_id if entry else None)
        else:
            self.app.pop_screen()

    def _step_flagged(self, step: int) -> None:
        """Move to the flagged response `step` away from the cursor."""
        view = self.query_one(TranscriptView)
        if not self._flagged:
            return
        if self.flagged_only:
            view.move_cursor(view.cursor + step)
            return
        flagged_positions = [
            self._position[entry.message_id] for entry in self._flagged
        ]
        if step > 0:
            target = next((i for i in flagged_positions if i > view.cursor), None)
        else:
            target = next(
                (i for i in reversed(flagged_positions) if i < view.cursor), None
            )
        if target is None:
            self.notify("No more flagged responses this way.")
            return
        view.move_cursor(target, context=True)

    def _show_all(self, message_id: str | None) -> None:
        """Back to the whole conversation, at `message_id` in context."""
        self.flagged_only = False
        self.query_one(Button).label = "View flagged responses"
        cursor = self._position.get(message_id or "", 0)
        self.query_one(TranscriptView).show(self._all, cursor=cursor)

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
    SessionSummary,
    TranscriptIndex,
    TranscriptMessage,
    find_message,
    messages_at,
    session_summary,
    transcript_index,
)
from tui.app import DataChanged
from tui.inert import inert
from tui.widgets import format as fmt
from tui.widgets.header import StatusHeader
from tui.widgets.transcript_view import TranscriptView

MEMBER_REASON = (
    "Session logs are visible to organisation admins only: this database was "
    "synced with a member key, which cannot read them."
)
MISSING_REASON = (
    "This session is not in the local copy: it may be outside its agent's "
    "retention, or not synced yet."
)


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
        self.index = TranscriptIndex(seqs=[], flag_counts={})
        self.flagged_only = False

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
        if getattr(self.app, "role", "unknown") != "member":
            self.summary = session_summary(self._database(), self.session_id)
        if self.summary is None:
            self._show_missing()
            return
        view = self.query_one(TranscriptView)
        view.set_labels(
            user=self.summary.user_name or self.summary.user_id or "User",
            agent=self.summary.agent_name or "Agent",
        )
        self.query_one("#transcript-summary", Static).update(self._summary_text())
        cursor = 0
        self._read_index()
        if self.first_message_id is not None:
            found = find_message(
                self._database(), self.index, self.session_id, self.first_message_id
            )
            cursor = found or 0
        self._show_all(cursor)
        view.focus()

    def on_data_changed(self, _message: DataChanged) -> None:
        """A sync landed: read the index again, staying on the same message."""
        if self.summary is None:
            return
        view = self.query_one(TranscriptView)
        message = view.message_at(view.cursor)
        self._read_index()
        cursor = 0
        if message is not None:
            found = find_message(
                self._database(), self.index, self.session_id, message.message_id
            )
            cursor = found or 0
        self._show_all(cursor)

    # --- reading -----------------------------------------------------------

    def _database(self) -> sqlite3.Connection:
        """The app's read-only connection for the UI thread."""
        database: sqlite3.Connection = self.app.db  # type: ignore[attr-defined]
        return database

    def _read_index(self) -> None:
        """Where every message sits, and which are flagged."""
        self.index = transcript_index(self._database(), self.session_id)
        self.query_one(Button).disabled = not self.index.flag_counts
        self.refresh_bindings()

    def _load(self, positions: Sequence[int]) -> dict[int, TranscriptMessage]:
        """One page of full messages for the view."""
        return messages_at(self._database(), self.session_id, self.index, positions)

    @property
    def flagged(self) -> list[int]:
        """The positions of the flagged responses."""
        return self.index.flagged_positions

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
        member = getattr(self.app, "role", "unknown") == "member"
        self.query_one("#transcript-summary", Static).update(
            inert(self.session_id, single_line=True)
        )
        self.query_one("#transcript-status", Static).update(
            MEMBER_REASON if member else MISSING_REASON
        )
        self.query_one(Button).disabled = True

    # --- following the cursor -------------------------------------------------

    def on_transcript_view_cursor_moved(
        self, event: TranscriptView.CursorMoved
    ) -> None:
        """Say where the reader is, and what Enter or n/p would do."""
        status = self.query_one("#transcript-status", Static)
        total = len(self.index)
        flagged = len(self.flagged)
        if self.flagged_only:
            status.update(
                f"Flagged response {event.index + 1:,} of {flagged:,}"
                " · Enter shows it in context · Esc shows all messages"
            )
        elif not total:
            status.update("This session has no messages in the local copy.")
        else:
            note = (
                f"{flagged:,} flagged: n/p step through them"
                if flagged
                else "no flagged responses"
            )
            status.update(f"Message {event.index + 1:,} of {total:,} · {note}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what applies: Enter in the flagged view, n/p with flags."""
        if action == "show_in_context":
            return self.flagged_only
        if action in {"toggle_flagged", "next_flagged", "previous_flagged"}:
            return bool(self.flagged) or None
        return True

    # --- actions ---------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The flagged button does what `f` does."""
        event.stop()
        self.action_toggle_flagged()

    def action_toggle_flagged(self) -> None:
        """View flagged responses, or go back to all messages."""
        if not self.flagged:
            self.notify("No response in this session is flagged.")
            return
        position = self.query_one(TranscriptView).cursor_position or 0
        if self.flagged_only:
            self._show_all(position)
            return
        self.flagged_only = True
        self.query_one(Button).label = "View all messages"
        self.refresh_bindings()
        cursor = next(
            (i for i, flagged in enumerate(self.flagged) if flagged >= position), 0
        )
        self.query_one(TranscriptView).show(
            self.flagged, cursor=cursor, flag_counts=self.index.flag_counts
        )

    def action_next_flagged(self) -> None:
        """Step to the next flagged response."""
        self._step_flagged(+1)

    def action_previous_flagged(self) -> None:
        """Step to the previous flagged response."""
        self._step_flagged(-1)

    def action_show_in_context(self) -> None:
        """Show the highlighted flagged response in its conversation."""
        position = self.query_one(TranscriptView).cursor_position
        if self.flagged_only and position is not None:
            self._show_all(position)

    def action_back(self) -> None:
        """Leave the flagged view, or the screen."""
        if self.flagged_only:
            self._show_all(self.query_one(TranscriptView).cursor_position or 0)
        else:
            self.app.pop_screen()

    def _step_flagged(self, step: int) -> None:
        """Move to the flagged response `step` away from the cursor."""
        view = self.query_one(TranscriptView)
        if not self.flagged:
            return
        if self.flagged_only:
            view.move_cursor(view.cursor + step)
            return
        if step > 0:
            target = next((i for i in self.flagged if i > view.cursor), None)
        else:
            target = next((i for i in reversed(self.flagged) if i < view.cursor), None)
        if target is None:
            self.notify("No more flagged responses this way.")
            return
        view.move_cursor(target, context=True)

    def _show_all(self, position: int) -> None:
        """The whole conversation, at `position` in context."""
        if self.flagged_only:
            self.flagged_only = False
            self.refresh_bindings()
        self.query_one(Button).label = "View flagged responses"
        self.query_one(TranscriptView).show(
            list(range(len(self.index))),
            cursor=position,
            flag_counts=self.index.flag_counts,
        )

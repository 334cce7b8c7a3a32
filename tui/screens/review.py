"""The review view: one flagged response in its conversation, decided with one key.

It shows the agent and session, who flagged the response and why, the end
user's comment, the turns before it and the user's message it answered, the
response itself, and every verdict left on it. a/e/r/d decide and the next
flag of the queue appears by itself; n writes a note first (Enter keeps it,
then the verdict key saves it with the note); u undoes the last verdict;
Enter opens the transcript at the response; ] and [ skip without deciding.
"""

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from store import reviews
from store.errors import StoreError
from store.reviews import FlagDetail, Verdict
from tui.app import DataChanged
from tui.inert import inert
from tui.screens.flags import (
    SYNC_MARKS,
    UNDO_BINDING,
    VERDICT_BINDINGS,
    Triage,
    settle_conflict,
    undo_last,
)
from tui.widgets.format import local_time

# Known limit: a response longer than this shows its start only; laying out
# 24,000 characters took 0.7 s a flag, and the transcript shows it whole.
RESPONSE_SHOWN = 4000
EARLIER_SHOWN = 140

STATUS_WORDS = {
    "pending": "waiting to be sent",
    "sent": "sent",
    "conflict": "in conflict",
    "withdrawn": "withdrawn",
    "accepted": "",
}


class ReviewScreen(Screen[None]):
    """One flag at a time, from the queue's filter and order."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        *VERDICT_BINDINGS,
        Binding("n", "note", "Note", tooltip="Write a note; then a verdict key"),
        UNDO_BINDING,
        Binding("enter", "transcript", "Transcript", tooltip="Open the session"),
        Binding(
            "right_square_bracket",
            "step(1)",
            "Skip",
            key_display="]",
            tooltip="Next flag without a verdict ([ goes back)",
        ),
        Binding("left_square_bracket", "step(-1)", "Previous", show=False),
        Binding("c", "conflict", "Conflict", show=False),
    ]

    def __init__(self, triage: Triage, flag_id: str) -> None:
        super().__init__()
        self.triage = triage
        self.flag_id: str | None = flag_id
        self.detail: FlagDetail | None = None
        self.note: str | None = None

    def compose(self) -> ComposeResult:
        """Title, the scrolling conversation, the note line and input."""
        from tui.widgets.header import StatusHeader

        yield StatusHeader()
        yield Static(id="review-title")
        with VerticalScroll(id="review-body"):
            yield Static(id="review-meta")
            yield Static(id="review-earlier")
            yield Static(id="review-question", classes="review-turn")
            yield Static(id="review-response", classes="review-turn")
            yield Static(id="review-verdicts")
        yield Static(id="review-note-status")
        yield Input(id="review-note", placeholder="note: Enter keeps it, Esc drops it")
        yield Footer()

    def on_mount(self) -> None:
        """Show the flag the queue opened."""
        self.note_input.display = False
        self.show(self.flag_id)
        self.body.focus()

    @property
    def body(self) -> VerticalScroll:
        """The scrolling conversation."""
        return self.query_one("#review-body", VerticalScroll)

    @property
    def note_input(self) -> Input:
        """Where a note is written."""
        return self.query_one("#review-note", Input)

    # --- showing a flag -------------------------------------------------------

    def show(self, flag_id: str | None, *, keep_place: bool = False) -> None:
        """Show `flag_id`, or say the queue is done when None.

        With `keep_place` (a sync landed) a flag whose detail is unchanged is
        left as it is, scrolled where the reader left it.
        """
        detail = (
            None if flag_id is None else reviews.flag_detail(self.triage.read, flag_id)
        )
        if keep_place and flag_id == self.flag_id and detail == self.detail:
            return
        self.flag_id = flag_id
        self.detail = detail
        if detail is None:
            self._show_done()
            return
        self.body.display = True
        read, selection = self.triage.read, self.triage.selection
        row = detail.row
        self.query_one("#review-title", Static).update(
            title_line(
                detail,
                reviews.position_in_queue(read, selection, row.key),
                reviews.count_flags(read, selection),
            )
        )
        self.query_one("#review-meta", Static).update(meta_text(detail))
        self.query_one("#review-earlier", Static).update(earlier_text(detail))
        self.query_one("#review-question", Static).update(question_text(detail))
        self.query_one("#review-response", Static).update(response_text(detail))
        self.query_one("#review-verdicts", Static).update(verdicts_text(detail))
        self._show_note_status()
        if not keep_place:
            self.body.scroll_home(animate=False)

    def _show_done(self) -> None:
        self.query_one("#review-title", Static).update(
            Text(" The queue is done: no flag left under these filters.", end="")
        )
        self.body.display = False
        self.query_one("#review-note-status", Static).update(
            Text(" u undoes the last verdict · Escape goes back to the list", end="")
        )

    def _show_note_status(self) -> None:
        status = self.query_one("#review-note-status", Static)
        if self.note is not None:
            line = Text(end="")
            line.append(" Note ready: ", style="bold")
            line.append_text(inert(self.note, single_line=True))
            line.append(" — a/e/r/d saves it with the verdict", style="dim")
            status.update(line)
            return
        if self.detail is not None and self.detail.conflict is not None:
            status.update(
                Text(
                    " ! Another reviewer decided this flag since: c to settle",
                    style="bold reverse",
                    end="",
                )
            )
            return
        status.update(Text(" n adds a note to the next verdict", style="dim", end=""))

    def on_data_changed(self, _message: DataChanged) -> None:
        """A sync landed: the flag's verdicts may have changed."""
        if self.flag_id is not None:
            self.show(self.flag_id, keep_place=True)

    # --- verdicts -------------------------------------------------------------

    def action_decide(self, state: str) -> None:
        """Decide the flag shown (with the note, if one is ready), then the next."""
        detail = self.detail
        if detail is None:
            return
        try:
            self.triage.decide(detail.row, state, self.note)
        except StoreError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.note = None
        following = reviews.next_in_queue(
            self.triage.read, self.triage.selection, detail.row.key
        )
        self.show(None if following is None else following.flag_id)

    def action_undo(self) -> None:
        """Undo the last verdict and show its flag again."""
        undone = undo_last(self, self.triage)
        if undone is not None:
            self.show(undone[0].flag_id)

    def action_step(self, step: int) -> None:
        """Show the next (or previous) flag without deciding this one."""
        detail = self.detail
        if detail is None:
            return
        selection = self.triage.selection
        if step < 0:
            selection = replace(selection, newest_first=not selection.newest_first)
        following = reviews.queue_page(
            self.triage.read, selection, limit=1, after=detail.row.key
        )
        if following:
            self.show(following[0].flag_id)

    # --- the note -------------------------------------------------------------

    def action_note(self) -> None:
        """Open the note input."""
        field = self.note_input
        field.value = self.note or ""
        field.display = True
        field.focus()

    @on(Input.Submitted, "#review-note")
    def note_kept(self, event: Input.Submitted) -> None:
        """Enter keeps the note for the next verdict key."""
        self.note = event.value if event.value.strip() else None
        self._close_note()

    def _close_note(self) -> None:
        self.note_input.display = False
        self._show_note_status()
        self.body.focus()

    def action_back(self) -> None:
        """Escape drops the note being written, else goes back to the queue."""
        if self.note_input.display:
            self.note = None
            self._close_note()
            return
        self.app.pop_screen()

    # --- elsewhere ------------------------------------------------------------

    def action_transcript(self) -> None:
        """Open the session's transcript at the flagged response."""
        from tui.screens.transcript import TranscriptScreen

        if self.detail is not None:
            row = self.detail.row
            self.app.push_screen(TranscriptScreen(row.session_id, row.message_id))

    def action_conflict(self) -> None:
        """Settle the conflict of the flag shown."""
        if self.detail is None or self.detail.conflict is None:
            self.notify("This flag has no verdict conflict.", markup=False)
            return
        settle_conflict(
            self, self.triage, self.detail.conflict, lambda: self.show(self.flag_id)
        )


# --- what the view says, as Text ----------------------------------------------------


def title_line(detail: FlagDetail, position: int, total: int) -> Text:
    """`Flag 3 of 412 · inaccurate · new`, with the flag's id."""
    row = detail.row
    line = Text(" ", end="")
    if total and position < total:
        line.append(f"Flag {position + 1:,} of {total:,}", style="bold")
    else:
        line.append("Flag outside the queue's filters", style="bold")
    line.append(f" · {row.reason} · ")
    line.append(row.state, style="bold reverse" if row.state == "new" else "bold")
    mark = SYNC_MARKS.get(row.sync_status or "")
    if mark:
        line.append(f" {mark}")
    line.append(f" · {row.flag_id}", style="dim")
    return line


def meta_text(detail: FlagDetail) -> Text:
    """The agent, the session, who flagged it, when, and the comment."""
    row = detail.row
    text = Text(end="")
    text.append_text(inert(row.agent_name or row.application_id, style="bold"))
    text.append(f" · session {row.session_id}")
    text.append("\nFlagged ")
    text.append(local_time(row.flagged_at_ms))
    text.append(" by ")
    text.append_text(inert(detail.flagged_by_name or detail.flagged_by or "someone"))
    text.append(f" as {row.reason}")
    text.append("\nComment: ", style="bold")
    if row.comment:
        text.append_text(inert(row.comment))
    else:
        text.append("none", style="dim italic")
    return text


def earlier_text(detail: FlagDetail) -> Text:
    """The turns before the user's message, shortened."""
    text = Text(end="")
    for message in detail.earlier:
        who = "User" if message.role == "user" else "Agent"
        text.append(f"{who}: ", style="dim bold")
        content = message.content
        shortened = content[:EARLIER_SHOWN] + (
            "…" if len(content) > EARLIER_SHOWN else ""
        )
        text.append_text(inert(shortened, style="dim", single_line=True))
        text.append("\n")
    text.rstrip()
    return text


def question_text(detail: FlagDetail) -> Text:
    """The user's message the flagged response answered."""
    text = Text(end="")
    text.append("User", style="bold")
    if detail.question is None:
        text.append("\n(no user message before it in the local copy)", style="dim")
        return text
    text.append(f"  {local_time(detail.question.created_at_ms)}\n", style="dim")
    text.append_text(inert(detail.question.content))
    return text


def response_text(detail: FlagDetail) -> Text:
    """The flagged response, up to `RESPONSE_SHOWN` characters."""
    text = Text(end="")
    text.append("Agent · flagged", style="bold")
    if detail.response is None:
        text.append(
            "\n(the response is not in the local copy: it may be past its "
            "agent's retention)",
            style="dim",
        )
        return text
    text.append(f"  {local_time(detail.response.created_at_ms)}\n", style="dim")
    content = detail.response.content
    text.append_text(inert(content[:RESPONSE_SHOWN]))
    if len(content) > RESPONSE_SHOWN:
        rest = len(content) - RESPONSE_SHOWN
        text.append(
            f"\n… {rest:,} more characters: Enter opens the whole response in "
            "its transcript",
            style="dim italic",
        )
    return text


def verdicts_text(detail: FlagDetail) -> Text:
    """Every verdict on the flag, oldest first."""
    if not detail.verdicts:
        return Text("No verdict yet.", style="dim", end="")
    text = Text(end="")
    text.append("Verdicts", style="bold")
    for verdict in detail.verdicts:
        text.append("\n")
        text.append_text(verdict_line(verdict))
    return text


def verdict_line(verdict: Verdict) -> Text:
    """`2026-06-01 12:00  resolved  Ana Ruiz  (sent)  “note”`."""
    text = Text(f"{local_time(verdict.decided_at_ms)}  ", end="")
    text.append(verdict.state, style="bold")
    text.append("  ")
    text.append_text(inert(verdict.decided_by_name or verdict.decided_by or "?"))
    status = STATUS_WORDS.get(verdict.status, verdict.status)
    if status:
        text.append(f"  ({status})", style="dim")
    if verdict.note:
        text.append("  “")
        text.append_text(inert(verdict.note, single_line=True))
        text.append("”")
    return text

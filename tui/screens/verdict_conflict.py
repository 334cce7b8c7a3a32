"""The verdict conflict dialog: yours and another reviewer's, side by side.

The remote refused a verdict of ours because another reviewer decided the flag
first. k keeps ours (the next sync sends it again, on top of theirs); t takes
theirs (ours is withdrawn, and stays on record); Escape decides later. The
dialog answers "keep", "take" or None; the caller applies it.
"""

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from store.reviews import Conflict, QueueRow, Verdict
from tui.inert import inert
from tui.widgets.format import local_time


class VerdictConflictScreen(ModalScreen[str | None]):
    """Both verdicts on one flag; the user keeps theirs or takes the other."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "choose('keep')", "Keep mine"),
        Binding("t", "choose('take')", "Take theirs"),
        Binding("escape", "choose('')", "Later"),
    ]

    def __init__(self, conflict: Conflict, row: QueueRow | None) -> None:
        super().__init__()
        self.conflict = conflict
        self.row = row

    def compose(self) -> ComposeResult:
        """The flag, the two verdicts, the choices."""
        with Vertical(id="conflict-dialog"):
            yield Static(
                Text(f"Verdict conflict on {self.conflict.mine.flag_id}", end=""),
                classes="dialog-title",
            )
            yield Static(self._flag_line(), id="conflict-flag")
            yield Static(verdict_block("Yours", self.conflict.mine), id="conflict-mine")
            yield Static(
                verdict_block("Theirs", self.conflict.theirs), id="conflict-theirs"
            )
            with Horizontal(id="conflict-buttons"):
                yield Button(
                    "k Keep mine", variant="primary", id="conflict-keep", compact=True
                )
                yield Button("t Take theirs", id="conflict-take", compact=True)
                yield Button("Esc Later", id="conflict-later", compact=True)

    def _flag_line(self) -> Text:
        row = self.row
        if row is None:
            return Text("The flag is no longer in the local copy.", style="dim")
        text = Text(end="")
        text.append_text(inert(row.agent_name or row.application_id, style="bold"))
        text.append(f" · {row.reason} · flagged {local_time(row.flagged_at_ms)}")
        text.append(
            "\nKeep mine sends yours again on top of theirs at the next sync; "
            "take theirs withdraws yours (it stays on record).",
            style="dim",
        )
        return text

    def action_choose(self, choice: str) -> None:
        """Close with the choice ("" is later)."""
        self.dismiss(choice or None)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        """The buttons do what their keys do."""
        choices = {"conflict-keep": "keep", "conflict-take": "take"}
        self.dismiss(choices.get(event.button.id or ""))


def verdict_block(title: str, verdict: Verdict) -> Text:
    """One side of the conflict: state, reviewer, time and note."""
    text = Text(end="")
    text.append(f"{title:<7}", style="bold")
    text.append(verdict.state, style="bold reverse")
    text.append("  ")
    text.append_text(inert(verdict.decided_by_name or verdict.decided_by or "?"))
    text.append(f"  {local_time(verdict.decided_at_ms)}", style="dim")
    text.append("\n       ")
    if verdict.note:
        text.append("“")
        text.append_text(inert(verdict.note, single_line=True))
        text.append("”")
    else:
        text.append("no note", style="dim italic")
    return text

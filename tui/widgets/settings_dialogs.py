"""The dialogs of the Admin settings screen: pick a retention, confirm a change.

Both are modal and keyboard-first. `ConfirmChange` answers True only when the
user confirms; Escape, `n` or the Cancel button answer False.
"""

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from store.settings_queries import RETENTION_CHOICES
from tui.widgets import format as fmt


class RetentionPicker(ModalScreen[int | None]):
    """Choose an agent's retention: none, 7, 30, 90 or 180 days."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Choose"),
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, agent_name: Text, current_days: int | None) -> None:
        super().__init__()
        self.agent_name = agent_name
        self.current_days = current_days

    def compose(self) -> ComposeResult:
        """A title naming the agent, and the five choices."""
        title = Text("Retention of ", end="")
        title.append_text(self.agent_name)
        options = []
        for days in RETENTION_CHOICES:
            label = fmt.retention(days)
            if days == self.current_days:
                label += "  (current)"
            options.append(Option(label, id=str(days)))
        with Vertical(id="retention-dialog"):
            yield Static(title, classes="dialog-title")
            yield OptionList(*options, id="retention-options")
            yield Static("Enter chooses · Esc cancels", classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        """Start on the current value, so Enter at once changes nothing."""
        found = self.query(OptionList)
        if not found:
            return  # the app is closing: nothing was composed
        options = found.first()
        if self.current_days in RETENTION_CHOICES:
            options.highlighted = RETENTION_CHOICES.index(self.current_days)
        else:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Answer the chosen number of days."""
        event.stop()
        assert event.option.id is not None
        self.dismiss(int(event.option.id))

    def action_choose(self) -> None:
        """Choose the highlighted retention."""
        self.query_one(OptionList).action_select()

    def action_cursor_down(self) -> None:
        """Highlight the next choice."""
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Highlight the previous choice."""
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


class ConfirmChange(ModalScreen[bool]):
    """Ask before a change that goes to the remote side and emails admins."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes, change it"),
        Binding("n,escape", "cancel", "Cancel"),
        Binding("left,h", "app.focus_previous", "Previous button", show=False),
        Binding("right,l", "app.focus_next", "Next button", show=False),
    ]

    def __init__(self, title: str, question: Text, *, confirm_label: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        """The question, then Confirm and Cancel."""
        with Vertical(id="confirm-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, variant="warning", id="confirm-yes")
                yield Button("Cancel", id="confirm-no")
            yield Static("y confirms · n or Esc cancels", classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        """Cancel has the focus: a stray Enter changes nothing."""
        for button in self.query("#confirm-no").results(Button):
            button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The buttons answer as `y` and `n` do."""
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_confirm(self) -> None:
        """Go ahead with the change."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(False)

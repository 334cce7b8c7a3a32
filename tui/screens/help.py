"""Every key the screen below answers, with what it does."""

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# Keys every list answers; they are hidden from the footer to keep it short.
LIST_KEYS = [
    ("j / ↓, k / ↑", "Move down, up"),
    ("g / Home, G / End", "First, last row"),
    ("PgDn, PgUp", "A screenful down, up"),
    ("Enter", "Open"),
    ("Escape", "Back"),
    ("ctrl+p", "Command palette: every action here, by name"),
]


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from, then the keys of every list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="Esc"),
    ]

    def __init__(self, below: Screen[Any]) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(self._table(), id="help-keys")

    @property
    def key_rows(self) -> list[tuple[str, str]]:
        """(key, what it does) for every action of the screen below."""
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for active in self.below.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            if binding.action == "command_palette":
                continue
            seen.add(binding.action)
            key = binding.key_display or binding.key.split(",")[0]
            rows.append((key, binding.tooltip or binding.description))
        return rows

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row(Text("Keys here", style="bold underline"), Text(""))
        for key, description in self.key_rows:
            table.add_row(Text(key), Text(description))
        table.add_row(Text(""), Text(""))
        table.add_row(Text("In every list", style="bold underline"), Text(""))
        for key, description in LIST_KEYS:
            table.add_row(Text(key), Text(description))
        return table

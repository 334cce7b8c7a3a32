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
]


# Textual's own keys that every app has; the help lists ours instead.
_GENERIC_KEYS = {"ctrl+q", "ctrl+c", "super+c", "tab", "shift+tab"}


def described_bindings(screen: Screen[Any]) -> list[tuple[str, Binding, Any]]:
    """(key shown, binding, node) for each of agentmon's actions on `screen`.

    The help screen and the command palette both list these: the enabled
    bindings that have a description, once per action, leaving out what
    Textual's own widgets bind (their keys are listed under "In every list").
    """
    found: list[tuple[str, Binding, Any]] = []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not active.enabled or not binding.description or binding.system:
            continue
        if binding.key in _GENERIC_KEYS or binding.action in seen:
            continue
        if type(active.node).__module__.startswith("textual."):
            continue
        seen.add(binding.action)
        found.append(
            (binding.key_display or binding.key.split(",")[0], binding, active.node)
        )
    return found


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

    def on_mount(self) -> None:
        # The arrows, j/k and PageUp/PageDown scroll a long list of keys.
        self.query_one("#help-dialog").focus()

    @property
    def key_rows(self) -> list[tuple[str, str]]:
        """(key, what it does) for every action of the screen below."""
        return [
            (key, binding.tooltip or binding.description)
            for key, binding, _node in described_bindings(self.below)
        ]

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

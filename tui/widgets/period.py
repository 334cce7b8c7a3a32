"""The period every Observability figure is computed over, and its picker.

One `Period` lives on the app; the Agents screen and the Agent screen's tabs
all read it, so changing it in one place changes it everywhere.
"""

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from store.clock import parse_iso_ms
from tui.widgets.format import local_time

DAY_MS = 86_400_000

# The presets AI Studio offers, in days.
PRESET_DAYS = {"24h": 1, "7d": 7, "30d": 30, "90d": 90, "180d": 180}


@dataclass(frozen=True)
class Period:
    """A half-open window `[from_ms, to_ms)` with the label the user chose."""

    from_ms: int
    to_ms: int
    label: str

    @classmethod
    def preset(cls, label: str, now_ms: int) -> "Period":
        """The last 24h, 7d, 30d, 90d or 180d ending now."""
        days = PRESET_DAYS[label]
        return cls(now_ms - days * DAY_MS, now_ms, label)

    @classmethod
    def custom(cls, from_ms: int, to_ms: int) -> "Period":
        """A window the user typed in; its label drops midnight times."""
        label = f"{_moment(from_ms)} → {_moment(to_ms)}"
        return cls(from_ms, to_ms, label)

    @property
    def length_ms(self) -> int:
        """How long the window is."""
        return self.to_ms - self.from_ms

    def previous(self) -> "Period":
        """The window of the same length just before this one."""
        return Period(self.from_ms - self.length_ms, self.from_ms, "previous")


class PeriodDialog(ModalScreen["Period | None"]):
    """Pick a preset period or type a custom from-to; answers None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", show=True)
    ]

    def __init__(self, current: Period, now_ms: int) -> None:
        super().__init__()
        self.current = current
        self.now_ms = now_ms

    def compose(self) -> ComposeResult:
        with Vertical(id="period-dialog"):
            yield Label("Period", classes="dialog-title")
            options = [Option(f"Last {label}", id=label) for label in PRESET_DAYS]
            options.append(Option("Custom from – to…", id="custom"))
            yield OptionList(*options, id="period-presets")
            with Horizontal(id="period-custom"):
                yield Input(placeholder="from 2026-05-01", id="period-from")
                yield Input(placeholder="to 2026-06-01", id="period-to")
                yield Button("Apply", id="period-apply")
            yield Label("", id="period-error")

    def on_mount(self) -> None:
        presets = self.query_one("#period-presets", OptionList)
        labels = list(PRESET_DAYS)
        presets.highlighted = (
            labels.index(self.current.label) if self.current.label in labels else 5
        )
        presets.focus()

    @on(OptionList.OptionSelected, "#period-presets")
    def choose_preset(self, event: OptionList.OptionSelected) -> None:
        """A preset answers at once; Custom moves to the from field."""
        if event.option.id == "custom":
            self.query_one("#period-from", Input).focus()
            return
        assert event.option.id is not None
        self.dismiss(Period.preset(event.option.id, self.now_ms))

    @on(Input.Submitted)
    @on(Button.Pressed, "#period-apply")
    def apply_custom(self) -> None:
        """Parse the typed dates (local midnight when no time is given)."""
        from_text = self.query_one("#period-from", Input).value.strip()
        to_text = self.query_one("#period-to", Input).value.strip()
        try:
            from_ms = _parse_local(from_text)
            to_ms = _parse_local(to_text) if to_text else self.now_ms
        except ValueError:
            self._complain("dates look like 2026-05-01 or 2026-05-01T09:30")
            return
        if from_ms >= to_ms:
            self._complain("the start must come before the end")
            return
        self.dismiss(Period.custom(from_ms, to_ms))

    def action_dismiss_none(self) -> None:
        """Leave the period as it was."""
        self.dismiss(None)

    def _complain(self, reason: str) -> None:
        self.query_one("#period-error", Label).update(Text(reason, style="bold"))


def _moment(ms: int) -> str:
    """A local date, with the time only when it is not midnight."""
    shown = local_time(ms)
    return shown.removesuffix(" 00:00")


def _parse_local(text: str) -> int:
    """UTC ms from an ISO date or date-time typed in the local zone."""
    from datetime import datetime

    if text.endswith("Z") or "+" in text[10:]:
        return parse_iso_ms(text)
    moment = datetime.fromisoformat(text).astimezone()
    return int(moment.timestamp() * 1000)

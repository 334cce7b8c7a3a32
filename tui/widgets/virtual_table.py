"""A table that never holds its rows: it draws only what is visible.

`VirtualTable` is a Line-API `ScrollView`. It asks a `RowSource` for the row
count and for pages of rows (200 at a time) as the user scrolls, and keeps a
few pages cached. Sorting and filtering belong to the source: the screen
builds a new source (a new query) and hands it over with `set_source`.
"""

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

RowT = TypeVar("RowT")
RowT_co = TypeVar("RowT_co", covariant=True)

PAGE_SIZE = 200
CACHED_PAGES = 8
STRIP_CACHE = 400
NULL_STYLE = Style()
NARROW_BELOW = 120


class RowSource(Protocol[RowT_co]):
    """Where a `VirtualTable` gets its rows: a count, and rows by position."""

    def count(self) -> int:
        """How many rows there are."""
        ...

    def fetch(self, start: int, limit: int) -> Sequence[RowT_co]:
        """Up to `limit` rows from position `start` (0 is the first)."""
        ...


class EmptySource:
    """A source with no rows, for before the first query."""

    def count(self) -> int:
        """Always zero."""
        return 0

    def fetch(self, start: int, limit: int) -> Sequence[Any]:
        """Always nothing."""
        return []


@dataclass(frozen=True)
class _FrameStyles:
    """The table's styles for one frame."""

    base: Style
    header: Style = NULL_STYLE
    cursor: Style = NULL_STYLE
    empty: Style = NULL_STYLE


@dataclass(frozen=True)
class Column(Generic[RowT]):
    """One column: its title, how to draw a row's cell, and how wide it is.

    `width` is fixed; a column with `width=0` takes the room left over (at
    least `min_width`). Cells are `Text`, so untrusted values are never read
    as markup (build them with `tui.inert.inert`).
    """

    key: str
    title: str
    cell: Callable[[RowT], Text]
    width: int = 0
    min_width: int = 8
    max_width: int = 0  # for a flexible column: 0 is no limit
    justify: str = "left"
    sortable: bool = True
    # Below NARROW_BELOW cells the table uses these, to fit 80 columns.
    narrow_width: int | None = None
    narrow_title: str | None = None


class VirtualTable(ScrollView, Generic[RowT], can_focus=True):
    """A keyboard-first table over a `RowSource`, with a cursor row."""

    # Movement keys carry no description: the help screen lists them once
    # for every list instead of on every screen.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", show=True, tooltip="Open the row"),
        Binding("down,j", "cursor_down", show=False),
        Binding("up,k", "cursor_up", show=False),
        Binding("home,g", "first", show=False),
        Binding("end,G", "last", show=False),
        Binding("pagedown,ctrl+f", "page_down", show=False),
        Binding("pageup,ctrl+b", "page_up", show=False),
        Binding("left", "ignore", show=False),
        Binding("right", "ignore", show=False),
        Binding("ctrl+pageup", "ignore", show=False),
        Binding("ctrl+pagedown", "ignore", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-blurred-background;
    }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    VirtualTable > .virtual-table--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    cursor_row: reactive[int] = reactive(0)

    class Selected(Message):
        """Enter was pressed on a row."""

        def __init__(self, table: "VirtualTable[Any]", row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> "VirtualTable[Any]":
            """The table the row was chosen in."""
            return self.table

    class SortRequested(Message):
        """The user asked to sort by a column (a click on its title)."""

        def __init__(self, table: "VirtualTable[Any]", column_key: str) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key

        @property
        def control(self) -> "VirtualTable[Any]":
            """The table whose column was chosen."""
            return self.table

    def __init__(
        self,
        columns: Sequence[Column[RowT]],
        *,
        empty_text: str = "Nothing to show.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.empty_text = empty_text
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._source: RowSource[RowT] = EmptySource()
        self._row_count = 0
        self._pages: OrderedDict[int, Sequence[RowT]] = OrderedDict()
        # Drawn rows by (position, width, under the cursor), for repaints.
        self._strips: LRUCache[tuple[int, int, bool], Strip] = LRUCache(STRIP_CACHE)
        self._styles: _FrameStyles | None = None

    # --- the source ---------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows the current source has."""
        return self._row_count

    def set_source(self, source: RowSource[RowT], *, keep_cursor: bool = False) -> None:
        """Show `source` instead; the cursor goes to the top unless kept."""
        self._source = source
        self._pages.clear()
        self._strips.clear()
        self._row_count = source.count()
        self.virtual_size = Size(self.size.width, self._row_count + 1)
        if keep_cursor:
            self.cursor_row = min(self.cursor_row, max(0, self._row_count - 1))
        else:
            self.cursor_row = 0
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def set_empty_text(self, text: str) -> None:
        """What the table says when it has no rows."""
        self.empty_text = text
        self.refresh()

    def row_at(self, index: int) -> RowT | None:
        """The row at position `index`, read from the cache or the source."""
        if not 0 <= index < self._row_count:
            return None
        page_number, within = divmod(index, PAGE_SIZE)
        page = self._page(page_number)
        return page[within] if within < len(page) else None

    @property
    def cursor_value(self) -> RowT | None:
        """The row under the cursor, or None when the table is empty."""
        return self.row_at(self.cursor_row)

    def _page(self, number: int) -> Sequence[RowT]:
        page = self._pages.get(number)
        if page is None:
            page = self._source.fetch(number * PAGE_SIZE, PAGE_SIZE)
            self._pages[number] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    # --- drawing ------------------------------------------------------------

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.size.width, self._row_count + 1)

    def _widths(self, total: int) -> list[int]:
        """Each column's width for a table `total` cells wide (1-cell gaps)."""
        narrow = total < NARROW_BELOW
        fixed_widths = [
            (column.narrow_width or column.width) if narrow else column.width
            for column in self.columns
        ]
        flexible = fixed_widths.count(0)
        gaps = len(self.columns) - 1
        room = max(0, total - sum(fixed_widths) - gaps)
        share = room // flexible if flexible else 0
        return [
            width or max(column.min_width, min(share, column.max_width or share))
            for column, width in zip(self.columns, fixed_widths, strict=True)
        ]

    def _line(self, cells: Sequence[Text], style: Style, width: int) -> Strip:
        widths = self._widths(width)
        line = Text(end="", no_wrap=True)
        for number, (column, cell, cell_width) in enumerate(
            zip(self.columns, cells, widths, strict=True)
        ):
            if number:
                line.append(" ")
            fitted = cell.copy()
            fitted.truncate(cell_width, overflow="ellipsis")
            fitted.align(column.justify, cell_width)  # type: ignore[arg-type]
            line.append_text(fitted)
        segments = [
            Segment(segment.text, style + segment.style if segment.style else style)
            for segment in line.render(self.app.console)
        ]
        return Strip(segments).adjust_cell_length(width, style)

    def _header_cells(self, width: int) -> list[Text]:
        narrow = width < NARROW_BELOW
        cells = []
        for column in self.columns:
            title = (column.narrow_title or column.title) if narrow else column.title
            if column.key == self.sort_key:
                title += "▼" if self.sort_reverse else "▲"
            cells.append(Text(title, end=""))
        return cells

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles are looked up once per frame rather than once per line.
        self._styles = _FrameStyles(
            base=self.rich_style,
            header=self.get_component_rich_style("virtual-table--header"),
            cursor=self.get_component_rich_style("virtual-table--cursor"),
            empty=self.get_component_rich_style("virtual-table--empty"),
        )
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_focus(self) -> None:
        self._strips.clear()

    def on_blur(self) -> None:
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        styles = self._styles or _FrameStyles(self.rich_style)
        base = styles.base
        if y == 0:
            return self._line(self._header_cells(width), base + styles.header, width)
        index = round(self.scroll_offset.y) + y - 1
        if self._row_count == 0:
            if y == 1:
                text = Text(" " + self.empty_text, end="")
                segments = list(text.render(self.app.console))
                return (
                    Strip(segments)
                    .apply_style(base + styles.empty)
                    .adjust_cell_length(width, base)
                )
            return Strip.blank(width, base)
        is_cursor = index == self.cursor_row
        key = (index, width, is_cursor)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, base)
        style = base + styles.cursor if is_cursor else base
        strip = self._line([column.cell(row) for column in self.columns], style, width)
        self._strips[key] = strip
        return strip

    # --- the cursor ---------------------------------------------------------

    @property
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, self._row_count - 1)) if self._row_count else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + self._visible_rows:
            self.scroll_to(y=new - self._visible_rows + 1, animate=False)
        self.refresh()

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        self.cursor_row += 1

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        self.cursor_row -= 1

    def action_first(self) -> None:
        """Jump to the first row."""
        self.cursor_row = 0

    def action_last(self) -> None:
        """Jump to the last row."""
        self.cursor_row = self._row_count - 1

    def action_page_down(self) -> None:
        """Move a screenful down."""
        self.scroll_to(y=self.scroll_offset.y + self._visible_rows, animate=False)
        self.cursor_row += self._visible_rows

    def action_page_up(self) -> None:
        """Move a screenful up."""
        self.scroll_to(y=self.scroll_offset.y - self._visible_rows, animate=False)
        self.cursor_row -= self._visible_rows

    def action_ignore(self) -> None:
        """The table has no horizontal scrolling; these keys do nothing here."""

    def action_select(self) -> None:
        """Tell the screen which row was chosen."""
        row = self.cursor_value
        if row is not None:
            self.post_message(self.Selected(self, row))

    # --- the mouse (optional) ----------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column_key = self._column_at(offset.x)
            if column_key is not None:
                self.post_message(self.SortRequested(self, column_key))
            return
        index = round(self.scroll_offset.y) + offset.y - 1
        if index < self._row_count:
            if index == self.cursor_row and event.chain > 1:
                self.action_select()
            self.cursor_row = index

    def _column_at(self, x: int) -> str | None:
        left = 0
        widths = self._widths(self.scrollable_content_region.width)
        for column, width in zip(self.columns, widths, strict=True):
            if left <= x < left + width + 1:
                return column.key if column.sortable else None
            left += width + 1
        return None

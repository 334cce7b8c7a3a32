"""The virtual table draws what is visible and reads the store page by page."""

from collections.abc import Sequence

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from tui.widgets.virtual_table import CACHED_PAGES, PAGE_SIZE, Column, VirtualTable

pytestmark = pytest.mark.anyio


class CountingSource:
    """Rows 0..n-1, remembering which pages were asked for."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.fetched: list[tuple[int, int]] = []

    def count(self) -> int:
        return self.rows

    def fetch(self, start: int, limit: int) -> Sequence[int]:
        self.fetched.append((start, limit))
        return list(range(start, min(self.rows, start + limit)))


COLUMNS = [
    Column("n", "Number", lambda n: Text(str(n)), width=10),
    Column("text", "Text", lambda n: Text(f"[bold]row {n}[/]")),
]


class TableApp(App[None]):
    def __init__(self, source: CountingSource) -> None:
        super().__init__()
        self.source = source
        self.chosen: list[int] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, id="table")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_source(self.source)
        table.focus()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.chosen.append(event.row)


async def test_a_million_rows_cost_one_page_to_draw() -> None:
    """Only the first page is read to draw the first screen of a huge source."""
    source = CountingSource(1_000_000)
    async with TableApp(source).run_test(size=(60, 20)):
        assert source.fetched == [(0, PAGE_SIZE)]


async def test_capital_g_reads_only_the_last_page() -> None:
    """G jumps to the last row without reading anything in between."""
    source = CountingSource(1_000_000)
    app = TableApp(source)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("G")
        table = app.query_one(VirtualTable)
        assert table.cursor_value == 999_999
        last_page = (1_000_000 // PAGE_SIZE - 1) * PAGE_SIZE
        assert (last_page, PAGE_SIZE) in source.fetched
        assert len(source.fetched) <= 3


async def test_cursor_keys_move_by_row_screen_and_end() -> None:
    """j/k move one row, PageDown a screenful, g back to the top."""
    app = TableApp(CountingSource(500))
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        assert table.cursor_row == 1 + table.scrollable_content_region.height - 1
        await pilot.press("g")
        assert table.cursor_row == 0


async def test_the_cursor_stays_inside_the_rows() -> None:
    """k at the top and j at the bottom go nowhere."""
    app = TableApp(CountingSource(3))
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.press("j", "j", "j", "j")
        assert table.cursor_row == 2


async def test_enter_reports_the_row_under_the_cursor() -> None:
    """Enter posts Selected with the row itself."""
    app = TableApp(CountingSource(50))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("j", "j", "enter")
        assert app.chosen == [2]


async def test_reading_far_keeps_only_a_few_pages() -> None:
    """After visiting every page of 20,000 rows the cache holds a bounded number."""
    app = TableApp(CountingSource(20_000))
    async with app.run_test(size=(60, 20)):
        table = app.query_one(VirtualTable)
        for index in range(0, 20_000, PAGE_SIZE):
            assert table.row_at(index) == index
        assert len(table._pages) == CACHED_PAGES


async def test_cells_are_drawn_literally() -> None:
    """A cell holding markup-like text shows the brackets."""
    app = TableApp(CountingSource(5))
    async with app.run_test(size=(60, 20)):
        table = app.query_one(VirtualTable)
        line = table.render_line(1)
        assert "[bold]row 0[/]" in line.text

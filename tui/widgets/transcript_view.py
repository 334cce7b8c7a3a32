"""A virtual view of a session's transcript: only what is on screen is drawn.

The view shows a list of message positions (see `store.transcripts`) and
reads full messages a page at a time through a loader. Each page is wrapped to
the view's width once and its lines are cached; a message not yet laid out
counts with the typical height of those laid out so far, and when its page is
laid out the message at the top of the screen stays put, so the view never
jumps under the reader.

Content is untrusted: it goes through `tui.inert` and is styled here (code
fences, headings, inline code, list markers) over the literal text, never
parsed as markup.
"""

import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.transcripts import AgentResponse, Flag, TranscriptMessage
from tui.inert import clean, inert

# Messages per page read from the store at once.
PAGE_SIZE = 8

# Pages of messages kept, and messages laid out kept; the rest are read and
# wrapped again when the reader comes back.
CACHED_PAGES = 120
CACHED_LAYOUTS = 1_000

# Columns left of each line: a coloured bar telling the speakers apart.
GUTTER = 2

# Positions in, the messages held at them out (missing ones left out).
Loader = Callable[[Sequence[int]], dict[int, TranscriptMessage]]

# A message's height before it is laid out, until some are: header, two lines
# of text and the gap.
FIRST_ESTIMATE = 4

_HEADING = re.compile(r"#{1,6}\s")
_LIST_MARKER = re.compile(r"\s*(?:[-*+]|\d{1,3}[.)])\s")
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_STRONG = re.compile(r"\*\*[^*\n]+\*\*")


def local_time(ms: int | None, *, with_date: bool = True) -> str:
    """`ms` in the local zone, the zone named; an empty string for None."""
    if ms is None:
        return ""
    moment = datetime.fromtimestamp(ms / 1000).astimezone()
    pattern = "%Y-%m-%d %H:%M:%S %Z" if with_date else "%H:%M:%S"
    return moment.strftime(pattern)


def response_time(duration_ms: int | None) -> str:
    """A response time the way people read it: `850 ms`, `2.4 s`, `1 min 5 s`."""
    if duration_ms is None:
        return "time not recorded"
    if duration_ms < 1000:
        return f"{duration_ms} ms"
    if duration_ms < 60_000:
        return f"{duration_ms / 1000:.1f} s"
    minutes, seconds = divmod(round(duration_ms / 1000), 60)
    return f"{minutes} min {seconds} s"


@dataclass(frozen=True)
class _Styles:
    """The rich styles a page is laid out with, read from the stylesheet."""

    base: Style
    user_label: Style
    agent_label: Style
    user_bar: Style
    agent_bar: Style
    meta: Style
    failed: Style
    flag: Style
    code: Style
    heading: Style
    strong: Style
    cursor: Style
    cursor_bar: Style


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    """The conversation, one turn after another, virtual and wrapped to width."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript-view--user-label",
        "transcript-view--agent-label",
        "transcript-view--user-bar",
        "transcript-view--agent-bar",
        "transcript-view--meta",
        "transcript-view--failed",
        "transcript-view--flag",
        "transcript-view--code",
        "transcript-view--heading",
        "transcript-view--strong",
        "transcript-view--cursor",
        "transcript-view--cursor-bar",
    }

    # Scrolling is immediate, never animated: a reader paging through a long
    # transcript wants the next page now, and an animation would re-run the
    # layout on every frame.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "next_message", "Next message", show=False),
        Binding("k", "previous_message", "Previous message", show=False),
        Binding("g,home", "first_message", "First message", show=False),
        Binding("G,end", "last_message", "Last message", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]

    class CursorMoved(Message):
        """The highlighted message changed."""

        def __init__(self, view: "TranscriptView", index: int) -> None:
            super().__init__()
            self.view = view
            self.index = index

        @property
        def control(self) -> "TranscriptView":
            """The view whose cursor moved."""
            return self.view

    def __init__(
        self,
        loader: Loader,
        *,
        user_label: str = "User",
        agent_label: str = "Agent",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._loader = loader
        self._user_label = clean(user_label, single_line=True)
        self._agent_label = clean(agent_label, single_line=True)
        self._entries: list[int] = []
        self._flag_counts: Mapping[int, int] = {}
        self._heights: list[int] = []
        self._exact: list[bool] = []
        self._offsets: list[int] = [0]
        self._typical = FIRST_ESTIMATE
        self._measured_lines = 0
        self._measured_count = 0
        self._messages: OrderedDict[int, dict[int, TranscriptMessage]] = OrderedDict()
        # Message index -> (role, its lines at the layout width).
        self._lines: OrderedDict[int, tuple[str, list[Strip]]] = OrderedDict()
        self._layout_width = 0
        self._settling = False
        self._styles: _Styles | None = None
        self._reveal_on_resize = False
        self.cursor = 0
        self.pages_read = 0

    def set_labels(self, *, user: str, agent: str) -> None:
        """Name the two speakers; untrusted names are cleaned first."""
        self._user_label = clean(user, single_line=True)
        self._agent_label = clean(agent, single_line=True)
        self._lines.clear()
        self.refresh()

    # --- what the view shows ---------------------------------------------

    @property
    def entries(self) -> list[int]:
        """The positions of the messages shown, in order."""
        return self._entries

    @property
    def cursor_position(self) -> int | None:
        """The position of the highlighted message, if there is any message."""
        if not self._entries:
            return None
        return self._entries[self.cursor]

    def message_at(self, index: int) -> TranscriptMessage | None:
        """The `index`-th message shown, read through the loader if need be."""
        if not 0 <= index < len(self._entries):
            return None
        return self._message(index)

    def show(
        self,
        entries: list[int],
        *,
        cursor: int = 0,
        flag_counts: Mapping[int, int] | None = None,
    ) -> None:
        """Show the messages at these positions, the one at `cursor` in context.

        `flag_counts` (position -> flags) lets heights be estimated with the
        flag lines before a page is read.
        """
        self._entries = entries
        self._flag_counts = flag_counts or {}
        self._messages.clear()
        self._lines.clear()
        self._exact = [False] * len(entries)
        self._heights = [0] * len(entries)
        self._heights = self._estimates()
        self._recount()
        self.cursor = max(0, min(cursor, len(entries) - 1))
        self._scroll_now(0)
        # Until the first resize the view's scroll limits are not known yet,
        # and a jump would be clamped to the top.
        if self._layout_width:
            self.reveal(self.cursor, context=True)
        else:
            self._reveal_on_resize = True
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor))

    def move_cursor(self, index: int, *, context: bool = False) -> None:
        """Highlight message `index` and scroll it into view."""
        if not self._entries:
            return
        index = max(0, min(index, len(self._entries) - 1))
        previous, self.cursor = self.cursor, index
        self.reveal(index, context=context)
        self._refresh_entry(previous)
        self._refresh_entry(index)
        self.post_message(self.CursorMoved(self, index))

    # --- actions -----------------------------------------------------------

    def action_next_message(self) -> None:
        """Highlight the next message."""
        self.move_cursor(self.cursor + 1)

    def action_previous_message(self) -> None:
        """Highlight the previous message."""
        self.move_cursor(self.cursor - 1)

    def action_first_message(self) -> None:
        """Highlight the first message."""
        self.move_cursor(0)

    def action_last_message(self) -> None:
        """Highlight the last message and show the end of it."""
        self.move_cursor(len(self._entries) - 1)
        self._scroll_now(self._offsets[-1])
        self._settle()

    def action_scroll_down(self) -> None:
        """Scroll one line down."""
        self._scroll_now(int(self.scroll_y) + 1)

    def action_scroll_up(self) -> None:
        """Scroll one line up."""
        self._scroll_now(int(self.scroll_y) - 1)

    def action_page_down(self) -> None:
        """Scroll a screenful down."""
        self._scroll_now(int(self.scroll_y) + self._page_height())

    def action_page_up(self) -> None:
        """Scroll a screenful up."""
        self._scroll_now(int(self.scroll_y) - self._page_height())

    def _page_height(self) -> int:
        """How far a page moves: the screen less a line kept for continuity."""
        return max(1, self.scrollable_content_region.height - 1)

    def on_click(self, event: events.Click) -> None:
        """Highlight the message under the pointer."""
        index = self._entry_at(int(self.scroll_y) + event.y)
        if index is not None:
            self.move_cursor(index)

    # --- scrolling ---------------------------------------------------------

    def reveal(self, index: int, *, context: bool = False) -> None:
        """Scroll so that message `index` is on screen.

        With `context`, the message before it (the question an answer
        replies to) is shown above it when both fit, and its last lines when
        they do not.
        """
        viewport = self.scrollable_content_region.height
        if not self._entries or viewport <= 0:
            return
        for _ in range(4):
            self._lay_out(range(max(0, index - 1), index + 1))
            self._recount()
            top, bottom = self._offsets[index], self._offsets[index + 1]
            current = int(self.scroll_y)
            if context and index > 0 and bottom - self._offsets[index - 1] <= viewport:
                target = self._offsets[index - 1]
            elif context and index > 0:
                # Both do not fit: the end of the question, then the message.
                target = top - min(self._heights[index - 1], viewport // 4)
            elif context or bottom - top > viewport or top < current:
                target = top
            elif bottom > current + viewport:
                target = bottom - viewport
            else:
                target = current
            self._scroll_now(target)
            self._settle()
            shown = int(self.scroll_y)
            if self._offsets[index] >= shown and (
                self._offsets[index] < shown + viewport
            ):
                break

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Lay out the pages the new position shows before they are drawn."""
        self._settle(old_value)
        super().watch_scroll_y(old_value, new_value)

    def on_resize(self, event: events.Resize) -> None:
        """Wrap again at a new width, keeping the top message in place."""
        if self._body_width() != self._layout_width:
            self._rewrap()
        self._settle()
        if self._entries and self._reveal_on_resize:
            self.reveal(self.cursor, context=True)
        self._reveal_on_resize = False

    def _rewrap(self) -> None:
        """Forget every layout and estimate again at the current width."""
        anchor = self._anchor()
        self._layout_width = self._body_width()
        self._lines.clear()
        self._exact = [False] * len(self._entries)
        self._typical = FIRST_ESTIMATE
        self._measured_lines = self._measured_count = 0
        self._heights = self._estimates()
        self._recount()
        if anchor is not None:
            index, within = anchor
            self._lay_out([index])
            self._recount()
            within = min(within, self._heights[index] - 1)
            self._scroll_now(self._offsets[index] + within)

    def notify_style_update(self) -> None:
        """Drop laid-out lines when the theme or stylesheet changes."""
        super().notify_style_update()
        self._styles = None
        self._lines.clear()
        self.refresh()

    def _scroll_now(self, y: int) -> None:
        """Jump to line `y` at once, without animation.

        Assigned directly rather than through `scroll_to`, which would stop a
        running animation from inside its own frame.
        """
        y = max(0, min(y, int(self.max_scroll_y)))
        self.scroll_target_y = y
        self.scroll_y = y

    def _anchor(self) -> tuple[int, int] | None:
        """The message at the top of the screen, and how far into it."""
        top = int(self.scroll_y)
        index = self._entry_at(top)
        if index is None:
            return None
        return index, top - self._offsets[index]

    def _settle(self, previous_y: float | None = None) -> None:
        """Lay out every message the screen shows, without moving what was shown.

        The anchor is the message that was at the top before the scroll (at
        `previous_y`), and the distance scrolled from it: when laying out
        fixes the heights of messages above it, the new top follows, so that
        a page up or down moves exactly a page through the real lines. Each
        pass lays out at least one message or stops.
        """
        if self._settling or not self._entries or not self._body_width():
            return
        top = int(self.scroll_y)
        start = top if previous_y is None else int(previous_y)
        anchor_index = self._entry_at(min(start, self._offsets[-1] - 1))
        if anchor_index is None:
            return
        anchor_line = start - self._offsets[anchor_index]
        distance = top - start
        self._settling = True
        try:
            viewport = max(1, self.scrollable_content_region.height)
            for _ in range(8):
                top = int(self.scroll_y)
                first = self._entry_at(min(top, self._offsets[-1] - 1))
                bottom = min(top + viewport, self._offsets[-1]) - 1
                last = self._entry_at(max(bottom, 0))
                if first is None or last is None:
                    break
                missing = [i for i in range(first, last + 1) if i not in self._lines]
                if not missing:
                    break
                self._lay_out(missing)
                self._recount()
                self._scroll_now(self._offsets[anchor_index] + anchor_line + distance)
        finally:
            self._settling = False

    # --- layout ------------------------------------------------------------

    def _body_width(self) -> int:
        """Columns available to a message's text."""
        return max(0, self.scrollable_content_region.width - GUTTER)

    def _estimates(self) -> list[int]:
        """Every message's height: exact when laid out, else the typical one."""
        typical, flags = self._typical, self._flag_counts
        heights, exact = self._heights, self._exact
        return [
            heights[index] if exact[index] else typical + flags.get(position, 0)
            for index, position in enumerate(self._entries)
        ]

    def _recount(self) -> None:
        """Recompute where each message starts, and the scrollable height."""
        self._offsets = [0, *accumulate(self._heights)]
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, self._offsets[-1])

    def _entry_at(self, line: int) -> int | None:
        """The index of the message that covers `line`, if any."""
        if not self._entries or line < 0 or line >= self._offsets[-1]:
            return None
        return bisect_right(self._offsets, line) - 1

    def _lay_out(self, indexes: Sequence[int]) -> None:
        """Wrap these messages at the view's width, those not laid out yet.

        Heights become exact; the typical height of the rest follows what has
        been measured so far.
        """
        width = self._body_width()
        if width <= 0:
            return
        self._layout_width = width
        styles = self._current_styles()
        console = self.app.console
        labels = (self._user_label, self._agent_label)
        for index in indexes:
            if index in self._lines:
                self._lines.move_to_end(index)
                continue
            message = self._message(index)
            lines = _layout(message, width, styles, console, labels)
            self._lines[index] = (message.role if message else "", lines)
            if not self._exact[index]:
                flags = len(message.flags) if message else 0
                self._measured_lines += len(lines) - flags
                self._measured_count += 1
            self._heights[index] = len(lines)
            self._exact[index] = True
        while len(self._lines) > CACHED_LAYOUTS:
            self._lines.popitem(last=False)
        typical = max(1, round(self._measured_lines / max(1, self._measured_count)))
        if typical != self._typical:
            self._typical = typical
            self._heights = self._estimates()

    def _message(self, index: int) -> TranscriptMessage | None:
        """The message shown at `index`, from its page."""
        page = index // PAGE_SIZE
        start = page * PAGE_SIZE
        messages = self._page_messages(page, self._entries[start : start + PAGE_SIZE])
        return messages.get(self._entries[index])

    def _page_messages(
        self, page: int, entries: list[int]
    ) -> dict[int, TranscriptMessage]:
        """The full messages of a page, by position, read through the loader once."""
        if page in self._messages:
            self._messages.move_to_end(page)
            return self._messages[page]
        self._messages[page] = self._loader(entries)
        self.pages_read += 1
        while len(self._messages) > CACHED_PAGES:
            self._messages.popitem(last=False)
        return self._messages[page]

    def _current_styles(self) -> _Styles:
        """The styles for laying out, read from the stylesheet once per theme."""
        if self._styles is None:
            # Full styles, not partial ones: theme colours with alpha (muted
            # text) are only blended with the background in full styles.
            def part(name: str) -> Style:
                return self.get_component_rich_style(f"transcript-view--{name}")

            self._styles = _Styles(
                base=self.rich_style,
                user_label=part("user-label"),
                agent_label=part("agent-label"),
                user_bar=part("user-bar"),
                agent_bar=part("agent-bar"),
                meta=part("meta"),
                failed=part("failed"),
                flag=part("flag"),
                code=part("code"),
                heading=part("heading"),
                strong=part("strong"),
                # Only the background, blended with the view's own: the
                # highlighted turn keeps its colours.
                cursor=Style(
                    bgcolor=self.get_component_rich_style(
                        "transcript-view--cursor"
                    ).bgcolor
                ),
                cursor_bar=part("cursor-bar"),
            )
        return self._styles

    # --- drawing -----------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """One line of the screen: a line of some message, with its bar."""
        width = self.scrollable_content_region.width
        styles = self._current_styles()
        line = int(self.scroll_y) + y
        index = self._entry_at(line)
        if index is None:
            return Strip.blank(width, styles.base)
        if index not in self._lines:
            # Drawn before a settle could run (the first frame after a jump):
            # lay out now, and settle once the frame is out.
            self._lay_out([index])
            self._recount()
            self.call_after_refresh(self._settle_and_refresh)
        role, lines = self._lines[index]
        within = line - self._offsets[index]
        if within >= len(lines):
            return Strip.blank(width, styles.base)
        body = lines[within]
        is_gap = within == len(lines) - 1
        if index == self.cursor and not is_gap:
            bar = Strip([Segment("┃ ", styles.base + styles.cursor_bar)])
            body = Strip(
                Segment.apply_style(body, post_style=styles.cursor), body.cell_length
            )
        elif is_gap:
            bar = Strip.blank(GUTTER, styles.base)
        else:
            role_bar = styles.user_bar if role == "user" else styles.agent_bar
            bar = Strip([Segment("▌ ", styles.base + role_bar)])
        return Strip.join([bar, body]).adjust_cell_length(width, styles.base)

    def _settle_and_refresh(self) -> None:
        """Settle after a frame drawn from fresh layout, then draw again."""
        self._settle()
        self.refresh()

    def _refresh_entry(self, index: int) -> None:
        """Redraw the lines of message `index`, if it is on screen."""
        if 0 <= index < len(self._entries):
            start = self._offsets[index]
            self.refresh_lines(start, self._offsets[index + 1] - start)


def _layout(
    message: TranscriptMessage | None,
    width: int,
    styles: _Styles,
    console: Console,
    labels: tuple[str, str],
) -> list[Strip]:
    """The lines of one message at `width`, ending with a blank gap line."""
    texts: list[Text] = []
    if message is None:
        texts.append(Text("(this message is no longer held locally)", styles.meta))
    else:
        texts.append(_header(message, styles, labels, width))
        texts.extend(_flag_line(flag, styles) for flag in message.flags)
        texts.append(_body(message.content, styles))
    strips: list[Strip] = []
    for text in texts:
        for line in text.wrap(console, width, overflow="fold"):
            segments = list(line.render(console))
            strip = Strip(segments, line.cell_len)
            strip = strip.apply_style(styles.base)
            strips.append(strip.extend_cell_length(width, styles.base))
    strips.append(Strip.blank(width, styles.base))
    return strips


def _header(
    message: TranscriptMessage, styles: _Styles, labels: tuple[str, str], width: int
) -> Text:
    """The turn's first lines: who spoke, when, and how the response went.

    The parts are joined with ` · ` and broken only between parts, so that a
    narrow screen never splits a figure.
    """
    user_label, agent_label = labels
    speaker = Text(end="")
    if message.role == "user":
        speaker.append(user_label, styles.user_label)
    else:
        speaker.append(agent_label, styles.agent_label)
    speaker.append(
        f"  {local_time(message.created_at_ms, with_date=False)}", styles.meta
    )
    parts = [speaker]
    response = message.response
    if message.role != "user" and response is not None:
        failed = response.http_status >= 400 or response.run_status == "failed"
        status = (
            f"{response.http_status} {clean(response.run_status, single_line=True)}"
        )
        parts.append(Text(response_time(response.duration_ms), styles.meta))
        parts.append(Text(status.strip(), styles.failed if failed else styles.meta))
        parts.append(Text(_tokens(response), styles.meta))
        if response.model:
            parts.append(Text(clean(response.model, single_line=True), styles.meta))
    elif message.role != "user":
        parts.append(Text("response details not synced", styles.meta))
    header = Text(end="")
    line_length = 0
    for number, part in enumerate(parts):
        if number and line_length + 3 + part.cell_len > width:
            header.append("\n")
            line_length = 0
        elif number:
            header.append(" · ", styles.meta)
            line_length += 3
        header.append_text(part)
        line_length += part.cell_len
    return header


def _tokens(response: AgentResponse) -> str:
    """Tokens of a response: the total, then prompt and completion."""
    total = response.total_tokens
    prompt = response.prompt_tokens
    completion = response.completion_tokens
    if total is None:
        return "tokens unknown"
    if prompt is None or completion is None:
        return f"{total:,} tokens"
    return f"{total:,} tokens ({prompt:,} in, {completion:,} out)"


def _flag_line(flag: Flag, styles: _Styles) -> Text:
    """A flag under its response: the reason, the comment, who and when."""
    line = Text("⚑ Flagged ", styles.flag, end="")
    line.append(clean(flag.reason, single_line=True), styles.flag)
    if flag.comment:
        line.append(": “", styles.flag)
        line.append(clean(flag.comment), styles.flag)
        line.append("”", styles.flag)
    who = flag.user_name or flag.user_id
    when = local_time(flag.flagged_at_ms)
    details = " · ".join(part for part in (clean(who, single_line=True), when) if part)
    if details:
        line.append(f"  ({details})", styles.meta)
    return line


def _body(content: str, styles: _Styles) -> Text:
    """The message text, literal, with light styling for code and headings."""
    if not content:
        return Text("(no text)", styles.meta, end="")
    text = inert(content)
    text.expand_tabs(4)
    plain = text.plain
    start = 0
    in_fence = False
    for line in plain.split("\n"):
        end = start + len(line)
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            text.stylize(styles.meta, start, end)
            in_fence = not in_fence
        elif in_fence:
            text.stylize(styles.code, start, end)
        elif _HEADING.match(stripped):
            text.stylize(styles.heading, start, end)
        else:
            marker = _LIST_MARKER.match(line)
            if marker:
                text.stylize(styles.heading, start, start + marker.end())
            for pattern, style in (
                (_INLINE_CODE, styles.code),
                (_STRONG, styles.strong),
            ):
                for match in pattern.finditer(line):
                    text.stylize(style, start + match.start(), start + match.end())
        start = end + 1
    return text

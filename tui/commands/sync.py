"""`agentmon sync`: fetch what is new from the remote into the local database.

Progress goes to stderr: a redrawn bar on a terminal, plain lines when piped.
The summary (new and updated rows per entity, rejects, time) goes to stdout.
"""

import argparse
import sys
import time
from typing import Any, TextIO

DESCRIPTION = """\
Fetch what is new from Writer's API (or a sandbox) into the local database.
The key comes from WRITER_API_KEY or api_key in the config file, never from
the command line. A sync stopped at any point resumes where it stopped.
"""

# A terminal bar is redrawn at most this often.
REDRAW_SECONDS = 0.25


def register(subparsers: Any) -> None:
    """Add the `sync` subcommand."""
    parser = subparsers.add_parser(
        "sync",
        help="fetch what is new from the remote into the local database",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Sync the database chosen by `--db`; print the summary; 0 on success."""
    from store.paths import resolve_db_path
    from sync.config import load_config
    from sync.engine import run_sync
    from sync.log import configure_file_log

    config = load_config()
    db_path = resolve_db_path(getattr(args, "db", None))
    configure_file_log()
    printer = ProgressPrinter(sys.stderr)
    try:
        summary = run_sync(db_path, config, progress=printer)
    finally:
        printer.close()
    print("\n".join(summary.lines()))
    return 0


class ProgressPrinter:
    """The engine's progress callback for a terminal (a bar) or a pipe (lines)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_draw = 0.0
        self.drawn = False

    def __call__(self, event: Any) -> None:
        """Show one `SyncProgress` or `SyncNotice`."""
        from sync.progress import SyncNotice

        if isinstance(event, SyncNotice):
            self._line(f"sync: {event.text}")
            return
        if self.tty:
            self._draw(event)
        elif not event.finished:
            self._line(f"sync: {event.source} page {event.pages}, {event.rows} rows")
        else:
            self._line(f"sync: {event.source} done, {event.rows} rows")

    def close(self) -> None:
        """End a bar left on the screen."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False

    def _draw(self, event: Any) -> None:
        """Redraw the one-line bar, throttled, and keep a finished source's line."""
        now = time.monotonic()
        if not event.finished and now - self.last_draw < REDRAW_SECONDS:
            return
        self.last_draw = now
        self.stream.write("\r\x1b[2K" + _bar(event))
        if event.finished:
            self.stream.write("\n")
        self.drawn = not event.finished
        self.stream.flush()

    def _line(self, text: str) -> None:
        """Print one plain line, below any bar."""
        if self.drawn:
            self.stream.write("\r\x1b[2K")
            self.drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()


def _bar(event: Any, width: int = 24) -> str:
    """`source  [#####.....]  rows` with a fill when the total is known."""
    if event.total:
        filled = min(width, int(width * event.rows / event.total))
        gauge = "#" * filled + "." * (width - filled)
        count = f"{event.rows}/{event.total} rows"
    elif event.finished:
        gauge = "#" * width
        count = f"{event.rows} rows"
    else:
        spot = event.pages % width
        gauge = "." * spot + "#" + "." * (width - spot - 1)
        count = f"{event.rows} rows"
    return f"{event.source:<24} [{gauge}] {count}, {event.pages} pages"

"""How `agentmon sync` shows progress: a bar on a terminal, lines in a pipe."""

import io

from sync.progress import SyncNotice, SyncProgress
from tui.commands.sync import ProgressPrinter


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_redrawn_in_place() -> None:
    screen = Terminal()
    printer = ProgressPrinter(screen)
    printer(SyncProgress("users", 1, 100, total=200))
    assert screen.getvalue().startswith("\r\x1b[2Kusers")
    assert "[############............] 100/200 rows" in screen.getvalue()


def test_a_finished_source_keeps_its_line_on_a_terminal() -> None:
    screen = Terminal()
    printer = ProgressPrinter(screen)
    printer(SyncProgress("logs", 3, 12000, finished=True))
    assert screen.getvalue().endswith("12000 rows, 3 pages\n")


def test_a_pipe_gets_one_plain_line_per_page() -> None:
    pipe = io.StringIO()
    printer = ProgressPrinter(pipe)
    printer(SyncProgress("logs", 1, 5000))
    printer(SyncProgress("logs", 2, 10000))
    printer(SyncProgress("logs", 2, 10000, finished=True))
    assert pipe.getvalue().splitlines() == [
        "sync: logs page 1, 5000 rows",
        "sync: logs page 2, 10000 rows",
        "sync: logs done, 10000 rows",
    ]


def test_a_notice_is_its_own_line_below_the_bar() -> None:
    screen = Terminal()
    printer = ProgressPrinter(screen)
    printer(SyncProgress("users", 1, 10))
    printer(SyncNotice("the key has the member role"))
    assert screen.getvalue().endswith("\r\x1b[2Ksync: the key has the member role\n")

"""The `agentmon` command line: one entry point, a module per subcommand.

Each module in `tui/commands/` exposes `register(subparsers)`, which adds its
subcommand and sets `run` (a function taking the parsed arguments and returning
an exit code) as the parser default. Command modules import Textual, numpy and
httpx lazily, inside `run`, so that `agentmon status` starts quickly.
"""

import argparse
import importlib
import sys
from collections.abc import Sequence

from store.errors import StoreError
from sync.errors import SyncError

COMMAND_MODULES = ("sync", "status", "sandbox", "demo", "metrics", "usage", "flags")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand that exists registered on it."""
    parser = argparse.ArgumentParser(
        prog="agentmon",
        description="A terminal console for Writer AI Studio observability data.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the local database (default: $AGENTMON_DB, else under the user's "
        "data directory)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"tui.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"tui.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; foreseen failures print one line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        from tui.commands.app import run_app

        run = run_app
    try:
        return int(run(args))
    except (StoreError, SyncError) as error:
        print(f"agentmon: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("agentmon: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

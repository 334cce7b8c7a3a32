"""`agentmon demo`: a sandbox organisation, synced into a demo database.

The sandbox (medium scale, "now" the current time) runs in this process on a
free loopback port, with keys made up for this run; it is synced into
`demo.db` in the user's data directory (or `--db`), replacing an earlier
demo's file but never a real one.
"""

import argparse
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_SEED = 7
DEMO_SCALE = "medium"


def register(subparsers: Any) -> None:
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="sync a sandbox organisation into a demo database and show it",
        description="Start a sandbox of Writer's API on a loopback port, sync "
        "its made-up organisation into demo.db (in the data directory, or "
        "--db), and show the result. Needs no key and no network.",
    )
    parser.set_defaults(run=run)


@dataclass
class DemoWorld:
    """A synced demo: its database, the running sandbox, and how to reach it."""

    db_path: Path
    sandbox: Any
    config: Any
    summary: Any

    def stop(self) -> None:
        """Stop the sandbox."""
        self.sandbox.stop()


def start_demo(db_value: str | None, *, progress: Any = None) -> DemoWorld:
    """Start the sandbox and sync it into a fresh demo database; the caller stops it."""
    from sandbox import SandboxConfig, start_sandbox
    from store.clock import now_ms
    from store.db import fresh_demo_database
    from store.paths import demo_db_path
    from sync.config import ApiKey, SyncConfig
    from sync.engine import run_sync

    db_path = demo_db_path(db_value)
    fresh_demo_database(db_path)
    sandbox = start_sandbox(
        SandboxConfig(
            seed=DEMO_SEED,
            scale=DEMO_SCALE,
            now_ms=now_ms(),
            admin_key=secrets.token_urlsafe(24),
            member_key=secrets.token_urlsafe(24),
        )
    )
    try:
        config = SyncConfig(
            api_key=ApiKey(sandbox.admin_key), base_url=sandbox.base_url
        )
        summary = run_sync(db_path, config, progress=progress)
    except BaseException:
        sandbox.stop()
        raise
    return DemoWorld(db_path=db_path, sandbox=sandbox, config=config, summary=summary)


def run(args: argparse.Namespace) -> int:
    """Build the demo, print its sync summary and, in a terminal, open the app."""
    from sync.log import configure_file_log
    from tui.commands.sync import ProgressPrinter

    configure_file_log()
    printer = ProgressPrinter(sys.stderr)
    try:
        world = start_demo(getattr(args, "db", None), progress=printer)
    finally:
        printer.close()
    try:
        print("\n".join(world.summary.lines()))
        print(f"demo database: {world.db_path}")
        # In a terminal the demo opens the app, with the sandbox still running
        # so that syncs and settings changes from inside the app reach it.
        if sys.stdin.isatty() and sys.stdout.isatty():
            from tui.commands.app import open_app

            return open_app(world.db_path, sync_config=world.config)
    finally:
        world.stop()
    return 0

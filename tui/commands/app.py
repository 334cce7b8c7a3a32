"""`agentmon` with no subcommand: open the app on the local database."""

import argparse
from pathlib import Path
from typing import Any

from store.errors import NoLocalCopy


class NoDatabaseYet(NoLocalCopy):
    """There is nothing to open yet; say how to get something."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.args = (
            f"no database at {path}: run `agentmon sync` to fetch your "
            "organisation's data, or `agentmon demo` to try a sandbox",
        )


def run_app(args: argparse.Namespace) -> int:
    """Open the app on `--db` (or the default database); 0 when it closes."""
    db_path = _database(args)
    if not db_path.exists():
        raise NoDatabaseYet(db_path)
    return open_app(db_path, sync_config=_sync_config())


def open_app(db_path: Path, *, sync_config: Any = None) -> int:
    """Run the app on `db_path` until the user quits; also used by `demo`."""
    from tui.app import AgentmonApp

    AgentmonApp(db_path, sync_config=sync_config).run()
    return 0


def _database(args: argparse.Namespace) -> Path:
    """The database the user named, else the default one."""
    from store.paths import resolve_db_path

    return resolve_db_path(getattr(args, "db", None))


def _sync_config() -> Any:
    """The remote configuration from the environment, or None when not set."""
    from sync.config import load_config
    from sync.errors import ConfigError

    try:
        return load_config()
    except ConfigError:
        return None

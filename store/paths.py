"""Where agentmon keeps its files, following the XDG base directory rules.

The database lives at `--db` if given, else `$AGENTMON_DB`, else
`$XDG_DATA_HOME/agentmon/agentmon.db` (`~/.local/share/agentmon/agentmon.db`).
The log goes under `$XDG_STATE_HOME/agentmon/` and the configuration file under
`$XDG_CONFIG_HOME/agentmon/`. A relative XDG value is ignored, as the
specification asks.
"""

import os
from collections.abc import Mapping
from pathlib import Path

APP_DIR = "agentmon"
DB_NAME = "agentmon.db"
DEMO_DB_NAME = "demo.db"


def _xdg_base(variable: str, fallback: str, environ: Mapping[str, str]) -> Path:
    """An XDG base directory: the variable when absolute, else `~/<fallback>`."""
    value = environ.get(variable, "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """agentmon's data directory (databases)."""
    env = os.environ if environ is None else environ
    return _xdg_base("XDG_DATA_HOME", ".local/share", env) / APP_DIR


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """agentmon's state directory (the diagnostics log)."""
    env = os.environ if environ is None else environ
    return _xdg_base("XDG_STATE_HOME", ".local/state", env) / APP_DIR


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """agentmon's configuration directory (config.toml)."""
    env = os.environ if environ is None else environ
    return _xdg_base("XDG_CONFIG_HOME", ".config", env) / APP_DIR


def resolve_db_path(
    cli_value: str | None, environ: Mapping[str, str] | None = None
) -> Path:
    """The database to use: `--db`, else `$AGENTMON_DB`, else the data directory's."""
    env = os.environ if environ is None else environ
    chosen = cli_value or env.get("AGENTMON_DB")
    if chosen:
        return Path(chosen).expanduser()
    return data_dir(env) / DB_NAME


def demo_db_path(
    cli_value: str | None, environ: Mapping[str, str] | None = None
) -> Path:
    """The demo's database: `--db` when given, else `demo.db` in the data directory.

    `$AGENTMON_DB` names the user's real copy, so the demo never defaults to it.
    """
    if cli_value:
        return Path(cli_value).expanduser()
    return data_dir(environ) / DEMO_DB_NAME


def metrics_cache_path(db_path: Path | str) -> Path:
    """The file beside a database where the metrics keep their column cache."""
    return Path(f"{db_path}.metrics.npz")


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by the owner only; return it.

    An existing directory's mode is left as the user set it.
    """
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdir's mode is filtered by the umask; a private directory must stay
        # private even under a permissive one.
        path.chmod(0o700)
    return path

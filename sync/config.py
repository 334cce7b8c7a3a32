"""Where the remote is and how to talk to it: environment first, then a file.

Settings come from `WRITER_API_KEY`, `WRITER_BASE_URL` (default
`https://api.writer.com`) and `WRITER_ORG_ID` (optional: `/v1/me` tells the
organisation), else from the TOML file `$XDG_CONFIG_HOME/agentmon/config.toml`
with the keys `api_key`, `base_url` and `organization_id`. The environment wins
over the file. The file is refused if anyone but its owner may read or change
it. The key is never taken from the command line, and never shown: its repr
and str are masked.

Tuning, in seconds: `AGENTMON_TIMEOUT` (per request, default 30),
`AGENTMON_RETRY_BASE` and `AGENTMON_RETRY_CAP` (the backoff, default 1 and 60);
in records: `AGENTMON_PAGE_LIMIT` (per export page, default 5000) and
`AGENTMON_COMMIT_ROWS` (per transaction, default 50,000).
"""

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from store.paths import config_dir
from sync.errors import ConfigError

DEFAULT_BASE_URL = "https://api.writer.com"
CONFIG_NAME = "config.toml"
FILE_KEYS = ("api_key", "base_url", "organization_id")


class ApiKey:
    """The API key, kept out of every repr, str, log line and traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key itself: only for the Authorization header."""
        return self._value

    def __repr__(self) -> str:
        return "ApiKey('********')"

    def __str__(self) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class SyncConfig:
    """Everything the client needs to reach the remote; safe to print."""

    api_key: ApiKey
    base_url: str = DEFAULT_BASE_URL
    organization_id: str | None = None
    timeout_s: float = 30.0
    retry_base_s: float = 1.0
    retry_cap_s: float = 60.0
    max_tries: int = 7
    # Records per export page (the contract allows 1 to 5000) and rows per
    # transaction: large by default for speed; small in tests to make many
    # pages and commits to interrupt.
    page_limit: int = 5000
    commit_rows: int = 50_000
    # Where the key came from, for error messages ("WRITER_API_KEY" or a path).
    key_source: str = field(default="WRITER_API_KEY", compare=False)

    @property
    def host(self) -> str:
        """The base URL's host (and port), for messages."""
        return urlsplit(self.base_url).netloc


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The configuration file's location."""
    return config_dir(environ) / CONFIG_NAME


def load_config(environ: Mapping[str, str] | None = None) -> SyncConfig:
    """The configuration from the environment and the config file.

    Raises `ConfigError` with one line when there is no key, the URL is not
    one, a tuning value is not a number, or the file is unsafe or malformed.
    """
    env = os.environ if environ is None else environ
    path = config_path(env)
    from_file = _read_file(path)

    key = env.get("WRITER_API_KEY") or from_file.get("api_key")
    if not key:
        raise ConfigError(
            f"no API key: set WRITER_API_KEY, or api_key in {path} (chmod 600)"
        )
    key_source = "WRITER_API_KEY" if env.get("WRITER_API_KEY") else str(path)
    base_url = (
        env.get("WRITER_BASE_URL") or from_file.get("base_url") or DEFAULT_BASE_URL
    )
    org = env.get("WRITER_ORG_ID") or from_file.get("organization_id") or None
    return SyncConfig(
        api_key=ApiKey(key.strip()),
        base_url=checked_base_url(base_url),
        organization_id=org,
        timeout_s=_seconds(env, "AGENTMON_TIMEOUT", 30.0),
        retry_base_s=_seconds(env, "AGENTMON_RETRY_BASE", 1.0),
        retry_cap_s=_seconds(env, "AGENTMON_RETRY_CAP", 60.0),
        page_limit=_count(env, "AGENTMON_PAGE_LIMIT", 5000, 1, 5000),
        commit_rows=_count(env, "AGENTMON_COMMIT_ROWS", 50_000, 1, 10_000_000),
        key_source=key_source,
    )


def checked_base_url(value: str) -> str:
    """`value` without a trailing slash, once it is an http(s) URL with a host."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"WRITER_BASE_URL is not an http(s) URL: {value!r} "
            "(for example https://api.writer.com)"
        )
    return value.strip().rstrip("/")


def _read_file(path: Path) -> dict[str, str]:
    """The file's settings, or nothing when it does not exist."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from error
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path} may be read or changed by other users and holds a secret: "
            f"run chmod 600 {path}"
        )
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from error
    settings: dict[str, str] = {}
    for key in FILE_KEYS:
        value = document.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {key} must be a string")
        settings[key] = value
    return settings


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from the environment, else `default`."""
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ConfigError(f"{name} must be a number of seconds, not {text!r}")
    return value


def _count(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """A whole number in [low, high] from the environment, else `default`."""
    text = env.get(name)
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}")
    return int(text)

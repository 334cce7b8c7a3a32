"""Worlds for everyone's benchmarks: a large sandbox, synced once and cached.

`large_db()` returns the path of a database synced with the admin key from
a large-scale sandbox (seed 7, now 2026-06-01T12:00:00Z). The first call
builds it (a few minutes) under `bench/.cache/`, which git ignores; later
calls return the cached file. Treat it as read-only: copy it to change it.

`SandboxProcess` serves a sandbox from another interpreter, so that the
remote side never shares the measured process's GIL or memory.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from store.paths import metrics_cache_path

CACHE = Path(__file__).parent / ".cache"
SEED = 7
NOW = "2026-06-01T12:00:00Z"
ADMIN_KEY = "bench-admin-key"
MEMBER_KEY = "bench-member-key"

_SERVE = """
import json, sys
from sandbox import SandboxConfig, parse_iso_ms, start_sandbox
seed, scale, now, admin, member = sys.argv[1:6]
running = start_sandbox(SandboxConfig(seed=int(seed), scale=scale,
    now_ms=parse_iso_ms(now), admin_key=admin, member_key=member))
print(json.dumps({"base_url": running.base_url, "stats": running.stats()}), flush=True)
sys.stdin.read()
running.stop()
"""


class SandboxProcess:
    """A sandbox served by a child interpreter until the context exits."""

    def __init__(self, scale: str, seed: int = SEED, now: str = NOW) -> None:
        self.scale = scale
        self.seed = seed
        self.now = now
        self.base_url = ""
        self.stats: dict[str, object] = {}
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> "SandboxProcess":
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _SERVE,
                str(self.seed),
                self.scale,
                self.now,
                ADMIN_KEY,
                MEMBER_KEY,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        started = json.loads(self._process.stdout.readline())
        self.base_url = started["base_url"]
        self.stats = started["stats"]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is None:
            return
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def sync_environment(self, db_path: Path) -> dict[str, str]:
        """The environment for an `agentmon sync` of this sandbox into `db_path`."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("WRITER_", "AGENTMON_"))
        }
        env.update(
            WRITER_API_KEY=ADMIN_KEY,
            WRITER_BASE_URL=self.base_url,
            AGENTMON_DB=str(db_path),
            XDG_STATE_HOME=str(db_path.parent / "state"),
        )
        return env


def cached_path(scale: str, seed: int = SEED) -> Path:
    """Where the synced database of a scale is cached."""
    return CACHE / f"{scale}-seed{seed}-{NOW[:10]}.db"


def keep_in_cache(synced: Path, scale: str) -> Path:
    """Copy a freshly synced database into the cache (if not there yet); its path."""
    target = cached_path(scale)
    if not target.exists():
        _ensure_cache()
        # The metrics' column cache the sync left beside the file comes along,
        # as it would for a user's database.
        columns = metrics_cache_path(synced)
        if columns.exists():
            kept = metrics_cache_path(target)
            shutil.copyfile(columns, kept)
            kept.chmod(0o600)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(synced, partial)
        partial.chmod(0o600)
        partial.replace(target)
    return target


def large_db() -> Path:
    """The large-scale synced database, built and cached on first use."""
    return synced_db("large")


def synced_db(scale: str) -> Path:
    """A synced database of `scale`, built on first use and cached."""
    target = cached_path(scale)
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as folder, SandboxProcess(scale) as remote:
        db_path = Path(folder) / "agentmon.db"
        subprocess.run(
            [sys.executable, "-m", "tui.cli", "sync"],
            env=remote.sync_environment(db_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        return keep_in_cache(db_path, scale)


def _ensure_cache() -> None:
    """Create the cache directory, with a .gitignore that ignores all of it."""
    CACHE.mkdir(parents=True, exist_ok=True)
    ignore = CACHE / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")

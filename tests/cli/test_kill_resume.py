"""A sync killed with SIGKILL at any point, then run again, ends as if never killed.

`agentmon sync` runs as a subprocess against a sandbox served by this test
process; it is killed after a random number of progress lines or a random
delay, several times over, and finally allowed to finish.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.synced import table_checksums

KILLS = 5


def _environment(home: Path, running: Any, db: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WRITER_", "AGENTMON_"))
    }
    env.update(
        WRITER_API_KEY=running.admin_key,
        WRITER_BASE_URL=running.base_url,
        AGENTMON_DB=str(db),
        AGENTMON_RETRY_BASE="0.01",
        AGENTMON_RETRY_CAP="0.05",
        # Many small pages and commits, so that kills land mid-stream.
        AGENTMON_PAGE_LIMIT="150",
        AGENTMON_COMMIT_ROWS="400",
        XDG_STATE_HOME=str(home / "state"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    return env


def _sync(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_after_lines(env: dict[str, str], lines: int) -> int:
    """Run a sync, SIGKILL it once it printed `lines` progress lines; its code."""
    process = _sync(env)
    assert process.stderr is not None
    for seen, _line in enumerate(process.stderr, start=1):
        if seen >= lines:
            process.send_signal(signal.SIGKILL)
            break
    process.stderr.close()
    return process.wait()


def _kill_after_delay(env: dict[str, str], seconds: float) -> int:
    """Run a sync, SIGKILL it after `seconds`; its exit code."""
    process = _sync(env)
    assert process.stderr is not None
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.stderr.close()
    return process.wait()


@pytest.mark.parametrize("seed", [11, 12])
def test_a_sync_killed_repeatedly_ends_identical_to_an_uninterrupted_one(
    seed: int, tmp_path: Path, sandbox: Any, synced_db: Path
) -> None:
    draw = random.Random(seed)
    db = tmp_path / "killed.db"
    env = _environment(tmp_path, sandbox, db)
    codes = []
    for kill in range(KILLS):
        if kill % 2 == 0:
            codes.append(_kill_after_lines(env, draw.randint(1, 60)))
        else:
            codes.append(_kill_after_delay(env, draw.uniform(0.3, 2.0)))
    finished = subprocess.run(
        [sys.executable, "-m", "tui.cli", "sync"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert -signal.SIGKILL in codes, f"no run was killed (seed {seed}): {codes}"
    assert finished.returncode == 0, finished.stderr
    assert table_checksums(db) == table_checksums(synced_db), f"seed {seed}"

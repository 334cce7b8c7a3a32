"""`agentmon demo`: a sandbox synced into its own database, never over a real one."""

import hashlib
from pathlib import Path

import pytest

from store.db import open_database
from store.status import local_counts
from tests.cli.conftest import Run


@pytest.fixture(autouse=True)
def small_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo at small scale, so these tests stay fast."""
    from tui.commands import demo

    monkeypatch.setattr(demo, "DEMO_SCALE", "small")


def _counts(path: Path) -> dict[str, int]:
    conn = open_database(path, readonly=True)
    try:
        return local_counts(conn)
    finally:
        conn.close()


def test_demo_syncs_a_sandbox_into_demo_db_in_the_data_directory(
    agentmon: Run, home: Path
) -> None:
    outcome = agentmon("demo")
    path = home / "data" / "agentmon" / "demo.db"
    assert (outcome.code, f"demo database: {path}" in outcome.stdout) == (0, True)
    assert _counts(path)["log_records"] > 0


def test_demo_honours_the_db_option(agentmon: Run, home: Path) -> None:
    path = home / "elsewhere.db"
    agentmon("--db", str(path), "demo")
    assert _counts(path)["sessions"] > 0


def test_a_second_demo_replaces_the_first_ones_database(
    agentmon: Run, home: Path
) -> None:
    agentmon("demo")
    again = agentmon("demo")
    path = home / "data" / "agentmon" / "demo.db"
    conn = open_database(path, readonly=True)
    runs = conn.execute("SELECT count(*) FROM sync_runs").fetchone()[0]
    conn.close()
    assert (again.code, runs) == (0, 1)


def test_demo_refuses_to_replace_a_real_synced_database(
    agentmon: Run, synced_db: Path
) -> None:
    before = hashlib.sha256(synced_db.read_bytes()).hexdigest()
    outcome = agentmon("--db", str(synced_db), "demo")
    lines = outcome.stderr.splitlines()
    assert (outcome.code, len(lines)) == (1, 1)
    assert "is not a demo" in lines[0]
    assert hashlib.sha256(synced_db.read_bytes()).hexdigest() == before


def test_start_demo_returns_the_database_and_a_running_sandbox(home: Path) -> None:
    import httpx

    from tui.commands.demo import start_demo

    world = start_demo(str(home / "d.db"))
    try:
        answer = httpx.get(
            f"{world.sandbox.base_url}/v1/me",
            headers={"Authorization": f"Bearer {world.config.api_key.reveal()}"},
        )
        assert (answer.status_code, world.db_path) == (200, home / "d.db")
    finally:
        world.stop()

"""`agentmon sync`: its summary, and one line for every failure we foresee."""

import json
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from store.db import open_database, sync_lock
from store.schema import SCHEMA_VERSION
from store.status import local_counts
from tests.cli.conftest import Outcome, Run
from tests.fixtures.sandbox import small_config

SECRET = "sk-agentmon-test-3f9b1c7d2e8a4605"


def _one_line_failure(outcome: Outcome) -> str:
    """The single error line, once the outcome is known to be a clean failure.

    Progress lines (`sync: ...`) may come before it; nothing else may.
    """
    lines = outcome.stderr.splitlines()
    errors = [line for line in lines if not line.startswith("sync: ")]
    assert outcome.code != 0
    assert "Traceback" not in outcome.stderr
    assert len(errors) == 1, outcome.stderr
    assert errors[0].startswith("agentmon: ") and errors[0] == lines[-1]
    return errors[0]


def _use(monkeypatch: pytest.MonkeyPatch, running: Any, key: str | None = None) -> None:
    monkeypatch.setenv("WRITER_BASE_URL", running.base_url)
    monkeypatch.setenv("WRITER_API_KEY", key or running.admin_key)


def test_sync_prints_a_summary_of_new_rows(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    outcome = agentmon("--db", str(home / "a.db"), "sync")
    counts = sandbox.stats()["counts"]
    rows = [line.split() for line in outcome.stdout.splitlines()]
    assert outcome.code == 0
    assert ["log_records", str(counts["log_records"]), "0"] in rows


def test_sync_fills_the_database_named_by_agentmon_db(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    monkeypatch.setenv("AGENTMON_DB", str(home / "env.db"))
    agentmon("sync")
    conn = open_database(home / "env.db", readonly=True)
    assert local_counts(conn) == sandbox.stats()["counts"]
    conn.close()


def test_sync_defaults_to_the_data_directory(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    agentmon("sync")
    assert (home / "data" / "agentmon" / "agentmon.db").is_file()


def test_piped_progress_is_plain_lines_on_stderr(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    outcome = agentmon("--db", str(home / "a.db"), "sync")
    lines = outcome.stderr.splitlines()
    assert "sync: logs done, " in outcome.stderr
    assert all(line.startswith("sync: ") and "\r" not in line for line in lines)


def test_a_member_key_says_once_what_it_skipped(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox, sandbox.member_key)
    outcome = agentmon("--db", str(home / "a.db"), "sync")
    assert outcome.stderr.count("member role") == 1


def test_no_key_is_one_line(agentmon: Run, home: Path) -> None:
    line = _one_line_failure(agentmon("--db", str(home / "a.db"), "sync"))
    assert "no API key" in line


def test_a_bad_url_is_one_line(
    agentmon: Run, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRITER_API_KEY", SECRET)
    monkeypatch.setenv("WRITER_BASE_URL", "api.writer.com")
    line = _one_line_failure(agentmon("--db", str(home / "a.db"), "sync"))
    assert "not an http(s) URL" in line


def test_an_unreachable_host_is_one_line_naming_it(
    agentmon: Run, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("WRITER_API_KEY", SECRET)
    monkeypatch.setenv("WRITER_BASE_URL", f"http://127.0.0.1:{port}")
    line = _one_line_failure(agentmon("--db", str(home / "a.db"), "sync"))
    assert f"cannot reach 127.0.0.1:{port}" in line


def test_a_wrong_key_is_one_line(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox, "not-the-key")
    line = _one_line_failure(agentmon("--db", str(home / "a.db"), "sync"))
    assert "the API key was refused" in line


def test_a_database_another_sync_holds_is_one_line(
    agentmon: Run, synced_db: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    with sync_lock(synced_db):
        line = _one_line_failure(agentmon("--db", str(synced_db), "sync"))
    assert "is locked" in line


def test_a_database_another_writer_holds_is_one_line(
    agentmon: Run, synced_db: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    monkeypatch.setenv("AGENTMON_BUSY_TIMEOUT_MS", "50")
    holder = sqlite3.connect(synced_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        line = _one_line_failure(agentmon("--db", str(synced_db), "sync"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "is locked" in line


def test_a_file_that_is_not_an_agentmon_database_is_one_line(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    path = home / "notes.db"
    path.write_text("not a database")
    line = _one_line_failure(agentmon("--db", str(path), "sync"))
    assert "is not an agentmon database" in line
    assert path.read_text() == "not a database"


def test_a_newer_schema_is_one_line(
    agentmon: Run, synced_db: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    conn = sqlite3.connect(synced_db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    line = _one_line_failure(agentmon("--db", str(synced_db), "sync"))
    assert "newer than this agentmon" in line


def test_a_full_disk_is_one_line(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store import write

    _use(monkeypatch, sandbox)
    begin = write.SyncWriter._begin

    def cramped(self: write.SyncWriter) -> None:
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        begin(self)

    monkeypatch.setattr(write.SyncWriter, "_begin", cramped)
    line = _one_line_failure(agentmon("--db", str(home / "a.db"), "sync"))
    assert "is full" in line


def test_a_config_file_others_can_read_is_one_line(
    agentmon: Run, home: Path, sandbox: Any
) -> None:
    path = home / "config" / "agentmon" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(f'api_key = "{SECRET}"\nbase_url = "{sandbox.base_url}"\n')
    path.chmod(0o644)
    line = _one_line_failure(agentmon("--db", str(home / "a.db"), "sync"))
    assert "chmod 600" in line
    assert SECRET not in line


def test_a_private_config_file_is_enough_to_sync(
    agentmon: Run, home: Path, sandbox: Any
) -> None:
    path = home / "config" / "agentmon" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        f'api_key = "{sandbox.admin_key}"\nbase_url = "{sandbox.base_url}"\n'
    )
    path.chmod(0o600)
    assert agentmon("--db", str(home / "a.db"), "sync").code == 0


def test_the_key_is_not_accepted_on_the_command_line(agentmon: Run, home: Path) -> None:
    with pytest.raises(SystemExit):
        agentmon("sync", "--api-key", SECRET)


def test_the_key_never_reaches_the_database_the_log_or_the_output(
    agentmon: Run,
    home: Path,
    sandbox_factory: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running = sandbox_factory(
        small_config(admin_key=SECRET, faults={"429": 0.2, "5xx": 0.1}, fault_seed=2)
    )
    _use(monkeypatch, running)
    db = home / "a.db"
    outcome = agentmon("--db", str(db), "sync")
    files = [
        path
        for path in home.rglob("*")
        if path.is_file() and not path.name.endswith(".toml")
    ]
    log = home / "state" / "agentmon" / "agentmon.log"
    assert outcome.code == 0 and log.stat().st_size > 0
    assert db in files and log in files
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in outcome.stdout + outcome.stderr


def test_the_log_file_is_private(
    agentmon: Run, home: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, sandbox)
    agentmon("--db", str(home / "a.db"), "sync")
    log = home / "state" / "agentmon" / "agentmon.log"
    assert (log.stat().st_mode & 0o777, log.parent.stat().st_mode & 0o777) == (
        0o600,
        0o700,
    )


def test_status_json_has_the_sandbox_counts(
    agentmon: Run, synced_db: Path, sandbox: Any
) -> None:
    outcome = agentmon("--db", str(synced_db), "status", "--json")
    status = json.loads(outcome.stdout)
    assert (outcome.code, status["counts"]) == (0, sandbox.stats()["counts"])


def test_status_names_the_organisation_and_each_source(
    agentmon: Run, synced_db: Path, sandbox: Any
) -> None:
    outcome = agentmon("--db", str(synced_db), "status")
    assert sandbox.organization_id in outcome.stdout
    assert "  logs " in outcome.stdout


def test_status_of_a_missing_database_is_one_line(agentmon: Run, home: Path) -> None:
    line = _one_line_failure(agentmon("--db", str(home / "none.db"), "status"))
    assert "no local copy yet" in line
    assert not (home / "none.db").exists()

"""A small world for metrics tests: agents, log records, flags and consumption.

Rows go straight into a fresh database made by `store.db.open_database`, and
every `land()` bumps `meta.sync_generation` the way a landed sync batch does.
"""

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from store import metrics_columns
from store.db import open_database

# 2026-06-01T12:00:00Z, the tests' "now".
NOW_MS = 1_780_315_200_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000


@dataclass
class MetricsWorld:
    """Builds the rows metric views read; `conn` is the database's connection."""

    path: Path
    conn: sqlite3.Connection
    _next_log: int = field(default=0)

    def agent(
        self,
        application_id: str,
        *,
        status: str = "deployed",
        kind: str = "no_code",
        name: str | None = None,
    ) -> str:
        """Add an agent and return its id."""
        self.conn.execute(
            "INSERT INTO agents (application_id, name, kind, status)"
            " VALUES (?, ?, ?, ?)",
            (application_id, name or f"Agent {application_id}", kind, status),
        )
        return application_id

    def record(
        self,
        application_id: str,
        inserted_at_ms: int,
        *,
        duration_ms: int | None = 1000,
        http_status: int = 200,
        user_id: str | None = "usr_0001",
        model: str | None = "palmyra-x5",
        prompt_tokens: int | None = 100,
        completion_tokens: int | None = 50,
        total_tokens: int | None = None,
        cost_ucents: int | None = 1_000_000,
    ) -> str:
        """Add one log record (one response) and return its log id."""
        self._next_log += 1
        log_id = f"log_{self._next_log:08d}"
        if total_tokens is None and prompt_tokens is not None:
            total_tokens = prompt_tokens + (completion_tokens or 0)
        self.conn.execute(
            "INSERT INTO log_records (log_id, record_type, inserted_at_ms,"
            " application_id, session_id, user_id, message_id, duration_ms,"
            " http_status, model, prompt_tokens, completion_tokens, total_tokens,"
            " cost_ucents, agent_run_id, root_agent_run_id, run_status)"
            " VALUES (?, 'agent_run', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                log_id,
                inserted_at_ms,
                application_id,
                f"ses_{self._next_log}",
                user_id,
                f"msg_{self._next_log}",
                duration_ms,
                http_status,
                model,
                prompt_tokens,
                completion_tokens,
                total_tokens,
                cost_ucents,
                f"run_{self._next_log}",
                f"run_{self._next_log}",
                "completed" if http_status < 400 else "failed",
            ),
        )
        return log_id

    def flag(self, application_id: str, flagged_at_ms: int, flag_id: str) -> None:
        """Add one end-user flag on a response of the agent."""
        self.conn.execute(
            "INSERT INTO flags (flag_id, message_id, session_id, application_id,"
            " user_id, reason, flagged_at_ms, inserted_at_ms)"
            " VALUES (?, ?, ?, ?, 'usr_0001', 'inaccurate', ?, ?)",
            (
                flag_id,
                f"msg_{flag_id}",
                f"ses_{flag_id}",
                application_id,
                flagged_at_ms,
                flagged_at_ms,
            ),
        )

    def consumption(
        self,
        date: str,
        agent_type: str,
        category: str,
        name: str,
        cost_ucents: int,
        total_tokens: int = 0,
    ) -> None:
        """Add one line of daily consumption."""
        self.conn.execute(
            "INSERT INTO consumption_daily VALUES (?, ?, ?, ?, ?, ?)",
            (date, agent_type, category, name, cost_ucents, total_tokens),
        )

    def breakdown(
        self,
        month: str,
        scope: str,
        entry_id: str,
        name: str,
        cost_ucents: int,
        total_tokens: int,
    ) -> None:
        """Add one line of a month's consumption breakdown."""
        self.conn.execute(
            "INSERT INTO consumption_breakdown VALUES (?, ?, ?, ?, ?, ?)",
            (month, scope, entry_id, name, cost_ucents, total_tokens),
        )

    def land(self) -> None:
        """Mark what was added as a landed sync batch."""
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('sync_generation', '1')"
            " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[MetricsWorld]:
    """An empty database with nothing synced yet."""
    path = tmp_path / "agentmon.db"
    conn = open_database(path)
    yield MetricsWorld(path, conn)
    conn.close()
    metrics_columns.forget_memory()

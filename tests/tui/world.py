"""A small local database built row by row, for app tests that need exact data.

The synced fixtures (`synced_db`, `member_synced_db`) give realistic data;
this world gives data a test can name: agents of every kind and status,
users, sessions, flags and log records at known times, and any names a test
wants (hostile ones included).
"""

import random
import sqlite3
from dataclasses import dataclass, field

from tests.fixtures.world import DAY_MS, HOUR_MS, NOW_MS, LocalWorld, write_meta

# Strings that must be shown literally and never act.
HOSTILE_NAMES = [
    "[bold]loud[/bold]",
    "a stray [/] closer",
    "[@click=app.quit]quit[/]",
    "[link=https://example.com]x[/link]",
    ":smile: :warning:",
    "esc\x1b[2Jclear",
    "clip\x1b]52;c;aGVsbG8=\x07board",
]


@dataclass
class AgentSpec:
    """One agent to create."""

    application_id: str
    name: str
    kind: str = "no_code"
    status: str = "deployed"
    retention_days: int | None = 30


@dataclass
class World(LocalWorld):
    """What to put in the database; `build` writes it."""

    role: str = "admin"
    organization_name: str = "Northwind Labs"
    agents: list[AgentSpec] = field(
        default_factory=lambda: [
            AgentSpec("app_0001", "Claims triage", "no_code", "deployed", 30),
            AgentSpec("app_0002", "Writer Agent", "writer_agent", "deployed", 90),
            AgentSpec("app_0003", "Summariser", "prebuilt", "deployed", None),
            AgentSpec("app_0004", "Pricing API", "api", "deployed", None),
            AgentSpec("app_0005", "Draft helper", "no_code", "draft", 0),
            AgentSpec("app_0006", "Quiet bot", "no_code", "deployed", 0),
        ]
    )
    user_names: list[str] = field(
        default_factory=lambda: [f"User {number:02d}" for number in range(12)]
    )
    sessions_per_agent: int = 40
    model: str = "palmyra-x5"
    synced_minutes_ago: int | None = 4
    seed: int = 7

    def _write(self, connection: sqlite3.Connection) -> None:
        meta = {
            "role": self.role,
            "organization_name": self.organization_name,
            "organization_id": "org_test",
            "session_logging_enabled": "1",
        }
        write_meta(connection, meta)
        connection.executemany(
            "INSERT INTO agents (application_id, name, kind, type, status, "
            "retention_days) VALUES (?, ?, ?, 'generation', ?, ?)",
            [
                (a.application_id, a.name, a.kind, a.status, a.retention_days)
                for a in self.agents
            ],
        )
        users = [
            (f"usr_{number:04d}", name, f"user{number}@example.com", "member")
            for number, name in enumerate(self.user_names)
        ]
        connection.executemany(
            "INSERT INTO users (user_id, name, email, role) VALUES (?, ?, ?, ?)", users
        )
        self._write_activity(connection, [user[0] for user in users])
        if self.synced_minutes_ago is not None:
            finished = NOW_MS - self.synced_minutes_ago * 60_000
            connection.execute(
                "INSERT INTO sync_runs (started_at_ms, finished_at_ms, outcome, "
                "summary) VALUES (?, ?, 'ok', '{}')",
                (finished - 60_000, finished),
            )

    def _write_activity(self, connection: sqlite3.Connection, users: list[str]) -> None:
        chance = random.Random(self.seed)
        sessions, flags, logs = [], [], []
        for agent in self.agents:
            if agent.status != "deployed":
                continue
            for number in range(self.sessions_per_agent):
                session_id = f"ses_{agent.application_id}_{number:04d}"
                # Spread over 60 days, newest first by number.
                started = NOW_MS - HOUR_MS - number * (60 * DAY_MS // 40)
                user_id = users[number % len(users)]
                messages = 2 + number % 9
                sessions.append(
                    (
                        session_id,
                        agent.application_id,
                        user_id,
                        started,
                        started + 60_000 * (1 + number % 30),
                        messages,
                        started,
                    )
                )
                if number % 4 == 0:
                    flags.append(
                        (
                            f"flg_{session_id}",
                            f"msg_{session_id}_1",
                            session_id,
                            agent.application_id,
                            user_id,
                            "inaccurate",
                            started + 1_000,
                            started + 1_000,
                        )
                    )
                for response in range(messages // 2):
                    at = started + response * 30_000
                    status = chance.choice([200] * 18 + [400, 500])
                    logs.append(
                        (
                            f"log_{session_id}_{response}",
                            at,
                            agent.application_id,
                            session_id,
                            user_id,
                            chance.randint(300, 4000),
                            status,
                            self.model,
                            500,
                            200,
                            700,
                            chance.randint(1000, 90_000),
                        )
                    )
        connection.executemany(
            "INSERT INTO sessions (session_id, application_id, user_id, "
            "started_at_ms, ended_at_ms, message_count, inserted_at_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            sessions,
        )
        connection.executemany(
            "INSERT INTO flags (flag_id, message_id, session_id, application_id, "
            "user_id, reason, flagged_at_ms, inserted_at_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            flags,
        )
        connection.executemany(
            "INSERT INTO log_records (log_id, record_type, inserted_at_ms, "
            "application_id, session_id, user_id, duration_ms, http_status, model, "
            "prompt_tokens, completion_tokens, total_tokens, cost_ucents) "
            "VALUES (?, 'agent_run', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            logs,
        )

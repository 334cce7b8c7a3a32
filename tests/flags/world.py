"""A small local database of flagged responses, built row by row.

Tests name exactly what they need: agents, reviewers, sessions with a user
question and a flagged agent answer, flags at known times, and any text
(hostile text included).
"""

import sqlite3
from dataclasses import dataclass, field

from tests.fixtures.world import DAY_MS, MINUTE_MS, NOW_MS, LocalWorld, write_meta

ME = "usr_0001"
OTHER_REVIEWER = "usr_0002"


@dataclass
class FlagSpec:
    """One flag on the agent answer of its own session."""

    application_id: str = "app_0001"
    reason: str = "inaccurate"
    comment: str | None = "The total is wrong."
    question: str = "What is the total of claim 42?"
    answer: str = "The total of claim 42 is 1,000 EUR."
    earlier: tuple[str, ...] = ()  # turns before the question, user first


@dataclass
class FlagWorld(LocalWorld):
    """What to write; `build` writes it and returns the path."""

    flags: list[FlagSpec] = field(
        default_factory=lambda: [
            FlagSpec(
                application_id="app_0001" if number % 3 else "app_0002",
                reason="inaccurate" if number % 2 else "inappropriate",
                comment=f"Comment number {number}." if number % 4 else None,
                question=f"Question {number}: what does policy {number} cover?",
                answer=f"Answer {number}: policy {number} covers water damage.",
            )
            for number in range(12)
        ]
    )
    role: str = "admin"
    user_id: str = ME

    def _write(self, connection: sqlite3.Connection) -> None:
        meta = {
            "role": self.role,
            "user_id": self.user_id,
            "organization_id": "org_test",
            "organization_name": "Northwind Labs",
        }
        write_meta(connection, meta)
        connection.executemany(
            "INSERT INTO agents (application_id, name, kind, type, status,"
            " retention_days) VALUES (?, ?, 'no_code', 'generation', 'deployed', 30)",
            [("app_0001", "Claims triage"), ("app_0002", "Policy helper")],
        )
        connection.executemany(
            "INSERT INTO users (user_id, name, email, role) VALUES (?, ?, ?, ?)",
            [
                (ME, "Ana Ruiz", "ana@example.com", "admin"),
                (OTHER_REVIEWER, "Ben Okafor", "ben@example.com", "admin"),
                ("usr_0100", "Cleo End-User", "cleo@example.com", "member"),
            ],
        )
        for number, spec in enumerate(self.flags):
            self._write_flag(connection, number, spec)

    def _write_flag(
        self, connection: sqlite3.Connection, number: int, spec: FlagSpec
    ) -> None:
        session_id = f"ses_{number:04d}"
        started = NOW_MS - (len(self.flags) - number) * DAY_MS // 4
        turns = [*spec.earlier, spec.question, spec.answer]
        connection.execute(
            "INSERT INTO sessions (session_id, application_id, user_id,"
            " started_at_ms, ended_at_ms, message_count, inserted_at_ms)"
            " VALUES (?, ?, 'usr_0100', ?, ?, ?, ?)",
            (session_id, spec.application_id, started, started, len(turns), started),
        )
        for seq, content in enumerate(turns):
            role = "user" if (len(turns) - seq) % 2 == 0 else "agent"
            connection.execute(
                "INSERT INTO messages (message_id, session_id, application_id, seq,"
                " role, content, created_at_ms, inserted_at_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"msg_{number:04d}_{seq}",
                    session_id,
                    spec.application_id,
                    seq,
                    role,
                    content,
                    started + seq * MINUTE_MS,
                    started,
                ),
            )
        flagged_at = started + len(turns) * MINUTE_MS
        connection.execute(
            "INSERT INTO flags (flag_id, message_id, session_id, application_id,"
            " user_id, reason, comment, flagged_at_ms, inserted_at_ms)"
            " VALUES (?, ?, ?, ?, 'usr_0100', ?, ?, ?, ?)",
            (
                f"flg_{number:04d}",
                f"msg_{number:04d}_{len(turns) - 1}",
                session_id,
                spec.application_id,
                spec.reason,
                spec.comment,
                flagged_at,
                flagged_at,
            ),
        )

"""Session-log settings: the organisation switch, each agent's retention, history.

The sandbox keeps every generated session, but serves a session only while the
rule of docs/api.md holds, and once a session has fallen outside it, it stays
gone: lowering retention, or switching logging off, deletes for good. That is
what `kept_since_ms` records per agent, so raising retention never brings old
sessions back and a stream's "inserted since" promise holds.
"""

import threading
from dataclasses import dataclass

import numpy as np

from sandbox.org import DAY_MS, RETENTION_CHOICES, Organization

NOTHING_KEPT = np.iinfo(np.int64).max
KEPT_SINCE_EVER = np.iinfo(np.int64).min


@dataclass(frozen=True)
class HistoryEntry:
    """One settings change, as the history export serves it."""

    change_id: str
    application_id: str | None
    field: str
    old_value: str
    new_value: str
    changed_by: str
    changed_at_ms: int


@dataclass(frozen=True)
class AgentSetting:
    """One agent's retention and who set it last."""

    retention_days: int
    updated_at_ms: int
    updated_by: str


class Settings:
    """The mutable settings of one organisation; safe to use from any thread."""

    def __init__(self, organization: Organization) -> None:
        self._lock = threading.Lock()
        self._organization = organization
        agents = organization.agents
        self.enabled = False
        self.enabled_updated_at_ms = organization.created_at_ms
        self.enabled_updated_by = organization.admin_user.user_id
        self._capable = np.array([a.has_session_logs for a in agents], dtype=bool)
        self._retention = np.zeros(len(agents), dtype=np.int64)
        self._kept_since = np.full(len(agents), KEPT_SINCE_EVER, dtype=np.int64)
        self._agent_updates: list[tuple[int, str]] = [
            (a.created_at_ms, organization.users[a.creator].user_id) for a in agents
        ]
        self.history: list[HistoryEntry] = []
        self.version = 0
        for event in organization.settings_events:
            who = organization.users[event.by_user].user_id
            if event.agent is None:
                self.set_logging(bool(event.value), who, event.at_ms)
            else:
                self.set_retention(event.agent, event.value, who, event.at_ms)

    def retention_days(self, agent: int) -> int:
        """The agent's current retention in days (0: none)."""
        return int(self._retention[agent])

    def agent_setting(self, agent: int) -> AgentSetting:
        """The agent's retention with when and by whom it was last set."""
        with self._lock:
            at_ms, by = self._agent_updates[agent]
            return AgentSetting(int(self._retention[agent]), at_ms, by)

    def floors(self, now_ms: int) -> np.ndarray:
        """Per agent, the earliest `started_at_ms` served now (`NOTHING_KEPT`: none)."""
        with self._lock:
            floors = np.maximum(self._kept_since, now_ms - self._retention * DAY_MS)
            served = self._capable & (self._retention > 0) & self.enabled
            return np.where(served, floors, NOTHING_KEPT)

    def set_retention(
        self, agent: int, days: int, by_user_id: str, at_ms: int
    ) -> HistoryEntry | None:
        """Change one agent's retention; None when it already had that value."""
        if days not in RETENTION_CHOICES:
            raise ValueError(f"retention {days} is not one of {RETENTION_CHOICES}")
        with self._lock:
            old = int(self._retention[agent])
            if old == days:
                return None
            self._fold(np.array([agent]), at_ms)
            self._retention[agent] = days
            self._agent_updates[agent] = (at_ms, by_user_id)
            application_id = self._organization.agents[agent].application_id
            return self._record(
                application_id, "retention_days", str(old), str(days), by_user_id, at_ms
            )

    def set_logging(
        self, enabled: bool, by_user_id: str, at_ms: int
    ) -> HistoryEntry | None:
        """Switch the organisation's session logging; None when already so."""
        with self._lock:
            if enabled == self.enabled:
                return None
            self._fold(np.arange(len(self._retention)), at_ms)
            old = self.enabled
            self.enabled = enabled
            self.enabled_updated_at_ms = at_ms
            self.enabled_updated_by = by_user_id
            return self._record(
                None,
                "session_logging_enabled",
                str(old).lower(),
                str(enabled).lower(),
                by_user_id,
                at_ms,
            )

    def _fold(self, agents: np.ndarray, at_ms: int) -> None:
        """Make permanent what the settings in force until `at_ms` had deleted."""
        effective = self._retention[agents] if self.enabled else 0
        floor = at_ms - effective * DAY_MS
        self._kept_since[agents] = np.maximum(self._kept_since[agents], floor)

    def _record(
        self,
        application_id: str | None,
        field: str,
        old: str,
        new: str,
        by_user_id: str,
        at_ms: int,
    ) -> HistoryEntry:
        entry = HistoryEntry(
            f"chg_{len(self.history) + 1:04d}",
            application_id,
            field,
            old,
            new,
            by_user_id,
            at_ms,
        )
        self.history.append(entry)
        self.version += 1
        return entry

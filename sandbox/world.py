"""The sandbox's whole state: organisation, settings, activity, clock and live.

`World` is built once from a `SandboxConfig`. Readers call `snapshot()` and
work on that consistent picture; settings changes and live sessions are the
only writers.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np

from sandbox.activity import (
    Activity,
    agent_arrays,
    generate_activity,
    generate_responses,
)
from sandbox.config import SandboxConfig
from sandbox.org import (
    DAY_MS,
    SCALE_PARAMS,
    WINDOW_DAYS,
    Organization,
    generate_organization,
)
from sandbox.settings import Settings
from sandbox.tables import Table, TableView
from sandbox.text import SHOWCASE_KINDS, TextFactory

TABLE_NAMES = ("sessions", "messages", "logs", "flags", "feedback")


@dataclass(frozen=True)
class Snapshot:
    """Every table as published at one moment, with the clock at that moment."""

    sessions: TableView
    messages: TableView
    logs: TableView
    flags: TableView
    feedback: TableView
    now_ms: int


class Clock:
    """The sandbox's now: fixed, or (live) advancing with the wall clock."""

    def __init__(self, start_ms: int, live: bool) -> None:
        self._start_ms = start_ms
        self._live = live
        self._started = time.monotonic()
        self.latest_event_ms = start_ms

    def now_ms(self) -> int:
        """Now, never before the latest event the sandbox has produced."""
        if not self._live:
            return self._start_ms
        elapsed = int((time.monotonic() - self._started) * 1000)
        return max(self._start_ms + elapsed, self.latest_event_ms)


class World:
    """The generated organisation and everything that happens to it."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        now_ms = config.resolved_now_ms()
        scale = SCALE_PARAMS[config.scale]
        seeds = np.random.SeedSequence(config.seed).spawn(3)
        self.organization: Organization = generate_organization(
            np.random.Generator(np.random.PCG64(seeds[0])), scale, now_ms
        )
        activity: Activity = generate_activity(
            np.random.Generator(np.random.PCG64(seeds[1])),
            self.organization,
            scale,
            now_ms,
        )
        self._live_rng = np.random.Generator(np.random.PCG64(seeds[2]))
        self.settings = Settings(self.organization)
        self.agent_facts = agent_arrays(self.organization)
        self.services = activity.services
        self.long_session = activity.long_session
        self.text = TextFactory(config.seed)
        self.clock = Clock(now_ms, config.live)
        self._tables = {
            "sessions": Table(activity.sessions),
            "messages": Table(activity.messages),
            "logs": Table(activity.logs),
            "flags": Table(activity.flags),
            "feedback": Table(activity.feedback),
        }
        self._write_lock = threading.Lock()
        self._snapshot = self._take_snapshot()
        self.user_ids = [user.user_id for user in self.organization.users]
        self.agent_ids = {
            agent.application_id: agent.index for agent in self.organization.agents
        }

    def _take_snapshot(self) -> Snapshot:
        views = {name: table.view() for name, table in self._tables.items()}
        return Snapshot(now_ms=self.clock.now_ms(), **views)

    def snapshot(self) -> Snapshot:
        """The tables as they stand, and now."""
        snapshot = self._snapshot
        now_ms = self.clock.now_ms()
        if now_ms == snapshot.now_ms:
            return snapshot
        return Snapshot(
            snapshot.sessions,
            snapshot.messages,
            snapshot.logs,
            snapshot.flags,
            snapshot.feedback,
            now_ms,
        )

    def served_sessions(self, snapshot: Snapshot) -> np.ndarray:
        """Which sessions the session-log exports serve, by the retention rule."""
        floors = self.settings.floors(snapshot.now_ms)
        sessions = snapshot.sessions
        return sessions["started"] >= floors[sessions["app"]]

    def message_texts(
        self,
        snapshot: Snapshot,
        positions: np.ndarray,
        session: np.ndarray,
        as_json: bool = False,
    ) -> list[str]:
        """The contents of the messages at `positions` (of sessions `session`).

        `as_json` gives each as a JSON string literal, escaped to ASCII.
        """
        text = self.text
        user_text = text.user_message_json if as_json else text.user_message
        agent_text = text.agent_message_json if as_json else text.agent_message
        sessions = snapshot.sessions
        seq = (positions - sessions["msg_start"][session]).tolist()
        topic = self.agent_facts["topic"][sessions["app"][session]].tolist()
        log = snapshot.messages["log"][positions]
        answered = np.maximum(log, 0)
        status = snapshot.logs["status"][answered].tolist()
        completion = snapshot.logs["completion"][answered].tolist()
        long_session = session == self.long_session
        texts = []
        for i, position in enumerate(positions.tolist()):
            showcase = -1
            if long_session[i] and seq[i] < 2 * SHOWCASE_KINDS:
                showcase = seq[i] // 2
            if seq[i] % 2 == 0:
                texts.append(user_text(position, topic[i], showcase))
            else:
                texts.append(
                    agent_text(position, topic[i], status[i], completion[i], showcase)
                )
        return texts

    def stats(self) -> dict[str, object]:
        """What an admin-key sync from now - 180 days must end with."""
        snapshot = self.snapshot()
        served = self.served_sessions(snapshot)
        since = snapshot.now_ms - WINDOW_DAYS * DAY_MS
        flags_served = served[snapshot.flags["session"]]
        return {
            "organization_id": self.organization.organization_id,
            "counts": {
                "agents": len(self.organization.agents),
                "users": len(self.organization.users),
                "sessions": int(served.sum()),
                "messages": int(snapshot.sessions["msg_count"][served].sum()),
                "log_records": int((snapshot.logs["inserted"] >= since).sum()),
                "flags": int(flags_served.sum()),
                "feedback": int((snapshot.feedback["inserted"] >= since).sum()),
                "consumption_days": self.consumption_days(snapshot),
            },
        }

    def consumption_days(self, snapshot: Snapshot) -> int:
        """Distinct dates with daily consumption rows in the months of the window."""
        first = _month_start_day(snapshot.now_ms - WINDOW_DAYS * DAY_MS)
        days = np.union1d(snapshot.logs["inserted"] // DAY_MS, self.services["day"])
        return int((days >= first).sum())

    def add_live_sessions(self, count: int) -> int:
        """Add `count` new sessions happening now; return how many were added."""
        with self._write_lock:
            return self._add_live_sessions(count)

    def _add_live_sessions(self, count: int) -> int:
        rng = self._live_rng
        agents = self.organization.agents
        snapshot = self._snapshot
        active = np.array([a.index for a in agents if a.status == "deployed"])
        weights = np.array([agents[i].activity_weight for i in active])
        s_agent = active[rng.choice(len(active), count, p=weights / weights.sum())]
        s_agent = s_agent.astype(np.int16)
        s_user = rng.integers(0, len(self.organization.users), count).astype(np.int32)
        turns = rng.integers(1, 5, count).astype(np.int64)
        responses = generate_responses(rng, agents, s_agent, turns)

        low = self.clock.latest_event_ms + 1
        high = max(self.clock.now_ms(), low + 2 * int(turns.sum()))
        times = np.sort(rng.integers(low, high + 1, 2 * int(turns.sum())))
        times[-1] = high
        base_session = len(snapshot.sessions)
        base_message = len(snapshot.messages)
        base_log = len(snapshot.logs)
        first = np.cumsum(turns) - turns
        total = int(turns.sum())
        session_of = np.repeat(np.arange(count), turns)
        message_times_user = times[0::2]
        message_times_agent = times[1::2]
        sessions = {
            "app": s_agent,
            "user": s_user,
            "started": message_times_user[first],
            "ended": message_times_agent[first + turns - 1],
            "msg_start": base_message + 2 * first,
            "msg_count": (2 * turns).astype(np.int32),
            "playbook": np.full(count, -1, dtype=np.int16),
        }
        message_log = np.full(2 * total, -1, dtype=np.int32)
        message_log[1::2] = base_log + np.arange(total)
        messages = {
            "session": np.repeat(base_session + session_of, 2).astype(np.int32),
            "created": times,
            "log": message_log,
        }
        logs: dict[str, np.ndarray] = {
            "inserted": message_times_agent,
            "message": (base_message + 2 * np.arange(total) + 1).astype(np.int32),
            "session": (base_session + session_of).astype(np.int32),
            "app": responses["app"],
            "user": s_user[session_of],
            "duration": responses["recorded_duration"],
            "status": responses["status"],
            "model": responses["model"],
            "prompt": responses["prompt"],
            "completion": responses["completion"],
            "cost": responses["cost"],
        }
        good = responses["status"] == 200
        capable = self.agent_facts["capable"][responses["app"]]
        flagged = np.flatnonzero(good & capable & (rng.random(total) < 0.08))
        flags = {
            "log": (base_log + flagged).astype(np.int32),
            "message": logs["message"][flagged],
            "session": logs["session"][flagged],
            "app": logs["app"][flagged],
            "user": logs["user"][flagged],
            "reason": (rng.random(len(flagged)) < 0.3).astype(np.int8),
            "has_comment": (rng.random(len(flagged)) < 0.6).astype(np.int8),
            "flagged": np.full(len(flagged), high, dtype=np.int64),
        }
        rated = np.flatnonzero(good & (rng.random(total) < 0.08))
        feedback = {
            "log": (base_log + rated).astype(np.int32),
            "rating": (rng.random(len(rated)) < 0.62).astype(np.int8),
            "has_comment": (rng.random(len(rated)) < 0.45).astype(np.int8),
            "emitted": np.full(len(rated), high, dtype=np.int64),
            "inserted": np.full(len(rated), high, dtype=np.int64),
        }
        added = {
            "sessions": sessions,
            "messages": messages,
            "logs": logs,
            "flags": flags,
            "feedback": feedback,
        }
        views = {name: self._tables[name].append(rows) for name, rows in added.items()}
        # The clock moves first, so that no reader sees data from after now.
        self.clock.latest_event_ms = high
        for name, view in views.items():
            self._tables[name].publish(view)
        self._snapshot = Snapshot(now_ms=self.clock.now_ms(), **views)
        return count


def _month_start_day(ms: int) -> int:
    """The epoch day number of the first day of the UTC month holding `ms`."""
    month = np.datetime64(ms, "ms").astype("datetime64[M]")
    return int(month.astype("datetime64[D]").astype(np.int64))

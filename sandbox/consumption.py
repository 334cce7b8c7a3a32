"""Consumption rows (daily and monthly breakdowns), summed exactly from the logs.

Every `model` row of a day is the integer sum of that day's log-record costs
for its agent type and model, so per-response costs reconcile to the
millionth of a cent. Results are cached per number of log records, which
only changes when live sessions arrive.
"""

import json
import threading
from dataclasses import dataclass

import numpy as np

from sandbox import names
from sandbox.org import AGENT_TYPES, DAY_MS, MODEL_NAMES
from sandbox.records import cents_text
from sandbox.world import Snapshot, World

BREAKDOWN_SCOPES = ("user", "team", "playbook", "billing_group")


@dataclass(frozen=True)
class ConsumptionTables:
    """Ready JSON rows per month: daily rows and each breakdown scope."""

    daily: dict[str, list[str]]
    breakdowns: dict[tuple[str, str], list[str]]


def _grouped_sums(
    keys: np.ndarray, cost: np.ndarray, tokens: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct keys with exact integer sums of cost and tokens per key."""
    if len(keys) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return (
        sorted_keys[starts],
        np.add.reduceat(cost[order], starts),
        np.add.reduceat(tokens[order], starts),
    )


class Consumption:
    """Builds and caches the consumption answers of one world."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._lock = threading.Lock()
        self._cached: tuple[int, ConsumptionTables] | None = None

    def tables(self, snapshot: Snapshot) -> ConsumptionTables:
        """The rows for the logs of this snapshot (built once per log count)."""
        with self._lock:
            size = len(snapshot.logs)
            if self._cached is None or self._cached[0] != size:
                self._cached = (size, self._build(snapshot))
            return self._cached[1]

    def _build(self, snapshot: Snapshot) -> ConsumptionTables:
        logs = snapshot.logs
        day = logs["inserted"] // DAY_MS
        cost = logs["cost"]
        tokens = logs["prompt"].astype(np.int64) + logs["completion"]
        return ConsumptionTables(
            self._daily(snapshot, day, cost, tokens),
            self._breakdowns(snapshot, day, cost, tokens),
        )

    def _daily(
        self, snapshot: Snapshot, day: np.ndarray, cost: np.ndarray, tokens: np.ndarray
    ) -> dict[str, list[str]]:
        logs = snapshot.logs
        models = len(MODEL_NAMES)
        agent_type = self._world.agent_facts["agent_type"][logs["app"]].astype(np.int64)
        keys = (day * len(AGENT_TYPES) + agent_type) * models + logs["model"]
        keys, cost_sums, token_sums = _grouped_sums(keys, cost, tokens)
        rows: list[tuple[int, str, str, str, int, int]] = []
        for key, cents, total in zip(
            keys.tolist(), cost_sums.tolist(), token_sums.tolist(), strict=True
        ):
            rest, model = divmod(key, models)
            row_day, type_index = divmod(rest, len(AGENT_TYPES))
            rows.append(
                (
                    row_day,
                    AGENT_TYPES[type_index],
                    "model",
                    MODEL_NAMES[model],
                    cents,
                    total,
                )
            )
        services = self._world.services
        for row_day, service, cents, total in zip(
            services["day"].tolist(),
            services["service"].tolist(),
            services["cost"].tolist(),
            services["tokens"].tolist(),
            strict=True,
        ):
            rows.append(
                (row_day, "other", "service", names.SERVICES[service], cents, total)
            )
        rows.sort()
        dates = np.array([row[0] for row in rows], dtype=np.int64)
        date_text = dates.astype("datetime64[D]").astype(str).tolist()
        daily: dict[str, list[str]] = {}
        for text, (_, agent_type_name, category, name, cents, total) in zip(
            date_text, rows, strict=True
        ):
            daily.setdefault(text[:7], []).append(
                f'{{"date":"{text}","agent_type":"{agent_type_name}",'
                f'"category":"{category}","name":"{name}",'
                f'"cost_in_cents":{cents_text(cents)},"total_tokens":{total}}}'
            )
        return daily

    def _breakdowns(
        self, snapshot: Snapshot, day: np.ndarray, cost: np.ndarray, tokens: np.ndarray
    ) -> dict[tuple[str, str], list[str]]:
        logs = snapshot.logs
        world = self._world
        users = world.organization.users
        team_of_user = np.array([user.team for user in users], dtype=np.int64)
        month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        playbook = snapshot.sessions["playbook"][logs["session"]].astype(np.int64)
        groups = {
            "user": (logs["user"].astype(np.int64), np.ones(len(day), dtype=bool)),
            "team": (team_of_user[logs["user"]], np.ones(len(day), dtype=bool)),
            "playbook": (playbook, playbook >= 0),
            "billing_group": (
                world.agent_facts["billing_group"][logs["app"]].astype(np.int64),
                np.ones(len(day), dtype=bool),
            ),
        }
        result: dict[tuple[str, str], list[str]] = {}
        for scope, (member, keep) in groups.items():
            width = int(member.max(initial=0)) + 1
            keys, cost_sums, token_sums = _grouped_sums(
                month[keep] * width + member[keep], cost[keep], tokens[keep]
            )
            months = (keys // width).astype("datetime64[M]").astype(str)
            per_month: dict[str, list[tuple[int, int, int]]] = {}
            for month_text, index, cents, total in zip(
                months.tolist(),
                (keys % width).tolist(),
                cost_sums.tolist(),
                token_sums.tolist(),
                strict=True,
            ):
                per_month.setdefault(month_text, []).append((-cents, index, total))
            for month_text, entries in per_month.items():
                entries.sort()
                result[(scope, month_text)] = [
                    self._breakdown_row(scope, index, -negative, total)
                    for negative, index, total in entries
                ]
        return result

    def _breakdown_row(self, scope: str, index: int, cents: int, total: int) -> str:
        if scope == "user":
            user = self._world.organization.users[index]
            identity, name = user.user_id, user.name
        elif scope == "team":
            identity, name = f"team_{index + 1:02d}", names.TEAMS[index]
        elif scope == "playbook":
            identity, name = f"pbk_{index + 1:02d}", names.PLAYBOOKS[index]
        else:
            identity, name = f"bgr_{index + 1:02d}", names.BILLING_GROUPS[index]
        return (
            f'{{"id":"{identity}","name":{json.dumps(name, ensure_ascii=False)},'
            f'"cost_in_cents":{cents_text(cents)},"total_tokens":{total}}}'
        )

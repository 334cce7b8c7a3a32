"""180 days of activity as numpy columns: sessions, messages, logs, flags, feedback.

Layout (all positions are insertion order, which is what the export streams
walk):

- sessions are ordered by `ended_at_ms` (a session is written when it ends;
  its `inserted_at_ms` is its end) and own a contiguous run of messages;
- messages are grouped by session, in session order; within a session a user
  message (even `seq`) is followed by the agent's answer (odd `seq`);
- log records (one per agent message) are ordered by when the answer was
  produced; flags by `flagged_at_ms`; feedback by `inserted_at_ms`.

Message text is not here: `sandbox.text` makes it on demand.
"""

from dataclasses import dataclass

import numpy as np

from sandbox import names
from sandbox.org import (
    AGENT_TYPES,
    BILLED_AS,
    DAY_MS,
    MODELS,
    WINDOW_DAYS,
    Agent,
    Organization,
    ScaleParams,
)

HOUR_MS = 3_600_000
# Activity starts a little after now - 180 days, so that a client that asks
# from exactly that moment (or a date-only start_date) sees all of it.
WINDOW_MARGIN_MS = 10 * 60_000

# Share of sessions by UTC hour: European and American working hours.
_HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 10, 11, 12, 12, 11, 9, 7, 5, 4, 3, 2, 1],
    dtype=float,
)

Columns = dict[str, np.ndarray]


@dataclass
class Activity:
    """The generated columns of every table, and where the long session is."""

    sessions: Columns
    messages: Columns
    logs: Columns
    flags: Columns
    feedback: Columns
    services: Columns
    long_session: int


def agent_arrays(organization: Organization) -> Columns:
    """Per-agent facts the generators and servers look up by agent index."""
    agents = organization.agents
    return {
        "capable": np.array([a.has_session_logs for a in agents], dtype=bool),
        "topic": np.array([a.topic for a in agents], dtype=np.int16),
        "agent_type": np.array(
            [AGENT_TYPES.index(BILLED_AS[a.kind]) for a in agents], dtype=np.int8
        ),
        "billing_group": np.array([a.billing_group for a in agents], dtype=np.int16),
        "is_writer_agent": np.array(
            [a.kind == "writer_agent" for a in agents], dtype=bool
        ),
    }


def generate_activity(
    rng: np.random.Generator,
    organization: Organization,
    scale: ScaleParams,
    now_ms: int,
) -> Activity:
    """Every session, message, log record, flag and feedback of the window."""
    window_start = now_ms - WINDOW_DAYS * DAY_MS + WINDOW_MARGIN_MS
    agents = organization.agents
    active = [a for a in agents if a.status == "deployed"]
    long_agent = max(
        (a for a in active if a.has_session_logs and a.retention_days == 180),
        key=lambda a: a.activity_weight,
    )

    count = scale.sessions
    weights = np.array([a.activity_weight for a in active])
    s_agent = np.array([a.index for a in active], dtype=np.int16)[
        rng.choice(len(active), count, p=weights / weights.sum())
    ]
    user_weights = 1.0 / np.arange(1, len(organization.users) + 1) ** 0.8
    user_weights = user_weights[rng.permutation(len(user_weights))]
    s_user = rng.choice(
        len(organization.users), count, p=user_weights / user_weights.sum()
    ).astype(np.int32)
    s_start = _session_starts(rng, count, window_start, now_ms)
    s_start = _after_creation(s_agent, s_start, agents, window_start, now_ms)
    turns = 1 + np.floor(rng.lognormal(np.log(scale.turns_median), 0.85, count))
    turns = np.minimum(turns, 60).astype(np.int64)

    # Session 0 (before sorting) is the very long one.
    s_agent[0] = long_agent.index
    turns[0] = scale.long_session_messages // 2
    s_start[0] = now_ms - 75 * DAY_MS + int(rng.integers(0, DAY_MS))

    responses = generate_responses(rng, agents, s_agent, turns)
    _timeline(rng, responses, s_start, turns, now_ms)
    return _assemble(rng, organization, s_agent, s_user, turns, responses, now_ms)


def _session_starts(
    rng: np.random.Generator, count: int, window_start: int, now_ms: int
) -> np.ndarray:
    first_day = window_start // DAY_MS
    last_day = now_ms // DAY_MS
    days = np.arange(first_day, last_day + 1)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    growth = 0.65 + 0.35 * (days - first_day) / max(1, last_day - first_day)
    day_weights = growth * np.where(weekday >= 5, 0.35, 1.0)
    day = rng.choice(days, count, p=day_weights / day_weights.sum())
    hour = rng.choice(24, count, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    start = day * DAY_MS + hour * HOUR_MS + rng.integers(0, HOUR_MS, count)
    latest = now_ms - 2 * HOUR_MS
    outside = (start < window_start) | (start > latest)
    start[outside] = rng.integers(window_start, latest, int(outside.sum()))
    return start.astype(np.int64)


def _after_creation(
    s_agent: np.ndarray,
    s_start: np.ndarray,
    agents: list[Agent],
    window_start: int,
    now_ms: int,
) -> np.ndarray:
    """Squeeze the sessions of agents created inside the window after creation."""
    for agent in agents:
        if agent.created_at_ms <= window_start:
            continue
        mine = s_agent == agent.index
        begin = agent.created_at_ms + HOUR_MS
        share = (s_start[mine] - window_start) / (now_ms - window_start)
        s_start[mine] = begin + (share * (now_ms - 2 * HOUR_MS - begin)).astype(
            np.int64
        )
    return s_start


def generate_responses(
    rng: np.random.Generator,
    agents: list[Agent],
    s_agent: np.ndarray,
    turns: np.ndarray,
) -> Columns:
    """One entry per agent answer, in session order (before sorting)."""
    total = int(turns.sum())
    session = np.repeat(np.arange(len(turns), dtype=np.int32), turns)
    first = np.cumsum(turns) - turns
    turn = np.arange(total) - np.repeat(first, turns)
    app = s_agent[session]

    n_agents = len(agents)
    median_ms = rng.uniform(700, 3500, n_agents)
    p4xx = rng.uniform(0.005, 0.03, n_agents)
    p5xx = rng.uniform(0.003, 0.02, n_agents)
    only_errors = np.array([a.answers_only_errors for a in agents])
    primary = np.array([a.primary_model for a in agents], dtype=np.int8)
    secondary = np.array([a.secondary_model for a in agents], dtype=np.int8)
    secondary_share = np.array([a.secondary_share for a in agents])

    completion = np.clip(rng.lognormal(np.log(260), 0.9, total), 1, 8000)
    context = turn * rng.lognormal(np.log(180), 0.5, total)
    prompt = np.clip(rng.lognormal(np.log(450), 0.7, total) + context, 1, 128_000)

    roll = rng.random(total)
    status = np.full(total, 200, dtype=np.int16)
    is4 = roll < p4xx[app]
    is5 = (~is4) & (roll < p4xx[app] + p5xx[app])
    broken = only_errors[app]
    is5 |= broken & (roll >= 0.2)
    is4 |= broken & (roll < 0.2)
    status[is4] = rng.choice([400, 400, 400, 413, 422, 429], int(is4.sum()))
    status[is5 & ~is4] = rng.choice([500, 500, 502, 503, 504], int((is5 & ~is4).sum()))
    is5 &= ~is4

    body = rng.lognormal(np.log(median_ms[app]), 0.5) * (0.55 + completion / 700)
    tail = rng.random(total) < 0.04
    body[tail] *= 1 + rng.pareto(1.6, int(tail.sum()))
    duration = np.clip(body, 60, 300_000)
    duration[is4] = np.clip(rng.lognormal(np.log(150), 0.6, int(is4.sum())), 10, 5000)
    quick = rng.random(total) < 0.5
    fail_fast = is5 & quick
    duration[fail_fast] = np.clip(
        rng.lognormal(np.log(400), 0.7, int(fail_fast.sum())), 20, 10_000
    )
    timeout = is5 & ~quick
    duration[timeout] = rng.uniform(29_000, 61_000, int(timeout.sum()))
    duration = duration.astype(np.int64)

    completion = np.where(status == 200, completion, 0).astype(np.int64)
    prompt = np.where(is4, 0, prompt).astype(np.int64)
    model = np.where(
        rng.random(total) < secondary_share[app], secondary[app], primary[app]
    ).astype(np.int8)
    price_in = np.array([m[1] for m in MODELS], dtype=np.int64)
    price_out = np.array([m[2] for m in MODELS], dtype=np.int64)
    cost = prompt * price_in[model] + completion * price_out[model]
    recorded = np.where(rng.random(total) < 0.015, -1, duration)

    return {
        "session": session,
        "turn": turn,
        "app": app,
        "duration": duration,
        "recorded_duration": recorded.astype(np.int32),
        "status": status,
        "model": model,
        "prompt": prompt.astype(np.int32),
        "completion": completion.astype(np.int32),
        "cost": cost,
    }


def _timeline(
    rng: np.random.Generator,
    responses: Columns,
    s_start: np.ndarray,
    turns: np.ndarray,
    now_ms: int,
) -> None:
    """Set each turn's question and answer times; shift sessions that overrun."""
    total = len(responses["session"])
    session = responses["session"]
    think = np.clip(rng.lognormal(np.log(40_000), 1.0, total), 2_000, 1_800_000)
    long_turns = session == 0
    think[long_turns] = np.clip(
        rng.lognormal(np.log(420_000), 1.1, int(long_turns.sum())), 10_000, 2 * DAY_MS
    )
    step = responses["duration"] + think.astype(np.int64)
    before = np.cumsum(step) - step
    first = np.cumsum(turns) - turns
    offset = before - before[first][session]
    asked = s_start[session] + offset
    answered = asked + responses["duration"]
    last = first + turns - 1
    overrun = np.maximum(0, answered[last] - (now_ms - 60_000))
    asked -= overrun[session]
    answered -= overrun[session]
    responses["asked"] = asked
    responses["answered"] = answered


def _assemble(
    rng: np.random.Generator,
    organization: Organization,
    s_agent: np.ndarray,
    s_user: np.ndarray,
    turns: np.ndarray,
    responses: Columns,
    now_ms: int,
) -> Activity:
    """Sort everything into insertion order and derive flags and feedback."""
    first = np.cumsum(turns) - turns
    last = first + turns - 1
    s_start = responses["asked"][first]
    s_end = responses["answered"][last]
    order = np.argsort(s_end, kind="stable")
    new_turns = turns[order]
    new_first = np.cumsum(new_turns) - new_turns
    total = int(turns.sum())
    # Old response index for every response in the new session order.
    remap = np.repeat(first[order] - new_first, new_turns) + np.arange(total)
    r = {name: column[remap] for name, column in responses.items()}
    new_session = np.repeat(np.arange(len(order), dtype=np.int32), new_turns)
    long_session = int(np.flatnonzero(order == 0)[0])

    capable = agent_arrays(organization)["capable"]
    sessions: Columns = {
        "app": s_agent[order],
        "user": s_user[order],
        "started": s_start[order],
        "ended": s_end[order],
        "msg_start": 2 * new_first,
        "msg_count": (2 * new_turns).astype(np.int32),
        "playbook": _playbooks(rng, organization, s_agent[order]),
    }

    log_order = np.argsort(r["answered"], kind="stable")
    log_count = len(log_order)
    message_log = np.full(2 * total, -1, dtype=np.int32)
    message_log[2 * log_order + 1] = np.arange(log_count, dtype=np.int32)
    created = np.empty(2 * total, dtype=np.int64)
    created[0::2] = r["asked"]
    created[1::2] = r["answered"]
    messages: Columns = {
        "session": np.repeat(new_session, 2),
        "created": created,
        "log": message_log,
    }
    log_session = new_session[log_order]
    logs: Columns = {
        "inserted": r["answered"][log_order],
        "message": (2 * log_order + 1).astype(np.int32),
        "session": log_session,
        "app": r["app"][log_order],
        "user": sessions["user"][log_session],
        "duration": r["recorded_duration"][log_order],
        "status": r["status"][log_order],
        "model": r["model"][log_order],
        "prompt": r["prompt"][log_order],
        "completion": r["completion"][log_order],
        "cost": r["cost"][log_order],
    }
    return Activity(
        sessions=sessions,
        messages=messages,
        logs=logs,
        flags=_flags(rng, logs, capable, now_ms),
        feedback=_feedback(rng, logs, now_ms),
        services=_services(rng, int(s_start.min()), now_ms),
        long_session=long_session,
    )


def _playbooks(
    rng: np.random.Generator, organization: Organization, s_agent: np.ndarray
) -> np.ndarray:
    writer = agent_arrays(organization)["is_writer_agent"][s_agent]
    chosen = rng.integers(0, len(names.PLAYBOOKS), len(s_agent))
    from_playbook = writer & (rng.random(len(s_agent)) < 0.6)
    return np.where(from_playbook, chosen, -1).astype(np.int16)


def _flags(
    rng: np.random.Generator, logs: Columns, capable: np.ndarray, now_ms: int
) -> Columns:
    """End-user flags on 1-3% of the session-log agents' good answers."""
    n_agents = len(capable)
    rate = rng.uniform(0.01, 0.03, n_agents)
    app = logs["app"]
    chosen = capable[app] & (logs["status"] == 200) & (rng.random(len(app)) < rate[app])
    picked = np.flatnonzero(chosen)
    delay = np.clip(rng.lognormal(np.log(900_000), 1.3, len(picked)), 5_000, 3 * DAY_MS)
    flagged = np.minimum(
        logs["inserted"][picked] + delay.astype(np.int64), now_ms - 1000
    )
    order = np.argsort(flagged, kind="stable")
    picked = picked[order]
    count = len(picked)
    return {
        "log": picked.astype(np.int32),
        "message": logs["message"][picked],
        "session": logs["session"][picked],
        "app": app[picked],
        "user": logs["user"][picked],
        "reason": (rng.random(count) < 0.3).astype(np.int8),  # 1: inappropriate
        "has_comment": (rng.random(count) < 0.6).astype(np.int8),
        "flagged": flagged[order],
    }


def _feedback(rng: np.random.Generator, logs: Columns, now_ms: int) -> Columns:
    """Thumbs up or down on about 3% of good answers, of any agent."""
    size = len(logs["app"])
    chosen = (logs["status"] == 200) & (rng.random(size) < 0.03)
    picked = np.flatnonzero(chosen)
    delay = np.clip(rng.lognormal(np.log(60_000), 1.0, len(picked)), 1_000, DAY_MS)
    emitted = np.minimum(
        logs["inserted"][picked] + delay.astype(np.int64), now_ms - 2000
    )
    inserted = np.minimum(emitted + rng.integers(200, 90_000, len(picked)), now_ms - 1)
    order = np.argsort(inserted, kind="stable")
    count = len(picked)
    return {
        "log": picked[order].astype(np.int32),
        "rating": (rng.random(count) < 0.62).astype(np.int8),  # 1: positive
        "has_comment": (rng.random(count) < 0.45).astype(np.int8),
        "emitted": emitted[order],
        "inserted": inserted[order],
    }


def _services(rng: np.random.Generator, first_ms: int, now_ms: int) -> Columns:
    """Daily service line items (web search, knowledge graph, ...) per day."""
    days = np.arange(first_ms // DAY_MS, now_ms // DAY_MS + 1)
    presence = (0.97, 0.85, 0.6, 0.3)
    median_ucents = (2_500_000, 6_000_000, 1_200_000, 800_000)
    token_median = (0, 400_000, 150_000, 60_000)
    day_list, service, cost, tokens = [], [], [], []
    for index in range(len(names.SERVICES)):
        present = days[rng.random(len(days)) < presence[index]]
        day_list.append(present)
        service.append(np.full(len(present), index, dtype=np.int8))
        cost.append(
            rng.lognormal(np.log(median_ucents[index]), 0.6, len(present)).astype(
                np.int64
            )
        )
        if token_median[index]:
            tokens.append(
                rng.lognormal(np.log(token_median[index]), 0.5, len(present)).astype(
                    np.int64
                )
            )
        else:
            tokens.append(np.zeros(len(present), dtype=np.int64))
    return {
        "day": np.concatenate(day_list),
        "service": np.concatenate(service),
        "cost": np.concatenate(cost),
        "tokens": np.concatenate(tokens),
    }

"""The synthetic organisation: its users, its agents and their settings story.

Everything is drawn from one numpy generator, so a seed always gives the same
people and agents. Small Python objects are fine here: even the large scale
has only a couple of thousand users and a hundred agents.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np

from sandbox import names

DAY_MS = 86_400_000
WINDOW_DAYS = 180

# Name, price per prompt token, price per completion token, both in millionths
# of a cent (palmyra-x5 at 0.60 USD per million prompt tokens is 60).
MODELS: tuple[tuple[str, int, int], ...] = (
    ("palmyra-x5", 60, 600),
    ("palmyra-x4", 250, 1000),
    ("palmyra-fin", 500, 1500),
    ("palmyra-med", 500, 1500),
    ("palmyra-creative", 250, 1000),
)
MODEL_NAMES = tuple(model[0] for model in MODELS)

KINDS = ("no_code", "writer_agent", "prebuilt", "api", "framework")
SESSION_LOG_KINDS = ("no_code", "writer_agent")
# How each kind is billed in the daily consumption.
AGENT_TYPES = ("api", "framework", "no_code", "other")
BILLED_AS = {
    "no_code": "no_code",
    "writer_agent": "no_code",
    "prebuilt": "no_code",
    "api": "api",
    "framework": "framework",
}
RETENTION_CHOICES = (0, 7, 30, 90, 180)
# How often each model is an agent's main one.
_MODEL_SHARE = np.array([0.55, 0.2, 0.1, 0.05, 0.1])


@dataclass(frozen=True)
class ScaleParams:
    """How big an organisation each `--scale` generates."""

    users: int
    admins: int
    agents: int
    writer_agents: int
    sessions: int
    turns_median: float
    long_session_messages: int


SCALE_PARAMS = {
    "small": ScaleParams(40, 3, 20, 1, 600, 2.6, 240),
    "medium": ScaleParams(220, 5, 40, 2, 28_000, 3.6, 2_000),
    "large": ScaleParams(1_500, 7, 80, 3, 240_000, 3.2, 10_000),
}


@dataclass(frozen=True)
class User:
    """One person in the organisation; `team` indexes `names.TEAMS`."""

    index: int
    user_id: str
    name: str
    email: str
    role: str
    team: int


@dataclass(frozen=True)
class Agent:
    """One application, with the knobs its activity is generated from."""

    index: int
    application_id: str
    name: str
    kind: str
    app_type: str
    status: str
    created_at_ms: int
    updated_at_ms: int
    last_deployed_at_ms: int | None
    inputs: tuple[tuple[str, str], ...]
    topic: int
    creator: int
    billing_group: int
    primary_model: int
    secondary_model: int
    secondary_share: float
    activity_weight: float
    answers_only_errors: bool
    retention_days: int

    @property
    def has_session_logs(self) -> bool:
        """Whether this kind of agent can keep session logs at all."""
        return self.kind in SESSION_LOG_KINDS


@dataclass(frozen=True)
class SettingsEvent:
    """A settings change seeded into the organisation's past."""

    at_ms: int
    by_user: int
    agent: int | None  # None: the organisation's logging switch
    value: int  # retention days, or 1/0 for the switch


@dataclass
class Organization:
    """The people, agents and settings story of one synthetic organisation."""

    organization_id: str
    name: str
    created_at_ms: int
    users: list[User]
    agents: list[Agent]
    settings_events: list[SettingsEvent] = field(default_factory=list)

    @property
    def admin_user(self) -> User:
        """The user the admin key belongs to."""
        return self.users[0]

    @property
    def member_user(self) -> User:
        """The user the member key belongs to."""
        return next(user for user in self.users if user.role == "member")

    @property
    def admins(self) -> list[User]:
        """Every organisation admin, who all get settings e-mails."""
        return [user for user in self.users if user.role == "admin"]


def iso_ms(ms: int) -> str:
    """ISO 8601 UTC text for epoch milliseconds, to the second, with a Z."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_organization(
    rng: np.random.Generator, scale: ScaleParams, now_ms: int
) -> Organization:
    """A deterministic organisation for `rng`'s seed at this scale and now."""
    created_at_ms = now_ms - int(rng.integers(400, 700)) * DAY_MS
    organization_id = f"org_{int(rng.integers(0, 16**4)):04x}"
    org_name = names.ORGANIZATION_NAMES[
        int(rng.integers(len(names.ORGANIZATION_NAMES)))
    ]
    users = _users(rng, scale)
    agents = _agents(rng, scale, users, created_at_ms, now_ms)
    organization = Organization(organization_id, org_name, created_at_ms, users, agents)
    organization.settings_events = _settings_story(rng, organization, now_ms)
    return organization


def _users(rng: np.random.Generator, scale: ScaleParams) -> list[User]:
    people: list[tuple[str, str]] = []
    natives = list(names.NATIVE_NAMES)
    awkward = [
        ("[bold]Kai[/bold] Moss", "kai.moss"),
        ("Robert'); DROP TABLE users;--", "bobby.tables"),
    ]
    seen: set[str] = set()
    for index in range(scale.users):
        if index % 9 == 4 and natives:
            name, local = natives.pop(0)
        elif index % 17 == 11 and awkward:
            name, local = awkward.pop(0)
        else:
            first = names.FIRST_NAMES[int(rng.integers(len(names.FIRST_NAMES)))]
            last = names.LAST_NAMES[int(rng.integers(len(names.LAST_NAMES)))]
            name = f"{first} {last}"
            local = _email_local(f"{first}.{last}")
        base, suffix = local, 2
        while local in seen:
            local, suffix = f"{base}{suffix}", suffix + 1
        seen.add(local)
        people.append((name, f"{local}@example.com"))
    admin_indexes = {0} | {
        int(i) for i in rng.choice(np.arange(2, scale.users), scale.admins - 1, False)
    }
    return [
        User(
            index,
            f"usr_{index + 1:04d}",
            name,
            email,
            "admin" if index in admin_indexes else "member",
            int(rng.integers(len(names.TEAMS))),
        )
        for index, (name, email) in enumerate(people)
    ]


def _email_local(text: str) -> str:
    folded = (
        text.lower()
        .replace("é", "e")
        .replace("è", "e")
        .replace("á", "a")
        .replace("í", "i")
        .replace("ó", "o")
        .replace("ı", "i")
        .replace("ö", "o")
        .replace("ü", "u")
        .replace("'", "")
    )
    return "".join(char for char in folded if char.isascii() and char != " ")


def _kind_plan(scale: ScaleParams) -> list[str]:
    count = scale.agents
    prebuilt = round(count * 0.15)
    api = round(count * 0.2)
    framework = round(count * 0.12)
    no_code = count - scale.writer_agents - prebuilt - api - framework
    return (
        ["no_code"] * no_code
        + ["writer_agent"] * scale.writer_agents
        + ["prebuilt"] * prebuilt
        + ["api"] * api
        + ["framework"] * framework
    )


def _agent_name(kind: str, topic: int, ordinal: int) -> str:
    if kind == "writer_agent":
        return names.WRITER_AGENT_NAMES[ordinal % len(names.WRITER_AGENT_NAMES)]
    pool = {
        "prebuilt": names.PREBUILT_NAMES,
        "api": names.API_NAMES,
        "framework": names.FRAMEWORK_NAMES,
    }.get(kind)
    if pool is None:
        pool = names.TOPICS[topic]["agents"]
    name = pool[ordinal % len(pool)]
    lap = ordinal // len(pool)
    return name if lap == 0 else f"{name} {lap + 1}"


def _agents(
    rng: np.random.Generator,
    scale: ScaleParams,
    users: list[User],
    org_created_ms: int,
    now_ms: int,
) -> list[Agent]:
    plan = _kind_plan(scale)
    order = rng.permutation(len(plan))
    kinds = [plan[i] for i in order]
    window_start = now_ms - WINDOW_DAYS * DAY_MS
    no_code_seen = 0
    drafts: set[int] = set()
    per_name: dict[tuple[str, int], int] = {}
    for index, kind in enumerate(kinds):
        if kind == "no_code":
            no_code_seen += 1
            # Every eighth custom agent is still a draft.
            if no_code_seen % 8 == 3:
                drafts.add(index)
    first_api = next(i for i, kind in enumerate(kinds) if kind == "api")
    drafts.add(first_api)

    ranks = rng.permutation(len(kinds))
    agents: list[Agent] = []
    for index, kind in enumerate(kinds):
        topic = int(rng.integers(len(names.TOPICS)))
        key = (kind, topic if kind == "no_code" else -1)
        ordinal = per_name.get(key, 0)
        per_name[key] = ordinal + 1
        draft = index in drafts
        recent = (not draft) and index % 11 == 7
        if recent:
            created = window_start + int(rng.integers(40, 120)) * DAY_MS
        else:
            created = org_created_ms + int(rng.integers(5, 150)) * DAY_MS
        created += int(rng.integers(0, DAY_MS))
        updated = min(now_ms - DAY_MS, created + int(rng.integers(1, 90)) * DAY_MS)
        updated = max(updated, created)
        primary = 0 if kind == "writer_agent" else int(rng.choice(5, p=_MODEL_SHARE))
        secondary = int(rng.integers(len(MODELS)))
        app_type = {"no_code": ("generation", "chat", "research")[topic % 3]}.get(
            kind, "chat"
        )
        inputs: tuple[tuple[str, str], ...] = ()
        if app_type == "generation":
            inputs = (("Instructions", "text"), ("Reference document", "file"))
        weight = 1.0 / (1 + int(ranks[index])) ** 0.9
        weight *= {"prebuilt": 0.5, "api": 1.2, "framework": 0.6}.get(kind, 1.0)
        agents.append(
            Agent(
                index=index,
                application_id=f"app_{index + 1:04d}",
                name=_agent_name(kind, topic, ordinal),
                kind=kind,
                app_type=app_type,
                status="draft" if draft else "deployed",
                created_at_ms=created,
                updated_at_ms=updated,
                last_deployed_at_ms=None if draft else updated,
                inputs=inputs,
                topic=topic,
                creator=int(rng.integers(len(users))),
                billing_group=int(rng.integers(len(names.BILLING_GROUPS))),
                primary_model=primary,
                secondary_model=secondary,
                secondary_share=float(rng.choice([0.0, 0.0, 0.1, 0.25])),
                activity_weight=0.0 if draft else weight,
                answers_only_errors=False,
                retention_days=0,
            )
        )
    return _assign_roles(rng, agents)


def _assign_roles(rng: np.random.Generator, agents: list[Agent]) -> list[Agent]:
    """Pick the busiest agents, the broken one and every retention."""
    capable = [a for a in agents if a.has_session_logs and a.status == "deployed"]
    capable.sort(key=lambda a: -a.activity_weight)
    # The two busiest session-log agents lead the activity and keep 180 days,
    # so that long histories exist; one quiet custom agent answers only errors.
    top_weight = max(a.activity_weight for a in agents)
    updates: dict[int, dict[str, object]] = {
        capable[0].index: {"activity_weight": top_weight * 2.4, "retention_days": 180},
        capable[1].index: {"activity_weight": top_weight * 1.6, "retention_days": 180},
    }
    broken = next(a for a in reversed(capable) if a.kind == "no_code")
    updates[broken.index] = {"answers_only_errors": True, "retention_days": 30}
    rest = [a for a in capable[2:] if a.index != broken.index]
    pattern = list(RETENTION_CHOICES) * (1 + len(rest) // len(RETENTION_CHOICES))
    shuffled = [pattern[int(i)] for i in rng.permutation(len(rest))]
    for agent, days in zip(rest, shuffled, strict=False):
        updates[agent.index] = {"retention_days": days}
        if agent.kind == "no_code" and agent.activity_weight > 0:
            updates[agent.index]["activity_weight"] = agent.activity_weight * 1.5
    for agent in agents:
        if agent.has_session_logs and agent.status == "draft":
            updates[agent.index] = {"retention_days": 7}
        if agent.kind == "writer_agent" and agent.index not in (
            capable[0].index,
            capable[1].index,
        ):
            # Writer Agent is used across the organisation, with playbooks.
            updates.setdefault(agent.index, {})["activity_weight"] = top_weight * 0.5
    return [replace(a, **updates.get(a.index, {})) for a in agents]  # type: ignore[arg-type]


def _settings_story(
    rng: np.random.Generator, organization: Organization, now_ms: int
) -> list[SettingsEvent]:
    """The changes that led to today's settings, a few of them recent."""
    admins = [user.index for user in organization.admins]

    def admin() -> int:
        return admins[int(rng.integers(len(admins)))]

    events = [
        SettingsEvent(organization.created_at_ms + 2 * DAY_MS, admins[0], None, 1)
    ]
    capable = [a for a in organization.agents if a.has_session_logs]
    stories = {"turned_up": False, "turned_off": False, "late_start": False}
    for agent in capable:
        first_set = max(
            agent.created_at_ms + int(rng.integers(1, 6)) * DAY_MS,
            organization.created_at_ms + 3 * DAY_MS,
        )
        final = agent.retention_days
        busiest = (
            agent.activity_weight
            >= max(a.activity_weight for a in organization.agents) * 0.5
        )
        if final == 90 and not stories["turned_up"] and not busiest:
            stories["turned_up"] = True
            events.append(SettingsEvent(first_set, admin(), agent.index, 30))
            events.append(SettingsEvent(now_ms - 50 * DAY_MS, admin(), agent.index, 90))
        elif final == 0 and not stories["turned_off"]:
            stories["turned_off"] = True
            events.append(SettingsEvent(first_set, admin(), agent.index, 30))
            events.append(SettingsEvent(now_ms - 20 * DAY_MS, admin(), agent.index, 0))
        elif final == 30 and not stories["late_start"] and not busiest:
            stories["late_start"] = True
            events.append(SettingsEvent(now_ms - 12 * DAY_MS, admin(), agent.index, 30))
        elif final > 0:
            events.append(SettingsEvent(first_set, admin(), agent.index, final))
    events.sort(key=lambda event: event.at_ms)
    return events

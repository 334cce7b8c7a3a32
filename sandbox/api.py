"""The endpoints of docs/api.md, as functions from a request to a reply.

Nothing here touches sockets: `sandbox.server` parses HTTP into a `Request`,
asks `Api.handle` for a `Reply` and writes it. Faults are decided by the
server; the API only needs to know whether to spoil an export page.
"""

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np

from sandbox.config import parse_iso_ms
from sandbox.consumption import BREAKDOWN_SCOPES, Consumption
from sandbox.errors import BadSandboxConfig
from sandbox.org import DAY_MS, RETENTION_CHOICES, Agent, User, iso_ms
from sandbox.records import (
    feedback_records,
    flag_records,
    history_record,
    log_records,
    message_records,
    session_records,
)
from sandbox.settings import HistoryEntry
from sandbox.streams import Cursor, CursorCodec, InvalidCursor, Mask, select_page
from sandbox.truth import truth_metrics
from sandbox.world import Snapshot, World

DEFAULT_WINDOW_MS = 90 * DAY_MS
JSON_TYPE = "application/json; charset=utf-8"
OBSERVABILITY = "/api/observability/v1/organization/"
BILLING = "/api/billing/v1/organization/"


class ApiError(Exception):
    """An error answer: HTTP status, a machine code and one line of detail."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Request:
    """One HTTP request as the API sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    authorization: str | None
    client_host: str

    @classmethod
    def parse(
        cls,
        method: str,
        target: str,
        body: bytes,
        authorization: str | None,
        client_host: str,
    ) -> "Request":
        """A request from the raw request line's target."""
        parts = urlsplit(target)
        return cls(
            method,
            unquote(parts.path).rstrip("/") or "/",
            parse_qs(parts.query, keep_blank_values=True),
            body,
            authorization,
            client_host,
        )

    def one(self, name: str) -> str | None:
        """A query parameter's last value, or None."""
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass
class Reply:
    """What to send back: status, JSON body and extra headers."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """Whom a valid key belongs to."""

    user: User
    role: str


@dataclass(frozen=True)
class Route:
    """One endpoint: method, path pattern, who may call it, what answers."""

    method: str
    pattern: re.Pattern[str]
    access: str  # sandbox, any or admin
    handler: Callable[..., Reply]


def json_reply(payload: object, status: int = 200) -> Reply:
    """A reply carrying `payload` as JSON."""
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode())


def raw_reply(text: str, status: int = 200) -> Reply:
    """A reply whose JSON text is already built."""
    return Reply(status, text.encode())


def error_reply(path: str, error: ApiError) -> Reply:
    """The error body in the style of the endpoint family (`code` or `tpe`)."""
    if path.startswith(BILLING):
        payload: dict[str, object] = {
            "tpe": error.code,
            "errors": [{"key": error.code, "description": error.detail}],
        }
    else:
        payload = {"code": error.code, "detail": error.detail}
    return json_reply(payload, error.status)


def _int_param(
    request: Request, name: str, default: int, low: int, high: int | None
) -> int:
    text = request.one(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, "invalid_parameter", f"{name} must be an integer") from None
    if value < low or (high is not None and value > high):
        limit = f"{low} to {high}" if high is not None else f"at least {low}"
        raise ApiError(400, "invalid_parameter", f"{name} must be {limit}")
    return value


def _parse_id(text: str, prefix: str, count: int) -> int | None:
    """The index of an id like `ses_00000042`, or None if it names nothing."""
    if not text.startswith(prefix) or not text[len(prefix) :].isdigit():
        return None
    index = int(text[len(prefix) :]) - 1
    return index if 0 <= index < count else None


class Api:
    """Answers every endpoint for one world; shared by all server threads."""

    def __init__(self, world: World, admin_key: str, member_key: str) -> None:
        self.world = world
        organization = world.organization
        self._keys = {
            admin_key: Identity(organization.admin_user, "admin"),
            member_key: Identity(organization.member_user, "member"),
        }
        secret = f"{world.config.seed}:{organization.organization_id}".encode()
        self.codec = CursorCodec(secret)
        self.consumption = Consumption(world)
        self.outbox: list[dict[str, object]] = []
        self._outbox_lock = threading.Lock()
        self.routes = self._routes()
        # Flag verdicts keep their own state and routes (imported here because
        # that module builds on this one).
        from sandbox.verdicts import VerdictEndpoints

        self.verdicts = VerdictEndpoints(self)
        self.routes += self.verdicts.routes()

    def _routes(self) -> list[Route]:
        org = r"(?P<org>[^/]+)"
        logs = rf"{re.escape(OBSERVABILITY)}{org}/session-logs"
        table: list[tuple[str, str, str, Callable[..., Reply]]] = [
            ("GET", r"/v1/me", "any", self.me),
            ("GET", r"/v1/applications", "any", self.applications),
            ("GET", r"/v1/applications/(?P<app>[^/]+)", "any", self.application),
            ("GET", rf"{re.escape(OBSERVABILITY)}{org}/users", "any", self.users),
            (
                "GET",
                rf"{re.escape(OBSERVABILITY)}{org}/logs/export",
                "any",
                self.logs_export,
            ),
            (
                "GET",
                rf"{re.escape(OBSERVABILITY)}{org}/agent-feedback/export",
                "any",
                self.feedback_export,
            ),
            ("GET", rf"{logs}/settings", "admin", self.settings),
            ("PUT", rf"{logs}/settings", "admin", self.put_logging),
            (
                "PUT",
                rf"{logs}/settings/agents/(?P<app>[^/]+)",
                "admin",
                self.put_retention,
            ),
            ("GET", rf"{logs}/settings/history", "admin", self.history_export),
            ("GET", rf"{logs}/sessions/export", "admin", self.sessions_export),
            ("GET", rf"{logs}/messages/export", "admin", self.messages_export),
            (
                "GET",
                rf"{logs}/sessions/(?P<session>[^/]+)/messages",
                "admin",
                self.transcript,
            ),
            ("GET", rf"{logs}/flags/export", "admin", self.flags_export),
            (
                "GET",
                rf"{re.escape(BILLING)}{org}/consumption/daily",
                "admin",
                self.daily,
            ),
            (
                "GET",
                rf"{re.escape(BILLING)}{org}/consumption/breakdown/(?P<scope>[^/]+)",
                "admin",
                self.breakdown,
            ),
            ("GET", r"/sandbox/stats", "sandbox", self.stats),
            ("GET", r"/sandbox/truth/metrics", "sandbox", self.truth),
            ("GET", r"/sandbox/outbox", "sandbox", self.outbox_list),
            ("POST", r"/sandbox/live/step", "sandbox", self.live_step),
        ]
        return [
            Route(method, re.compile(pattern + r"\Z"), access, handler)
            for method, pattern, access, handler in table
        ]

    def route(self, request: Request) -> tuple[Route, dict[str, str]]:
        """The endpoint a request is for; 404 or 405 when there is none."""
        allowed = False
        for route in self.routes:
            found = route.pattern.match(request.path)
            if found is None:
                continue
            if route.method == request.method:
                return route, found.groupdict()
            allowed = True
        if allowed:
            raise ApiError(405, "method_not_allowed", f"{request.method} not allowed")
        raise ApiError(404, "not_found", f"no endpoint at {request.path}")

    def authorize(
        self, request: Request, route: Route, params: dict[str, str]
    ) -> Identity:
        """Who is calling; 401 for a missing or unknown key, 403 for no right."""
        header = request.authorization or ""
        scheme, _, key = header.partition(" ")
        identity = self._keys.get(key.strip()) if scheme.lower() == "bearer" else None
        if identity is None:
            raise ApiError(401, "unauthorized", "missing or unknown API key")
        organization_id = self.world.organization.organization_id
        if params.get("org", organization_id) != organization_id:
            raise ApiError(403, "forbidden", "this key cannot read that organisation")
        if route.access == "admin" and identity.role != "admin":
            raise ApiError(403, "forbidden", "this endpoint needs an admin key")
        return identity

    # Identity and applications ------------------------------------------------

    def me(self, request: Request, identity: Identity, **_: object) -> Reply:
        """`GET /v1/me`."""
        organization = self.world.organization
        return json_reply(
            {
                "user_id": identity.user.user_id,
                "name": identity.user.name,
                "email": identity.user.email,
                "organization_id": organization.organization_id,
                "organization_name": organization.name,
                "role": identity.role,
                "server_time_ms": self.world.clock.now_ms(),
            }
        )

    def _application(self, agent: Agent) -> dict[str, object]:
        return {
            "id": agent.application_id,
            "name": agent.name,
            "type": agent.app_type,
            "status": agent.status,
            "created_at": iso_ms(agent.created_at_ms),
            "updated_at": iso_ms(agent.updated_at_ms),
            "last_deployed_at": (
                iso_ms(agent.last_deployed_at_ms)
                if agent.last_deployed_at_ms is not None
                else None
            ),
            "inputs": [
                {"name": name, "input_type": kind} for name, kind in agent.inputs
            ],
            "kind": agent.kind,
        }

    def applications(self, request: Request, **_: object) -> Reply:
        """`GET /v1/applications`: Writer's list paging by id."""
        order = request.one("order") or "desc"
        if order not in ("asc", "desc"):
            raise ApiError(400, "invalid_parameter", "order must be asc or desc")
        limit = _int_param(request, "limit", 50, 1, 100)
        after, before = request.one("after"), request.one("before")
        if after and before:
            raise ApiError(400, "invalid_parameter", "give after or before, not both")
        agents = sorted(
            self.world.organization.agents,
            key=lambda a: (a.created_at_ms, a.application_id),
            reverse=order == "desc",
        )
        ids = [a.application_id for a in agents]
        for name, value in (("after", after), ("before", before)):
            if value and value not in ids:
                raise ApiError(400, "invalid_parameter", f"{name} names no application")
        if before:
            end = ids.index(before)
            start = max(0, end - limit)
            has_more = start > 0
        else:
            start = ids.index(after) + 1 if after else 0
            end = min(len(ids), start + limit)
            has_more = end < len(ids)
        page = agents[start:end]
        return json_reply(
            {
                "data": [self._application(a) for a in page],
                "has_more": has_more,
                "first_id": page[0].application_id if page else None,
                "last_id": page[-1].application_id if page else None,
            }
        )

    def application(self, request: Request, app: str, **_: object) -> Reply:
        """`GET /v1/applications/{id}`."""
        index = self.world.agent_ids.get(app)
        if index is None:
            raise ApiError(404, "not_found", f"no application {app}")
        return json_reply(self._application(self.world.organization.agents[index]))

    def users(self, request: Request, **_: object) -> Reply:
        """`GET .../users`: offset paging."""
        limit = _int_param(request, "limit", 100, 1, 500)
        offset = _int_param(request, "offset", 0, 0, None)
        users = self.world.organization.users
        return json_reply(
            {
                "data": [
                    {
                        "user_id": user.user_id,
                        "name": user.name,
                        "email": user.email,
                        "role": user.role,
                    }
                    for user in users[offset : offset + limit]
                ],
                "limit": limit,
                "offset": offset,
                "total": len(users),
            }
        )

    # Export streams -------------------------------------------------------------

    def _stream(
        self,
        request: Request,
        stream: str,
        snapshot: Snapshot,
        length: int,
        first_position: Callable[[int], int],
        mask: Callable[[int], Mask],
        render: Callable[[np.ndarray], list[str]],
        spoil: bool,
        filtered: bool = False,
    ) -> Reply:
        """One page of an export stream, per the cursor scheme of docs/api.md."""
        limit = _int_param(request, "limit", 1000, 1, 5000)
        fmt = request.one("format")
        if fmt not in (None, "", "native"):
            raise ApiError(400, "unsupported_format", "only format=native is served")
        token = request.one("cursor")
        if token:
            try:
                cursor = self.codec.decode(token, stream)
            except InvalidCursor as error:
                raise ApiError(400, "invalid_cursor", str(error)) from None
        else:
            cursor = self._first_cursor(
                request, stream, snapshot, length, first_position, filtered
            )
        page = select_page(self.codec, cursor, length, mask(cursor.application), limit)
        items = render(page.positions)
        if spoil:
            items = self._spoiled(items, stream)
        next_token = self.codec.encode(page.next_cursor)
        more = "true" if page.has_more else "false"
        head = '{"result":['
        tail = (
            f'],"pagination":{{"limit":{limit},"has_more":{more},'
            f'"next_cursor":"{next_token}"}}}}'
        )
        # A page runs to megabytes: glue the ends onto the first and last
        # records rather than copying the whole joined text once more.
        if items:
            items[0] = head + items[0]
            items[-1] += tail
            body = ",".join(items)
        else:
            body = head + tail
        return Reply(200, body.encode(), [("x-next-cursor", next_token)])

    def _first_cursor(
        self,
        request: Request,
        stream: str,
        snapshot: Snapshot,
        length: int,
        first_position: Callable[[int], int],
        filtered: bool,
    ) -> Cursor:
        order = request.one("order") or "tail"
        if order not in ("tail", "browse"):
            raise ApiError(400, "invalid_parameter", "order must be tail or browse")
        start_text = request.one("start_date")
        if start_text:
            try:
                start_ms = parse_iso_ms(start_text)
            except BadSandboxConfig:
                raise ApiError(
                    400, "invalid_parameter", "start_date must be ISO 8601"
                ) from None
        else:
            start_ms = snapshot.now_ms - DEFAULT_WINDOW_MS
        application = -1
        app_text = request.one("application_id")
        if filtered and app_text:
            index = self.world.agent_ids.get(app_text)
            if index is None:
                raise ApiError(404, "unknown_application", f"no application {app_text}")
            application = index
        floor = first_position(start_ms)
        position = floor if order == "tail" else length
        return Cursor(stream, order, position, floor, application)

    def _spoiled(self, items: list[str], stream: str) -> list[str]:
        """The page with one extra record that breaks the contract."""
        id_field = {
            "logs": "log_id",
            "feedback": "feedback_id",
            "sessions": "session_id",
            "messages": "message_id",
            "flags": "flag_id",
            "history": "change_id",
        }[stream]
        variant = len(items) % 3
        if items:
            bad: dict[str, object] = json.loads(items[len(items) // 2])
        else:
            bad = {id_field: "x", "inserted_at_ms": 0}
        if variant == 0:
            del bad[id_field]
        elif variant == 1:
            bad[id_field] = 12345
        else:
            bad[id_field] = f"{id_field[:3]}_malformed_{len(items)}"
            bad["inserted_at_ms"] = "yesterday"
        spoiled = list(items)
        spoiled.insert(len(items) // 2, json.dumps(bad, ensure_ascii=False))
        return spoiled

    def logs_export(self, request: Request, spoil: bool = False, **_: object) -> Reply:
        """`GET .../logs/export`: every log record, no retention."""
        snapshot = self.world.snapshot()
        inserted = snapshot.logs["inserted"]
        return self._stream(
            request,
            "logs",
            snapshot,
            len(snapshot.logs),
            lambda ms: int(np.searchsorted(inserted, ms, "left")),
            lambda _app: None,
            lambda positions: log_records(snapshot, positions),
            spoil,
        )

    def feedback_export(
        self, request: Request, spoil: bool = False, **_: object
    ) -> Reply:
        """`GET .../agent-feedback/export`."""
        snapshot = self.world.snapshot()
        inserted = snapshot.feedback["inserted"]
        return self._stream(
            request,
            "feedback",
            snapshot,
            len(snapshot.feedback),
            lambda ms: int(np.searchsorted(inserted, ms, "left")),
            lambda _app: None,
            lambda positions: feedback_records(self.world, snapshot, positions),
            spoil,
        )

    def _session_mask(
        self, snapshot: Snapshot
    ) -> Callable[[np.ndarray, int], np.ndarray]:
        """Per session index array, whether it is served, as a lookup."""
        floors = self.world.settings.floors(snapshot.now_ms)
        sessions = snapshot.sessions
        started, apps = sessions["started"], sessions["app"]

        def served(indexes: np.ndarray, application: int) -> np.ndarray:
            app = apps[indexes]
            keep = started[indexes] >= floors[app]
            return keep & (app == application) if application >= 0 else keep

        return served

    def sessions_export(
        self, request: Request, spoil: bool = False, **_: object
    ) -> Reply:
        """`GET .../session-logs/sessions/export`: retained sessions only."""
        snapshot = self.world.snapshot()
        served = self._session_mask(snapshot)
        ended = snapshot.sessions["ended"]
        return self._stream(
            request,
            "sessions",
            snapshot,
            len(snapshot.sessions),
            lambda ms: int(np.searchsorted(ended, ms, "left")),
            lambda app: lambda a, b: served(np.arange(a, b), app),
            lambda positions: session_records(snapshot, positions),
            spoil,
            filtered=True,
        )

    def messages_export(
        self, request: Request, spoil: bool = False, **_: object
    ) -> Reply:
        """`GET .../session-logs/messages/export`: messages of retained sessions."""
        snapshot = self.world.snapshot()
        served = self._session_mask(snapshot)
        sessions = snapshot.sessions
        of_session = snapshot.messages["session"]

        def first_position(ms: int) -> int:
            session = int(np.searchsorted(sessions["ended"], ms, "left"))
            if session >= len(sessions):
                return len(snapshot.messages)
            return int(sessions["msg_start"][session])

        return self._stream(
            request,
            "messages",
            snapshot,
            len(snapshot.messages),
            first_position,
            lambda app: lambda a, b: served(of_session[a:b], app),
            lambda positions: message_records(self.world, snapshot, positions),
            spoil,
            filtered=True,
        )

    def flags_export(self, request: Request, spoil: bool = False, **_: object) -> Reply:
        """`GET .../session-logs/flags/export`: flags of retained sessions."""
        snapshot = self.world.snapshot()
        served = self._session_mask(snapshot)
        flagged = snapshot.flags["flagged"]
        of_session = snapshot.flags["session"]
        return self._stream(
            request,
            "flags",
            snapshot,
            len(snapshot.flags),
            lambda ms: int(np.searchsorted(flagged, ms, "left")),
            lambda app: lambda a, b: served(of_session[a:b], app),
            lambda positions: flag_records(self.world, snapshot, positions),
            spoil,
            filtered=True,
        )

    def history_export(
        self, request: Request, spoil: bool = False, **_: object
    ) -> Reply:
        """`GET .../session-logs/settings/history`."""
        snapshot = self.world.snapshot()
        history = list(self.world.settings.history)
        changed = np.array([entry.changed_at_ms for entry in history], dtype=np.int64)
        return self._stream(
            request,
            "history",
            snapshot,
            len(history),
            lambda ms: int(np.searchsorted(changed, ms, "left")),
            lambda _app: None,
            lambda positions: [history_record(history[p]) for p in positions.tolist()],
            spoil,
        )

    def transcript(self, request: Request, session: str, **_: object) -> Reply:
        """`GET .../session-logs/sessions/{id}/messages`: one retained transcript."""
        snapshot = self.world.snapshot()
        index = _parse_id(session, "ses_", len(snapshot.sessions))
        served = self._session_mask(snapshot)
        if index is None or not bool(served(np.array([index]), -1)[0]):
            raise ApiError(404, "not_found", f"no retained session {session}")
        start = int(snapshot.sessions["msg_start"][index])
        count = int(snapshot.sessions["msg_count"][index])
        positions = np.arange(start, start + count, dtype=np.int64)
        items = message_records(self.world, snapshot, positions)
        return raw_reply('{"data":[' + ",".join(items) + "]}")

    # Settings ------------------------------------------------------------------

    def _settings_payload(self) -> dict[str, object]:
        world = self.world
        settings = world.settings
        agents = []
        for agent in world.organization.agents:
            if not agent.has_session_logs:
                continue
            setting = settings.agent_setting(agent.index)
            agents.append(
                {
                    "application_id": agent.application_id,
                    "retention_days": setting.retention_days,
                    "updated_at_ms": setting.updated_at_ms,
                    "updated_by": setting.updated_by,
                }
            )
        return {
            "session_logging_enabled": settings.enabled,
            "updated_at_ms": settings.enabled_updated_at_ms,
            "updated_by": settings.enabled_updated_by,
            "server_time_ms": world.clock.now_ms(),
            "agents": agents,
        }

    def settings(self, request: Request, **_: object) -> Reply:
        """`GET .../session-logs/settings`."""
        return json_reply(self._settings_payload())

    def _json_body(self, request: Request) -> dict[str, object]:
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "invalid_body", "the body is not JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_body", "the body must be a JSON object")
        return body

    def put_logging(self, request: Request, identity: Identity, **_: object) -> Reply:
        """`PUT .../session-logs/settings`: the organisation switch."""
        enabled = self._json_body(request).get("session_logging_enabled")
        if not isinstance(enabled, bool):
            raise ApiError(
                400, "invalid_body", "session_logging_enabled must be true or false"
            )
        now_ms = self.world.clock.now_ms()
        change = self.world.settings.set_logging(enabled, identity.user.user_id, now_ms)
        payload = self._settings_payload()
        payload["change_id"] = change.change_id if change else None
        payload["notified_admins"] = self._notify(change)
        return json_reply(payload)

    def put_retention(
        self, request: Request, identity: Identity, app: str, **_: object
    ) -> Reply:
        """`PUT .../session-logs/settings/agents/{id}`: one agent's retention."""
        body = self._json_body(request)
        index = self.world.agent_ids.get(app)
        if index is None:
            raise ApiError(404, "unknown_application", f"no application {app}")
        agent = self.world.organization.agents[index]
        if not agent.has_session_logs:
            raise ApiError(
                409,
                "session_logs_unsupported",
                f"{agent.kind} agents have no session logs",
            )
        days = body.get("retention_days")
        if (
            not isinstance(days, int)
            or isinstance(days, bool)
            or days not in RETENTION_CHOICES
        ):
            raise ApiError(
                400,
                "invalid_retention",
                "retention_days must be one of 0, 7, 30, 90, 180",
            )
        if not self.world.settings.enabled:
            raise ApiError(
                409, "session_logging_disabled", "session logging is switched off"
            )
        now_ms = self.world.clock.now_ms()
        change = self.world.settings.set_retention(
            index, days, identity.user.user_id, now_ms
        )
        setting = self.world.settings.agent_setting(index)
        return json_reply(
            {
                "application_id": app,
                "retention_days": setting.retention_days,
                "updated_at_ms": setting.updated_at_ms,
                "updated_by": setting.updated_by,
                "change_id": change.change_id if change else None,
                "notified_admins": self._notify(change),
            }
        )

    def _notify(self, change: HistoryEntry | None) -> int:
        """Queue one e-mail per organisation admin about a change."""
        if change is None:
            return 0
        organization = self.world.organization
        users = {user.user_id: user for user in organization.users}
        who = users[change.changed_by].name
        if change.application_id is None:
            state = "on" if change.new_value == "true" else "off"
            subject = f"Session logging switched {state} for {organization.name}"
            what = f"Session logging for {organization.name} was switched {state}"
        else:
            agent = organization.agents[self.world.agent_ids[change.application_id]]
            subject = f"Session log retention changed for {agent.name}"
            what = (
                f"Session log retention for {agent.name} ({agent.application_id}) "
                f"changed from {change.old_value} to {change.new_value} days"
            )
        body = f"{what} by {who} at {iso_ms(change.changed_at_ms)}."
        admins = organization.admins
        with self._outbox_lock:
            for admin in admins:
                self.outbox.append(
                    {
                        "email_id": f"eml_{len(self.outbox) + 1:04d}",
                        "to": admin.email,
                        "subject": subject,
                        "body": body,
                        "change_id": change.change_id,
                        "created_at_ms": change.changed_at_ms,
                    }
                )
        return len(admins)

    # Consumption ---------------------------------------------------------------

    def _month(self, request: Request) -> str:
        month = request.one("month") or ""
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise ApiError(400, "invalid_month", "month must be YYYY-MM")
        return month

    def _offset_page(self, request: Request, rows: list[str]) -> Reply:
        limit = _int_param(request, "limit", 500, 1, 1000)
        offset = _int_param(request, "offset", 0, 0, None)
        page = rows[offset : offset + limit]
        return raw_reply(
            '{"data":[' + ",".join(page) + f'],"limit":{limit},"offset":{offset},'
            f'"total":{len(rows)}}}'
        )

    def daily(self, request: Request, **_: object) -> Reply:
        """`GET .../consumption/daily?month=YYYY-MM`."""
        month = self._month(request)
        tables = self.consumption.tables(self.world.snapshot())
        return self._offset_page(request, tables.daily.get(month, []))

    def breakdown(self, request: Request, scope: str, **_: object) -> Reply:
        """`GET .../consumption/breakdown/{scope}?month=YYYY-MM`."""
        if scope not in BREAKDOWN_SCOPES:
            raise ApiError(404, "unknown_scope", f"no breakdown by {scope}")
        month = self._month(request)
        tables = self.consumption.tables(self.world.snapshot())
        return self._offset_page(request, tables.breakdowns.get((scope, month), []))

    # The sandbox's own ---------------------------------------------------------

    def stats(self, request: Request, **_: object) -> Reply:
        """`GET /sandbox/stats`: the counts a full admin sync must end with."""
        return json_reply(self.world.stats())

    def truth(self, request: Request, **_: object) -> Reply:
        """`GET /sandbox/truth/metrics`: metrics from the generated arrays."""
        snapshot = self.world.snapshot()
        applications: list[int] | None = None
        names = request.query.get("application_id")
        if names:
            unknown = [name for name in names if name not in self.world.agent_ids]
            if unknown:
                raise ApiError(
                    404, "unknown_application", f"no application {unknown[0]}"
                )
            applications = sorted({self.world.agent_ids[name] for name in names})
        from_ms = _int_param(request, "from_ms", 0, 0, None)
        to_ms = _int_param(request, "to_ms", snapshot.now_ms + 1, 0, None)
        text = truth_metrics(
            snapshot, applications, from_ms, to_ms, self.world.user_ids
        )
        return raw_reply(text)

    def outbox_list(self, request: Request, **_: object) -> Reply:
        """`GET /sandbox/outbox`: the admin e-mails queued by settings changes."""
        with self._outbox_lock:
            return json_reply({"data": list(self.outbox)})

    def live_step(self, request: Request, **_: object) -> Reply:
        """`POST /sandbox/live/step?sessions=N`: add N sessions now (live only)."""
        if not self.world.config.live:
            raise ApiError(404, "not_found", "the sandbox is not running with --live")
        count = _int_param(request, "sessions", 1, 1, 1000)
        self.world.add_live_sessions(count)
        return json_reply({"added": count, "server_time_ms": self.world.clock.now_ms()})

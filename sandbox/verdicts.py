"""Flag verdicts in the sandbox: each `verdict_id` recorded once, conflicts, export.

`VerdictBook` holds every verdict accepted, in acceptance order, and decides
what a `POST .../flags/{flag_id}/verdicts` gets: `201` for a new verdict,
`200` with the stored verdict for a `verdict_id` seen before (so a client may
resend until it has an answer), `409 verdict_conflict` when another user
decided the flag since the client's `base_verdict_id`. `VerdictEndpoints`
puts the book behind the routes of docs/api.md ("Flag verdicts").

`sandbox.api` imports this module when it builds its routes, not before, so
that this one may import it. The book lives beside the `Api` it was made for:
a server started again on the same `Api` (a sandbox stopped and restarted in a
test) still holds every verdict it accepted.
"""

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sandbox.api import OBSERVABILITY, Api, Identity, Reply, Request, Route, json_reply
from sandbox.config import parse_iso_ms

VERDICT_STATES = ("new", "acknowledged", "escalated", "resolved", "dismissed")
NOTE_LIMIT = 2000
VERDICT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
FLAG_ID = re.compile(r"flg_(\d+)\Z")


@dataclass(frozen=True)
class RecordedVerdict:
    """A verdict as the sandbox accepted it: the wire object of docs/api.md."""

    verdict_id: str
    flag_id: str
    state: str
    note: str | None
    decided_at_ms: int
    decided_by: str
    base_verdict_id: str | None
    inserted_at_ms: int

    def as_json(self) -> dict[str, Any]:
        """The verdict object as the API answers it."""
        return asdict(self)


class VerdictRefused(Exception):
    """A verdict the book will not record: status, code and one line of detail."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


class Conflict(Exception):
    """Another user decided the flag since the client's base verdict."""

    def __init__(self, current: RecordedVerdict) -> None:
        super().__init__(current.verdict_id)
        self.current = current


@dataclass(frozen=True)
class Proposal:
    """The fields of a verdict the client chooses, checked."""

    verdict_id: str
    state: str
    note: str | None
    decided_at_ms: int
    base_verdict_id: str | None


def parse_proposal(body: object) -> Proposal:
    """The client's verdict from a request body; `VerdictRefused` (400) if bad."""
    if not isinstance(body, dict):
        raise _invalid("the body must be a JSON object")
    verdict_id = body.get("verdict_id")
    if not isinstance(verdict_id, str) or not VERDICT_ID.match(verdict_id):
        raise _invalid("verdict_id must be 1 to 64 of A-Z a-z 0-9 _ -")
    state = body.get("state")
    if state not in VERDICT_STATES:
        raise _invalid("state must be one of " + ", ".join(VERDICT_STATES))
    note = body.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > NOTE_LIMIT):
        raise _invalid(f"note must be null or a string of at most {NOTE_LIMIT}")
    decided = body.get("decided_at_ms")
    if type(decided) is not int or decided < 0:
        raise _invalid("decided_at_ms must be a non-negative integer")
    base = body.get("base_verdict_id")
    if base is not None and not isinstance(base, str):
        raise _invalid("base_verdict_id must be null or a string")
    return Proposal(verdict_id, str(state), note, decided, base)


def _invalid(detail: str) -> VerdictRefused:
    return VerdictRefused(400, "invalid_verdict", detail)


class VerdictBook:
    """Every verdict accepted, in acceptance order; safe from any thread."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self._now_ms = now_ms
        self._lock = threading.Lock()
        self._verdicts: list[RecordedVerdict] = []
        self._by_id: dict[str, RecordedVerdict] = {}
        self._current: dict[str, RecordedVerdict] = {}
        self.replays = 0
        self.conflicts = 0

    def decide(
        self, flag_id: str, user_id: str, proposal: Proposal
    ) -> tuple[RecordedVerdict, bool]:
        """Record a client's verdict; (the verdict, whether it is new).

        Raises `Conflict` when the flag's current verdict is another user's
        and is not the proposal's base, `VerdictRefused` (422) when the id was
        used on another flag.
        """
        with self._lock:
            known = self._by_id.get(proposal.verdict_id)
            if known is not None:
                if known.flag_id != flag_id:
                    raise VerdictRefused(
                        422,
                        "verdict_id_reused",
                        f"verdict_id {proposal.verdict_id} was used on another flag",
                    )
                self.replays += 1
                return known, False
            current = self._current.get(flag_id)
            if (
                current is not None
                and current.decided_by != user_id
                and current.verdict_id != proposal.base_verdict_id
            ):
                self.conflicts += 1
                raise Conflict(current)
            return self._record(flag_id, user_id, proposal), True

    def inject(
        self, flag_id: str, user_id: str, state: str, note: str | None, **extra: Any
    ) -> RecordedVerdict:
        """Record a verdict as `user_id`, on top of the flag's current one."""
        with self._lock:
            current = self._current.get(flag_id)
            verdict_id = extra.get("verdict_id") or (
                f"vrd_sandbox_{len(self._verdicts) + 1:06d}"
            )
            if verdict_id in self._by_id:
                raise _invalid(f"verdict_id {verdict_id} is taken")
            proposal = Proposal(
                verdict_id,
                state,
                note,
                extra.get("decided_at_ms") or self._now_ms(),
                current.verdict_id if current else None,
            )
            return self._record(flag_id, user_id, proposal)

    def _record(
        self, flag_id: str, user_id: str, proposal: Proposal
    ) -> RecordedVerdict:
        last = self._verdicts[-1].inserted_at_ms if self._verdicts else 0
        verdict = RecordedVerdict(
            proposal.verdict_id,
            flag_id,
            proposal.state,
            proposal.note,
            proposal.decided_at_ms,
            user_id,
            proposal.base_verdict_id,
            max(self._now_ms(), last + 1),
        )
        self._verdicts.append(verdict)
        self._by_id[verdict.verdict_id] = verdict
        self._current[flag_id] = verdict
        return verdict

    def all(self) -> list[RecordedVerdict]:
        """Every verdict accepted, oldest first."""
        with self._lock:
            return list(self._verdicts)


@dataclass(frozen=True)
class VerdictCursor:
    """Where a walk of the verdicts export stands."""

    order: str  # tail or browse
    position: int  # tail: next to send; browse: exclusive top
    floor: int  # the first position the walk covers


class CursorSigner:
    """Opaque, signed cursors for the verdicts export."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def encode(self, cursor: VerdictCursor) -> str:
        """The token for a cursor."""
        payload = f"{cursor.order}.{cursor.position}.{cursor.floor}".encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"v1.{body}.{self._sign(payload)}"

    def decode(self, token: str) -> VerdictCursor:
        """The cursor of a token; `VerdictRefused` (400) if it is not one of ours."""
        try:
            version, body, signature = token.split(".")
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if version != "v1" or signature != self._sign(payload):
                raise ValueError("bad signature")
            order, position, floor = payload.decode().split(".")
            if order not in ("tail", "browse"):
                raise ValueError("bad order")
            return VerdictCursor(order, int(position), int(floor))
        except (ValueError, UnicodeDecodeError):
            raise VerdictRefused(400, "invalid_cursor", "cursor is not valid") from None

    def _sign(self, payload: bytes) -> str:
        return hashlib.blake2b(payload, key=self._secret, digest_size=6).hexdigest()


def export_page(
    verdicts: list[RecordedVerdict], cursor: VerdictCursor, limit: int
) -> tuple[list[RecordedVerdict], VerdictCursor, bool]:
    """One page of the export from `cursor`: (records, next cursor, has_more)."""
    if cursor.order == "tail":
        start = max(cursor.position, cursor.floor)
        page = verdicts[start : start + limit]
        following = start + len(page)
        return (
            page,
            VerdictCursor("tail", following, cursor.floor),
            following < len(verdicts),
        )
    top = min(cursor.position, len(verdicts))
    bottom = max(cursor.floor, top - limit)
    page = verdicts[bottom:top][::-1]
    return page, VerdictCursor("browse", bottom, cursor.floor), bottom > cursor.floor


class VerdictEndpoints:
    """The verdict routes of docs/api.md over one `Api`'s world."""

    def __init__(self, api: Api) -> None:
        self.api = api
        world = api.world
        self.book = VerdictBook(world.clock.now_ms)
        secret = f"verdicts:{world.config.seed}:{world.organization.organization_id}"
        self.signer = CursorSigner(secret.encode())

    def routes(self) -> list[Route]:
        """The routes to add to the API's table."""
        flags = rf"{re.escape(OBSERVABILITY)}(?P<org>[^/]+)/session-logs/flags"
        table: list[tuple[str, str, str, Callable[..., Reply]]] = [
            ("POST", rf"{flags}/(?P<flag>[^/]+)/verdicts", "admin", self.post),
            ("GET", rf"{flags}/verdicts/export", "admin", self.export),
            ("GET", r"/sandbox/verdicts", "sandbox", self.listing),
            (
                "POST",
                r"/sandbox/flags/(?P<flag>[^/]+)/verdicts",
                "sandbox",
                self.inject,
            ),
        ]
        return [
            Route(method, re.compile(pattern + r"\Z"), access, handler)
            for method, pattern, access, handler in table
        ]

    # The organisation's endpoints -------------------------------------------

    def post(
        self, request: Request, identity: Identity, flag: str, **_: object
    ) -> Reply:
        """`POST .../flags/{flag_id}/verdicts`: record a verdict once."""
        try:
            proposal = parse_proposal(_json(request.body))
            self._check_flag(flag)
            verdict, new = self.book.decide(flag, identity.user.user_id, proposal)
        except VerdictRefused as refused:
            return json_reply(
                {"code": refused.code, "detail": refused.detail}, refused.status
            )
        except Conflict as conflict:
            return json_reply(
                {
                    "code": "verdict_conflict",
                    "detail": f"another reviewer decided {flag} since your base "
                    "verdict",
                    "current": conflict.current.as_json(),
                },
                409,
            )
        return json_reply(verdict.as_json(), 201 if new else 200)

    def export(self, request: Request, **_: object) -> Reply:
        """`GET .../flags/verdicts/export`: every verdict, in acceptance order."""
        verdicts = self.book.all()
        try:
            limit = _limit(request.one("limit"))
            if request.one("format") not in (None, "", "native"):
                raise VerdictRefused(
                    400, "unsupported_format", "only format=native is served"
                )
            token = request.one("cursor")
            if token:
                cursor = self.signer.decode(token)
            else:
                cursor = self._first_cursor(request, verdicts)
        except VerdictRefused as refused:
            return json_reply(
                {"code": refused.code, "detail": refused.detail}, refused.status
            )
        page, following, has_more = export_page(verdicts, cursor, limit)
        next_token = self.signer.encode(following)
        body = {
            "result": [verdict.as_json() for verdict in page],
            "pagination": {
                "limit": limit,
                "has_more": has_more,
                "next_cursor": next_token,
            },
        }
        return Reply(
            200,
            json.dumps(body, ensure_ascii=False).encode(),
            [("x-next-cursor", next_token)],
        )

    def _first_cursor(
        self, request: Request, verdicts: list[RecordedVerdict]
    ) -> VerdictCursor:
        order = request.one("order") or "tail"
        if order not in ("tail", "browse"):
            raise VerdictRefused(
                400, "invalid_parameter", "order must be tail or browse"
            )
        floor = 0
        start = request.one("start_date")
        if start:
            try:
                start_ms = parse_iso_ms(start)
            except ValueError:
                raise VerdictRefused(
                    400, "invalid_parameter", "start_date must be ISO 8601"
                ) from None
            floor = next(
                (n for n, v in enumerate(verdicts) if v.inserted_at_ms >= start_ms),
                len(verdicts),
            )
        position = floor if order == "tail" else len(verdicts)
        return VerdictCursor(order, position, floor)

    def _check_flag(self, flag_id: str) -> None:
        """`VerdictRefused` (404) unless the flag exists and is still retained."""
        world = self.api.world
        snapshot = world.snapshot()
        found = FLAG_ID.match(flag_id)
        index = int(found.group(1)) - 1 if found else -1
        if not 0 <= index < len(snapshot.flags):
            raise VerdictRefused(404, "unknown_flag", f"no flag {flag_id}")
        session = int(snapshot.flags["session"][index])
        sessions = snapshot.sessions
        floors = world.settings.floors(snapshot.now_ms)
        if sessions["started"][session] < floors[sessions["app"][session]]:
            raise VerdictRefused(
                404, "unknown_flag", f"flag {flag_id} is no longer retained"
            )

    # The sandbox's own ---------------------------------------------------------

    def listing(self, request: Request, **_: object) -> Reply:
        """`GET /sandbox/verdicts`: what was accepted, and how often it was replayed."""
        return json_reply(
            {
                "data": [verdict.as_json() for verdict in self.book.all()],
                "replays": self.book.replays,
                "conflicts": self.book.conflicts,
            }
        )

    def inject(self, request: Request, flag: str, **_: object) -> Reply:
        """`POST /sandbox/flags/{flag_id}/verdicts?user_id=...`: a second reviewer."""
        user_id = request.one("user_id") or ""
        try:
            if user_id not in self.api.world.user_ids:
                raise VerdictRefused(404, "unknown_user", f"no user {user_id!r}")
            body = _json(request.body)
            if not isinstance(body, dict):
                raise _invalid("the body must be a JSON object")
            state = body.get("state")
            if state not in VERDICT_STATES:
                raise _invalid("state must be one of " + ", ".join(VERDICT_STATES))
            note = body.get("note")
            if note is not None and not isinstance(note, str):
                raise _invalid("note must be null or a string")
            self._check_flag(flag)
            verdict = self.book.inject(
                flag,
                user_id,
                str(state),
                note,
                verdict_id=body.get("verdict_id"),
                decided_at_ms=body.get("decided_at_ms"),
            )
        except VerdictRefused as refused:
            return json_reply(
                {"code": refused.code, "detail": refused.detail}, refused.status
            )
        return json_reply(verdict.as_json(), 201)


def _json(body: bytes) -> object:
    try:
        return json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise _invalid("the body is not JSON") from None


def _limit(text: str | None) -> int:
    if not text:
        return 1000
    if not text.isdigit() or not 1 <= int(text) <= 5000:
        raise VerdictRefused(400, "invalid_parameter", "limit must be 1 to 5000")
    return int(text)

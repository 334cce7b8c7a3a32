"""The remote API's client: one reused connection, bounded retries, named errors.

Connection errors, timeouts, a body cut short or not JSON, 408, 409 (except
the documented conflicts), 429 and 5xx are retried with exponential backoff
and full jitter, from `retry_base_s` up to `retry_cap_s`, honouring
`Retry-After` (never beyond the cap), at most `max_tries` times in all. 401
and 403 are never retried. A connection refused on first contact means a
wrong URL or no network far more often than a blip, so it fails at once as
`Unreachable` instead of backing off for a minute.

JSON numbers with a fraction are parsed as `decimal.Decimal`, so money
arrives exactly.
"""

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import TracebackType
from typing import Any

import httpx

from sync.config import SyncConfig
from sync.errors import (
    AuthError,
    Forbidden,
    RateLimited,
    RemoteError,
    RemoteTimeout,
    Unreachable,
)

log = logging.getLogger("agentmon.sync")

RETRIED_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
# 409s the contract documents as real conflicts: retrying cannot help.
DOCUMENTED_CONFLICTS = frozenset(
    {"session_logs_unsupported", "session_logging_disabled", "verdict_conflict"}
)
USER_AGENT = "agentmon/0.1"


class Answer:
    """A successful answer: its decoded JSON body, its headers and its status."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, body: Any, headers: httpx.Headers, status: int = 200) -> None:
        self.body = body
        self.headers = headers
        self.status = status


class _Retry(Exception):
    """One failed try worth another: why, and the status (0 without an answer)."""

    def __init__(
        self,
        why: str,
        status: int = 0,
        code: str | None = None,
        detail: str = "",
        retry_after: float | None = None,
        kind: str = "status",
    ) -> None:
        super().__init__(why)
        self.why = why
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.kind = kind


class WriterClient:
    """Talks to the remote API with one `httpx.Client`; use as a context manager."""

    def __init__(
        self,
        config: SyncConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._jitter = jitter
        self._contacted = False
        self._http = httpx.Client(
            base_url=config.base_url,
            headers={
                "Authorization": f"Bearer {config.api_key.reveal()}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            timeout=config.timeout_s,
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> "WriterClient":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._http.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Answer:
        """GET `path` and return its JSON answer, retrying what is worth retrying."""
        return self._request("GET", path, params=params)

    def put(self, path: str, body: Mapping[str, Any]) -> Answer:
        """PUT a JSON `body` to `path` (PUT is idempotent, so retrying is safe)."""
        return self._request("PUT", path, body=body)

    def post(self, path: str, body: Mapping[str, Any]) -> Answer:
        """POST a JSON `body` to `path`, retrying like the rest.

        Only for requests the remote makes idempotent (a client-chosen id in
        the body, as a flag verdict's `verdict_id`), since a retry may repeat
        one that had arrived.
        """
        return self._request("POST", path, body=body)

    def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Answer:
        """Try up to `max_tries` times; raise the named error for the last failure."""
        endpoint = f"{method} {path}"
        tries = max(1, self.config.max_tries)
        for attempt in range(1, tries + 1):
            try:
                return self._try_once(method, path, endpoint, params, body)
            except _Retry as failure:
                if attempt == tries:
                    raise self._gave_up(endpoint, failure, tries) from None
                delay = self._backoff(attempt, failure.retry_after)
                log.warning(
                    "sync: %s failed (%s), try %d of %d, retrying in %.2f s",
                    endpoint,
                    failure.why,
                    attempt,
                    tries,
                    delay,
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _try_once(
        self,
        method: str,
        path: str,
        endpoint: str,
        params: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
    ) -> Answer:
        """One request; raises `_Retry` for a failure worth another try."""
        try:
            response, content = self._exchange(method, path, params, body)
        except httpx.ConnectError as error:
            if not self._contacted:
                raise Unreachable(self.config.host, _reason(error)) from None
            raise _Retry(
                f"connection failed: {_reason(error)}", kind="connect"
            ) from None
        except httpx.TimeoutException:
            raise _Retry(
                f"no answer within {self.config.timeout_s:g} s", kind="timeout"
            ) from None
        except httpx.TransportError as error:
            raise _Retry(
                f"connection broken: {_reason(error)}", kind="broken"
            ) from None
        self._contacted = True

        status = response.status_code
        if 200 <= status < 300:
            try:
                decoded = json.loads(content, parse_float=Decimal)
            except ValueError:
                raise _Retry(
                    "the body was not valid JSON", status, kind="json"
                ) from None
            return Answer(decoded, response.headers, status)
        if status == 401:
            raise AuthError(endpoint)
        code, detail = error_details(response)
        if status == 403:
            raise Forbidden(endpoint, detail or (code or ""))
        documented_conflict = status == 409 and code in DOCUMENTED_CONFLICTS
        if (status in RETRIED_STATUSES or status >= 500) and not documented_conflict:
            raise _Retry(
                f"{status}{' ' + code if code else ''}",
                status,
                code,
                detail,
                retry_after=_retry_after(response),
            )
        refusal = RemoteError(endpoint, status, code, detail, _advice_for(status))
        # A documented conflict names more than a code (the remote's current
        # record); the caller reads it from here.
        refusal.body = _decoded_or_none(response)
        raise refusal

    def _exchange(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
    ) -> tuple[httpx.Response, bytes]:
        """Send one request and read its whole body.

        A success's body is read as a stream rather than kept on the response:
        httpx responses sit in reference cycles, so a page held there lives
        until the cyclic collector's rare full pass, and a long sync would
        hoard hundreds of megabytes of pages already stored.
        """
        with self._http.stream(method, path, params=params, json=body) as response:
            if 200 <= response.status_code < 300:
                return response, b"".join(response.iter_bytes())
            response.read()
            return response, b""

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter under an exponential ceiling, at least `Retry-After`; capped."""
        cap = self.config.retry_cap_s
        ceiling = min(cap, self.config.retry_base_s * 2 ** (attempt - 1))
        delay = self._jitter() * ceiling
        if retry_after is not None:
            delay = max(delay, min(retry_after, cap))
        return delay

    def _gave_up(self, endpoint: str, failure: _Retry, tries: int) -> Exception:
        """The named error for a request that failed every try."""
        if failure.kind == "connect":
            return Unreachable(self.config.host, failure.why)
        if failure.kind == "timeout":
            return RemoteTimeout(
                endpoint,
                0,
                None,
                f"{failure.why}, {tries} times",
                "the remote is slow: try again later, or raise AGENTMON_TIMEOUT",
            )
        if failure.status == 429:
            return RateLimited(
                endpoint,
                429,
                failure.code,
                failure.detail,
                f"still rate limited after {tries} tries: wait a minute and sync again",
            )
        return RemoteError(
            endpoint,
            failure.status,
            failure.code,
            failure.detail or failure.why,
            f"gave up after {tries} tries: try again later "
            "(what was synced so far is kept)",
        )


def error_details(response: httpx.Response) -> tuple[str | None, str]:
    """(code, detail) from an error body in either documented shape."""
    try:
        body = response.json()
    except ValueError:
        return None, ""
    if not isinstance(body, dict):
        return None, ""
    if "code" in body or "detail" in body:
        code = body.get("code")
        return _clean(code) if isinstance(code, str) else None, _clean(
            body.get("detail")
        )
    if "tpe" in body or "errors" in body:
        tpe = body.get("tpe")
        errors = body.get("errors") if isinstance(body.get("errors"), list) else []
        described = [
            f"{item.get('key')}: {item.get('description')}"
            for item in errors or []
            if isinstance(item, dict)
        ]
        return _clean(tpe) if isinstance(tpe, str) else None, _clean(
            "; ".join(described)
        )
    return None, ""


def _decoded_or_none(response: httpx.Response) -> Any:
    """An error answer's JSON body, or None when it has none."""
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return None


def _clean(value: object, limit: int = 200) -> str:
    """Remote text made safe for one terminal line: no control characters, bounded."""
    if value is None:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(error: Exception) -> str:
    """A short, printable reason for a transport failure."""
    return _clean(str(error) or type(error).__name__, 120)


def _retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds when given as a number (dates are ignored)."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _advice_for(status: int) -> str:
    """What a user can do about an error answer that is not retried."""
    if status == 404:
        return "the remote does not know it: check WRITER_BASE_URL and the id"
    return "the remote refused the request"

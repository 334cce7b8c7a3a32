"""The client's retry policy and errors, against `httpx.MockTransport`."""

from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from sync.client import WriterClient
from sync.config import ApiKey, SyncConfig
from sync.errors import (
    AuthError,
    Forbidden,
    RateLimited,
    RemoteError,
    RemoteTimeout,
    Unreachable,
)

KEY = "sk-client-test-key"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A transport that answers from a script of handlers and keeps every request."""

    def __init__(self, *script: Handler | httpx.Response) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script[min(len(self.requests), len(self.script)) - 1]
        if isinstance(step, httpx.Response):
            return step
        return step(request)


def _client(recorder: Recorder, sleeps: list[float] | None = None) -> WriterClient:
    config = SyncConfig(
        api_key=ApiKey(KEY),
        base_url="http://remote.test",
        retry_base_s=1.0,
        retry_cap_s=60.0,
    )
    waits = sleeps if sleeps is not None else []
    return WriterClient(
        config,
        transport=httpx.MockTransport(recorder),
        sleep=waits.append,
        jitter=lambda: 1.0,
    )


def _ok(body: object = None) -> httpx.Response:
    return httpx.Response(200, json={"ok": True} if body is None else body)


def _raise(error: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


def test_the_key_goes_in_the_authorization_header() -> None:
    recorder = Recorder(_ok())
    _client(recorder).get("/v1/me")
    assert recorder.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_a_5xx_is_retried_until_it_succeeds() -> None:
    recorder = Recorder(httpx.Response(503), httpx.Response(500), _ok())
    assert _client(recorder).get("/v1/me").body == {"ok": True}
    assert len(recorder.requests) == 3


@pytest.mark.parametrize("status", [408, 409, 429, 502])
def test_transient_statuses_are_retried(status: int) -> None:
    recorder = Recorder(httpx.Response(status), _ok())
    _client(recorder).get("/v1/me")
    assert len(recorder.requests) == 2


def test_retries_stop_after_seven_tries_with_a_named_error() -> None:
    recorder = Recorder(httpx.Response(503, json={"code": "down", "detail": "x"}))
    with pytest.raises(RemoteError, match="GET /v1/me answered 503 down") as raised:
        _client(recorder).get("/v1/me")
    assert (len(recorder.requests), raised.value.status) == (7, 503)


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    sleeps: list[float] = []
    recorder = Recorder(httpx.Response(500))
    with pytest.raises(RemoteError):
        _client(recorder, sleeps).get("/v1/me")
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]


def test_backoff_is_jittered_below_its_ceiling() -> None:
    sleeps: list[float] = []
    config = SyncConfig(api_key=ApiKey(KEY), base_url="http://remote.test")
    client = WriterClient(
        config,
        transport=httpx.MockTransport(Recorder(httpx.Response(500), _ok())),
        sleep=sleeps.append,
        jitter=lambda: 0.25,
    )
    client.get("/v1/me")
    assert sleeps == [0.25]


def test_retry_after_is_honoured() -> None:
    sleeps: list[float] = []
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "7"}), _ok())
    _client(recorder, sleeps).get("/v1/me")
    assert sleeps == [7.0]


def test_retry_after_never_exceeds_the_cap() -> None:
    sleeps: list[float] = []
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "3600"}), _ok())
    _client(recorder, sleeps).get("/v1/me")
    assert sleeps == [60.0]


def test_rate_limiting_that_never_ends_is_named() -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "0"}))
    with pytest.raises(RateLimited, match="rate limited after 7 tries"):
        _client(recorder).get("/v1/me")


def test_a_refused_key_is_an_auth_error_and_not_retried() -> None:
    recorder = Recorder(httpx.Response(401, json={"code": "unauthorized"}))
    with pytest.raises(AuthError, match="check WRITER_API_KEY"):
        _client(recorder).get("/v1/me")
    assert len(recorder.requests) == 1


def test_a_forbidden_answer_is_not_retried() -> None:
    recorder = Recorder(httpx.Response(403, json={"code": "forbidden", "detail": "no"}))
    with pytest.raises(Forbidden, match="admin role"):
        _client(recorder).get("/api/x")
    assert len(recorder.requests) == 1


def test_a_documented_conflict_is_not_retried() -> None:
    body = {"code": "session_logging_disabled", "detail": "switch it on"}
    recorder = Recorder(httpx.Response(409, json=body))
    with pytest.raises(RemoteError, match="session_logging_disabled") as raised:
        _client(recorder).put("/api/x", {"retention_days": 7})
    assert (len(recorder.requests), raised.value.code) == (
        1,
        "session_logging_disabled",
    )


def test_a_client_error_is_not_retried() -> None:
    recorder = Recorder(httpx.Response(400, json={"code": "invalid_cursor"}))
    with pytest.raises(RemoteError) as raised:
        _client(recorder).get("/api/x")
    assert (len(recorder.requests), raised.value.code) == (1, "invalid_cursor")


def test_billing_errors_in_writers_core_shape_are_read() -> None:
    body = {"tpe": "bad_request", "errors": [{"key": "month", "description": "bad"}]}
    recorder = Recorder(httpx.Response(400, json=body))
    with pytest.raises(RemoteError, match="bad_request: month: bad"):
        _client(recorder).get("/api/billing/x")


def test_a_body_that_is_not_json_is_retried() -> None:
    recorder = Recorder(httpx.Response(200, content=b'{"result": [tru'), _ok())
    assert _client(recorder).get("/v1/me").body == {"ok": True}


def test_a_connection_dropped_mid_body_is_retried() -> None:
    recorder = Recorder(
        _ok(), _raise(httpx.RemoteProtocolError("peer closed connection")), _ok()
    )
    client = _client(recorder)
    client.get("/v1/me")
    assert client.get("/v1/me").body == {"ok": True}


def test_a_timeout_is_retried_then_named() -> None:
    recorder = Recorder(_raise(httpx.ReadTimeout("slow")))
    with pytest.raises(RemoteTimeout, match="AGENTMON_TIMEOUT"):
        _client(recorder).get("/v1/me")
    assert len(recorder.requests) == 7


def test_a_refused_connection_on_first_contact_fails_at_once() -> None:
    recorder = Recorder(_raise(httpx.ConnectError("Connection refused")))
    with pytest.raises(Unreachable, match=r"cannot reach remote\.test"):
        _client(recorder).get("/v1/me")
    assert len(recorder.requests) == 1


def test_a_refused_connection_after_contact_is_retried() -> None:
    recorder = Recorder(_ok(), _raise(httpx.ConnectError("refused")), _ok())
    client = _client(recorder)
    client.get("/v1/me")
    client.get("/v1/me")
    assert len(recorder.requests) == 3


def test_fractions_arrive_as_exact_decimals() -> None:
    recorder = Recorder(httpx.Response(200, content=b'{"cost_in_cents": 0.042137}'))
    body = _client(recorder).get("/x").body
    assert body["cost_in_cents"] == Decimal("0.042137")


def test_remote_error_text_cannot_smuggle_control_characters() -> None:
    body = {"code": "bad", "detail": "line\x1b]52;c;AAAA\x07\nnext"}
    recorder = Recorder(httpx.Response(404, json=body))
    with pytest.raises(RemoteError) as raised:
        _client(recorder).get("/x")
    assert all(ch.isprintable() for ch in str(raised.value))

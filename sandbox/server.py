"""HTTP over loopback: the stdlib threading server, keep-alive, and faults.

Each connection gets a thread and is kept alive (HTTP/1.1, Content-Length on
every answer), so a client reuses one connection for a whole walk. Faults
are drawn from their own generator, only for keyed API endpoints, and never
change any state: a cursor that was not delivered was not consumed.
"""

import contextlib
import random
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sandbox.api import JSON_TYPE, Api, ApiError, Reply, Request, error_reply
from sandbox.config import SandboxConfig

LOOPBACK_CLIENTS = ("127.0.0.1", "::1", "::ffff:127.0.0.1")


class FaultPlan:
    """Which fault, if any, a keyed request meets; thread-safe and seeded."""

    def __init__(self, faults: dict[str, float], seed: int, retry_after: int | None):
        self._faults = [(kind, p) for kind, p in faults.items() if p > 0]
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._retry_after = retry_after

    def draw(self) -> str | None:
        """A fault kind for this request, or None."""
        if not self._faults:
            return None
        with self._lock:
            roll = self._random.random()
        for kind, probability in self._faults:
            if roll < probability:
                return kind
            roll -= probability
        return None

    def server_error(self) -> int:
        """The status of a 5xx fault."""
        with self._lock:
            return self._random.choice((500, 502, 503))

    def retry_after(self) -> int:
        """The seconds a 429 asks the client to wait."""
        if self._retry_after is not None:
            return self._retry_after
        with self._lock:
            return self._random.randint(0, 1)


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading server that remembers its connections to close them on stop."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: Api, config: SandboxConfig):
        self.api = api
        self.config = config
        self.faults = FaultPlan(
            config.faults, config.fault_seed, config.retry_after_seconds
        )
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SandboxHandler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        """Track the connection, then serve it in its own thread."""
        # Without this, a body sent after its headers waits for the client's
        # delayed ACK (Nagle): about 40 ms on every answer.
        with contextlib.suppress(OSError):
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        """Forget a connection as it closes."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a client hangs up; report anything else on stderr."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        traceback.print_exc(file=sys.stderr)

    def close_connections(self) -> None:
        """Close every open connection, idle keep-alive ones included."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class SandboxHandler(BaseHTTPRequestHandler):
    """One connection's requests, answered by the server's `Api`."""

    protocol_version = "HTTP/1.1"
    server_version = "agentmon-sandbox"
    sys_version = ""
    # An idle keep-alive connection is closed after this many seconds.
    timeout = 60
    server: SandboxHTTPServer

    def do_GET(self) -> None:
        """Answer a GET."""
        self._answer("GET")

    def do_PUT(self) -> None:
        """Answer a PUT."""
        self._answer("PUT")

    def do_POST(self) -> None:
        """Answer a POST."""
        self._answer("POST")

    def do_DELETE(self) -> None:
        """Answer a DELETE (no endpoint takes one)."""
        self._answer("DELETE")

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the sandbox's stdout and stderr belong to its user."""

    def _answer(self, method: str) -> None:
        try:
            length = max(0, int(self.headers.get("Content-Length") or 0))
        except ValueError:
            self.close_connection = True
            self._send(
                error_reply(
                    self.path, ApiError(400, "invalid_body", "bad Content-Length")
                )
            )
            return
        body = self.rfile.read(length) if length else b""
        request = Request.parse(
            method,
            self.path,
            body,
            self.headers.get("Authorization"),
            self.client_address[0],
        )
        api = self.server.api
        fault: str | None = None
        try:
            route, params = api.route(request)
            if route.access == "sandbox":
                if request.client_host not in LOOPBACK_CLIENTS:
                    raise ApiError(
                        403, "forbidden", "sandbox endpoints are loopback only"
                    )
                reply = route.handler(request, **params)
            else:
                identity = api.authorize(request, route, params)
                fault = self.server.faults.draw()
                early = self._early_fault(fault, request.path)
                if early is not None:
                    self._send(early)
                    return
                if fault == "slow":
                    time.sleep(self.server.config.slow_seconds)
                reply = route.handler(
                    request, identity=identity, spoil=fault == "malformed", **params
                )
        except ApiError as error:
            reply = error_reply(request.path, error)
        except Exception:  # a bug: answer 500 and say what broke on stderr
            traceback.print_exc(file=sys.stderr)
            reply = error_reply(
                request.path, ApiError(500, "internal_error", "the sandbox failed")
            )
        self._send(reply, drop=fault == "drop")

    def _early_fault(self, fault: str | None, path: str) -> Reply | None:
        """The reply of a fault that answers instead of the endpoint."""
        plan = self.server.faults
        if fault == "429":
            seconds = plan.retry_after()
            reply = error_reply(
                path,
                ApiError(
                    429, "rate_limited", f"too many requests, retry in {seconds} s"
                ),
            )
            reply.headers.append(("Retry-After", str(seconds)))
            return reply
        if fault == "5xx":
            status = plan.server_error()
            code = {500: "internal_error", 502: "bad_gateway", 503: "unavailable"}[
                status
            ]
            return error_reply(
                path, ApiError(status, code, "the service failed, retry")
            )
        return None

    def _send(self, reply: Reply, drop: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if not drop:
            self.wfile.write(reply.body)
            return
        # Promise the whole body, send half of it, and hang up.
        self.wfile.write(reply.body[: len(reply.body) // 2])
        self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

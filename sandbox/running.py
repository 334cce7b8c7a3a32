"""Start and stop a sandbox: generation, the server thread, the live thread."""

import json
import threading
from types import TracebackType
from typing import Any

from sandbox.api import Api
from sandbox.config import SandboxConfig
from sandbox.errors import CannotListen
from sandbox.server import SandboxHTTPServer
from sandbox.world import World


class RunningSandbox:
    """A sandbox serving in background threads until `stop()`.

    Usable as a context manager. `base_url` is what a client uses as
    `WRITER_BASE_URL`; the keys are those of the config.
    """

    def __init__(self, config: SandboxConfig, world: World, server: SandboxHTTPServer):
        self.config = config
        self.world = world
        self.api = server.api
        self._server = server
        host, port = server.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"
        self.port = int(port)
        self.admin_key = config.admin_key
        self.member_key = config.member_key
        self.organization_id = world.organization.organization_id
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="sandbox-http",
                daemon=True,
            )
        ]
        if config.live:
            self._threads.append(
                threading.Thread(target=self._live, name="sandbox-live", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def stats(self) -> dict[str, Any]:
        """The same dict as `GET /sandbox/stats`."""
        result: dict[str, Any] = json.loads(json.dumps(self.world.stats()))
        return result

    def live_step(self, sessions: int = 1) -> None:
        """Add sessions now, as `POST /sandbox/live/step` does (live only)."""
        if not self.config.live:
            raise RuntimeError("the sandbox is not live")
        self.world.add_live_sessions(sessions)

    def outbox(self) -> list[dict[str, object]]:
        """The admin e-mails queued so far, as `GET /sandbox/outbox` lists them."""
        return list(self.api.outbox)

    def wait(self) -> None:
        """Block until the sandbox is stopped (or the waiting thread interrupted)."""
        while not self._stopping.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop serving, close every connection and end the threads."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "RunningSandbox":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _live(self) -> None:
        while not self._stopping.wait(self.config.live_interval_seconds):
            self.world.add_live_sessions(1)


def start_sandbox(config: SandboxConfig) -> RunningSandbox:
    """Generate the organisation and serve it; returns once listening."""
    world = World(config)
    api = Api(world, config.admin_key, config.member_key)
    try:
        server = SandboxHTTPServer((config.host, config.port), api, config)
    except OSError as error:
        raise CannotListen(
            f"cannot listen on {config.host}:{config.port}: {error.strerror or error}"
        ) from None
    return RunningSandbox(config, world, server)

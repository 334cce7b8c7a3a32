"""The same seed, scale and now always give byte-identical answers."""

from collections.abc import Callable
from typing import Any

from sandbox import RunningSandbox, SandboxConfig
from tests.fixtures.sandbox import small_config
from tests.sandbox.walk import billing, client, observability

ADMIN_PATHS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("/v1/me", {}),
    ("/v1/applications", {"limit": 100}),
    ("{obs}/users", {"limit": 500}),
    ("{obs}/logs/export", {"limit": 2000, "start_date": "2025-12-01"}),
    ("{obs}/session-logs/messages/export", {"limit": 2000, "start_date": "2025-12-01"}),
    ("{obs}/session-logs/flags/export", {"start_date": "2025-12-01"}),
    ("{obs}/session-logs/settings", {}),
    ("{bill}/consumption/daily", {"month": "2026-04"}),
    ("{bill}/consumption/breakdown/user", {"month": "2026-04"}),
)


def _answers(running: RunningSandbox) -> list[bytes]:
    with client(running) as http:
        return [
            http.get(
                path.format(obs=observability(running), bill=billing(running)),
                params=params,
            ).content
            for path, params in ADMIN_PATHS
        ]


def test_the_same_config_gives_byte_identical_answers(
    sandbox_factory: Callable[[SandboxConfig], RunningSandbox],
) -> None:
    first = sandbox_factory(small_config())
    second = sandbox_factory(small_config())
    assert _answers(first) == _answers(second)


def test_another_seed_gives_another_organisation(
    sandbox_factory: Callable[[SandboxConfig], RunningSandbox],
) -> None:
    first = sandbox_factory(small_config())
    other = sandbox_factory(small_config(seed=8))
    assert _answers(first)[3] != _answers(other)[3]


def test_the_same_config_gives_the_same_stats(
    sandbox: RunningSandbox,
    sandbox_factory: Callable[[SandboxConfig], RunningSandbox],
) -> None:
    assert sandbox_factory(small_config()).stats() == sandbox.stats()

"""Live mode: new sessions arrive after a cursor; nothing changes without it."""

from collections.abc import Callable

import httpx

from sandbox import RunningSandbox, SandboxConfig
from tests.fixtures.sandbox import small_config
from tests.sandbox.walk import client, full_window, walk

Factory = Callable[[SandboxConfig], RunningSandbox]


def _live(factory: Factory) -> RunningSandbox:
    # A long interval keeps the background thread out of the way of the test.
    return factory(small_config(live=True, live_interval_seconds=3600))


def test_a_live_step_adds_sessions_seen_after_the_cursor(
    sandbox_factory: Factory,
) -> None:
    running = _live(sandbox_factory)
    with client(running) as http:
        before = walk(http, running, "sessions", start_date=full_window(running))
        response = httpx.post(running.base_url + "/sandbox/live/step?sessions=3")
        assert response.json()["added"] == 3
        after = walk(http, running, "sessions", cursor=before.cursor)
    assert 0 < len(after.records) <= 3
    assert not set(after.records) & set(before.records)


def test_a_live_step_adds_log_records_and_messages_after_their_cursors(
    sandbox_factory: Factory,
) -> None:
    running = _live(sandbox_factory)
    with client(running) as http:
        logs = walk(http, running, "logs", limit=5000, start_date=full_window(running))
        messages = walk(
            http, running, "messages", limit=5000, start_date=full_window(running)
        )
        running.live_step(2)
        new_logs = walk(http, running, "logs", cursor=logs.cursor)
        new_messages = walk(http, running, "messages", cursor=messages.cursor)
    assert len(new_logs.records) >= 2
    assert {m["log_id"] for m in new_messages.records.values()} >= set(new_logs.records)


def test_stats_follow_live_steps(sandbox_factory: Factory) -> None:
    running = _live(sandbox_factory)
    before = running.stats()["counts"]
    running.live_step(5)
    after = running.stats()["counts"]
    assert after["log_records"] > before["log_records"]


def test_a_walk_after_live_steps_ends_with_the_stats_counts(
    sandbox_factory: Factory,
) -> None:
    running = _live(sandbox_factory)
    running.live_step(4)
    with client(running) as http:
        sessions = walk(http, running, "sessions", start_date=full_window(running))
    assert len(sessions.records) == running.stats()["counts"]["sessions"]


def test_the_live_clock_never_runs_backwards_past_new_data(
    sandbox_factory: Factory,
) -> None:
    running = _live(sandbox_factory)
    running.live_step(1)
    with client(running) as http:
        now = http.get("/v1/me").json()["server_time_ms"]
        logs = walk(http, running, "logs", limit=5000, order="browse")
    newest = max(int(r["inserted_at_ms"]) for r in logs.records.values())
    assert newest <= now


def test_live_step_is_404_without_live(sandbox: RunningSandbox) -> None:
    response = httpx.post(sandbox.base_url + "/sandbox/live/step")
    assert response.status_code == 404

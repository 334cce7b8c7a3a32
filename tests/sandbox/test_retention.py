"""The retention rule decides which sessions, messages and flags are served."""

import httpx

from sandbox import RunningSandbox
from tests.fixtures.sandbox import SANDBOX_NOW_MS
from tests.sandbox.walk import DAY_MS, Walk, client, full_window, observability, walk


def _retention(http: httpx.Client, running: RunningSandbox) -> dict[str, int]:
    settings = http.get(observability(running) + "/session-logs/settings").json()
    return {a["application_id"]: a["retention_days"] for a in settings["agents"]}


def _put_retention(
    http: httpx.Client, running: RunningSandbox, app: str, days: int
) -> httpx.Response:
    return http.put(
        observability(running) + f"/session-logs/settings/agents/{app}",
        json={"retention_days": days},
    )


def test_every_served_session_is_within_its_agents_retention(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    retention = _retention(admin, sandbox)
    for session in walked["sessions"].records.values():
        days = retention[str(session["application_id"])]
        assert days > 0
        assert int(session["started_at_ms"]) >= SANDBOX_NOW_MS - days * DAY_MS


def test_agents_with_no_retention_serve_no_sessions(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    none = {app for app, days in _retention(admin, sandbox).items() if days == 0}
    served = {s["application_id"] for s in walked["sessions"].records.values()}
    assert none and not none & served


def test_messages_and_flags_belong_to_served_sessions(walked: dict[str, Walk]) -> None:
    sessions = walked["sessions"].records
    assert all(m["session_id"] in sessions for m in walked["messages"].records.values())
    assert all(f["session_id"] in sessions for f in walked["flags"].records.values())


def test_a_retained_transcript_is_its_messages_in_seq_order(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    session_id, session = next(iter(walked["sessions"].records.items()))
    response = admin.get(
        observability(sandbox) + f"/session-logs/sessions/{session_id}/messages"
    )
    data = response.json()["data"]
    assert [m["seq"] for m in data] == list(range(int(session["message_count"])))
    assert [m["role"] for m in data[:2]] == ["user", "agent"]


def test_a_transcript_no_longer_retained_is_404(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    sessions = walked["sessions"].records
    total = int(sandbox.world.snapshot().sessions.length)
    hidden = next(
        f"ses_{i:08d}" for i in range(1, total + 1) if f"ses_{i:08d}" not in sessions
    )
    response = admin.get(
        observability(sandbox) + f"/session-logs/sessions/{hidden}/messages"
    )
    assert response.status_code == 404


def test_lowering_retention_stops_serving_older_sessions(
    fresh_sandbox: RunningSandbox,
) -> None:
    with client(fresh_sandbox) as http:
        before = walk(
            http, fresh_sandbox, "sessions", start_date=full_window(fresh_sandbox)
        )
        app = next(a for a, d in _retention(http, fresh_sandbox).items() if d == 180)
        _put_retention(http, fresh_sandbox, app, 7)
        after = walk(
            http, fresh_sandbox, "sessions", start_date=full_window(fresh_sandbox)
        )
    theirs = [s for s in after.records.values() if s["application_id"] == app]
    assert all(int(s["started_at_ms"]) >= SANDBOX_NOW_MS - 7 * DAY_MS for s in theirs)
    assert len(after.records) < len(before.records)
    assert fresh_sandbox.stats()["counts"]["sessions"] == len(after.records)


def test_raising_retention_again_does_not_bring_deleted_sessions_back(
    fresh_sandbox: RunningSandbox,
) -> None:
    with client(fresh_sandbox) as http:
        app = next(a for a, d in _retention(http, fresh_sandbox).items() if d == 180)
        _put_retention(http, fresh_sandbox, app, 7)
        lowered = fresh_sandbox.stats()["counts"]
        _put_retention(http, fresh_sandbox, app, 180)
        assert fresh_sandbox.stats()["counts"] == lowered


def test_switching_logging_off_serves_no_session(fresh_sandbox: RunningSandbox) -> None:
    with client(fresh_sandbox) as http:
        http.put(
            observability(fresh_sandbox) + "/session-logs/settings",
            json={"session_logging_enabled": False},
        )
        sessions = walk(
            http, fresh_sandbox, "sessions", start_date=full_window(fresh_sandbox)
        )
    counts = fresh_sandbox.stats()["counts"]
    assert sessions.records == {}
    assert counts == counts | {"sessions": 0, "messages": 0, "flags": 0}


def test_a_cursor_sees_nothing_new_after_retention_is_lowered(
    fresh_sandbox: RunningSandbox,
) -> None:
    with client(fresh_sandbox) as http:
        done = walk(
            http, fresh_sandbox, "sessions", start_date=full_window(fresh_sandbox)
        )
        app = next(a for a, d in _retention(http, fresh_sandbox).items() if d == 180)
        _put_retention(http, fresh_sandbox, app, 30)
        assert walk(http, fresh_sandbox, "sessions", cursor=done.cursor).records == {}

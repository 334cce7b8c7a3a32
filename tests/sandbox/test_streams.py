"""Export streams: walks end with the stats counts, cursors, orders, windows."""

import httpx
import pytest

from sandbox import RunningSandbox
from tests.fixtures.sandbox import SANDBOX_NOW_MS
from tests.sandbox.walk import (
    DAY_MS,
    JSON,
    STREAMS,
    Walk,
    client,
    full_window,
    observability,
    walk,
)

STAT_OF_STREAM = {
    "logs": "log_records",
    "feedback": "feedback",
    "sessions": "sessions",
    "messages": "messages",
    "flags": "flags",
}


@pytest.mark.parametrize("stream", sorted(STAT_OF_STREAM))
def test_walk_upserting_by_id_ends_with_the_stats_count(
    stream: str, sandbox: RunningSandbox, walked: dict[str, Walk]
) -> None:
    counts = sandbox.stats()["counts"]
    assert isinstance(counts, dict)
    assert len(walked[stream].records) == counts[STAT_OF_STREAM[stream]]


def test_some_pages_repeat_records_of_the_page_before(walked: dict[str, Walk]) -> None:
    logs = walked["logs"]
    assert logs.delivered > len(logs.records)


def test_a_repeat_carries_the_same_content(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    seen: dict[str, JSON] = {}
    repeats = 0
    cursor = None
    for _ in range(8):
        params: JSON = {"limit": 300}
        if cursor:
            params["cursor"] = cursor
        else:
            params["start_date"] = full_window(sandbox)
        body = admin.get(observability(sandbox) + "/logs/export", params=params).json()
        for record in body["result"]:
            if record["log_id"] in seen:
                repeats += 1
                assert seen[record["log_id"]] == record
            seen[record["log_id"]] = record
        cursor = body["pagination"]["next_cursor"]
    assert repeats > 0


def test_messages_total_the_message_counts_of_the_sessions(
    walked: dict[str, Walk],
) -> None:
    sessions = walked["sessions"].records.values()
    assert sum(int(s["message_count"]) for s in sessions) == len(
        walked["messages"].records
    )


def test_log_ids_sort_in_insertion_order(walked: dict[str, Walk]) -> None:
    logs = walked["logs"]
    first_seen = list(dict.fromkeys(logs.order))
    assert first_seen == sorted(first_seen)
    times = [logs.records[i]["inserted_at_ms"] for i in first_seen]
    assert times == sorted(times)


def test_an_exhausted_cursor_returns_nothing_more_while_nothing_is_added(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    again = walk(admin, sandbox, "logs", cursor=walked["logs"].cursor)
    assert again.records == {}


def test_start_date_defaults_to_ninety_days_before_now(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    default = walk(admin, sandbox, "logs", limit=5000)
    oldest = min(int(r["inserted_at_ms"]) for r in default.records.values())
    assert oldest >= SANDBOX_NOW_MS - 90 * DAY_MS
    everything = sandbox.stats()["counts"]["log_records"]
    assert 0 < len(default.records) < everything


def test_start_date_limits_the_first_call(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    since = walk(admin, sandbox, "logs", limit=5000, start_date="2026-05-25")
    oldest = min(int(r["inserted_at_ms"]) for r in since.records.values())
    assert oldest >= SANDBOX_NOW_MS - 7 * DAY_MS - 12 * 3_600_000


def test_browse_walks_newest_first_and_covers_the_same_records(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    browse = walk(
        admin,
        sandbox,
        "sessions",
        limit=100,
        order="browse",
        start_date=full_window(sandbox),
    )
    first_seen = list(dict.fromkeys(browse.order))
    assert first_seen == sorted(first_seen, reverse=True)
    assert browse.records.keys() == walked["sessions"].records.keys()


def test_the_end_of_a_browse_walk_answers_an_empty_page(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    browse = walk(admin, sandbox, "flags", order="browse")
    assert walk(admin, sandbox, "flags", cursor=browse.cursor).records == {}


def test_application_filter_keeps_only_that_agents_sessions(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    busiest = max(
        {str(s["application_id"]) for s in walked["sessions"].records.values()},
        key=lambda app: sum(
            s["application_id"] == app for s in walked["sessions"].records.values()
        ),
    )
    mine = walk(
        admin,
        sandbox,
        "sessions",
        limit=50,
        application_id=busiest,
        start_date=full_window(sandbox),
    )
    expected = {
        i
        for i, s in walked["sessions"].records.items()
        if s["application_id"] == busiest
    }
    assert set(mine.records) == expected


def test_a_page_never_exceeds_its_limit(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    cursor = None
    for _ in range(20):
        params: JSON = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = admin.get(observability(sandbox) + "/logs/export", params=params).json()
        assert 1 <= len(body["result"]) <= 2
        cursor = body["pagination"]["next_cursor"]


@pytest.mark.parametrize("token", ["garbage", "c1.bG9ncy50YWlsLjAuMC4tMQ.000000000000"])
def test_a_cursor_that_does_not_decode_is_invalid_cursor(
    token: str, sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    response = admin.get(
        observability(sandbox) + "/logs/export", params={"cursor": token}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_a_cursor_of_another_stream_is_invalid_cursor(
    sandbox: RunningSandbox, admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    response = admin.get(
        observability(sandbox) + "/agent-feedback/export",
        params={"cursor": walked["logs"].cursor},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 5001},
        {"limit": "ten"},
        {"order": "sideways"},
        {"start_date": "last tuesday"},
    ],
)
def test_bad_export_parameters_are_invalid_parameter(
    params: JSON, sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    response = admin.get(observability(sandbox) + "/logs/export", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"


def test_a_format_other_than_native_is_refused(
    sandbox: RunningSandbox, admin: httpx.Client
) -> None:
    response = admin.get(
        observability(sandbox) + "/logs/export", params={"format": "otlp"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_format"


def test_every_export_answers_with_keep_alive_and_content_length(
    sandbox: RunningSandbox,
) -> None:
    with client(sandbox) as http:
        for path, _ in STREAMS.values():
            response = http.get(observability(sandbox) + path, params={"limit": 10})
            assert response.headers["content-length"] == str(len(response.content))
            assert response.headers.get("connection", "").lower() != "close"

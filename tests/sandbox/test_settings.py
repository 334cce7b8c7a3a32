"""Settings changes: history, admin e-mails, and the documented errors."""

from collections.abc import Iterator

import httpx
import pytest

from sandbox import RunningSandbox
from tests.fixtures.sandbox import SANDBOX_NOW_MS
from tests.sandbox.walk import JSON, client, observability, walk


@pytest.fixture
def http(fresh_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """An admin client of a sandbox this test may change."""
    with client(fresh_sandbox) as admin:
        yield admin


def _agent(http: httpx.Client, running: RunningSandbox, days: int) -> str:
    settings = http.get(observability(running) + "/session-logs/settings").json()
    return next(
        a["application_id"] for a in settings["agents"] if a["retention_days"] == days
    )


def _put(
    http: httpx.Client, running: RunningSandbox, app: str, body: object
) -> httpx.Response:
    return http.put(
        observability(running) + f"/session-logs/settings/agents/{app}", json=body
    )


def _outbox(running: RunningSandbox) -> list[JSON]:
    data: list[JSON] = httpx.get(running.base_url + "/sandbox/outbox").json()["data"]
    return data


def _admins(http: httpx.Client, running: RunningSandbox) -> list[str]:
    users = http.get(observability(running) + "/users", params={"limit": 500}).json()
    return [u["email"] for u in users["data"] if u["role"] == "admin"]


def test_a_retention_change_answers_with_its_change_and_notified_admins(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    app = _agent(http, fresh_sandbox, 30)
    answer = _put(http, fresh_sandbox, app, {"retention_days": 90}).json()
    assert answer["retention_days"] == 90
    assert answer["updated_by"] == "usr_0001"
    assert answer["updated_at_ms"] == SANDBOX_NOW_MS
    assert answer["change_id"].startswith("chg_")
    assert answer["notified_admins"] == len(_admins(http, fresh_sandbox))


def test_a_retention_change_is_recorded_in_the_history(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    app = _agent(http, fresh_sandbox, 30)
    change_id = _put(http, fresh_sandbox, app, {"retention_days": 90}).json()[
        "change_id"
    ]
    history = walk(http, fresh_sandbox, "history", start_date="1970-01-01").records
    assert history[change_id] == {
        "change_id": change_id,
        "application_id": app,
        "field": "retention_days",
        "old_value": "30",
        "new_value": "90",
        "changed_by": "usr_0001",
        "changed_at_ms": SANDBOX_NOW_MS,
        "inserted_at_ms": SANDBOX_NOW_MS,
    }


def test_a_retention_change_emails_every_admin_once(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    app = _agent(http, fresh_sandbox, 30)
    change_id = _put(http, fresh_sandbox, app, {"retention_days": 90}).json()[
        "change_id"
    ]
    emails = _outbox(fresh_sandbox)
    assert sorted(str(e["to"]) for e in emails) == sorted(_admins(http, fresh_sandbox))
    assert {e["change_id"] for e in emails} == {change_id}


def test_a_retention_change_shows_in_the_settings(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    app = _agent(http, fresh_sandbox, 30)
    _put(http, fresh_sandbox, app, {"retention_days": 7})
    settings = http.get(observability(fresh_sandbox) + "/session-logs/settings").json()
    mine = next(a for a in settings["agents"] if a["application_id"] == app)
    assert mine == {
        "application_id": app,
        "retention_days": 7,
        "updated_at_ms": SANDBOX_NOW_MS,
        "updated_by": "usr_0001",
    }


def test_setting_the_same_retention_changes_nothing_and_notifies_nobody(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    app = _agent(http, fresh_sandbox, 30)
    answer = _put(http, fresh_sandbox, app, {"retention_days": 30}).json()
    assert (answer["change_id"], answer["notified_admins"]) == (None, 0)
    assert _outbox(fresh_sandbox) == []


def test_the_logging_switch_records_history_and_emails_admins(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    answer = http.put(
        observability(fresh_sandbox) + "/session-logs/settings",
        json={"session_logging_enabled": False},
    ).json()
    assert answer["session_logging_enabled"] is False
    assert answer["updated_by"] == "usr_0001"
    assert answer["notified_admins"] == len(_admins(http, fresh_sandbox))
    history = walk(http, fresh_sandbox, "history", start_date="1970-01-01").records
    entry = history[answer["change_id"]]
    assert (entry["application_id"], entry["old_value"], entry["new_value"]) == (
        None,
        "true",
        "false",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"retention_days": 14},
        {"retention_days": "30"},
        {"retention_days": 30.0},
        {"retention_days": True},
        {},
    ],
)
def test_a_retention_outside_the_list_is_invalid_retention(
    body: object, fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    response = _put(http, fresh_sandbox, _agent(http, fresh_sandbox, 30), body)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_retention")


def test_an_unknown_agent_is_unknown_application(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    response = _put(http, fresh_sandbox, "app_9999", {"retention_days": 7})
    assert (response.status_code, response.json()["code"]) == (
        404,
        "unknown_application",
    )


def test_an_agent_without_session_logs_is_session_logs_unsupported(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    apps = http.get("/v1/applications", params={"limit": 100}).json()["data"]
    api_agent = next(a["id"] for a in apps if a["kind"] == "api")
    response = _put(http, fresh_sandbox, api_agent, {"retention_days": 7})
    assert (response.status_code, response.json()["code"]) == (
        409,
        "session_logs_unsupported",
    )


def test_retention_cannot_change_while_logging_is_off(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    app = _agent(http, fresh_sandbox, 30)
    http.put(
        observability(fresh_sandbox) + "/session-logs/settings",
        json={"session_logging_enabled": False},
    )
    response = _put(http, fresh_sandbox, app, {"retention_days": 7})
    assert (response.status_code, response.json()["code"]) == (
        409,
        "session_logging_disabled",
    )


def test_a_body_that_is_not_json_is_invalid_body(
    fresh_sandbox: RunningSandbox, http: httpx.Client
) -> None:
    response = http.put(
        observability(fresh_sandbox) + "/session-logs/settings", content=b"{nope"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_body")

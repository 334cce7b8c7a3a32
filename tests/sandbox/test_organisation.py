"""The small organisation: its size, its agents, its users, its settings."""

from collections import Counter

import httpx

from sandbox import RunningSandbox
from tests.sandbox.walk import JSON, Walk, observability


def _applications(admin: httpx.Client) -> list[JSON]:
    data: list[JSON] = admin.get("/v1/applications", params={"limit": 100}).json()[
        "data"
    ]
    return data


def test_small_scale_has_the_sizes_unit_tests_expect(sandbox: RunningSandbox) -> None:
    counts = sandbox.stats()["counts"]
    assert isinstance(counts, dict)
    assert counts["agents"] == 20
    assert counts["users"] == 40
    assert 200 <= counts["sessions"] <= 1000
    assert 1000 <= counts["log_records"] <= 6000


def test_stats_are_served_without_a_key(sandbox: RunningSandbox) -> None:
    response = httpx.get(sandbox.base_url + "/sandbox/stats")
    assert response.json() == sandbox.stats()


def test_every_kind_of_agent_exists(admin: httpx.Client) -> None:
    kinds = {app["kind"] for app in _applications(admin)}
    assert kinds == {"no_code", "writer_agent", "prebuilt", "api", "framework"}


def test_there_are_deployed_and_draft_agents(admin: httpx.Client) -> None:
    statuses = Counter(app["status"] for app in _applications(admin))
    assert statuses["deployed"] > statuses["draft"] > 0


def test_drafts_were_never_deployed_and_have_no_activity(
    admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    drafts = {app["id"] for app in _applications(admin) if app["status"] == "draft"}
    assert all(
        app["last_deployed_at"] is None
        for app in _applications(admin)
        if app["id"] in drafts
    )
    active = {r["application_id"] for r in walked["logs"].records.values()}
    assert not drafts & active


def test_api_framework_and_prebuilt_agents_have_logs_but_no_sessions(
    admin: httpx.Client, walked: dict[str, Walk]
) -> None:
    kind = {app["id"]: app["kind"] for app in _applications(admin)}
    logged = {kind[r["application_id"]] for r in walked["logs"].records.values()}
    in_sessions = {
        kind[s["application_id"]] for s in walked["sessions"].records.values()
    }
    assert {"api", "framework", "prebuilt"} <= logged
    assert in_sessions <= {"no_code", "writer_agent"}


def test_one_deployed_agent_answers_only_errors(walked: dict[str, Walk]) -> None:
    statuses: dict[object, set[int]] = {}
    for record in walked["logs"].records.values():
        statuses.setdefault(record["application_id"], set()).add(
            int(record["http_status"])
        )
    broken = [app for app, seen in statuses.items() if 200 not in seen]
    assert len(broken) == 1
    assert all(status >= 400 for status in statuses[broken[0]])


def test_a_handful_of_users_are_admins(
    admin: httpx.Client, sandbox: RunningSandbox
) -> None:
    users = admin.get(observability(sandbox) + "/users", params={"limit": 500}).json()
    roles = Counter(user["role"] for user in users["data"])
    assert 3 <= roles["admin"] <= 7
    assert users["total"] == len(users["data"])


def test_the_keys_belong_to_an_admin_and_a_member(
    admin: httpx.Client, member: httpx.Client
) -> None:
    assert admin.get("/v1/me").json()["role"] == "admin"
    assert member.get("/v1/me").json()["role"] == "member"


def test_session_logging_is_on_with_varied_retention(
    admin: httpx.Client, sandbox: RunningSandbox
) -> None:
    settings = admin.get(observability(sandbox) + "/session-logs/settings").json()
    assert settings["session_logging_enabled"] is True
    retention = {agent["retention_days"] for agent in settings["agents"]}
    assert {0, 180} <= retention
    assert len(retention) >= 4


def test_settings_list_exactly_the_session_log_agents(
    admin: httpx.Client, sandbox: RunningSandbox
) -> None:
    settings = admin.get(observability(sandbox) + "/session-logs/settings").json()
    capable = {
        app["id"]
        for app in _applications(admin)
        if app["kind"] in ("no_code", "writer_agent")
    }
    assert {agent["application_id"] for agent in settings["agents"]} == capable


def test_the_busiest_session_agent_keeps_180_days(
    admin: httpx.Client, sandbox: RunningSandbox, walked: dict[str, Walk]
) -> None:
    settings = admin.get(observability(sandbox) + "/session-logs/settings").json()
    retention = {a["application_id"]: a["retention_days"] for a in settings["agents"]}
    per_agent = Counter(
        s["application_id"] for s in walked["sessions"].records.values()
    )
    busiest, _ = per_agent.most_common(1)[0]
    assert retention[busiest] == 180


def test_there_is_one_very_long_session(walked: dict[str, Walk]) -> None:
    longest = max(int(s["message_count"]) for s in walked["sessions"].records.values())
    assert longest == 240


def test_settings_history_is_seeded(walked: dict[str, Walk]) -> None:
    fields = Counter(r["field"] for r in walked["history"].records.values())
    assert fields["session_logging_enabled"] == 1
    assert fields["retention_days"] >= 5


def test_applications_page_by_after_without_gaps(admin: httpx.Client) -> None:
    every = [app["id"] for app in _applications(admin)]
    paged: list[object] = []
    after = None
    while True:
        params: JSON = {"limit": 7}
        if after:
            params["after"] = after
        body = admin.get("/v1/applications", params=params).json()
        paged += [app["id"] for app in body["data"]]
        after = body["last_id"]
        if not body["has_more"]:
            break
    assert paged == every


def test_applications_before_gives_the_page_preceding_an_id(
    admin: httpx.Client,
) -> None:
    every = [app["id"] for app in _applications(admin)]
    body = admin.get(
        "/v1/applications", params={"limit": 3, "before": every[10]}
    ).json()
    assert [app["id"] for app in body["data"]] == every[7:10]
    assert body["has_more"] is True


def test_applications_ascending_is_oldest_first(admin: httpx.Client) -> None:
    body = admin.get("/v1/applications", params={"limit": 100, "order": "asc"}).json()
    created = [app["created_at"] for app in body["data"]]
    assert created == sorted(created)


def test_an_unknown_application_is_404(admin: httpx.Client) -> None:
    assert admin.get("/v1/applications/app_9999").status_code == 404


def test_one_application_is_the_listed_object(admin: httpx.Client) -> None:
    listed = _applications(admin)[0]
    assert admin.get(f"/v1/applications/{listed['id']}").json() == listed

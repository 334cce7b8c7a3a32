"""Keys and roles: 401 without a valid key, 403 without the right or the org."""

import httpx
import pytest

from sandbox import RunningSandbox
from tests.sandbox.walk import billing, client, observability

ADMIN_ONLY = (
    "{obs}/session-logs/settings",
    "{obs}/session-logs/settings/history",
    "{obs}/session-logs/sessions/export",
    "{obs}/session-logs/messages/export",
    "{obs}/session-logs/flags/export",
    "{obs}/session-logs/sessions/ses_00000001/messages",
    "{bill}/consumption/daily?month=2026-05",
    "{bill}/consumption/breakdown/user?month=2026-05",
)
ANY_KEY = (
    "/v1/me",
    "/v1/applications",
    "{obs}/users",
    "{obs}/logs/export",
    "{obs}/agent-feedback/export",
)


def _url(running: RunningSandbox, template: str) -> str:
    return template.format(obs=observability(running), bill=billing(running))


@pytest.mark.parametrize("path", ADMIN_ONLY + ANY_KEY)
def test_no_key_is_401(path: str, sandbox: RunningSandbox) -> None:
    response = httpx.get(sandbox.base_url + _url(sandbox, path))
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/v1/me", "{obs}/logs/export"])
def test_an_unknown_key_is_401(path: str, sandbox: RunningSandbox) -> None:
    with client(sandbox, "not-a-key") as http:
        assert http.get(_url(sandbox, path)).status_code == 401


@pytest.mark.parametrize("path", ADMIN_ONLY)
def test_a_member_key_is_403_on_admin_endpoints(
    path: str, sandbox: RunningSandbox, member: httpx.Client
) -> None:
    assert member.get(_url(sandbox, path)).status_code == 403


@pytest.mark.parametrize("path", ANY_KEY)
def test_a_member_key_reads_what_any_key_may(
    path: str, sandbox: RunningSandbox, member: httpx.Client
) -> None:
    assert member.get(_url(sandbox, path)).status_code == 200


def test_a_member_cannot_change_retention(
    sandbox: RunningSandbox, member: httpx.Client
) -> None:
    response = member.put(
        observability(sandbox) + "/session-logs/settings/agents/app_0002",
        json={"retention_days": 7},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/api/observability/v1/organization/org_other/logs/export",
        "/api/observability/v1/organization/org_other/session-logs/settings",
        "/api/billing/v1/organization/org_other/consumption/daily?month=2026-05",
    ],
)
def test_another_organisation_is_403(path: str, admin: httpx.Client) -> None:
    assert admin.get(path).status_code == 403


def test_observability_errors_have_code_and_detail(sandbox: RunningSandbox) -> None:
    body = httpx.get(sandbox.base_url + _url(sandbox, "{obs}/logs/export")).json()
    assert body["code"] == "unauthorized"
    assert isinstance(body["detail"], str)


def test_billing_errors_are_in_core_v1_style(sandbox: RunningSandbox) -> None:
    path = _url(sandbox, "{bill}/consumption/daily?month=2026-05")
    body = httpx.get(sandbox.base_url + path).json()
    assert body["tpe"] == "unauthorized"
    assert body["errors"][0]["key"] == "unauthorized"


def test_an_unknown_path_is_404(admin: httpx.Client) -> None:
    assert admin.get("/v1/nothing-here").status_code == 404


def test_a_wrong_method_is_405(admin: httpx.Client) -> None:
    assert admin.post("/v1/me").status_code == 405

"""The sandbox's flag verdicts, over loopback HTTP, as docs/api.md specifies."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox import RunningSandbox

OBSERVABILITY = "/api/observability/v1/organization/{org}/session-logs"


class Remote:
    """An HTTP client to a sandbox that knows its paths."""

    def __init__(self, running: RunningSandbox, key: str) -> None:
        self.running = running
        self.http = httpx.Client(
            base_url=running.base_url, headers={"Authorization": f"Bearer {key}"}
        )
        self.base = OBSERVABILITY.format(org=running.organization_id)

    def served_flags(self, count: int) -> list[str]:
        body = self.http.get(f"{self.base}/flags/export", params={"limit": 100}).json()
        return [record["flag_id"] for record in body["result"]][:count]

    def decide(self, flag_id: str, **fields: Any) -> httpx.Response:
        body = {
            "verdict_id": "vrd_a",
            "state": "resolved",
            "note": None,
            "decided_at_ms": 1_780_000_000_000,
            "base_verdict_id": None,
            **fields,
        }
        return self.http.post(f"{self.base}/flags/{flag_id}/verdicts", json=body)

    def second_reviewer(self, flag_id: str, state: str = "escalated") -> dict[str, Any]:
        answer = httpx.post(
            f"{self.running.base_url}/sandbox/flags/{flag_id}/verdicts",
            params={"user_id": "usr_0002"},
            json={"state": state, "note": "from the other desk"},
        )
        assert answer.status_code == 201
        return dict(answer.json())

    def accepted(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.running.base_url}/sandbox/verdicts").json())


@pytest.fixture
def remote(fresh_sandbox: RunningSandbox) -> Iterator[Remote]:
    """The admin key's client to a sandbox of its own."""
    client = Remote(fresh_sandbox, fresh_sandbox.admin_key)
    yield client
    client.http.close()


@pytest.fixture
def flag_id(remote: Remote) -> str:
    """A flag the sandbox still retains."""
    return remote.served_flags(1)[0]


def test_a_new_verdict_is_recorded_with_who_decided(
    remote: Remote, flag_id: str
) -> None:
    answer = remote.decide(flag_id, note="Checked the policy.")

    assert answer.status_code == 201
    assert answer.json()["decided_by"] == "usr_0001"
    assert [v["note"] for v in remote.accepted()["data"]] == ["Checked the policy."]


def test_a_repeated_verdict_id_is_answered_with_the_stored_verdict(
    remote: Remote, flag_id: str
) -> None:
    first = remote.decide(flag_id, state="resolved")
    again = remote.decide(flag_id, state="dismissed")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    listing = remote.accepted()
    assert (len(listing["data"]), listing["replays"]) == (1, 1)


def test_a_verdict_on_top_of_a_stale_base_conflicts_with_another_reviewers(
    remote: Remote, flag_id: str
) -> None:
    theirs = remote.second_reviewer(flag_id)

    answer = remote.decide(flag_id)

    assert answer.status_code == 409
    assert answer.json()["code"] == "verdict_conflict"
    assert answer.json()["current"] == theirs
    assert len(remote.accepted()["data"]) == 1


def test_resending_with_the_current_verdict_as_base_is_accepted(
    remote: Remote, flag_id: str
) -> None:
    theirs = remote.second_reviewer(flag_id)
    remote.decide(flag_id)

    answer = remote.decide(flag_id, base_verdict_id=theirs["verdict_id"])

    assert answer.status_code == 201
    assert [v["decided_by"] for v in remote.accepted()["data"]] == [
        "usr_0002",
        "usr_0001",
    ]


def test_a_reviewer_never_conflicts_with_their_own_verdict(
    remote: Remote, flag_id: str
) -> None:
    remote.decide(flag_id, verdict_id="vrd_first")

    answer = remote.decide(flag_id, verdict_id="vrd_second", base_verdict_id=None)

    assert answer.status_code == 201


def test_a_verdict_id_used_on_another_flag_is_refused(remote: Remote) -> None:
    first, second = remote.served_flags(2)
    remote.decide(first)

    answer = remote.decide(second)

    assert (answer.status_code, answer.json()["code"]) == (422, "verdict_id_reused")


def test_a_state_outside_the_list_is_refused(remote: Remote, flag_id: str) -> None:
    answer = remote.decide(flag_id, state="deleted")

    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_verdict")


def test_a_verdict_on_a_flag_that_does_not_exist_is_not_found(remote: Remote) -> None:
    answer = remote.decide("flg_99999999")

    assert (answer.status_code, answer.json()["code"]) == (404, "unknown_flag")


def test_a_member_key_may_not_decide(
    fresh_sandbox: RunningSandbox, flag_id: str
) -> None:
    member = Remote(fresh_sandbox, fresh_sandbox.member_key)

    answer = member.decide(flag_id)

    assert answer.status_code == 403


def test_the_export_pages_every_verdict_in_acceptance_order(remote: Remote) -> None:
    flags = remote.served_flags(3)
    for number, flag in enumerate(flags):
        remote.decide(flag, verdict_id=f"vrd_{number}")
    path = f"{remote.base}/flags/verdicts/export"

    first = remote.http.get(path, params={"limit": 2}).json()
    rest = remote.http.get(
        path, params={"cursor": first["pagination"]["next_cursor"]}
    ).json()

    assert [v["verdict_id"] for v in first["result"] + rest["result"]] == [
        "vrd_0",
        "vrd_1",
        "vrd_2",
    ]
    assert (first["pagination"]["has_more"], rest["pagination"]["has_more"]) == (
        True,
        False,
    )


def test_the_export_resumed_at_its_end_gives_only_later_verdicts(
    remote: Remote,
) -> None:
    first_flag, second_flag = remote.served_flags(2)
    path = f"{remote.base}/flags/verdicts/export"
    remote.decide(first_flag, verdict_id="vrd_early")
    end = remote.http.get(path).json()["pagination"]["next_cursor"]
    remote.decide(second_flag, verdict_id="vrd_late")

    later = remote.http.get(path, params={"cursor": end}).json()

    assert [v["verdict_id"] for v in later["result"]] == ["vrd_late"]


def test_the_export_refuses_a_cursor_it_did_not_make(remote: Remote) -> None:
    answer = remote.http.get(
        f"{remote.base}/flags/verdicts/export", params={"cursor": "v1.bm9wZQ.123"}
    )

    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_cursor")


def test_a_second_reviewer_must_be_a_user_of_the_organisation(
    remote: Remote, flag_id: str
) -> None:
    answer = httpx.post(
        f"{remote.running.base_url}/sandbox/flags/{flag_id}/verdicts",
        params={"user_id": "usr_nobody"},
        json={"state": "resolved"},
    )

    assert answer.status_code == 404

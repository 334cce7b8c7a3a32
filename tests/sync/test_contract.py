"""Records are checked against docs/api.md and turned into the store's rows."""

from decimal import Decimal
from typing import Any

import pytest

from store.write import UPSERT_COLUMNS
from sync.contract import (
    APPLICATION,
    LOG_RECORD,
    MESSAGE,
    ContractViolation,
    cents_to_ucents,
)


def _log(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "record_type": "agent_run",
        "log_id": "log_1",
        "inserted_at_ms": 1_780_000_000_000,
        "agent_run_id": "run_1",
        "root_agent_run_id": "run_1",
        "run_status": "completed",
        "model": "palmyra-x5",
        "duration_ms": 812,
        "prompt_tokens": 10,
        "completion_tokens": 20,
        "total_tokens": 30,
        "application_id": "app_1",
        "session_id": "ses_1",
        "user_id": "usr_1",
        "message_id": "msg_1",
        "http_status": 200,
        "cost_in_cents": Decimal("0.042137"),
    }
    record.update(changes)
    return record


def test_a_log_record_becomes_a_row_in_column_order() -> None:
    row = dict(zip(UPSERT_COLUMNS["log_records"], LOG_RECORD.row(_log()), strict=True))
    assert (row["log_id"], row["duration_ms"], row["cost_ucents"]) == (
        "log_1",
        812,
        42137,
    )


def test_money_is_stored_exactly_as_micro_cents() -> None:
    assert cents_to_ucents(Decimal("1234.567891")) == 1_234_567_891


def test_whole_cents_may_arrive_as_an_integer() -> None:
    assert cents_to_ucents(3) == 3_000_000


def test_money_with_more_than_six_places_breaks_the_contract() -> None:
    with pytest.raises(ContractViolation, match="six decimal places"):
        LOG_RECORD.row(_log(cost_in_cents=Decimal("0.0000001")))


def test_a_missing_field_is_named() -> None:
    record = _log()
    del record["http_status"]
    with pytest.raises(ContractViolation, match="http_status is missing"):
        LOG_RECORD.row(record)


def test_a_field_of_the_wrong_type_is_named() -> None:
    with pytest.raises(ContractViolation, match="total_tokens is a string"):
        LOG_RECORD.row(_log(total_tokens="30"))


def test_a_boolean_is_not_an_integer() -> None:
    with pytest.raises(ContractViolation, match="http_status is a boolean"):
        LOG_RECORD.row(_log(http_status=True))


def test_an_unrecorded_response_time_may_be_null() -> None:
    assert LOG_RECORD.row(_log(duration_ms=None))[7] is None


def test_a_required_field_may_not_be_null() -> None:
    with pytest.raises(ContractViolation, match="session_id is null"):
        LOG_RECORD.row(_log(session_id=None))


def test_negative_tokens_break_the_contract() -> None:
    with pytest.raises(ContractViolation, match="prompt_tokens is negative"):
        LOG_RECORD.row(_log(prompt_tokens=-1))


def test_a_value_outside_the_allowed_ones_breaks_the_contract() -> None:
    with pytest.raises(ContractViolation, match="run_status"):
        LOG_RECORD.row(_log(run_status="exploded"))


def test_an_empty_id_breaks_the_contract() -> None:
    with pytest.raises(ContractViolation, match="log_id is empty"):
        LOG_RECORD.row(_log(log_id=""))


def test_fields_the_contract_does_not_list_are_ignored() -> None:
    assert LOG_RECORD.row(_log(future_field=1)) == LOG_RECORD.row(_log())


def test_a_record_that_is_not_an_object_breaks_the_contract() -> None:
    with pytest.raises(ContractViolation, match="not a JSON object"):
        LOG_RECORD.row(["log_1"])


def test_message_content_is_kept_exactly_as_received() -> None:
    content = "[bold]hi[/] \x1b]0;title\x07 ünïcode\n\ttab"
    record = {
        "message_id": "m",
        "session_id": "s",
        "application_id": "a",
        "seq": 0,
        "role": "user",
        "content": content,
        "created_at_ms": 1,
        "log_id": None,
        "inserted_at_ms": 1,
    }
    assert MESSAGE.row(record)[5] == content


def test_application_times_become_epoch_milliseconds() -> None:
    record = {
        "id": "app_1",
        "name": "Claims triage",
        "type": "generation",
        "status": "deployed",
        "created_at": "2026-01-04T09:12:00Z",
        "updated_at": "2026-05-30T16:00:00Z",
        "last_deployed_at": None,
        "inputs": [],
        "kind": "no_code",
    }
    row = APPLICATION.row(record)
    assert (row[5], row[7]) == (1_767_517_920_000, None)


def test_an_application_time_that_is_not_iso_breaks_the_contract() -> None:
    record = {
        "id": "app_1",
        "name": "n",
        "type": "t",
        "status": "draft",
        "created_at": "yesterday",
        "updated_at": None,
        "last_deployed_at": None,
        "kind": "api",
    }
    with pytest.raises(ContractViolation, match="not an ISO 8601 time"):
        APPLICATION.row(record)

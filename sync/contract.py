"""The records of docs/api.md, checked and turned into the store's rows.

Each `RecordSpec` lists a record's wire fields in the order of the table's
`store.write.UPSERT_COLUMNS`, with the type the contract gives each one.
`spec.row(record)` returns the row, or raises `ContractViolation` naming the
first field at fault, so the engine can set the record aside and carry on.
Fields the contract does not list are ignored (the remote may add some).
"""

import itertools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from store.clock import parse_iso_ms

UCENTS_PER_CENT = 1_000_000
RETENTION_CHOICES = (0, 7, 30, 90, 180)


class ContractViolation(ValueError):
    """A record that breaks the contract; the text says which field and how."""


def cents_to_ucents(value: Decimal | int) -> int:
    """Cents (a JSON decimal with at most six places) as exact integer micro-cents."""
    try:
        scaled = Decimal(value) * UCENTS_PER_CENT
        whole = scaled.to_integral_value()
    except InvalidOperation as error:
        raise ContractViolation("cost_in_cents is not a finite number") from error
    if scaled != whole:
        raise ContractViolation("cost_in_cents has more than six decimal places")
    return int(whole)


def _iso_ms(value: str) -> int:
    """An ISO 8601 timestamp as epoch milliseconds."""
    try:
        return parse_iso_ms(value)
    except ValueError as error:
        raise ContractViolation(f"{value!r} is not an ISO 8601 time") from error


def _iso_date(value: str) -> str:
    """A `YYYY-MM-DD` date, returned unchanged."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ContractViolation(f"{value!r} is not a YYYY-MM-DD date")
    try:
        int(value[:4]), int(value[5:7]), int(value[8:])
    except ValueError as error:
        raise ContractViolation(f"{value!r} is not a YYYY-MM-DD date") from error
    return value


@dataclass(frozen=True)
class Field:
    """One wire field: its name, accepted types and the checks beyond type."""

    name: str
    types: tuple[type, ...]
    nullable: bool = False
    choices: frozenset[Any] | None = None
    convert: Callable[[Any], Any] | None = None
    non_negative: bool = False
    non_empty: bool = False


def text(
    name: str,
    *,
    nullable: bool = False,
    choices: tuple[str, ...] | None = None,
    key: bool = False,
) -> Field:
    """A string field; `key` ones (ids) may not be empty."""
    return Field(
        name,
        (str,),
        nullable=nullable,
        choices=frozenset(choices) if choices else None,
        non_empty=key,
    )


def integer(
    name: str,
    *,
    nullable: bool = False,
    non_negative: bool = False,
    choices: tuple[int, ...] | None = None,
) -> Field:
    """An integer field (a JSON `true` is not an integer here)."""
    return Field(
        name,
        (int,),
        nullable=nullable,
        non_negative=non_negative,
        choices=frozenset(choices) if choices else None,
    )


def money(name: str) -> Field:
    """A decimal number of cents, stored as integer micro-cents."""
    return Field(name, (Decimal, int), convert=cents_to_ucents)


def iso_time(name: str, *, nullable: bool = False) -> Field:
    """An ISO 8601 time string, stored as epoch milliseconds."""
    return Field(name, (str,), nullable=nullable, convert=_iso_ms)


def iso_date(name: str) -> Field:
    """A `YYYY-MM-DD` date string."""
    return Field(name, (str,), convert=_iso_date)


class RecordSpec:
    """The contract of one kind of record, and its conversion to a row.

    `row` takes a fast path for the records that keep the contract (all
    fields fetched at once, their types compared as one tuple) and falls
    back to checking field by field only to name what is wrong.
    """

    def __init__(self, name: str, fields: tuple[Field, ...]) -> None:
        self.name = name
        self.fields = fields
        self._fetch = operator.itemgetter(*(spec.name for spec in fields))
        self._type_rows = _allowed_type_rows(fields)
        self._choices = [
            (index, spec.choices)
            for index, spec in enumerate(fields)
            if spec.choices is not None
        ]
        self._non_negative = [i for i, spec in enumerate(fields) if spec.non_negative]
        self._non_empty = [i for i, spec in enumerate(fields) if spec.non_empty]
        self._converters = [
            (index, spec.convert)
            for index, spec in enumerate(fields)
            if spec.convert is not None
        ]

    def row(self, record: Any) -> tuple[Any, ...]:
        """The row for `record`, or `ContractViolation` naming the first fault."""
        if type(record) is not dict:
            raise ContractViolation(f"a {self.name} record is not a JSON object")
        if self._type_rows is None:
            return self._checked_row(record)
        try:
            values = self._fetch(record)
        except KeyError:
            return self._checked_row(record)
        if len(self.fields) == 1:
            values = (values,)
        if tuple(map(type, values)) not in self._type_rows:
            return self._checked_row(record)
        for index, choices in self._choices:
            if values[index] not in choices:
                return self._checked_row(record)
        for index in self._non_negative:
            value = values[index]
            if value is not None and value < 0:
                return self._checked_row(record)
        for index in self._non_empty:
            if not values[index]:
                return self._checked_row(record)
        if not self._converters:
            return values
        converted = list(values)
        for index, convert in self._converters:
            if converted[index] is not None:
                converted[index] = convert(converted[index])
        return tuple(converted)

    def _checked_row(self, record: dict[str, Any]) -> tuple[Any, ...]:
        """The row, checked field by field: slow, but it names the first fault."""
        values: list[Any] = []
        for spec in self.fields:
            try:
                value = record[spec.name]
            except KeyError:
                raise ContractViolation(f"{spec.name} is missing") from None
            if value is None:
                if not spec.nullable:
                    raise ContractViolation(f"{spec.name} is null")
                values.append(None)
                continue
            if type(value) not in spec.types:
                raise ContractViolation(
                    f"{spec.name} is {_json_type(value)}, "
                    f"not {_json_type_name(spec.types)}"
                )
            if spec.choices is not None and value not in spec.choices:
                raise ContractViolation(
                    f"{spec.name} {value!r} is not one of the allowed"
                )
            if spec.non_negative and value < 0:
                raise ContractViolation(f"{spec.name} is negative")
            if spec.non_empty and not value:
                raise ContractViolation(f"{spec.name} is empty")
            values.append(value if spec.convert is None else spec.convert(value))
        return tuple(values)


# Beyond this many combinations of field types, the fast path is not worth it.
MAX_TYPE_ROWS = 64


def _allowed_type_rows(fields: tuple[Field, ...]) -> frozenset[tuple[type, ...]] | None:
    """Every tuple of value types a valid record may have, or None if too many."""
    choices = [
        (*spec.types, type(None)) if spec.nullable else spec.types for spec in fields
    ]
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_TYPE_ROWS:
        return None
    return frozenset(itertools.product(*choices))


def _json_type(value: object) -> str:
    """The JSON type name of a decoded value."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, (float, Decimal)):
        return "a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _json_type_name(types: tuple[type, ...]) -> str:
    """What the contract wanted, in JSON words."""
    if Decimal in types:
        return "a number"
    if int in types:
        return "an integer"
    return "a string"


LOG_RECORD = RecordSpec(
    "logs",
    (
        text("log_id", key=True),
        text("record_type", choices=("agent_run", "llm_call")),
        integer("inserted_at_ms"),
        text("application_id", key=True),
        text("session_id", key=True),
        text("user_id", key=True),
        text("message_id", key=True),
        integer("duration_ms", nullable=True, non_negative=True),
        integer("http_status"),
        text("model"),
        integer("prompt_tokens", non_negative=True),
        integer("completion_tokens", non_negative=True),
        integer("total_tokens", non_negative=True),
        money("cost_in_cents"),
        text("agent_run_id"),
        text("root_agent_run_id"),
        text("run_status", choices=("completed", "failed")),
    ),
)

FEEDBACK = RecordSpec(
    "feedback",
    (
        text("feedback_id", key=True),
        text("message_id"),
        text("agent_run_id"),
        text("application_id"),
        text("rating", choices=("negative", "positive")),
        text("qualitative_comment", nullable=True),
        text("user_id"),
        text("session_id"),
        text("thread_id"),
        integer("emitted_at_ms"),
        integer("inserted_at_ms"),
    ),
)

SESSION = RecordSpec(
    "sessions",
    (
        text("session_id", key=True),
        text("application_id", key=True),
        text("user_id"),
        integer("started_at_ms"),
        integer("ended_at_ms"),
        integer("message_count", non_negative=True),
        integer("inserted_at_ms"),
    ),
)

MESSAGE = RecordSpec(
    "messages",
    (
        text("message_id", key=True),
        text("session_id", key=True),
        text("application_id", key=True),
        integer("seq", non_negative=True),
        text("role", choices=("user", "agent")),
        text("content"),
        integer("created_at_ms"),
        text("log_id", nullable=True),
        integer("inserted_at_ms"),
    ),
)

FLAG = RecordSpec(
    "flags",
    (
        text("flag_id", key=True),
        text("message_id", key=True),
        text("session_id", key=True),
        text("application_id", key=True),
        text("user_id"),
        text("reason", choices=("inappropriate", "inaccurate")),
        text("comment", nullable=True),
        integer("flagged_at_ms"),
        integer("inserted_at_ms"),
    ),
)

SETTINGS_CHANGE = RecordSpec(
    "settings_history",
    (
        text("change_id", key=True),
        text("application_id", nullable=True),
        text("field", choices=("retention_days", "session_logging_enabled")),
        text("old_value", nullable=True),
        text("new_value"),
        text("changed_by"),
        integer("changed_at_ms"),
    ),
)

APPLICATION = RecordSpec(
    "applications",
    (
        text("id", key=True),
        text("name"),
        text(
            "kind", choices=("no_code", "writer_agent", "prebuilt", "api", "framework")
        ),
        text("type"),
        text("status", choices=("deployed", "draft")),
        iso_time("created_at"),
        iso_time("updated_at", nullable=True),
        iso_time("last_deployed_at", nullable=True),
    ),
)

USER = RecordSpec(
    "users",
    (
        text("user_id", key=True),
        text("name"),
        text("email"),
        text("role"),
    ),
)

AGENT_RETENTION = RecordSpec(
    "settings.agents",
    (
        text("application_id", key=True),
        integer("retention_days", choices=RETENTION_CHOICES),
        integer("updated_at_ms", nullable=True),
        text("updated_by", nullable=True),
    ),
)

CONSUMPTION_DAY = RecordSpec(
    "consumption.daily",
    (
        iso_date("date"),
        text("agent_type", choices=("api", "framework", "no_code", "other")),
        text("category", choices=("model", "service")),
        text("name"),
        money("cost_in_cents"),
        integer("total_tokens", non_negative=True),
    ),
)

# The breakdown's month and scope come from the request, not the record.
CONSUMPTION_SHARE = RecordSpec(
    "consumption.breakdown",
    (
        text("id", key=True),
        text("name"),
        money("cost_in_cents"),
        integer("total_tokens", non_negative=True),
    ),
)

ME = RecordSpec(
    "me",
    (
        text("user_id", key=True),
        text("organization_id", key=True),
        text("organization_name"),
        text("role"),
        integer("server_time_ms"),
    ),
)

"""The sandbox's settings: which organisation to generate and how to misbehave.

`SandboxConfig` is what `start_sandbox` takes; `parse_faults` and
`parse_iso_ms` turn the command line's `--faults` and `--now` into it.
"""

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sandbox.errors import BadSandboxConfig

SCALES = ("small", "medium", "large")
FAULT_KINDS = ("429", "5xx", "drop", "slow", "malformed")
DEFAULT_ADMIN_KEY = "sandbox-admin-key"
DEFAULT_MEMBER_KEY = "sandbox-member-key"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def parse_iso_ms(text: str) -> int:
    """UTC epoch milliseconds from ISO 8601; a naive time is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadSandboxConfig(
            f"not an ISO 8601 time: {text!r} (try 2026-06-01T12:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def parse_faults(spec: str) -> dict[str, float]:
    """The fault probabilities of a spec like `429=0.1,5xx=0.05,drop=0.01`.

    Kinds are `429`, `5xx`, `drop`, `slow` and `malformed`; each probability
    is in [0, 1] and together they are at most 1. An empty spec is no faults.
    """
    faults: dict[str, float] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kind, equals, value = part.partition("=")
        kind = kind.strip()
        if not equals or kind not in FAULT_KINDS:
            raise BadSandboxConfig(
                f"bad fault {part!r}: expected KIND=P with KIND one of "
                + ", ".join(FAULT_KINDS)
            )
        try:
            faults[kind] = float(value)
        except ValueError:
            raise BadSandboxConfig(
                f"bad fault {part!r}: {value.strip()!r} is not a probability"
            ) from None
    check_faults(faults)
    return faults


def check_faults(faults: dict[str, float]) -> None:
    """Raise `BadSandboxConfig` unless the kinds are known and the sum is <= 1."""
    for kind, probability in faults.items():
        if kind not in FAULT_KINDS:
            raise BadSandboxConfig(
                f"unknown fault kind {kind!r}: use one of " + ", ".join(FAULT_KINDS)
            )
        if not 0.0 <= probability <= 1.0:
            raise BadSandboxConfig(
                f"fault {kind}={probability} is not a probability in [0, 1]"
            )
    if sum(faults.values()) > 1.0 + 1e-9:
        raise BadSandboxConfig("fault probabilities add up to more than 1")


def current_minute_ms() -> int:
    """The wall clock rounded down to the minute, as the default sandbox now."""
    return int(time.time() // 60 * 60_000)


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that decides what a sandbox serves and how it misbehaves.

    The same `seed`, `scale` and `now_ms` always give the same organisation.
    `now_ms=None` means the current minute, fixed when the sandbox starts.
    `faults` maps a kind of `FAULT_KINDS` to the probability that a keyed API
    request meets it (see `parse_faults`); `fault_seed` seeds their draws.
    `retry_after_seconds` is what a 429 asks the client to wait (None: 0 or 1,
    drawn per fault). `live_interval_seconds` is how often `live` adds a
    session.
    """

    seed: int = 7
    scale: str = "medium"
    now_ms: int | None = None
    admin_key: str = DEFAULT_ADMIN_KEY
    member_key: str = DEFAULT_MEMBER_KEY
    faults: dict[str, float] = field(default_factory=dict)
    live: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    slow_seconds: float = 3.0
    fault_seed: int = 1
    retry_after_seconds: int | None = None
    live_interval_seconds: float = 2.0

    def __post_init__(self) -> None:
        """Reject settings the sandbox cannot honour, with one line each."""
        if self.scale not in SCALES:
            raise BadSandboxConfig(
                f"unknown scale {self.scale!r}: use one of " + ", ".join(SCALES)
            )
        if self.host not in LOOPBACK_HOSTS:
            raise BadSandboxConfig(
                f"the sandbox listens on loopback only, not {self.host!r}"
            )
        if not 0 <= self.port <= 65535:
            raise BadSandboxConfig(f"port {self.port} is out of range")
        if not self.admin_key or not self.member_key:
            raise BadSandboxConfig("the admin and member keys must not be empty")
        if self.admin_key == self.member_key:
            raise BadSandboxConfig("the admin and member keys must differ")
        if self.slow_seconds < 0 or self.live_interval_seconds <= 0:
            raise BadSandboxConfig("slow and live intervals must be positive")
        check_faults(self.faults)

    @staticmethod
    def parse_faults(spec: str) -> dict[str, float]:
        """The `faults` mapping of a `--faults` spec; see `parse_faults`."""
        return parse_faults(spec)

    def resolved_now_ms(self) -> int:
        """`now_ms`, or the current minute when it was left out."""
        return self.now_ms if self.now_ms is not None else current_minute_ms()

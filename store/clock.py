"""The one clock agentmon reads, so that tests and demos can pin it.

`AGENTMON_NOW` (ISO 8601, e.g. `2026-06-01T12:00:00Z`) fixes "now" for every
period picker, "synced 4 min ago" label and relative range. Unset, it is the
wall clock.
"""

import os
import time
from datetime import UTC, datetime


def parse_iso_ms(text: str) -> int:
    """UTC epoch milliseconds from an ISO 8601 string; a naive time is taken as UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def now_ms() -> int:
    """Now, in UTC epoch milliseconds: `AGENTMON_NOW` when set, else the wall clock."""
    pinned = os.environ.get("AGENTMON_NOW")
    if pinned:
        return parse_iso_ms(pinned)
    return int(time.time() * 1000)

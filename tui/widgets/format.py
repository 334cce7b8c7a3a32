"""How figures and times read on screen: one place, so every screen agrees.

Times are shown in the local zone with the zone named (DESIGN.md); money is
held as integer millionths of a cent and only formatted here.
"""

from datetime import UTC, datetime

DASH = "—"


def local_time(ms: int | None, *, with_date: bool = True) -> str:
    """`ms` in the local zone, e.g. `2026-05-31 14:05`; a dash when unknown."""
    if ms is None:
        return DASH
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def zone_name(ms: int) -> str:
    """The local zone's name at `ms`, e.g. `UTC` or `CEST`."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone().strftime("%Z")


def ago(then_ms: int | None, now_ms: int) -> str:
    """How long ago `then_ms` was, in the largest whole unit: `4 min ago`."""
    if then_ms is None:
        return "never"
    seconds = max(0, (now_ms - then_ms) // 1000)
    if seconds < 60:
        return "just now"
    for size, unit in ((86_400, "d"), (3_600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"  # pragma: no cover - the loop always returns


def count(value: int | None) -> str:
    """An integer with thousands separators; a dash when unknown."""
    return DASH if value is None else f"{value:,}"


def plural(value: int, noun: str) -> str:
    """`1 session`, `2,000 sessions`."""
    return f"{value:,} {noun}" if value == 1 else f"{value:,} {noun}s"


def milliseconds(value: float | None) -> str:
    """A response time: `850 ms`, `1.42 s`, `2 min 5 s`; a dash when unknown."""
    if value is None:
        return DASH
    if value < 1000:
        return f"{value:.0f} ms"
    if value < 60_000:
        return f"{value / 1000:.2f} s"
    return duration(int(value))


def duration(ms: int | None) -> str:
    """A session's length: `45 s`, `12 min`, `2 h 5 min`; a dash when unknown."""
    if ms is None:
        return DASH
    seconds = ms // 1000
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return (
            f"{minutes} min {seconds} s"
            if minutes < 10 and seconds
            else f"{minutes} min"
        )
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def share(part: int | float, whole: int | float) -> str:
    """`part` as a percentage of `whole`, `12.5%`; a dash when `whole` is zero."""
    if not whole:
        return DASH
    return f"{100 * part / whole:.1f}%"


def change(current: int | float, previous: int | float | None) -> str:
    """The change from `previous` to `current`, `+12.5%`; `new` from nothing."""
    if previous is None:
        return DASH
    if previous == 0:
        return "new" if current else "0.0%"
    return f"{100 * (current - previous) / previous:+.1f}%"


def money(ucents: int | None) -> str:
    """Integer millionths of a cent as dollars, `$1,234.57`, rounded half up."""
    if ucents is None:
        return DASH
    cents, remainder = divmod(ucents, 1_000_000)
    if remainder * 2 >= 1_000_000:
        cents += 1
    dollars, cents = divmod(cents, 100)
    return f"${dollars:,}.{cents:02d}"


def retention(days: int | None, *, short: bool = False) -> str:
    """An agent's session-log retention: `none`, `30 days` (`30 d`), or unknown."""
    if days is None:
        return DASH
    if days == 0:
        return "none"
    return f"{days} d" if short else f"{days} days"


KIND_LABELS = {
    "no_code": "no-code",
    "writer_agent": "Writer Agent",
    "prebuilt": "prebuilt",
    "api": "API",
    "framework": "framework",
}


def kind(value: str) -> str:
    """An agent kind in the user's words."""
    return KIND_LABELS.get(value, value)

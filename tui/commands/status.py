"""`agentmon status`: what the local copy holds, without touching the network."""

import argparse
import json
from datetime import datetime
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `status` subcommand."""
    parser = subparsers.add_parser(
        "status",
        help="what the local database holds and when each source last synced",
        description="Show what the local database holds: its organisation, the "
        "counts per entity, rejected records, and when each source last synced. "
        "Reads the file only; never the network.",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the status as one JSON object"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the status of the database chosen by `--db`; 0 when it could be read."""
    from store.db import open_database
    from store.paths import resolve_db_path
    from store.status import read_status

    db_path = resolve_db_path(getattr(args, "db", None))
    conn = open_database(db_path, readonly=True)
    try:
        status = read_status(conn)
    finally:
        conn.close()
    if args.json:
        print(json.dumps({"database": str(db_path), **status.as_json()}, indent=2))
        return 0
    print("\n".join(_lines(str(db_path), status)))
    return 0


def _lines(db_path: str, status: Any) -> list[str]:
    """The status as a user reads it."""
    who = status.identity
    org = who.get("organization_name") or "(not synced yet)"
    lines = [f"local copy: {db_path}"]
    if who.get("organization_id"):
        lines.append(
            f"organisation: {_inert(org)} ({who['organization_id']}), "
            f"synced as {who.get('role')} {who.get('user_id')}"
        )
    lines.append(f"last complete sync: {_when(status.last_sync_ms)}")
    lines.append(f"remote clock at last sync: {_when(_int(who.get('server_time_ms')))}")
    logging_on = who.get("session_logging_enabled")
    if logging_on is not None:
        lines.append(f"session logging: {'on' if logging_on == '1' else 'off'}")
    width = max(len(name) for name in status.counts)
    lines += [f"  {name:<{width}}  {count:>9}" for name, count in status.counts.items()]
    lines.append(f"rejected records: {status.rejects}")
    if status.sources:
        lines.append("sources:")
        for source in status.sources:
            line = f"  {source.source:<24} {_when(source.last_success_ms)}"
            if source.last_error:
                line += f"  last error: {_inert(source.last_error)}"
            lines.append(line)
    return lines


def _int(value: str | None) -> int | None:
    """An integer stored as text in `meta`, or None."""
    return int(value) if value and value.lstrip("-").isdigit() else None


def _when(ms: int | None) -> str:
    """Epoch milliseconds in the local zone, with the zone named."""
    if ms is None:
        return "never"
    moment = datetime.fromtimestamp(ms / 1000).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z")


def _inert(text: str) -> str:
    """Remote text safe for a terminal: control characters replaced."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)

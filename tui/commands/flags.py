"""`agentmon flags export`: the flagged responses and their verdicts, as a report.

Each row holds the flagged response, the user's message before it, the end
user's reason and comment, the flag's state, the verdict's note, who decided
and when, and whether the verdict has reached the remote yet. Reads the local
copy only; admins only, as in AI Studio.

The writers here are also what the Flags screen's export uses. Untrusted text
cannot break a format: CSV is quoted by the csv module and a cell that a
spreadsheet would run as a formula (`= + - @`, tab, carriage return) is
prefixed with `'`; Markdown escapes its punctuation, pipes included, and
turns newlines into `<br>`; control characters other than newline and tab are
replaced in CSV and Markdown and escaped in JSON.
"""

import argparse
import contextlib
import csv
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

FORMATS = ("csv", "jsonl", "md")
STATE_NAMES = ("new", "acknowledged", "escalated", "resolved", "dismissed")

# Column titles of CSV and Markdown, in order, with the row field each shows.
COLUMNS = (
    ("flag_id", "flag_id"),
    ("flagged_at_utc", "flagged_at_ms"),
    ("agent", "agent_name"),
    ("application_id", "application_id"),
    ("session_id", "session_id"),
    ("message_id", "message_id"),
    ("reason", "reason"),
    ("comment", "comment"),
    ("flagged_by", "flagged_by_name"),
    ("user_message", "question"),
    ("flagged_response", "response"),
    ("state", "state"),
    ("note", "note"),
    ("decided_by", "decided_by_name"),
    ("decided_at_utc", "decided_at_ms"),
    ("sync", "sync_status"),
)
MD_COLUMNS = (
    ("Flagged (UTC)", "flagged_at_ms"),
    ("Agent", "agent_name"),
    ("Reason", "reason"),
    ("Comment", "comment"),
    ("User message", "question"),
    ("Flagged response", "response"),
    ("State", "state"),
    ("Note", "note"),
    ("Decided by", "decided_by_name"),
    ("Sync", "sync_status"),
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]<>|~!&#])")
_C1 = re.compile(r"[\x7f-\x9f]")


def register(subparsers: Any) -> None:
    """Add the `flags` subcommand and its `export` action."""
    parser = subparsers.add_parser(
        "flags",
        help="flagged responses and their verdicts (admins)",
        description="Flagged responses across every agent, with the verdicts "
        "reviewers left on them. Reads the local copy only.",
    )
    actions = parser.add_subparsers(dest="flags_action", metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write the flags and their verdicts as CSV, JSON lines or Markdown",
        description="Write each flagged response with the user message before "
        "it, the verdict, its note and who decided, in the queue's order "
        "(oldest first unless --newest-first).",
    )
    export.add_argument(
        "--state",
        action="append",
        metavar="STATE[,STATE]",
        help="only flags in these states (new, acknowledged, escalated, "
        "resolved, dismissed); repeatable; default: every state",
    )
    export.add_argument(
        "--agent",
        action="append",
        metavar="APPLICATION_ID",
        help="only this agent's flags; repeatable",
    )
    export.add_argument(
        "--reason", choices=("inappropriate", "inaccurate"), help="only this reason"
    )
    export.add_argument(
        "--since", metavar="WHEN", help="flagged at or after (ISO 8601, UTC)"
    )
    export.add_argument("--until", metavar="WHEN", help="flagged before (ISO 8601)")
    export.add_argument(
        "--reviewer", metavar="USER_ID", help="only flags this user decided last"
    )
    export.add_argument(
        "--newest-first", action="store_true", help="newest flags first"
    )
    export.add_argument("--format", choices=FORMATS, default="csv", help="csv")
    export.add_argument(
        "--output", metavar="FILE", help="write to FILE instead of standard output"
    )
    export.set_defaults(run=run_export)
    parser.set_defaults(run=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("agentmon flags: choose an action: export", file=sys.stderr)
    return 2


def run_export(args: argparse.Namespace) -> int:
    """Write the report the arguments ask for; 0 once it is complete."""
    from store import queries, reviews
    from store.paths import resolve_db_path

    try:
        selection = selection_of(args)
    except ValueError as error:
        print(f"agentmon flags export: {error}", file=sys.stderr)
        return 2
    db_path = resolve_db_path(getattr(args, "db", None))
    conn = queries.open_readonly(db_path)
    try:
        reviews.require_admin(conn)
        rows = reviews.export_rows(conn, selection)
        if args.output:
            written = write_file(Path(args.output), args.format, rows)
            print(f"wrote {written} flags to {args.output}", file=sys.stderr)
        else:
            try:
                write_report(sys.stdout, args.format, rows)
                sys.stdout.flush()
            except BrokenPipeError:
                # The reader stopped early (`| head`): not a failure of ours.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
    finally:
        conn.close()
    return 0


def selection_of(args: argparse.Namespace) -> Any:
    """The queue filter the arguments describe; `ValueError` for a bad value."""
    from store.clock import parse_iso_ms
    from store.reviews import FlagFilter

    states: list[str] = []
    for given in args.state or []:
        states += [state.strip() for state in given.split(",") if state.strip()]
    unknown = [state for state in states if state not in STATE_NAMES]
    if unknown:
        raise ValueError(
            f"unknown state {unknown[0]!r}: choose from {', '.join(STATE_NAMES)}"
        )

    def moment(text: str | None, name: str) -> int | None:
        if text is None:
            return None
        try:
            return parse_iso_ms(text)
        except ValueError:
            raise ValueError(f"{name} {text!r} is not an ISO 8601 time") from None

    return FlagFilter(
        application_ids=tuple(args.agent or ()),
        reasons=(args.reason,) if args.reason else (),
        states=tuple(dict.fromkeys(states)),
        since_ms=moment(args.since, "--since"),
        until_ms=moment(args.until, "--until"),
        reviewer=args.reviewer,
        newest_first=args.newest_first,
    )


# --- writers ----------------------------------------------------------------


def write_file(path: Path, fmt: str, rows: Iterable[Any]) -> int:
    """Write the report to `path` whole or not at all; the rows written.

    The report goes to a temporary file beside `path`, renamed over it once
    complete, so an interrupted export never leaves half a report.
    """
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".part", dir=folder
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            written = write_report(handle, fmt, rows)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return written


def write_report(handle: IO[str], fmt: str, rows: Iterable[Any]) -> int:
    """Write `rows` (`store.reviews.ExportRow`) in `fmt` to `handle`; how many."""
    if fmt == "csv":
        return _write_csv(handle, rows)
    if fmt == "jsonl":
        return _write_jsonl(handle, rows)
    if fmt == "md":
        return _write_md(handle, rows)
    raise ValueError(f"unknown format {fmt!r}")


def iso_utc(ms: int | None) -> str:
    """Epoch milliseconds as ISO 8601 UTC (`2026-06-01T12:00:00Z`); empty if None."""
    if ms is None:
        return ""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cell_text(row: Any, field: str) -> str:
    value = getattr(row, field)
    if field.endswith("_ms"):
        return iso_utc(value)
    return "" if value is None else str(value)


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: no formula, no control characters."""
    from tui.inert import clean

    text = clean(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(handle: IO[str], rows: Iterable[Any]) -> int:
    writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([title for title, _field in COLUMNS])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(_cell_text(row, field)) for _t, field in COLUMNS])
        count += 1
    return count


def json_line(record: dict[str, Any]) -> str:
    """One JSON line; every control character escaped, C1 ones included."""
    text = json.dumps(record, ensure_ascii=False)
    return _C1.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _write_jsonl(handle: IO[str], rows: Iterable[Any]) -> int:
    count = 0
    for row in rows:
        record = row.as_dict()
        record["flagged_at"] = iso_utc(row.flagged_at_ms)
        record["decided_at"] = iso_utc(row.decided_at_ms) or None
        handle.write(json_line(record) + "\n")
        count += 1
    return count


def md_cell(text: str) -> str:
    """Text that stays inside one Markdown table cell and renders literally."""
    from tui.inert import clean

    text = clean(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _MD_PUNCTUATION.sub(r"\\\1", text)
    return text.replace("\n", "<br>")


def _write_md(handle: IO[str], rows: Iterable[Any]) -> int:
    handle.write("# Flagged responses\n\n")
    titles = [title for title, _field in MD_COLUMNS]
    handle.write("| " + " | ".join(titles) + " |\n")
    handle.write("|" + "|".join("---" for _ in titles) + "|\n")
    count = 0
    for row in rows:
        cells = [md_cell(_cell_text(row, field)) for _t, field in MD_COLUMNS]
        handle.write("| " + " | ".join(cells) + " |\n")
        count += 1
    if not count:
        handle.write("\nNo flags match.\n")
    return count

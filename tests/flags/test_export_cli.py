"""`agentmon flags export`: complete rows, formats untrusted text cannot break."""

import csv
import io
import json
from pathlib import Path

import pytest

from store import reviews
from tests.flags.world import FlagSpec, FlagWorld
from tui.cli import main

HOSTILE_COMMENT = '=HYPERLINK("http://example.com","x")'
HOSTILE_ANSWER = 'Costs | 10 EUR\nsecond line, with "quotes"\x1b[2J and a [link](x)'


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """Three flags: a formula comment, an answer full of separators, a plain one."""
    world = FlagWorld(
        flags=[
            FlagSpec(comment=HOSTILE_COMMENT),
            FlagSpec(answer=HOSTILE_ANSWER, comment="@admin look"),
            FlagSpec(question="Plain question?", answer="Plain answer.", comment=None),
        ]
    )
    path = world.build(tmp_path / "hostile.db")
    conn = reviews.open_for_review(path)
    try:
        reviews.record_verdict(conn, path, "flg_0002", "resolved", "+1 agreed")
    finally:
        conn.close()
    return path


def export(
    db: Path, capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    code = main(["--db", str(db), "flags", "export", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_rows_hold_the_context_the_verdict_and_who_decided(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = export(hostile_db, capsys, "--state", "resolved")

    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [
        (r["user_message"], r["flagged_response"], r["state"], r["note"]) for r in rows
    ] == [("Plain question?", "Plain answer.", "resolved", "'+1 agreed")]
    assert (rows[0]["decided_by"], rows[0]["decided_at_utc"]) == (
        "Ana Ruiz",
        "2026-06-01T12:00:00Z",
    )


def test_csv_cells_that_would_run_as_formulas_are_quoted_as_text(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, _err = export(hostile_db, capsys)

    comments = [row["comment"] for row in csv.DictReader(io.StringIO(out))]
    assert comments == ["'" + HOSTILE_COMMENT, "'@admin look", ""]


def test_csv_keeps_separators_and_newlines_inside_their_cell(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, _err = export(hostile_db, capsys)

    rows = list(csv.reader(io.StringIO(out)))
    assert {len(row) for row in rows} == {16}
    assert rows[2][10] == HOSTILE_ANSWER.replace("\x1b", "\N{REPLACEMENT CHARACTER}")


def test_markdown_keeps_each_flag_on_one_row_with_its_text_escaped(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, _err = export(hostile_db, capsys, "--format", "md")

    table = [line for line in out.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 3
    hostile = table[3]
    assert hostile.count(" | ") == 9
    assert "Costs \\| 10 EUR<br>second line" in hostile
    assert "\\[link\\](x)" in hostile and "\x1b" not in hostile


def test_json_lines_hold_the_text_exactly_with_controls_escaped(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, _err = export(hostile_db, capsys, "--format", "jsonl")

    records = [json.loads(line) for line in out.splitlines()]
    assert records[1]["response"] == HOSTILE_ANSWER
    assert "\x1b" not in out
    assert records[2]["decided_at"] == "2026-06-01T12:00:00Z"


def test_the_report_can_be_limited_to_flags_since_a_time(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, _err = export(
        hostile_db, capsys, "--since", "2026-06-01T06:00:00Z", "--format", "jsonl"
    )

    assert [json.loads(line)["flag_id"] for line in out.splitlines()] == ["flg_0002"]


def test_the_report_goes_to_the_file_named_and_says_so(
    hostile_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.md"

    code, out, err = export(
        hostile_db, capsys, "--format", "md", "--output", str(target)
    )

    assert (code, out) == (0, "")
    assert err == f"wrote 3 flags to {target}\n"
    assert target.read_text().startswith("# Flagged responses")
    assert [path.name for path in tmp_path.iterdir() if ".part" in path.name] == []


def test_a_member_copy_is_refused_in_one_line(
    member_flag_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = export(member_flag_db, capsys)

    assert (code, out) == (1, "")
    assert err == (
        "agentmon: flagged responses are for organisation admins, as in AI Studio; "
        "this database was synced with a member key\n"
    )


def test_an_unknown_state_is_refused_in_one_line(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = export(hostile_db, capsys, "--state", "new,closed")

    assert code == 2
    assert err.strip().splitlines() == [
        "agentmon flags export: unknown state 'closed': choose from new, "
        "acknowledged, escalated, resolved, dismissed"
    ]


def test_no_local_copy_is_one_line_and_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = export(tmp_path / "missing.db", capsys)

    assert code != 0
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

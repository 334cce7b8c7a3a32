"""`agentmon metrics`: the table, the JSON, `--fail-if`, and one-line failures."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.metrics.conftest import DAY_MS, HOUR_MS, NOW_MS, MetricsWorld
from tui.cli import main


@pytest.fixture
def db(world: MetricsWorld, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A world with a busy agent, a draft, and now pinned; its database path."""
    monkeypatch.setenv("AGENTMON_NOW", "2026-06-01T12:00:00Z")
    monkeypatch.setenv("TZ", "UTC")
    world.agent("app_busy", name="Claims triage")
    world.agent("app_draft", status="draft")
    for index in range(30):
        world.record(
            "app_busy",
            NOW_MS - HOUR_MS - index * 60_000,
            duration_ms=100 * (index + 1),
            http_status=500 if index < 3 else 200,
            user_id=f"usr_{index % 4}",
            cost_ucents=1_234_567,
        )
    world.record("app_busy", NOW_MS - 3 * DAY_MS, duration_ms=50)
    world.land()
    return world.path


def run(db: Path, *args: str) -> int:
    """`agentmon --db DB metrics ARGS...`'s exit code."""
    return main(["--db", str(db), "metrics", *args])


def test_json_has_the_documented_figures_with_exact_spend(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db, "--agent", "app_busy", "--range", "24h", "--json") == 0

    document = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert document["window"] == {
        "from_ms": NOW_MS - DAY_MS,
        "to_ms": NOW_MS,
        "agents": ["app_busy"],
    }
    assert document["performance"]["n"] == 30
    assert document["performance"]["status"] == {"200": 27, "400": 0, "500": 3}
    assert document["performance"]["insufficient"] == ["p99_ms"]
    assert document["engagement"]["interactions"] == 30
    assert document["usage"]["spend_cents"] == Decimal("37.03701")
    assert document["previous"]["engagement"]["interactions"] == 0
    assert document["series"]["bucket"] == "hour"


def test_table_fits_80_columns_and_names_counts_zone_and_previous_period(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db, "--agent", "app_busy", "--range", "7d") == 0

    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "Claims triage (app_busy)" in text
    assert "with a response time (n)" in text and "UTC" in text
    assert any(line.startswith("previous  2026-05-18 12:00") for line in lines)
    assert "? " in text  # P99 from 31 values is marked


def test_range_and_from_to_choose_the_window(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(db, "--from", "2026-05-29T00:00:00Z", "--to", "2026-05-30T00:00:00Z", "--json")

    document = json.loads(capsys.readouterr().out)
    assert document["engagement"]["interactions"] == 1
    assert document["window"]["agents"] is None


def test_fail_if_exits_3_and_names_the_condition_that_held(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(db, "--range", "24h", "--fail-if", "p95_ms>2000", "--fail-if", "n<10")

    assert code == 3
    assert capsys.readouterr().err.splitlines() == [
        "agentmon: condition held: p95_ms>2000 (performance.p95_ms = 2855)"
    ]


def test_fail_if_that_does_not_hold_exits_0(db: Path) -> None:
    assert run(db, "--range", "24h", "--fail-if", "performance.status.500>=4") == 0


def test_fail_if_takes_dotted_paths_to_nested_figures(db: Path) -> None:
    assert run(db, "--range", "24h", "--fail-if", "performance.status.500>=3") == 3


def test_fail_if_compares_money_exactly(db: Path) -> None:
    assert run(db, "--range", "24h", "--fail-if", "spend_cents==37.03701") == 3


def test_fail_if_on_a_figure_without_a_value_does_not_hold(db: Path) -> None:
    from_to = ["--from", "2020-01-01", "--to", "2020-01-02"]

    assert run(db, *from_to, "--fail-if", "p95_ms<1", "--fail-if", "avg_ms>=0") == 0


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("p95_ms >> 2000", "cannot read condition"),
        ("p95_ms>fast", "cannot read condition"),
        ("latency>5", "no figure named 'latency'"),
        ("500>5", "'500' is ambiguous"),
        ("performance.nothing>5", "no figure at 'performance.nothing'"),
        ("engagement.top_users>1", "engagement.top_users is not a number"),
    ],
)
def test_bad_conditions_fail_with_one_line_and_status_2(
    db: Path, capsys: pytest.CaptureFixture[str], condition: str, message: str
) -> None:
    assert run(db, "--fail-if", condition) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agent", "app_nowhere"], "unknown agent app_nowhere"),
        (["--agent", "app_draft"], "app_draft is a draft"),
        (["--range", "7d", "--from", "2026-05-01"], "either --range or --from/--to"),
        (["--from", "yesterday"], "not an ISO 8601 time"),
        (["--from", "2026-05-02", "--to", "2026-05-01"], "--to is before --from"),
    ],
)
def test_foreseen_failures_print_one_line_without_traceback(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run(db, *args) in (1, 2)

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path / "none.db") == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no local copy" in err

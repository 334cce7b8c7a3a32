"""`agentmon` with no command opens the app, or says in one line why it cannot."""

from pathlib import Path

import pytest

from tui.cli import main


def test_no_database_yet_says_to_sync_or_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing database is one line on stderr naming both ways out, status 1."""
    code = main(["--db", str(tmp_path / "missing.db")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert "agentmon sync" in err and "agentmon demo" in err


def test_the_default_database_comes_from_agentmon_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --db, $AGENTMON_DB names the database the app opens."""
    monkeypatch.setenv("AGENTMON_DB", str(tmp_path / "chosen.db"))
    main([])
    assert "chosen.db" in capsys.readouterr().err


def test_the_app_opens_on_the_named_database(
    world_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--db PATH runs the app on PATH with the configured remote, returning 0."""
    opened: list[tuple[Path, object]] = []

    def fake_open(db_path: Path, *, sync_config: object = None) -> int:
        opened.append((db_path, sync_config))
        return 0

    from tui.commands import app as app_command

    monkeypatch.setattr(app_command, "open_app", fake_open)
    monkeypatch.setenv("WRITER_API_KEY", "test-key")
    monkeypatch.setenv("WRITER_BASE_URL", "http://127.0.0.1:9")
    assert main(["--db", str(world_db)]) == 0
    ((path, config),) = opened
    assert path == world_db
    assert config is not None and config.base_url == "http://127.0.0.1:9"

"""Fixtures for the command-line tests: a clean environment and a CLI runner."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui.cli import main

ENV_NAMES = (
    "WRITER_API_KEY",
    "WRITER_BASE_URL",
    "WRITER_ORG_ID",
    "AGENTMON_DB",
    "AGENTMON_NOW",
    "AGENTMON_TIMEOUT",
)


@dataclass(frozen=True)
class Outcome:
    """What one `agentmon` invocation did."""

    code: int
    stdout: str
    stderr: str


Run = Callable[..., Outcome]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home: XDG directories in tmp, no Writer settings inherited."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for variable, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    monkeypatch.setenv("AGENTMON_RETRY_BASE", "0.01")
    monkeypatch.setenv("AGENTMON_RETRY_CAP", "0.05")
    return tmp_path


@pytest.fixture
def agentmon(home: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `agentmon ARGS...` in this process and capture what it printed."""

    def run(*args: str) -> Outcome:
        code = main(list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run

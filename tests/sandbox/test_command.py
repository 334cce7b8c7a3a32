"""`agentmon sandbox` as a user runs it: one line on start, a clean stop."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

ARGS = ("--scale", "small", "--port", "0", "--now", "2026-06-01T12:00:00Z")


@contextmanager
def _served(
    *extra: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start the command, yield it with its start line, and stop it with Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "sandbox", *ARGS, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def default_run() -> Iterator[tuple[str, dict[str, Any]]]:
    """One run with default settings: its start line and its stats."""
    with _served() as (_, line):
        yield line, httpx.get(line.split()[2] + "/sandbox/stats").json()


def test_the_start_line_names_the_url_and_the_organisation(
    default_run: tuple[str, dict[str, Any]],
) -> None:
    line, stats = default_run
    assert line.startswith("sandbox: serving http://127.0.0.1:")
    assert stats["organization_id"] in line


def test_keys_given_on_the_command_line_are_never_printed() -> None:
    with _served("--admin-key", "s3cret-admin", "--member-key", "s3cret-member") as (
        process,
        line,
    ):
        url = line.split()[2]
        me = httpx.get(url + "/v1/me", headers={"Authorization": "Bearer s3cret-admin"})
    out, err = process.communicate()
    assert me.json()["role"] == "admin"
    assert "from --admin-key" in line
    assert "s3cret" not in line + out + err


def test_keys_from_the_environment_are_used_and_not_printed() -> None:
    env = {"AGENTMON_SANDBOX_ADMIN_KEY": "env-admin-key"}
    with _served(env=env) as (_, line):
        url = line.split()[2]
        me = httpx.get(
            url + "/v1/me", headers={"Authorization": "Bearer env-admin-key"}
        )
    assert me.json()["role"] == "admin"
    assert "$AGENTMON_SANDBOX_ADMIN_KEY" in line
    assert "env-admin-key" not in line


def test_the_default_keys_are_not_printed(
    default_run: tuple[str, dict[str, Any]],
) -> None:
    line, _ = default_run
    assert "the built-in default" in line
    assert "sandbox-admin-key" not in line


def test_a_generated_key_is_printed_and_works() -> None:
    with _served("--admin-key", "random") as (_, line):
        url = line.split()[2]
        key = line.split("generated for this run: ")[1].split(",")[0]
        me = httpx.get(url + "/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json()["role"] == "admin"


def test_ctrl_c_stops_with_one_line_and_no_traceback() -> None:
    with _served() as (process, _):
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert (process.returncode, out, err) == (0, "sandbox: stopped\n", "")


def test_sigterm_stops_the_same_way() -> None:
    with _served() as (process, _):
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert (process.returncode, out, err) == (0, "sandbox: stopped\n", "")


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "tui.cli",
                "sandbox",
                "--scale",
                "small",
                "--port",
                port,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr

"""Configuration: the --faults spec, keys, hosts, and the command's errors."""

import pytest

from sandbox import BadSandboxConfig, SandboxConfig, parse_faults
from tui.cli import main


def test_a_fault_spec_parses_into_probabilities() -> None:
    assert parse_faults("429=0.1,5xx=0.05,drop=0.01,slow=0,malformed=0.2") == {
        "429": 0.1,
        "5xx": 0.05,
        "drop": 0.01,
        "slow": 0.0,
        "malformed": 0.2,
    }


def test_an_empty_fault_spec_is_no_faults() -> None:
    assert SandboxConfig.parse_faults("") == {}


@pytest.mark.parametrize(
    "spec", ["teapot=0.1", "429", "429=lots", "5xx=1.5", "429=0.6,5xx=0.6"]
)
def test_a_bad_fault_spec_is_one_line_of_error(spec: str) -> None:
    with pytest.raises(BadSandboxConfig) as raised:
        parse_faults(spec)
    assert "\n" not in str(raised.value)


def test_the_sandbox_refuses_a_non_loopback_host() -> None:
    with pytest.raises(BadSandboxConfig):
        SandboxConfig(host="0.0.0.0")


def test_the_keys_must_differ() -> None:
    with pytest.raises(BadSandboxConfig):
        SandboxConfig(admin_key="same", member_key="same")


def test_the_command_reports_a_bad_spec_in_one_line_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sandbox", "--faults", "teapot=1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "teapot" in err


def test_the_command_reports_a_bad_now_in_one_line_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sandbox", "--now", "soon"]) == 2
    assert "ISO 8601" in capsys.readouterr().err

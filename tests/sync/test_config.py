"""Configuration: environment first, a private file second, the key always masked."""

from pathlib import Path

import pytest

from sync.config import DEFAULT_BASE_URL, ApiKey, load_config
from sync.errors import ConfigError

KEY = "sk-test-1234567890"


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "config"), **values}


def _write_config(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config" / "agentmon" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def test_key_and_url_come_from_the_environment(tmp_path: Path) -> None:
    config = load_config(
        _env(tmp_path, WRITER_API_KEY=KEY, WRITER_BASE_URL="http://127.0.0.1:9/")
    )
    assert (config.api_key.reveal(), config.base_url) == (KEY, "http://127.0.0.1:9")


def test_base_url_defaults_to_writers_api(tmp_path: Path) -> None:
    config = load_config(_env(tmp_path, WRITER_API_KEY=KEY))
    assert config.base_url == DEFAULT_BASE_URL


def test_organisation_is_optional(tmp_path: Path) -> None:
    assert load_config(_env(tmp_path, WRITER_API_KEY=KEY)).organization_id is None


def test_settings_come_from_the_config_file(tmp_path: Path) -> None:
    _write_config(
        tmp_path,
        f'api_key = "{KEY}"\nbase_url = "http://localhost:8765"\n'
        'organization_id = "org_1"\n',
    )
    config = load_config(_env(tmp_path))
    assert (config.api_key.reveal(), config.base_url, config.organization_id) == (
        KEY,
        "http://localhost:8765",
        "org_1",
    )


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    _write_config(tmp_path, 'api_key = "from-file"\nbase_url = "http://file:1"\n')
    config = load_config(_env(tmp_path, WRITER_API_KEY=KEY))
    assert (config.api_key.reveal(), config.base_url) == (KEY, "http://file:1")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620])
def test_a_config_file_others_may_read_or_change_is_refused(
    tmp_path: Path, mode: int
) -> None:
    path = _write_config(tmp_path, f'api_key = "{KEY}"\n', mode=mode)
    with pytest.raises(ConfigError, match=f"chmod 600 {path}"):
        load_config(_env(tmp_path))


def test_a_malformed_config_file_is_one_clear_error(tmp_path: Path) -> None:
    _write_config(tmp_path, "api_key = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_env(tmp_path))


def test_no_key_anywhere_says_where_to_put_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no API key: set WRITER_API_KEY"):
        load_config(_env(tmp_path))


def test_a_base_url_that_is_not_a_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not an http"):
        load_config(_env(tmp_path, WRITER_API_KEY=KEY, WRITER_BASE_URL="api.writer"))


def test_timeout_and_backoff_are_tunable(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        WRITER_API_KEY=KEY,
        AGENTMON_TIMEOUT="0.5",
        AGENTMON_RETRY_BASE="0.01",
        AGENTMON_RETRY_CAP="0.02",
    )
    config = load_config(env)
    assert (config.timeout_s, config.retry_base_s, config.retry_cap_s) == (
        0.5,
        0.01,
        0.02,
    )


def test_a_timeout_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AGENTMON_TIMEOUT"):
        load_config(_env(tmp_path, WRITER_API_KEY=KEY, AGENTMON_TIMEOUT="soon"))


def test_the_key_never_shows_in_a_repr_or_str(tmp_path: Path) -> None:
    config = load_config(_env(tmp_path, WRITER_API_KEY=KEY))
    assert KEY not in repr(config) + str(config) + repr(config.api_key) + str(
        config.api_key
    )


def test_keys_compare_by_value_without_revealing() -> None:
    assert ApiKey(KEY) == ApiKey(KEY)

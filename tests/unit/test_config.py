"""Settings: one object, secrets never shown, bad values named in one clear line."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logging_setup import configure_logging
from governance.config import Settings, load_settings
from governance.domain.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTAxNDg2.discord-bot-token-value.xyz"
KEY = "0x" + "ab" * 32


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("DAOBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(ROOT / "tests")  # no stray .env is read


def test_repr_and_str_never_show_secrets() -> None:
    settings = load_settings(discord_token=TOKEN, signer_private_key=KEY, platform_token="platform-secret-1")
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert TOKEN not in text and KEY not in text and "platform-secret-1" not in text
    assert settings.require_discord_token().get_secret_value() == TOKEN


def test_log_output_never_contains_a_secret() -> None:
    settings = load_settings(discord_token=TOKEN, signer_private_key=KEY)
    stream = io.StringIO()
    handler = configure_logging(settings, stream)
    try:
        log = logging.getLogger("daobot.test")
        log.warning("connecting with %s", TOKEN)
        try:
            raise RuntimeError(f"rpc refused key {KEY}")
        except RuntimeError:
            log.exception("signer failed")
    finally:
        logging.getLogger().removeHandler(handler)
    output = stream.getvalue()
    assert "connecting with [redacted]" in output
    assert "rpc refused key [redacted]" in output
    assert TOKEN not in output and KEY not in output


def test_env_example_documents_every_setting() -> None:
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^(DAOBOT_[A-Z0-9_]+)=", example, flags=re.M))
    expected = {f"DAOBOT_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "settings missing from .env.example"
    assert documented - expected == set(), ".env.example names settings that do not exist"


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [({"chain_id": 5}, "DAOBOT_CHAIN_ID"), ({"governor_address": "0x123"}, "DAOBOT_GOVERNOR_ADDRESS"),
     ({"public_base_url": "ftp://x"}, "DAOBOT_PUBLIC_BASE_URL")],
)
def test_bad_values_raise_one_error_naming_the_setting(overrides: dict[str, object], setting: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(**overrides)
    assert info.value.setting == setting
    assert info.value.message.startswith(setting + ": ")


def _daobot(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DAOBOT_")}
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=120, cwd=ROOT / "tests", check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "error: DAOBOT_DISCORD_TOKEN: is required to connect to Discord"),
        ({"DAOBOT_DISCORD_TOKEN": TOKEN, "DAOBOT_GOVERNOR_ADDRESS": "0xnot-an-address"},
         "error: DAOBOT_GOVERNOR_ADDRESS: That address is not a valid Ethereum address"),
        ({"DAOBOT_DISCORD_TOKEN": TOKEN, "DAOBOT_CHAIN_ID": "5"}, "error: DAOBOT_CHAIN_ID: unknown chain id 5"),
    ],
)
def test_daobot_run_with_bad_configuration_prints_one_line(env: dict[str, str], expected: str) -> None:
    result = _daobot(["run"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(expected)
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr + result.stdout

"""``daobot keystore new``: a key the bot can load, and no secret on the terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from eth_account import Account

from governance.adapters.chain.keys import load_signer


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_new_keystore_loads_and_prints_only_the_address(tmp_path: Path) -> None:
    result = _run(["keystore", "new", "--out", "k.json", "--password-file", "k.pw"], tmp_path)
    assert result.returncode == 0, result.stderr
    address = result.stdout.strip()
    account = load_signer(tmp_path / "k.json", tmp_path / "k.pw")
    assert account.address == address
    assert account.key.hex().removeprefix("0x") not in result.stdout + result.stderr
    assert (tmp_path / "k.json").stat().st_mode & 0o077 == 0 and (tmp_path / "k.pw").stat().st_mode & 0o077 == 0
    assert Account.decrypt((tmp_path / "k.json").read_text(), (tmp_path / "k.pw").read_text().strip()) == account.key


def test_an_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    assert _run(["keystore", "new", "--out", "k.json", "--password-file", "k.pw"], tmp_path).returncode == 0
    before = (tmp_path / "k.json").read_bytes()
    again = _run(["keystore", "new", "--out", "k.json", "--password-file", "k.pw"], tmp_path)
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr
    assert (tmp_path / "k.json").read_bytes() == before

"""Signing keys: from an encrypted keystore file (production) or a ``SecretStr`` (dev chains only).

The key never reaches a log line, a repr or an error message: errors name the file, never its
content or the password, and ``LocalAccount``'s repr shows no key material.
"""

from __future__ import annotations

from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from pydantic import SecretStr

from governance.config import Settings
from governance.domain.errors import ConfigError

__all__ = ["DEV_CHAIN_IDS", "load_signer", "signer_from_private_key", "signer_from_settings"]


def _read(path: Path, setting: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(setting, f"cannot read {path} ({exc.strerror or 'unreadable'})") from None


def load_signer(keystore_path: Path, password_file: Path) -> LocalAccount:
    """Decrypt a Web3 Secret Storage (V3) keystore, as written by geth, foundry or ``Account.encrypt``."""
    keystore = _read(keystore_path, "DAOBOT_KEYSTORE_PATH").decode("utf-8", errors="replace")
    password = _read(password_file, "DAOBOT_KEYSTORE_PASSWORD_FILE").decode("utf-8").rstrip("\r\n")
    try:
        key = Account.decrypt(keystore, password)
    except ValueError:
        raise ConfigError(
            "DAOBOT_KEYSTORE_PASSWORD_FILE", f"cannot decrypt {keystore_path}: wrong password or not a keystore"
        ) from None
    account: LocalAccount = Account.from_key(key)
    return account


def signer_from_private_key(private_key: SecretStr) -> LocalAccount:
    """A signer from a raw hex key. Meant for local dev chains; production uses a keystore."""
    try:
        account: LocalAccount = Account.from_key(private_key.get_secret_value().strip())
    except (ValueError, TypeError):
        raise ConfigError("DAOBOT_SIGNER_PRIVATE_KEY", "is not a 32-byte hex private key") from None
    return account


#: Chains where a raw private key in the settings is acceptable (local, valueless test chains).
DEV_CHAIN_IDS = frozenset({31337, 131277322940537})


def signer_from_settings(settings: Settings) -> LocalAccount:
    """The keystore when configured; otherwise, on a dev chain only, ``DAOBOT_SIGNER_PRIVATE_KEY``."""
    if settings.keystore_path is not None:
        if settings.keystore_password_file is None:
            raise ConfigError("DAOBOT_KEYSTORE_PASSWORD_FILE", "is required with DAOBOT_KEYSTORE_PATH")
        return load_signer(settings.keystore_path, settings.keystore_password_file)
    if settings.signer_private_key is None:
        raise ConfigError("DAOBOT_KEYSTORE_PATH", "is required to send transactions (see .env.example)")
    if settings.chain_id not in DEV_CHAIN_IDS:
        raise ConfigError(
            "DAOBOT_SIGNER_PRIVATE_KEY", f"is for dev chains only; use a keystore on chain {settings.chain_id}"
        )
    return signer_from_private_key(settings.signer_private_key)

"""``daobot keystore``: make the bot's signing key as an encrypted keystore file."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from eth_account import Account

from bot.cli.app import app
from bot.cli.common import fail

keystore_app = typer.Typer(help="The bot's signing key.", no_args_is_help=True)
app.add_typer(keystore_app, name="keystore")


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@keystore_app.command("new")
def new(
    out: Annotated[Path, typer.Option(help="Where to write the encrypted keystore (JSON).")] = Path("bot-key.json"),
    password_file: Annotated[
        Path, typer.Option(help="Password file: read if it exists, else a random password is written there.")
    ] = Path("bot-key.password"),
) -> None:
    """Create a new key, encrypt it into OUT with the password in PASSWORD_FILE, and print its address only.

    Give the address the bot's roles at deploy time (--keeper, --distributor, --moderator, --relayer,
    --proposer), fund it with a little gas money, and set DAOBOT_KEYSTORE_PATH and
    DAOBOT_KEYSTORE_PASSWORD_FILE. The private key is never printed.
    """
    if out.exists():
        fail(f"{out} exists already; refusing to overwrite a key")
    if password_file.exists():
        password = password_file.read_text(encoding="utf-8").strip()
        if len(password) < 12:
            fail(f"{password_file}: the password must have at least 12 characters")
    else:
        password = secrets.token_urlsafe(24)
        _write_private(password_file, password + "\n")
    account = Account.create()
    _write_private(out, json.dumps(Account.encrypt(account.key, password)))
    typer.echo(account.address)

"""``daobot`` command line. Each feature module registers its commands on ``bot.cli.app.app``."""

from __future__ import annotations

from bot.cli.app import app

__all__ = ["app", "main"]


def _load_commands() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(f"bot.cli.{name}")


# One line per feature module of this package.
_COMMAND_MODULES: tuple[str, ...] = (
    "db",
    "run",
    "keystore",
    "demo",
    "classifiers",
    "policy",
    "sandbox",
    "deploy",
    "payouts",
    "content",
    "watch",
)


def main() -> None:
    from governance.adapters.chain.keccak_backend import install_fast_keccak

    install_fast_keccak()
    _load_commands()
    app()

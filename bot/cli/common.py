"""What every command shares: settings, logging, and one clean line for a project error."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import typer

from governance.config import Settings, load_settings
from governance.domain.errors import DaobotError

__all__ = ["configure_logging", "fail", "run_async", "settings_or_exit"]

T = TypeVar("T")


def configure_logging(settings: Settings) -> None:
    """Logging for a command: the format and secret redaction the bot uses."""
    from bot.logging_setup import configure_logging as configure

    configure(settings)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def settings_or_exit(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except DaobotError as exc:
        fail(exc.message)
        raise AssertionError("unreachable") from None


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine; a project error becomes one line on stderr and exit code 2."""
    try:
        return asyncio.run(factory())
    except DaobotError as exc:
        fail(exc.message)
        raise AssertionError("unreachable") from None

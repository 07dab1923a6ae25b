"""The root ``daobot`` command. Feature modules in this package add their commands to ``app``."""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(
    name="daobot",
    help="daobot: the governance and treasury bot of a socially owned, classifier-ranked platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

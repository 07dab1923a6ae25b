"""``daobot demo``: the whole DAO on this machine, end to end, with a transcript."""

from __future__ import annotations

import typer

from bot.cli.app import app


@app.command()
def demo() -> None:
    """Run the end-to-end demo on embedded defaults and print a transcript."""
    from bot.demo import run_demo

    raise typer.Exit(run_demo())

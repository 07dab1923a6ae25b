"""``daobot sandbox``: a local Discord-compatible server with a typed console to act as members."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

import typer

from bot.cli.app import app
from bot.cli.common import run_async

if TYPE_CHECKING:
    from bot.sandbox.server import SandboxConfig


@app.command()
def sandbox(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8765, help="Port to listen on (0: any free port)."),
    token: str = typer.Option("sandbox-token", help="The bot token the sandbox accepts."),
    ack_deadline: float = typer.Option(3.0, help="Seconds a bot has to acknowledge an interaction."),
    console: bool = typer.Option(True, help="Read member actions from stdin (/help lists them)."),
) -> None:
    """Run the local Discord sandbox; point the bot at the printed base URL."""
    from bot.sandbox.server import SandboxConfig

    config = SandboxConfig(token=token, host=host, port=port, ack_deadline=ack_deadline)
    try:
        run_async(lambda: _serve(config, console))
    except KeyboardInterrupt:
        typer.echo("stopped")


async def _serve(config: SandboxConfig, console: bool) -> None:
    from bot.sandbox.console import HELP, run_console
    from bot.sandbox.server import SandboxServer

    async with SandboxServer(config) as server:
        typer.echo(f"Discord sandbox at {server.base_url} (gateway {server.gateway_url})")
        typer.echo(f"  DAOBOT_DISCORD_API_BASE={server.base_url}")
        typer.echo(f"  DAOBOT_DISCORD_TOKEN={server.token}")
        typer.echo(f"  DAOBOT_DISCORD_GUILD_ID={server.guild.id}")
        if not console:
            await asyncio.Event().wait()
        typer.echo(HELP)
        loop = asyncio.get_running_loop()
        await run_console(server, lambda: loop.run_in_executor(None, sys.stdin.readline), typer.echo)

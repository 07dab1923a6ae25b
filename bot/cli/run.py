"""``daobot run``: the production process (Discord client, watcher, scheduler, HTTP server)."""

from __future__ import annotations

import typer

from bot.cli.app import app
from bot.cli.common import fail, settings_or_exit
from governance.domain.errors import DaobotError


@app.command()
def run() -> None:
    """Run the bot against Discord and the configured chain, database and web address."""
    settings = settings_or_exit()
    try:
        settings.require_discord_token()
        if not settings.deployment_file.exists():
            fail(
                f"DAOBOT_DEPLOYMENT_FILE: {settings.deployment_file} does not exist; "
                "run `daobot deploy` or point it at your deployment file"
            )
        from bot.runtime import run_forever

        run_forever(settings)
    except DaobotError as exc:
        fail(exc.message)
    except KeyboardInterrupt:
        typer.echo("stopped")

"""``daobot db``: schema migrations."""

from __future__ import annotations

import typer

from bot.cli.app import app
from bot.cli.common import run_async, settings_or_exit
from governance.adapters.db import migrate

db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _url(url: str | None) -> str:
    return url or settings_or_exit().database_url


@db_app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("head"),
    url: str | None = typer.Option(None, help="Database URL (default: DAOBOT_DATABASE_URL)."),
) -> None:
    """Upgrade the database schema (to the newest revision by default)."""
    target = _url(url)
    run_async(lambda: migrate.upgrade(target, revision))
    typer.echo(f"database at revision {run_async(lambda: migrate.current_revision(target))}")


@db_app.command("downgrade")
def downgrade(
    revision: str = typer.Argument(..., help="Target revision, e.g. -1 or base."),
    url: str | None = typer.Option(None, help="Database URL (default: DAOBOT_DATABASE_URL)."),
) -> None:
    """Downgrade the database schema."""
    target = _url(url)
    run_async(lambda: migrate.downgrade(target, revision))
    typer.echo(f"database at revision {run_async(lambda: migrate.current_revision(target))}")


@db_app.command("current")
def current(url: str | None = typer.Option(None, help="Database URL (default: DAOBOT_DATABASE_URL).")) -> None:
    """Show the database's schema revision and the newest one known."""
    target = _url(url)
    typer.echo(f"current: {run_async(lambda: migrate.current_revision(target))}  head: {migrate.head_revision()}")


@db_app.command("revision", hidden=True)
def revision(
    message: str = typer.Option(..., "-m", help="What the migration does."),
    url: str = typer.Option("sqlite+aiosqlite:///var/migration-scratch.sqlite"),
) -> None:
    """(developers) Autogenerate a migration from the table definitions."""
    run_async(lambda: migrate.new_revision(url, message))

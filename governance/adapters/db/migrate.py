"""Schema migrations with Alembic, driven from Python (``daobot db upgrade``; the bot upgrades on start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from governance.adapters.db.engine import make_engine
from governance.adapters.db.tables import metadata

__all__ = ["current_revision", "downgrade", "head_revision", "new_revision", "schema_drift", "upgrade"]

_SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite") and ":///" in url and ":memory:" not in url:
        Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


async def _run(url: str, action: Any) -> Any:
    _ensure_sqlite_dir(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            return await conn.run_sync(action)
    finally:
        await engine.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    await _run(url, lambda conn: command.upgrade(_config(conn), revision))


async def downgrade(url: str, revision: str) -> None:
    await _run(url, lambda conn: command.downgrade(_config(conn), revision))


async def current_revision(url: str) -> str | None:
    return await _run(url, lambda conn: MigrationContext.configure(conn).get_current_revision())  # type: ignore[no-any-return]


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


async def schema_drift(url: str) -> list[Any]:
    """Differences between the migrated database and the tables in code (empty when in sync)."""

    def diff(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    return await _run(url, diff)  # type: ignore[no-any-return]


async def new_revision(url: str, message: str) -> None:
    """Write a migration for the difference between the database at head and the tables in code."""
    await upgrade(url)
    await _run(url, lambda conn: command.revision(_config(conn), message=message, autogenerate=True))

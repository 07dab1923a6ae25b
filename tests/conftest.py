"""Shared test plumbing: which real components are present, and what to do when one is not.

With ``CI=true`` a missing required component fails the run; on a developer's machine the
tests that need it skip with a message that says how to get it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from project_paths import CONTRACTS, NODE_BIN, ROOT  # noqa: F401 (re-exported for older imports)

HOW_TO_GET = {
    "anvil": "run `make test` (it runs `npm ci` in contracts/, which installs @foundry-rs/anvil)",
    "node": "install Node.js 20 and run `npm ci` in contracts/ (`make test` does it)",
    "postgres": "start PostgreSQL and set DAOBOT_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    "chromium": "apt-get install -y chromium (Debian) — `make test` installs it when run as root",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(component: str, available: bool) -> None:
    """Fail in CI, skip elsewhere, when ``component`` is missing."""
    if available:
        return
    message = f"{component} is not available: {HOW_TO_GET[component]}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def anvil_path() -> Path | None:
    path = NODE_BIN / "anvil"
    return path if path.exists() else None


def node_path() -> str | None:
    return shutil.which("node") if (CONTRACTS / "node_modules").exists() else None


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


@pytest.fixture
def anvil_bin() -> Path:
    path = anvil_path()
    require("anvil", path is not None)
    assert path is not None
    return path


@pytest.fixture
def node_bin() -> str:
    path = node_path()
    require("node", path is not None)
    assert path is not None
    return path


@pytest.fixture
def chromium_bin() -> str:
    path = chromium_path()
    require("chromium", bool(path))
    assert path
    return str(path)


# --- databases: the same persistence tests run on SQLite and on PostgreSQL -------------------

POSTGRES_ENV = "DAOBOT_TEST_DATABASE_URL"


def _postgres_base_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


async def _create_pg_database(base_url: str, name: str) -> str:
    import asyncpg  # type: ignore[import-untyped]

    plain = base_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(plain)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    head, _, _ = base_url.rpartition("/")
    return f"{head}/{name}"


async def _drop_pg_database(base_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(base_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One migrated SQLite file and (when configured) one fresh PostgreSQL database per run."""
    import asyncio
    import uuid

    from governance.adapters.db import migrate

    urls: dict[str, str] = {}
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'daobot.sqlite'}"
    asyncio.run(migrate.upgrade(sqlite_url))
    urls["sqlite"] = sqlite_url
    pg_base = _postgres_base_url()
    pg_name = f"daobot_test_{uuid.uuid4().hex[:10]}"
    if pg_base:
        urls["postgres"] = asyncio.run(_create_pg_database(pg_base, pg_name))
        asyncio.run(migrate.upgrade(urls["postgres"]))
    yield urls
    if pg_base:
        asyncio.run(_drop_pg_database(pg_base, pg_name))


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, migrated_databases: dict[str, str]) -> str:
    """A migrated, emptied database on each backend. PostgreSQL is required in CI."""
    from sqlalchemy import text

    from governance.adapters.db.engine import make_engine
    from governance.adapters.db.tables import metadata

    if request.param == "postgres":
        require("postgres", "postgres" in migrated_databases)
    url = migrated_databases[request.param]
    engine = make_engine(url)
    async with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            await conn.execute(text(f'DELETE FROM "{table.name}"'))
    await engine.dispose()
    return url

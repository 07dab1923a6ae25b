"""Shared test plumbing: which real components are present, and what to do when one is not.

With ``CI=true`` a missing required component fails the run; on a developer's machine the
tests that need it skip with a message that says how to get it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
NODE_BIN = CONTRACTS / "node_modules" / ".bin"

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

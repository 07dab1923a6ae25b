"""``daobot watch`` killed with SIGKILL at random points of its catch-up, then restarted: nothing missing, nothing
doubled — the index equals one made in a single uninterrupted run."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from chain_support import Anvil, build_history, dump
from sqlalchemy import func, select
from test_watcher_resilience import fresh_index

from governance.adapters.chain.catalog import Role
from governance.adapters.chain.projection import WatchTargets
from governance.adapters.db import migrate
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.tables.chain import chain_cursors

ROOT = Path(__file__).resolve().parents[3]
NAMES = {Role.GOVERNOR: "DAOGovernor", Role.TIMELOCK: "TimelockController", Role.TOKEN: "GovernanceToken",
         Role.REGISTRY: "ClassifierRegistry", Role.TREASURY: "Treasury"}


def _deployment_file(path: Path, targets: WatchTargets) -> Path:
    """A deployment record whose contracts are the emitters standing in for the suite."""
    record = {
        "format": "daobot-deployment-v1", "chainId": targets.chain_id, "deployer": targets.addresses[Role.TOKEN],
        "sourceHash": "test", "revenueToken": targets.addresses[Role.TOKEN],
        "contracts": {NAMES[role]: {"address": address, "block": 1} for role, address in targets.addresses.items()},
        "epoch": {"genesis": 0, "length": 3600}, "distribution": {"challengePeriod": 1, "claimWindow": 1},
    }
    path.write_text(json.dumps(record))
    return path


def _watcher(node: Anvil, database: str, deployment: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DAOBOT_RPC_URL": node.url, "DAOBOT_CHAIN_ID": "31337", "DAOBOT_DATABASE_URL": database,
           "DAOBOT_DEPLOYMENT_FILE": str(deployment), "DAOBOT_CONFIRMATIONS": "0", "DAOBOT_LOG_LEVEL": "WARNING",
           "DAOBOT_INDEXER_POLL_SECONDS": "0.2"}
    command = [sys.executable, "-c", "from bot.cli import main; main()", "watch", "--max-span", "7", *extra]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def _cursor(sessions: object) -> int:
    async with sessions() as session:  # type: ignore[operator]
        value = (await session.execute(select(func.max(chain_cursors.c.block_number)))).scalar()
    return int(value or 0)


async def test_sigkill_during_catch_up_loses_and_doubles_nothing(
    node: Anvil, emitters: WatchTargets, tmp_path: Path
) -> None:
    build_history(node, emitters.addresses[Role.GOVERNOR], emitters.addresses[Role.TOKEN], proposals=60)
    head = node.head()
    database = f"sqlite+aiosqlite:///{tmp_path / 'watch.sqlite'}"
    await migrate.upgrade(database)
    engine = make_engine(database)
    sessions = make_session_factory(engine)
    deployment = _deployment_file(tmp_path / "deployment.json", emitters)
    chance = random.Random(2026)
    kills = []
    for _ in range(3):
        process = _watcher(node, database, deployment)
        started = await _cursor(sessions)
        deadline = time.monotonic() + 30
        while await _cursor(sessions) <= started and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(chance.uniform(0.0, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        kills.append(await _cursor(sessions))
    finisher = _watcher(node, database, deployment, "--once")
    assert finisher.wait(timeout=60) == 0, finisher.stderr.read().decode()[-2000:] if finisher.stderr else ""
    ours = await dump(sessions)
    await engine.dispose()

    assert all(0 < at < head for at in kills), kills  # every kill landed during the catch-up
    assert ours == await fresh_index(node, emitters, tmp_path)
    assert len(ours["chain_logs"]) == 4 + 60 * 6

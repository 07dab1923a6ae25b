"""The payout pipeline on anvil, killed (SIGKILL) at every step and restarted: every account is paid
exactly once, and what was paid plus what was swept is the epoch's budget."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from payout_world import USD, PayoutWorld, build_deps, payout_world
from sqlalchemy import select

from governance.adapters.db.tables.core import outbox
from governance.adapters.db.tables.transactions import tx_intents
from governance.domain.payout_manifest import parse_manifest
from governance.services.payout_verify import RevenueShareBountyWeights, verify_epoch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

#: (crash point, what to do to the chain afterwards); each child resumes where the previous one died.
SCRIPT: list[tuple[str, int]] = [
    ("broadcast:close", 0),
    ("step:closed", 0),
    ("step:computed", 0),
    ("broadcast:propose", 0),
    ("step:proposed", 0),
    ("none", 601),  # blocked in the challenge period; then it ends
    ("step:claiming", 0),
    ("broadcast:claims:0", 0),  # killed after the broadcast, before the receipt
    ("step:paid batch 1", 0),
    ("step:planned batch 2", 0),
    ("none", 3_601),  # every claim pushed; blocked until the claim window ends
    ("broadcast:sweep", 0),
    ("none", 0),
]


async def _child(world: PayoutWorld, crash: str) -> tuple[int, str]:
    env = os.environ | {"PYTHONPATH": f"{HERE}{os.pathsep}{ROOT}"}
    args = [sys.executable, str(HERE / "payout_crash_child.py"), world.node.url, world.database_url,
            str(world.deployment_file), crash]
    proc = await asyncio.create_subprocess_exec(*args, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode in (0, -signal.SIGKILL), err.decode()[-3000:]
    return int(proc.returncode or 0), out.decode()


def _claims(world: PayoutWorld, epoch: int) -> list[tuple[str, int]]:
    logs = world.c.distributor.events.Claimed().get_logs(from_block=0, argument_filters={"epoch": epoch})
    return [(e["args"]["account"], int(e["args"]["amount"])) for e in logs]


async def test_killed_at_every_step_pays_everyone_exactly_once(tmp_path: Path, anvil_bin: Path) -> None:
    async with payout_world(tmp_path, anvil_bin) as world:
        epoch = world.current_epoch()
        world.pay_revenue(1, 700 * USD)
        world.pay_revenue(2, 300 * USD + 7)
        world.end_epoch(epoch)
        for crash, advance in SCRIPT:
            code, out = await _child(world, crash)
            assert code == (0 if crash == "none" else -signal.SIGKILL), (crash, out)
            if advance:
                world.node.advance(advance)
        assert json.loads(out)[str(epoch)] == "done"

        deps, engine = build_deps(world.node.url, world.database_url, world.deployment_file)
        async with deps.uow_factory() as uow:
            run = await uow.payouts.get(31337, epoch)
            content = await uow.payouts.manifest(31337, epoch)
        assert run is not None and content is not None
        manifest = parse_manifest(content)
        claims = _claims(world, epoch)
        assert Counter(a for a, _ in claims) == Counter(a for a, _ in manifest.leaves), "each leaf paid exactly once"
        assert sorted(claims) == sorted(manifest.leaves)
        info = world.c.distributor.functions.epochInfo(epoch).call()
        swept = world.c.distributor.events.Swept().get_logs(from_block=0)
        assert len(swept) == 1 and info[6] is True
        budget = int(info[4])
        assert sum(n for _, n in claims) + int(swept[0]["args"]["amount"]) == budget == run.budget
        assert run.paid == manifest.total and run.swept == budget - manifest.total and run.next_batch >= 3
        excluded = {world.c.treasury.address, world.c.timelock.address, world.c.distributor.address}
        assert not excluded & {a for a, _ in manifest.leaves}
        alice = world.account(1)
        assert sum(1 for a, _ in manifest.leaves if a == alice) == 1, "token and shares: one summed leaf"
        assert len(world.c.treasury.events.EpochClosed().get_logs(from_block=0)) == 1
        assert len(world.c.distributor.events.RootProposed().get_logs(from_block=0)) == 1

        async with engine.connect() as conn:
            states = Counter(r.state for r in await conn.execute(select(tx_intents.c.state)))
            kinds = Counter(r.kind for r in await conn.execute(select(outbox.c.kind)))
        assert set(states) == {"confirmed"}, states
        assert kinds["payout_announced"] == 1 and kinds["payout_swept"] == 1

        report = await verify_epoch(deps.chain, RevenueShareBountyWeights(), epoch, content)
        assert report.ok, report.problems
        tampered = content.replace(f'"{manifest.leaves[0][1]}"'.encode(), f'"{manifest.leaves[0][1] + 1}"'.encode(), 1)
        report = await verify_epoch(deps.chain, RevenueShareBountyWeights(), epoch, tampered)
        assert not report.ok and "invalid" in report.problems[0]
        await engine.dispose()

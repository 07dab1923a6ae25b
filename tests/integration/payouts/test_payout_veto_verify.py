"""A guardian veto is noticed and waits for a fix; ``daobot payouts verify`` matches an honest root and
flags a tampered one (exit 1), from nothing but the RPC URL and the deployment file."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from payout_world import USD, PayoutWorld, build_deps, payout_world
from sqlalchemy import select

from bot.devnet import dev_key
from governance.adapters.db.tables.core import outbox
from governance.domain.payout_runs import PayoutStage
from governance.services.payouts import acknowledge_veto, run_payouts

ROOT = Path(__file__).resolve().parents[3]


async def _verify(world: PayoutWorld, epoch: int, *extra: str) -> tuple[int, str]:
    args = [sys.executable, "-c", "from bot.cli import main; main()"]
    args += ["payouts", "verify", str(epoch), "--rpc-url", world.node.url, "--deployment",
             str(world.deployment_file), *extra]
    proc = await asyncio.create_subprocess_exec(*args, env=os.environ | {"PYTHONPATH": str(ROOT)},
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return int(proc.returncode or 0), out.decode()


def _rogue_propose(world: PayoutWorld, epoch: int) -> None:
    """The distributor key proposes a root that the chain data does not give."""
    bot = dev_key(7)
    fn = world.c.distributor.functions.proposeRoot(epoch, b"\x42" * 32, 1, b"\x00" * 32, "http://evil")
    tx = fn.build_transaction({"from": bot.address, "nonce": world.w3.eth.get_transaction_count(bot.address)})
    signed = bot.sign_transaction(tx)
    world.w3.eth.wait_for_transaction_receipt(world.w3.eth.send_raw_transaction(signed.raw_transaction))


async def test_veto_waits_for_a_fix_and_verify_catches_a_tampered_root(tmp_path: Path, anvil_bin: Path) -> None:
    async with payout_world(tmp_path, anvil_bin) as world:
        epoch = world.current_epoch()
        world.pay_revenue(1, 1_000 * USD)
        world.end_epoch(epoch)
        deps, engine = build_deps(world.node.url, world.database_url, world.deployment_file, lease_seconds=60)
        other, other_engine = build_deps(world.node.url, world.database_url, world.deployment_file, lease_seconds=60)
        other = replace(other, holder="second-instance")
        first, second = await asyncio.gather(run_payouts(deps), run_payouts(other))
        assert (first is None) != (second is None), "two instances: the payouts lease lets exactly one run"
        (run,) = first or second or []
        assert run.stage is PayoutStage.PROPOSED and run.round == 0
        assert len(world.c.distributor.events.RootProposed().get_logs(from_block=0)) == 1
        await other_engine.dispose()
        code, out = await _verify(world, epoch)
        assert code == 0 and "MATCH" in out, out

        world.as_timelock(world.c.distributor.functions.veto(epoch))
        (run,) = await run_payouts(deps) or []
        assert run.stage is PayoutStage.VETOED
        (run,) = await run_payouts(deps) or []
        assert run.stage is PayoutStage.VETOED, "same inputs, no acknowledgement: it waits"
        assert len(world.c.distributor.events.RootProposed().get_logs(from_block=0)) == 1
        code, out = await _verify(world, epoch)
        assert code == 1 and "no root is on chain" in out, out

        await acknowledge_veto(deps.uow_factory, 31337, epoch)
        (run,) = await run_payouts(deps) or []
        assert run.stage is PayoutStage.PROPOSED and run.round == 1
        assert len(world.c.distributor.events.RootProposed().get_logs(from_block=0)) == 2

        world.as_timelock(world.c.distributor.functions.veto(epoch))
        _rogue_propose(world, epoch)
        code, out = await _verify(world, epoch)
        assert code == 1 and "MISMATCH: the root on chain 0x4242" in out, out
        (run,) = await run_payouts(deps) or []
        assert run.stage is PayoutStage.VETOED, "a root that is not ours is never claimed against"

        async with engine.connect() as conn:
            kinds = Counter(r.kind for r in await conn.execute(select(outbox.c.kind)))
        assert kinds["payout_vetoed"] == 1 and kinds["payout_reproposed"] == 1 and kinds["payout_alert"] == 1
        await engine.dispose()

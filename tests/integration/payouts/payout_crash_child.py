"""Run the payout pipeline once and SIGKILL this process at a chosen point.

``python payout_crash_child.py RPC_URL DATABASE_URL DEPLOYMENT_FILE CRASH`` where CRASH is ``none``,
``step:<name>`` (right after the pipeline committed that step, e.g. ``step:computed``,
``step:paid batch 1``) or ``broadcast:<key part>`` (right after the signed transaction whose key contains
it was handed to the node, before its receipt). Prints the epoch stages as JSON when it was not killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from payout_world import build_deps

from governance.adapters.chain.keccak_backend import install_fast_keccak
from governance.adapters.chain.sender import Web3TxSender
from governance.domain.payout_runs import PayoutRun
from governance.domain.transactions import TxAttempt
from governance.services.payouts import run_payouts


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def make_sender(crash: str) -> type[Web3TxSender]:
    class CrashingSender(Web3TxSender):
        async def _broadcast(self, attempt: TxAttempt) -> None:
            await super()._broadcast(attempt)
            if crash.startswith("broadcast:"):
                async with self._uow() as uow:
                    keys = await uow.transactions.in_flight(self._chain_id, self.address)
                if any(crash.removeprefix("broadcast:") in r.plan.key for r in keys):
                    _kill()

    return CrashingSender


async def main(rpc_url: str, database_url: str, deployment_file: str, crash: str) -> None:
    install_fast_keccak()

    def observer(step: str, run: PayoutRun) -> None:
        if crash == f"step:{step}":
            _kill()

    deps, engine = build_deps(rpc_url, database_url, Path(deployment_file), observer=observer,
                              sender_cls=make_sender(crash))
    for _ in range(100):  # a killed predecessor holds the payouts lease until it expires
        runs = await run_payouts(deps)
        if runs is not None:
            break
        await asyncio.sleep(0.5)
    else:
        raise SystemExit("never got the payouts lease")
    await engine.dispose()
    print(json.dumps({str(r.epoch): r.stage.value for r in runs}))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))

"""Run one plan through a Web3TxSender and SIGKILL this process right after the broadcast.

Used by the crash test: ``python sender_crash_script.py RPC_URL DATABASE_URL PRIVATE_KEY PLAN_KEY``.
The parent sees exit status -9 and restarts the sender from the journal.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from eth_account import Account
from web3 import AsyncHTTPProvider, AsyncWeb3

from governance.adapters.chain.sender import Web3TxSender
from governance.adapters.clock import SystemClock
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import parse_address
from governance.domain.transactions import TxAttempt, TxPlan

BOB = parse_address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")


class KilledAfterBroadcast(Web3TxSender):
    async def _broadcast(self, attempt: TxAttempt) -> None:
        await super()._broadcast(attempt)
        os.kill(os.getpid(), signal.SIGKILL)


async def main(rpc_url: str, database_url: str, private_key: str, key: str) -> None:
    factory = make_session_factory(make_engine(database_url))
    w3 = AsyncWeb3(AsyncHTTPProvider(rpc_url))
    sender = KilledAfterBroadcast(
        w3, Account.from_key(private_key), lambda: SqlAlchemyUnitOfWork(factory), chain_id=31337, clock=SystemClock()
    )
    await sender.send(TxPlan("crash test transfer", key, BOB, value=12345))
    raise SystemExit("the sender returned: the kill hook did not run")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))

"""An anvil chain with the suite, two listed classifiers, holders and one epoch of revenue, for payout tests.

The timelock (the registry's admin and the distributor's guardian) is impersonated on anvil, so tests can
list classifiers and veto roots without running governance proposals.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import AsyncHTTPProvider, AsyncWeb3

from bot.devnet import USD, AnvilNode, DevSuite, deploy_dev_suite, dev_key
from governance.adapters.chain.payouts import Web3PayoutChain
from governance.adapters.chain.sender import Web3TxSender
from governance.adapters.clock import SystemClock
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import to_checksum
from governance.services.payout_verify import RevenueShareBountyWeights
from governance.services.payouts import Observer, PayoutDeps, PayoutSettings

BOT_INDEX = 7
HOLDERS = {1: 400_000, 2: 300_000, 3: 200_000, 4: 100_000}
EPOCH_LENGTH, CHALLENGE, CLAIM_WINDOW = 3_600, 600, 3_600
#: Fresh accounts that receive a few tokens (more leaves, so claims take several batches).
EXTRA_HOLDERS = tuple(to_checksum(f"{0xB0B0 + i:040x}") for i in range(6))


@dataclass
class PayoutWorld:
    node: AnvilNode
    suite: DevSuite
    database_url: str
    deployment_file: Path

    @property
    def w3(self) -> Any:
        return self.node.w3

    @property
    def c(self) -> Any:
        return self.suite.contracts

    def account(self, index: int) -> str:
        return str(self.w3.eth.accounts[index])

    def as_timelock(self, fn: Any) -> Any:
        timelock = self.c.timelock.address
        self.node.rpc("anvil_setBalance", [timelock, hex(10**20)])
        self.node.rpc("anvil_impersonateAccount", [timelock])
        try:
            return self.w3.eth.wait_for_transaction_receipt(fn.transact({"from": timelock}))
        finally:
            self.node.rpc("anvil_stopImpersonatingAccount", [timelock])

    def current_epoch(self) -> int:
        return int(self.c.treasury.functions.currentEpoch().call())

    def end_epoch(self, epoch: int) -> None:
        """Move chain time just past the end of ``epoch``."""
        end = int(self.c.treasury.functions.epochEnd(epoch).call())
        now = int(self.w3.eth.get_block("latest")["timestamp"])
        self.node.advance(max(end - now, 0) + 1)

    def pay_revenue(self, classifier_id: int, amount: int) -> None:
        tx = self.c.treasury.functions.payRevenue(classifier_id, amount).transact({"from": self.suite.payer})
        self.w3.eth.wait_for_transaction_receipt(tx)


def seed_holders_and_classifiers(world: PayoutWorld) -> None:
    """Classifiers 1 and 2 (owned by dev accounts 5 and 6); alice (1) also holds shares of 1; excluded
    contracts hold tokens; six small holders."""
    c, alice, dave = world.c, world.account(1), world.account(4)
    for name, owner in (("toxicity", 5), ("spam", 6)):
        world.as_timelock(c.registry.functions.list(name, world.account(owner), b"\x11" * 32, "ipfs://m", 1_000))
    c.registry.functions.safeTransferFrom(world.account(5), alice, 1, 300, b"").transact({"from": world.account(5)})
    for target in (c.treasury.address, c.timelock.address, c.distributor.address):
        c.token.functions.transfer(target, 5_000 * 10**18).transact({"from": dave})
    for i, holder in enumerate(EXTRA_HOLDERS):
        c.token.functions.transfer(holder, (i + 1) * 1_000 * 10**18).transact({"from": alice})


@contextlib.asynccontextmanager
async def payout_world(tmp_path: Path, anvil_bin: Path) -> AsyncIterator[PayoutWorld]:
    from governance.adapters.db import migrate

    with AnvilNode() as node:
        suite = deploy_dev_suite(node.w3, HOLDERS, BOT_INDEX, epoch_length=EPOCH_LENGTH,
                                 challenge_period=CHALLENGE, claim_window=CLAIM_WINDOW)
        deployment_file = tmp_path / "deployment.json"
        suite.deployment.write(deployment_file)
        url = f"sqlite+aiosqlite:///{tmp_path / 'payouts.sqlite'}"
        await migrate.upgrade(url)
        world = PayoutWorld(node, suite, url, deployment_file)
        seed_holders_and_classifiers(world)
        yield world


def build_deps(
    rpc_url: str, database_url: str, deployment_file: Path, *, batch_gas: int = 250_000,
    observer: Observer | None = None, sender_cls: type[Web3TxSender] = Web3TxSender,
    weights: Any = None, lease_seconds: int = 2,
) -> tuple[PayoutDeps, Any]:
    """Real adapters: the journaling sender with the bot's key, SQLite, and the chain reader."""
    from governance.adapters.chain.deployment import Deployment

    deployment = Deployment.read(deployment_file)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    w3: AsyncWeb3[Any] = AsyncWeb3(AsyncHTTPProvider(rpc_url))
    clock = SystemClock()
    sender = sender_cls(w3, dev_key(BOT_INDEX), lambda: SqlAlchemyUnitOfWork(factory), chain_id=31337, clock=clock,
                        confirmations=1, poll_seconds=0.05)
    deps = PayoutDeps(
        uow_factory=lambda: SqlAlchemyUnitOfWork(factory),
        chain=Web3PayoutChain(w3, deployment),
        sender=sender,
        weights=weights or RevenueShareBountyWeights(),
        clock=clock,
        settings=PayoutSettings(public_base_url="http://127.0.0.1:9", claim_batch_gas=batch_gas,
                                lease_seconds=lease_seconds),
        observer=observer,
    )
    return deps, engine


__all__ = ["USD", "PayoutWorld", "build_deps", "payout_world"]

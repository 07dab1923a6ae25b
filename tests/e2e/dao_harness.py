"""A whole DAO for end-to-end tests: anvil with the suite deployed, the Discord sandbox with
members, and the bot's runtime connected to both. Members have wallets with real keys."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from bot import devnet
from bot.devnet import Person
from bot.runtime import DEFAULT_FEATURES, Runtime
from bot.sandbox.server import SandboxConfig, SandboxServer
from governance.adapters.chain.contracts import SuiteContracts
from governance.adapters.chain.deployment import Deployment
from governance.config import load_settings

USD, TOKEN = devnet.USD, devnet.TOKEN
dev_key, free_port = devnet.dev_key, devnet.free_port


@contextlib.contextmanager
def anvil_node() -> Any:
    if devnet.anvil_binary() is None:
        message = "anvil is not available: run `make test` (npm ci in contracts/ installs @foundry-rs/anvil)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with devnet.AnvilNode() as node:
        yield node.url, node.w3


@dataclass
class Dao:
    w3: Web3
    rpc_url: str
    deployment: Deployment
    c: SuiteContracts
    sandbox: SandboxServer
    runtime: Runtime
    people: dict[str, Person]
    bot_key: LocalAccount
    payer: str
    extras: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Person:
        return self.people[name]

    @property
    def base_url(self) -> str:
        return self.runtime.settings.public_base_url

    def mine(self, blocks: int = 1) -> None:
        self.w3.provider.make_request("anvil_mine", [hex(blocks)])  # type: ignore[arg-type]

    def advance(self, seconds: int) -> None:
        now = int(self.w3.eth.get_block("latest")["timestamp"])
        self.w3.provider.make_request("evm_setNextBlockTimestamp", [now + seconds])  # type: ignore[arg-type]
        self.mine(1)

    async def sign_on_page(
        self, person: Person, url: str, *, key: LocalAccount | None = None, claim: str | None = None
    ) -> dict[str, Any]:
        """Do what the signing page's script does, signing with ``key`` (default: the person's own
        wallet) a message that names ``claim`` (default: the signer's address)."""
        return await devnet.sign_on_page(self.base_url, url, key or person.key, claim=claim)


PEOPLE: dict[str, tuple[int, int, Sequence[str]]] = {
    # name: (dev account index, whole governance tokens, sandbox roles)
    "alice": (1, 400_000, ("member",)),
    "bob": (2, 300_000, ("member",)),
    "carol": (3, 200_000, ("member", "admin")),
    "dave": (4, 100_000, ()),
}
BOT_INDEX, PAYER_INDEX, DEPLOYER_INDEX = 7, 9, 0


def _deploy(w3: Web3, **params: Any) -> tuple[Deployment, SuiteContracts]:
    suite = devnet.deploy_dev_suite(
        w3, {i: n for i, n, _ in PEOPLE.values()}, BOT_INDEX, payer_index=PAYER_INDEX, **params
    )
    return suite.deployment, suite.contracts


@contextlib.asynccontextmanager
async def running_dao(
    tmp_path: Path, *, features: Sequence[str] = DEFAULT_FEATURES, deploy: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> AsyncIterator[Dao]:
    with anvil_node() as (rpc_url, w3):
        deployment, c = _deploy(w3, **(deploy or {}))
        deployment_file = tmp_path / "deployment.json"
        deployment.write(deployment_file)
        roles = {name: spec[2] for name, spec in PEOPLE.items()}
        config = SandboxConfig(channels=("general", "proposals", "moderation", "admin"), members=roles)
        async with SandboxServer(config) as sandbox:
            port = free_port()
            values: dict[str, Any] = dict(
                discord_token=sandbox.token, discord_api_base=sandbox.base_url, discord_guild_id=sandbox.guild.id,
                admin_role_ids=(sandbox.role("admin").id,), member_role_id=sandbox.role("member").id,
                proposals_channel_id=sandbox.channel("proposals").id,
                announcements_channel_id=sandbox.channel("general").id,
                moderation_channel_id=sandbox.channel("moderation").id,
                admin_alerts_channel_id=sandbox.channel("admin").id,
                rpc_url=rpc_url, chain_id=31337, deployment_file=deployment_file,
                signer_private_key="0x" + dev_key(BOT_INDEX).key.hex().removeprefix("0x"),
                confirmations=0, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite'}",
                public_base_url=f"http://127.0.0.1:{port}", http_port=port, indexer_poll_seconds=0.2,
            )
            runtime = Runtime(load_settings(**{**values, **(settings or {})}), features=features,
                              outbox_interval=0.2, scheduler_renew_every=0.5)
            async with runtime:
                await sandbox.wait_until_connected(timeout=20)
                people = {
                    name: Person(name, dev_key(idx), sandbox.member(name)) for name, (idx, _, _) in PEOPLE.items()
                }
                await runtime.bot.wait_until_ready()
                await asyncio.sleep(0)
                payer = str(w3.eth.accounts[PAYER_INDEX])
                yield Dao(w3, rpc_url, deployment, c, sandbox, runtime, people, dev_key(BOT_INDEX), payer)

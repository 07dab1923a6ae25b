"""The demo's world: anvil with the suite deployed, the Discord sandbox with scripted members, and the
bot's runtime on SQLite, all on this machine, all stopped when the demo ends."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import devnet
from bot.devnet import Person
from bot.runtime import Runtime
from bot.sandbox.server import SandboxConfig, SandboxServer
from governance.adapters.chain.contracts import SuiteContracts
from governance.adapters.chain.deployment import Deployment
from governance.config import load_settings

__all__ = ["BOT_INDEX", "CAST", "PLATFORM_TOKEN", "DemoWorld", "Person", "demo_world"]

#: name: (dev account index, whole governance tokens, Discord roles)
CAST: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "alice": (1, 300_000, ("member",)),
    "bob": (2, 250_000, ("member",)),
    "carol": (3, 200_000, ("member", "admin")),
    "dave": (4, 150_000, ("member",)),
    "erin": (5, 100_000, ()),
}
BOT_INDEX, PAYER_INDEX = 7, 9
PLATFORM_TOKEN = "demo-platform-token"  # noqa: S105 - a local demo's intake token, not a secret
EPOCH_SECONDS = 3_600


@dataclass
class DemoWorld:
    node: devnet.AnvilNode
    deployment: Deployment
    c: SuiteContracts
    payer: str
    sandbox: SandboxServer
    runtime: Runtime
    people: dict[str, Person]
    workdir: Path
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.runtime.settings.public_base_url

    def chain_now(self) -> int:
        return int(self.node.w3.eth.get_block("latest")["timestamp"])


def _settings(sandbox: SandboxServer, node: devnet.AnvilNode, workdir: Path, port: int) -> dict[str, Any]:
    return dict(
        discord_token=sandbox.token, discord_api_base=sandbox.base_url, discord_guild_id=sandbox.guild.id,
        admin_role_ids=(sandbox.role("admin").id,), member_role_id=sandbox.role("member").id,
        proposals_channel_id=sandbox.channel("proposals").id, announcements_channel_id=sandbox.channel("general").id,
        moderation_channel_id=sandbox.channel("moderation").id, admin_alerts_channel_id=sandbox.channel("admin").id,
        rpc_url=node.url, chain_id=31337, deployment_file=workdir / "deployment.json",
        signer_private_key="0x" + devnet.dev_key(BOT_INDEX).key.hex().removeprefix("0x"), confirmations=0,
        database_url=f"sqlite+aiosqlite:///{workdir / 'daobot.sqlite'}", public_base_url=f"http://127.0.0.1:{port}",
        http_port=port, indexer_poll_seconds=0.3, epoch_job_interval_seconds=2, moderation_round_seconds=20,
        platform_token=PLATFORM_TOKEN, moderation_open_cron="0 0 1 1 *", moderation_score_threshold=0.8,
        reminder_seconds_before_deadline=12, seconds_per_block=1.0,
    )


@contextlib.asynccontextmanager
async def demo_world(workdir: Path, **deploy: Any) -> AsyncIterator[DemoWorld]:
    with devnet.AnvilNode() as node:
        holders = {index: tokens for index, tokens, _ in CAST.values()}
        suite = devnet.deploy_dev_suite(
            node.w3, holders, BOT_INDEX, payer_index=PAYER_INDEX, epoch_length=EPOCH_SECONDS, **deploy
        )
        suite.deployment.write(workdir / "deployment.json")
        channels = ("general", "proposals", "moderation", "admin")
        config = SandboxConfig(channels=channels, members={name: spec[2] for name, spec in CAST.items()})
        async with SandboxServer(config) as sandbox:
            port = devnet.free_port()
            settings = load_settings(**_settings(sandbox, node, workdir, port))
            async with Runtime(settings, outbox_interval=0.2, scheduler_renew_every=0.5) as runtime:
                await sandbox.wait_until_connected(timeout=30)
                await runtime.bot.wait_until_ready()
                people = {n: Person(n, devnet.dev_key(i), sandbox.member(n)) for n, (i, _, _) in CAST.items()}
                yield DemoWorld(node, suite.deployment, suite.contracts, suite.payer, sandbox, runtime, people, workdir)

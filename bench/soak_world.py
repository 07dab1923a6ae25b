"""The soak's world: anvil with the suite, the Discord sandbox with members, a fault proxy between the bot
and anvil, and the bot itself as a child process that the soak SIGKILLs and starts again on the same database.

Everything listens on 127.0.0.1. The soak's own driver talks to anvil directly (no faults).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot import devnet
from bot.devnet import Person
from bot.devnet_proxy import ALL_FAULTS, FaultProxy
from bot.sandbox.server import SandboxConfig, SandboxServer
from governance.adapters.chain.contracts import SuiteContracts

__all__ = ["BotProcess", "Person", "SoakWorld", "soak_world"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: name: (dev account index, whole governance tokens, Discord roles)
CAST: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "alice": (1, 300_000, ("member",)),
    "bob": (2, 250_000, ("member",)),
    "carol": (3, 200_000, ("member", "admin")),
    "dave": (4, 150_000, ("member",)),
    "erin": (5, 100_000, ("member",)),
    "frank": (6, 50_000, ()),
}
BOT_INDEX, PAYER_INDEX = 7, 9
EPOCH, CHALLENGE, CLAIM_WINDOW, VOTING_BLOCKS, TIMELOCK_DELAY = 3_600, 600, 3_600, 40, 60
MODEL_HASH = bytes.fromhex("ab" * 32)


class BotExited(RuntimeError):
    """The bot process ended by itself before it was ready."""


class BotProcess:
    """The bot as a child process (``bench/soak_bot.py``); ``kill`` is SIGKILL, nothing is cleaned up."""

    def __init__(self, settings_file: Path, logs: Path, sandbox: SandboxServer, http_url: str) -> None:
        self._settings_file, self._logs, self._sandbox, self._http_url = settings_file, logs, sandbox, http_url
        self._proc: asyncio.subprocess.Process | None = None
        self.incarnations = 0
        self.kills = 0
        self.startup_failures = 0
        self.startup_seconds: list[float] = []

    async def start(self, timeout: float = 90, attempts: int = 5) -> None:
        """Start a new process and wait until it is connected and serving; like a process supervisor, start
        it again when it exits during startup (it does when the node fails it while wiring features)."""
        for attempt in range(attempts):
            try:
                await self._start_once(timeout)
                return
            except BotExited:
                self.startup_failures += 1
                if attempt + 1 == attempts:
                    raise

    async def _start_once(self, timeout: float) -> None:
        known = {id(s) for s in self._sandbox.sessions}
        self.incarnations += 1
        log = (self._logs / f"bot-{self.incarnations:03d}.log").open("wb")
        env = os.environ | {"PYTHONPATH": f"{HERE}{os.pathsep}{ROOT}"}
        env = {k: v for k, v in env.items() if not k.startswith("DAOBOT_")}
        started = time.monotonic()
        with log:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable, str(HERE / "soak_bot.py"), str(self._settings_file),
                cwd=self._logs, env=env, stdout=log, stderr=log,
            )
        await self._wait_ready(known, started + timeout)
        self.startup_seconds.append(time.monotonic() - started)

    async def _wait_ready(self, known: set[int], deadline: float) -> None:
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.returncode is not None:
                raise BotExited(f"bot-{self.incarnations:03d} exited with {self._proc.returncode}")
            fresh = [s for s in self._sandbox.hub.connected_sessions() if id(s) not in known]
            if fresh and await self._http_ok():
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"the bot did not connect in time; see {self._logs}")

    async def _http_ok(self) -> bool:
        try:
            async with aiohttp.ClientSession() as http, http.get(f"{self._http_url}/healthz") as resp:
                return resp.status < 600
        except aiohttp.ClientError:
            return False

    async def kill(self) -> None:
        if self._proc is None or self._proc.returncode is not None:
            return
        self._proc.send_signal(signal.SIGKILL)
        await self._proc.wait()
        self.kills += 1
        self._proc = None

    async def restart(self) -> None:
        await self.kill()
        await self.start()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.returncode is None


@dataclass
class SoakWorld:
    node: devnet.AnvilNode
    suite: devnet.DevSuite
    sandbox: SandboxServer
    proxy: FaultProxy
    bot: BotProcess
    people: dict[str, Person]
    database_url: str
    base_url: str
    workdir: Path
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def w3(self) -> Any:
        return self.node.w3

    @property
    def c(self) -> SuiteContracts:
        return self.suite.contracts

    def chain_now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def as_timelock(self, fn: Any) -> None:
        """Setup only: what a passed proposal would do, done by impersonating the timelock."""
        timelock = self.c.timelock.address
        self.node.rpc("anvil_setBalance", [timelock, hex(10**20)])
        self.node.rpc("anvil_impersonateAccount", [timelock])
        try:
            self.w3.eth.wait_for_transaction_receipt(fn.transact({"from": timelock}))
        finally:
            self.node.rpc("anvil_stopImpersonatingAccount", [timelock])


def _settings(sandbox: SandboxServer, rpc_url: str, workdir: Path, port: int) -> dict[str, Any]:
    return dict(
        discord_token=sandbox.token, discord_api_base=sandbox.base_url, discord_guild_id=sandbox.guild.id,
        admin_role_ids=[sandbox.role("admin").id], member_role_id=sandbox.role("member").id,
        proposals_channel_id=sandbox.channel("proposals").id, announcements_channel_id=sandbox.channel("general").id,
        moderation_channel_id=sandbox.channel("moderation").id, admin_alerts_channel_id=sandbox.channel("admin").id,
        rpc_url=rpc_url, chain_id=31337, deployment_file=str(workdir / "deployment.json"),
        signer_private_key="0x" + devnet.dev_key(BOT_INDEX).key.hex().removeprefix("0x"), confirmations=0,
        database_url=f"sqlite+aiosqlite:///{workdir / 'daobot.sqlite'}", public_base_url=f"http://127.0.0.1:{port}",
        http_host="127.0.0.1", http_port=port, indexer_poll_seconds=0.25, epoch_job_interval_seconds=1,
        reminder_seconds_before_deadline=12, seconds_per_block=1.0, log_level="INFO",
        tx_replace_after_seconds=20,
    )


def _deploy(node: devnet.AnvilNode) -> devnet.DevSuite:
    holders = {index: tokens for index, tokens, _ in CAST.values()}
    return devnet.deploy_dev_suite(
        node.w3, holders, BOT_INDEX, payer_index=PAYER_INDEX, epoch_length=EPOCH, challenge_period=CHALLENGE,
        claim_window=CLAIM_WINDOW, voting_period=VOTING_BLOCKS, timelock_delay=TIMELOCK_DELAY,
    )


@contextlib.asynccontextmanager
async def soak_world(workdir: Path, *, seed: int, fault_rate: float, delay_seconds: float = 1.0) -> AsyncIterator[
    SoakWorld
]:
    """The world with the bot started once and the proxy passing everything (``proxy.rate`` is 0 until the
    soak turns faults on); the bot is killed when the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    with devnet.AnvilNode() as node:
        suite = await asyncio.to_thread(_deploy, node)
        suite.deployment.write(workdir / "deployment.json")
        proxy = FaultProxy(node.url, rate=0.0, seed=seed, max_range=None, delay_seconds=delay_seconds,
                           faults=ALL_FAULTS)
        channels = ("general", "proposals", "moderation", "admin")
        config = SandboxConfig(channels=channels, members={name: spec[2] for name, spec in CAST.items()})
        async with proxy, SandboxServer(config) as sandbox:
            port = devnet.free_port()
            settings_file = workdir / "settings.json"
            settings_file.write_text(json.dumps(_settings(sandbox, proxy.url, workdir, port)))
            base_url = f"http://127.0.0.1:{port}"
            bot = BotProcess(settings_file, workdir, sandbox, base_url)
            people = {n: Person(n, devnet.dev_key(i), sandbox.member(n)) for n, (i, _, _) in CAST.items()}
            database_url = f"sqlite+aiosqlite:///{workdir / 'daobot.sqlite'}"
            world = SoakWorld(node, suite, sandbox, proxy, bot, people, database_url, base_url, workdir)
            world.extras["fault_rate"] = fault_rate
            try:
                await bot.start()
                yield world
            finally:
                await bot.kill()

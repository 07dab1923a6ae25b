"""Soak test: many short epochs on anvil with random members, bot restarts and RPC faults; prints invariants.

    .venv/bin/python bench/soak.py [--epochs 50] [--seed 1] [--fault-rate 0.05] [--restart-chance 0.3]
    .venv/bin/python bench/soak.py --quick          # 3 epochs, at least one restart

Loopback only: anvil, the Discord sandbox, the bot's web server and the fault proxy all listen on 127.0.0.1.

Each epoch (chain time jumps, so an epoch takes seconds): members act (revenue for listed classifiers, token
and share transfers, delegations; sometimes an admin proposes a listing or delisting from Discord and members
vote through Discord or directly on chain); the epoch ends; the bot closes it, proposes the payout root,
waits out the challenge period and pushes every claim; sweeps follow a claim window later. Meanwhile the bot
(a child process) is SIGKILLed at random moments and started again on the same database, and the proxy
between the bot and anvil drops, delays, refuses (429/500), garbles or loses answers. The driver itself talks
to anvil directly. At the end faults stop, the bot gets time to settle, and every invariant of
``soak_checks`` is checked and printed with counts; exit code 0 when there is no violation.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [p for p in (str(HERE), str(HERE.parent)) if p not in sys.path]

from soak_checks import Check, run_checks  # noqa: E402
from soak_members import Members, Tally  # noqa: E402
from soak_world import CHALLENGE, CLAIM_WINDOW, SoakWorld, soak_world  # noqa: E402

from governance.adapters.chain.keccak_backend import install_fast_keccak  # noqa: E402

__all__ = ["SoakConfig", "SoakResult", "main", "run_soak"]


@dataclass(frozen=True)
class SoakConfig:
    epochs: int = 50
    seed: int = 1
    fault_rate: float = 0.05
    restart_chance: float = 0.3  # per chaos point; there are three per epoch (before, during, after payouts)
    proposal_chance: float = 0.3
    forced_restarts: tuple[int, ...] = ()  # epoch indexes that restart the bot whatever the dice say
    step_timeout: float = 120.0  # one epoch's root or claims
    settle_timeout: float = 120.0
    workdir: Path | None = None


@dataclass
class SoakResult:
    config: SoakConfig
    checks: list[Check]
    tally: Tally
    faults: dict[str, int]
    rpc_requests: int
    restarts: int
    stalls: list[str]
    seconds: float
    startup_seconds: list[float] = field(default_factory=list)
    startup_failures: int = 0

    @property
    def violations(self) -> list[str]:
        return [*self.stalls, *(f"{c.name}: {v}" for c in self.checks for v in c.violations)]


class Chaos:
    """Restarts the bot (SIGKILL, then a new process on the same database) after a random delay, in the
    background, so the kill lands wherever the bot happens to be."""

    def __init__(self, world: SoakWorld, rng: random.Random, chance: float) -> None:
        self.world, self.rng, self.chance = world, rng, chance
        self.restarts = 0
        self._task: asyncio.Task[None] | None = None

    def maybe(self, force: bool = False, max_delay: float = 3.0) -> None:
        if self._task is not None and not self._task.done():
            return
        if self._task is not None and self._task.exception() is not None:
            raise RuntimeError("the bot could not be started again") from self._task.exception()
        if force or self.rng.random() < self.chance:
            self._task = asyncio.get_running_loop().create_task(self._restart(self.rng.uniform(0.0, max_delay)))

    async def _restart(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.world.bot.restart()
        self.restarts += 1

    async def settle(self) -> None:
        if self._task is not None:
            await self._task


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(interval)
    return False


class Driver:
    def __init__(self, world: SoakWorld, config: SoakConfig) -> None:
        self.world, self.config = world, config
        self.rng = random.Random(config.seed)
        self.tally = Tally()
        self.members = Members(world, self.rng, self.tally)
        self.chaos = Chaos(world, self.rng, config.restart_chance)
        self.stalls: list[str] = []

    def _info(self, epoch: int) -> tuple[int, ...]:
        return tuple(self.world.c.distributor.functions.epochInfo(epoch).call())

    async def _call(self, fn: Callable[[], object]) -> object:
        return await asyncio.to_thread(fn)

    async def advance(self, seconds: int) -> None:
        await asyncio.to_thread(self.world.node.advance, seconds)

    async def end_epoch(self, epoch: int) -> None:
        end = int(await asyncio.to_thread(self.world.c.treasury.functions.epochEnd(epoch).call))
        now = await asyncio.to_thread(self.world.chain_now)
        await self.advance(max(end - now, 0) + 1)

    async def epoch(self, index: int) -> None:
        c = self.world.c
        epoch = int(await asyncio.to_thread(c.treasury.functions.currentEpoch().call))
        self.chaos.maybe(force=index in self.config.forced_restarts, max_delay=8.0)
        await self.members.epoch_activity(self.config.proposal_chance)
        await self.end_epoch(epoch)
        self.chaos.maybe()

        async def root_proposed() -> bool:
            return int.from_bytes((await asyncio.to_thread(self._info, epoch))[0], "big") != 0

        if not await wait_until(root_proposed, self.config.step_timeout):
            self.stalls.append(f"epoch {epoch}: no root proposed within {self.config.step_timeout:.0f} s")
            return
        await self.advance(CHALLENGE + 1)
        self.chaos.maybe()

        async def claimed() -> bool:
            info = await asyncio.to_thread(self._info, epoch)
            return int(info[1]) == int(info[2])

        if not await wait_until(claimed, self.config.step_timeout):
            self.stalls.append(f"epoch {epoch}: claims not all pushed within {self.config.step_timeout:.0f} s")

    async def drain(self) -> list[Check]:
        """Faults off, no more restarts; every claim window ends; wait until the invariants hold (or time out)."""
        await self.chaos.settle()
        self.world.proxy.rate = 0.0
        await self.advance(CLAIM_WINDOW + CHALLENGE + 1)
        deadline = time.monotonic() + self.config.settle_timeout
        while True:
            checks = await run_checks(self.world)
            if not any(c.violations for c in checks) or time.monotonic() > deadline:
                return checks
            await asyncio.sleep(2.0)


async def run_soak(config: SoakConfig, progress: Callable[[str], None] = lambda _: None) -> SoakResult:
    install_fast_keccak()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="daobot-soak-") as tmp:
        workdir = config.workdir or Path(tmp)
        async with soak_world(workdir, seed=config.seed, fault_rate=config.fault_rate) as world:
            driver = Driver(world, config)
            await driver.members.list_initial_classifiers()
            await driver.members.link_everyone()
            world.proxy.rate = config.fault_rate
            for index in range(config.epochs):
                await driver.epoch(index)
                progress(f"epoch {index + 1}/{config.epochs} done at {time.monotonic() - started:.0f} s "
                         f"(restarts {driver.chaos.restarts}, faults {sum(world.proxy.injected.values())})")
            checks = await driver.drain()
            return SoakResult(
                config, checks, driver.tally, dict(world.proxy.injected), world.proxy.requests,
                driver.chaos.restarts, driver.stalls, time.monotonic() - started, world.bot.startup_seconds,
                world.bot.startup_failures,
            )


def report(result: SoakResult) -> str:
    t = result.tally.counts
    txs = {k.removeprefix("tx:"): n for k, n in sorted(t.items()) if k.startswith("tx:")}
    bot_txs = next((c.counts for c in result.checks if c.name == "bot transactions settled"), {})
    payouts = next((c.counts for c in result.checks if c.name == "payouts exactly once"), {})
    tallies = next((c.counts for c in result.checks if c.name.startswith("tallies")), {})
    outbox = next((c.counts for c in result.checks if c.name.startswith("outbox")), {})
    starts = result.startup_seconds
    rows = [
        ("epochs", f"{result.config.epochs} (seed {result.config.seed}, {result.seconds:.0f} s wall)"),
        ("restarts", f"{result.restarts} SIGKILLs + new process (startup {min(starts):.1f}-{max(starts):.1f} s; "
                     f"{result.startup_failures} starts failed on an RPC fault and were retried)"),
        ("faults injected", f"{sum(result.faults.values())} of {result.rpc_requests} bot RPC requests: "
                            + ", ".join(f"{k} {n}" for k, n in sorted(result.faults.items()))),
        ("driver transactions", f"{sum(txs.values())}: " + ", ".join(f"{k} {n}" for k, n in txs.items())),
        ("bot transactions", ", ".join(f"{k} {n}" for k, n in bot_txs.items())),
        ("proposals", f"{tallies.get('proposals', 0)} (list {t['proposal:list']}, delist {t['proposal:delist']}, "
                      f"refused {t['proposal refused']})"),
        ("votes", f"{tallies.get('votes', 0)} on chain (Discord {t['vote:discord']}, direct {t['vote:direct']}, "
                  f"retried {t['vote retried']}, given up {t['vote given up']})"),
        ("claims", f"{payouts.get('claims', 0)} of {payouts.get('leaves', 0)} leaves"),
        ("notifications", f"{outbox.get('notifications', 0)} (delivered {outbox.get('delivered', 0)}, "
                          f"{outbox.get('discord posts', 0)} post keys, {outbox.get('bot messages', 0)} messages, "
                          f"{outbox.get('edits', 0)} edits)"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines.append("")
    for check in result.checks:
        counts = ", ".join(f"{k} {v}" for k, v in check.counts.items())
        lines.append(f"[{'ok' if not check.violations else 'FAIL'}] {check.name}: {counts}")
    violations = result.violations
    lines.append(f"violations: {len(violations)}")
    lines += [f"  - {v}" for v in violations[:50]]
    return "\n".join(lines)


def parse_args(argv: list[str]) -> SoakConfig:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--restart-chance", type=float, default=0.3)
    parser.add_argument("--proposal-chance", type=float, default=0.3)
    parser.add_argument("--quick", action="store_true", help="3 epochs, at least one restart")
    parser.add_argument("--workdir", type=Path, help="keep the database and the bot's logs here")
    args = parser.parse_args(argv)
    if args.quick:
        return SoakConfig(epochs=3, seed=args.seed, fault_rate=args.fault_rate, restart_chance=0.0,
                          proposal_chance=1.0, forced_restarts=(1,), workdir=args.workdir)
    return SoakConfig(args.epochs, args.seed, args.fault_rate, args.restart_chance, args.proposal_chance,
                      workdir=args.workdir)


def main(argv: list[str] | None = None) -> int:
    config = parse_args(sys.argv[1:] if argv is None else argv)
    result = asyncio.run(run_soak(config, progress=lambda line: print(line, flush=True)))
    print(report(result))
    return 0 if not result.violations else 1


if __name__ == "__main__":
    sys.exit(main())

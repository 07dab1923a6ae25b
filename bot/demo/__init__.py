"""``make demo``: the whole DAO on this machine, end to end, with a transcript and an HTML report.

Everything runs locally and stops at the end: anvil (from the pinned npm package) with the suite
deployed, the Discord sandbox with scripted members, and the bot's runtime on SQLite, on
accelerated time (epochs of an hour of chain time, which the demo fast-forwards).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

from bot.demo.report import write_report
from bot.demo.steps_members import link_members, slash
from bot.demo.transcript import Transcript
from bot.demo.world import demo_world
from governance.adapters.chain.keccak_backend import install_fast_keccak

__all__ = ["run_demo"]

OUT = Path("out/demo")
USD = 10**6


async def _story(t: Transcript, workdir: Path) -> list[str]:
    async with demo_world(workdir) as world:
        t.note(f"chain: anvil at {world.node.url}; suite deployed; bot {world.runtime.bot.user} online")
        await link_members(world, t, ["alice", "bob", "carol", "dave"])
        await slash(world, t, world.people["alice"], "me")
        return [f"{len(world.people)} members, {len(t.lines)} transcript lines"]


def run_demo(out: Path = OUT) -> int:
    install_fast_keccak()
    started = time.monotonic()
    t = Transcript()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    workdir = out / "state"
    workdir.mkdir()
    summary = asyncio.run(_story(t, workdir))
    elapsed = time.monotonic() - started
    summary.append(f"finished in {elapsed:.0f} s")
    report = write_report(t, out / "report.html", summary=summary)
    (out / "transcript.txt").write_text(
        "\n".join(f"{line.who:>9} | {line.text}" if line.kind != "step" else f"== {line.text}" for line in t.lines),
        encoding="utf-8",
    )
    t.console.rule(f"demo finished in {elapsed:.0f} s; report: {report}")
    return 0

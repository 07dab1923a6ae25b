"""``make demo``: the whole DAO on this machine, end to end, with a transcript and an HTML report.

Everything runs locally and stops at the end: anvil (from the pinned npm package) with the suite
deployed, the Discord sandbox with scripted members, and the bot's runtime on SQLite, on
accelerated time (epochs of an hour of chain time, which the demo fast-forwards).
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import time
from pathlib import Path

from bot.demo.report import write_report
from bot.demo.steps_governance import pass_proposal, propose, vote
from bot.demo.steps_market import import_content, moderation_round
from bot.demo.steps_members import link_members, pay_revenue, slash
from bot.demo.steps_treasury import allocation_vote, epoch_payout, grab_chart
from bot.demo.transcript import Transcript
from bot.demo.world import DemoWorld, demo_world
from governance.adapters.chain.keccak_backend import install_fast_keccak
from policies.classifiers.artifacts import REFERENCE_DIR

__all__ = ["run_demo"]

OUT = Path("out/demo")
USD = 10**6


async def _list_classifiers(world: DemoWorld, t: Transcript) -> None:
    t.step("An admin proposes listing two classifiers from Discord; members vote; the timelock executes")
    owner = world.people["erin"].address
    ids = []
    for name in ("toxicity", "spam"):
        digest = "0x" + hashlib.sha256((REFERENCE_DIR / f"{name}.joblib").read_bytes()).hexdigest()
        ids.append(await propose(world, t, "carol", "classifier list", name=name, owner=owner, model_hash=digest,
                                 shares=1000))
    for proposal_id in ids:
        await vote(world, t, proposal_id, {"alice": "for", "bob": "for", "carol": "for"})
    for proposal_id in ids:
        await pass_proposal(world, t, proposal_id)
    await slash(world, t, world.people["dave"], "classifiers")


async def _delist(world: DemoWorld, t: Transcript) -> None:
    t.step("An admin proposes delisting a classifier; members vote through Discord; the bot executes it")
    spam = _classifier_id(world, "spam")
    proposal_id = await propose(world, t, "carol", "classifier delist", classifier_id=spam,
                                reason="flags honest posts as spam; its reputation turned negative")
    await vote(world, t, proposal_id, {"alice": "for", "bob": "against", "carol": "for", "dave": "for"})
    await pass_proposal(world, t, proposal_id)
    message = next(m for m in world.sandbox.messages("proposals") if m.embeds and str(proposal_id) in str(m.embeds))
    grab_chart(world, t, "Proposal tally: delisting the spam classifier (final)", message)
    t.chain(f"registry: classifier {spam} (spam) listed = {world.c.registry.functions.isListed(spam).call()}")


def _classifier_id(world: DemoWorld, name: str) -> int:
    registry = world.c.registry.functions
    count = int(registry.classifierCount().call())
    for classifier_id in range(1, count + 1):
        if registry.classifier(classifier_id).call()[0] == name:
            return classifier_id
    raise LookupError(name)


async def _story(t: Transcript, workdir: Path) -> list[str]:
    async with demo_world(workdir) as world:
        t.note(f"chain: anvil at {world.node.url}; suite deployed; bot {world.runtime.bot.user} online")
        await link_members(world, t, ["alice", "bob", "carol", "dave"])
        await _list_classifiers(world, t)
        await pay_revenue(world, t, {1: 1_200 * USD, 2: 800 * USD})
        await import_content(world, t)
        await moderation_round(world, t, {"post-101": {"alice": "d", "bob": "d", "carol": "k"},
                                          "post-103": {"alice": "k", "bob": "d", "dave": "k"}})
        await _delist(world, t)
        await allocation_vote(world, t)
        await epoch_payout(world, t)
        await slash(world, t, world.people["alice"], "me")
        return [f"{len(world.people)} members; {len(t.lines)} transcript lines; {len(t.charts)} charts"]


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

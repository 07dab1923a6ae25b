"""Demo steps: the advisor suggests an allocation that members vote on; the epoch ends and dividends
are paid automatically, then verified by anyone from chain data."""

from __future__ import annotations

import subprocess
import sys

from bot.demo.steps_governance import pass_proposal, proposal_id_in, until, vote
from bot.demo.transcript import Transcript, describe_message
from bot.demo.world import EPOCH_SECONDS, DemoWorld
from bot.rendering import usd

__all__ = ["allocation_vote", "epoch_payout", "grab_chart"]


def grab_chart(world: DemoWorld, t: Transcript, title: str, message: object) -> None:
    for attachment in getattr(message, "attachments", []) or []:
        if attachment.filename.endswith(".png") and attachment.data:
            t.chart(title, attachment.data)
            return


async def allocation_vote(world: DemoWorld, t: Transcript) -> None:
    t.step("The advisor suggests a treasury allocation; an admin turns it into a proposal; members vote")
    carol = world.people["carol"]
    t.member("carol", "/allocation suggest")
    shown = await (await carol.discord.slash("allocation suggest")).response(timeout=60)
    t.bot(describe_message(shown, limit=900))
    grab_chart(world, t, "Allocation: the advisor's suggestion beside the baselines", shown)
    t.member("carol", "[presses Propose this split (admins)]")
    button = next(c["custom_id"] for row in shown.components for c in row["components"])
    reply = await (await carol.discord.click(shown, button)).response(timeout=60)
    t.bot(reply.content)
    proposal_id = proposal_id_in(reply.content)
    await vote(world, t, proposal_id, {"alice": "for", "bob": "for", "dave": "against"})
    await pass_proposal(world, t, proposal_id)
    split = world.c.treasury.functions.allocation().call()
    t.chain(f"Treasury allocation is now {list(split)} bps (member div., classifier div., bounties, reserve, ops)")


async def epoch_payout(world: DemoWorld, t: Transcript) -> None:
    t.step("The epoch ends: the bot closes it, computes the manifest, proposes the root, and pays everyone")
    genesis = world.deployment.epoch_genesis
    world.node.advance(max(1, genesis + EPOCH_SECONDS - world.chain_now() + 1))
    t.chain("chain time passes the end of epoch 0")
    info = await until(lambda: _root(world), timeout=120, what="the payout job to propose the root")
    t.chain(f"closeEpoch(0) and proposeRoot: root {info[0].hex()[:16]}…, total {usd(info[1])}")
    world.node.advance(world.deployment.challenge_period + 1)
    t.chain("the challenge period passes with no veto")
    await until(lambda: _all_paid(world), timeout=180, what="the bot to push every claim")
    for name in ("alice", "bob", "carol", "dave"):
        paid = world.c.revenue_token.functions.balanceOf(world.people[name].address).call()
        t.chain(f"{name} received {usd(paid)}")
    announcement = await world.sandbox.wait_for_message(lambda m: "verify" in m.content, channel="general",
                                                        timeout=120)
    t.bot(announcement.content)
    receipt = await world.people["alice"].discord.wait_for_dm(lambda m: "USD" in m.content, timeout=60)
    t.bot(receipt.content, to="alice")
    shown = await (await world.people["alice"].discord.slash("dividends")).response(timeout=60)
    grab_chart(world, t, "Dividends: alice's history", shown)
    _verify(world, t)


def _root(world: DemoWorld) -> tuple[bytes, int] | None:
    info = world.c.distributor.functions.epochInfo(0).call()
    root, total = info[0], info[2] if len(info) > 2 else 0
    return (bytes(root), int(total)) if any(root) else None


def _all_paid(world: DemoWorld) -> bool:
    return all(world.c.revenue_token.functions.balanceOf(world.people[n].address).call() > 0
               for n in ("alice", "bob", "carol", "dave"))


def _verify(world: DemoWorld, t: Transcript) -> None:
    command = ["daobot", "payouts", "verify", "0", "--rpc-url", world.node.url,
               "--deployment", str(world.workdir / "deployment.json")]
    t.member("anyone", " ".join(command))
    done = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *command[1:]],
                          capture_output=True, text=True, timeout=120, check=False)
    t.note((done.stdout + done.stderr).strip() + f"\n(exit code {done.returncode})")

"""Demo steps: an admin proposes from Discord, members vote with their own wallets, the bot queues
and executes when due."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from bot import devnet
from bot.demo.steps_members import slash
from bot.demo.transcript import Transcript
from bot.demo.world import DemoWorld
from bot.sandbox.state import MessageRecord

__all__ = ["pass_proposal", "proposal_id_in", "until", "vote"]

STATES = {0: "pending", 1: "active", 2: "canceled", 3: "defeated", 4: "succeeded", 5: "queued", 6: "expired",
          7: "executed"}


async def until(predicate: Callable[[], Any], *, timeout: float = 60, what: str = "the bot") -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := predicate()):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)
    return value


def proposal_id_in(text: str) -> int:
    match = re.search(r"Proposal id `(\d+)`", text)
    if match is None:
        raise RuntimeError(f"no proposal id in {text!r}")
    return int(match.group(1))


def _fields(message: MessageRecord) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])} if message.embeds else {}


async def live_message(world: DemoWorld, proposal_id: int) -> MessageRecord:
    def match(m: MessageRecord) -> bool:
        return bool(m.embeds) and str(proposal_id) in _fields(m).get("Proposal id", "")

    return await world.sandbox.wait_for_message(match, channel="proposals", timeout=60)


def _state(world: DemoWorld, proposal_id: int) -> int:
    return int(world.c.governor.functions.state(proposal_id).call())


async def vote(world: DemoWorld, t: Transcript, proposal_id: int, choices: dict[str, str]) -> None:
    """Each member presses a vote button on the live message and signs the ballot in their wallet."""
    message = await live_message(world, proposal_id)
    world.node.mine(2)  # the voting delay passes
    await until(lambda: _fields(message).get("State") == "open for voting", what="voting to open")
    for name, choice in choices.items():
        person = world.people[name]
        t.member(name, f"[presses {choice.capitalize()} on proposal {str(proposal_id)[:10]}…]")
        reply = await (await person.discord.click(message, f"vote:{choice}:{proposal_id}")).response(timeout=30)
        url = re.search(r"(https?://\S+/sign/[A-Za-z0-9_-]+)", reply.content)
        if url is None:
            raise RuntimeError(f"no signing link for {name}: {reply.content}")
        t.bot("a one-time link to sign the ballot", to=name)
        done = await devnet.sign_on_page(world.base_url, url.group(1), person.key)
        t.chain(f"castVoteBySig relayed for {name}: tx {str(done.get('tx_hash'))[:18]}…")
    tally = await until(lambda: _fields(message).get("For") not in (None, "0.00") and _fields(message),
                        what="the tally edit")
    t.bot(f"live message edited: For {tally.get('For')}, Against {tally.get('Against')}, "
          f"Abstain {tally.get('Abstain')}; {tally.get('Quorum', '')}")


async def pass_proposal(world: DemoWorld, t: Transcript, proposal_id: int, voting_blocks: int = 21) -> None:
    """Voting ends; the bot queues the proposal, and executes it once the timelock delay passed."""
    if _state(world, proposal_id) == 1:
        world.node.mine(voting_blocks)
    await until(lambda: _state(world, proposal_id) in (5, 7), what="the bot to queue the proposal")
    t.chain(f"proposal {str(proposal_id)[:10]}… passed; the bot queued it in the timelock")
    if _state(world, proposal_id) == 5:
        world.node.advance(61)
    await until(lambda: _state(world, proposal_id) == 7, what="the bot to execute the proposal")
    t.chain(f"the timelock delay passed; the bot executed proposal {str(proposal_id)[:10]}…")


async def propose(world: DemoWorld, t: Transcript, admin: str, command: str, **options: object) -> int:
    reply = await slash(world, t, world.people[admin], command, **options)
    return proposal_id_in(reply)

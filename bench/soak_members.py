"""What the soak's members do in an epoch, drawn from one seeded RNG: pay revenue for listed classifiers,
transfer tokens and classifier shares, change delegations, and take part in proposals (an admin proposes
from Discord; members vote through Discord and the signing page, or directly on chain like any other
Governor front end). The driver talks to anvil directly; the bot only sees the chain through its proxy.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from soak_world import MODEL_HASH, VOTING_BLOCKS, Person, SoakWorld

from bot.devnet import USD, sign_on_page

__all__ = ["Members", "Tally"]

LINK = re.compile(r"(http://\S+/sign/[A-Za-z0-9_-]+)")
PROPOSAL_ID = re.compile(r"Proposal id `(\d+)`")
CHOICES = {"against": 0, "for": 1, "abstain": 2}
ACTIVE = 1


@dataclass
class Tally:
    """What the driver did, by kind (transactions it sent itself, votes by path, proposals ...)."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n


class Members:
    def __init__(self, world: SoakWorld, rng: random.Random, tally: Tally) -> None:
        self.world, self.rng, self.tally = world, rng, tally
        self.people = list(world.people.values())
        self.proposals: dict[int, tuple[str, int]] = {}  # proposal id -> (list|delist, classifier id or 0)
        self._listed_names = 0

    # --- setup ---------------------------------------------------------------------------------------

    async def list_initial_classifiers(self) -> None:
        c = self.world.c
        for name, owner in (("toxicity", "erin"), ("spam", "frank")):
            fn = c.registry.functions.list(name, self.world.people[owner].address, MODEL_HASH, "ipfs://card", 1_000)
            await asyncio.to_thread(self.world.as_timelock, fn)

    async def link_everyone(self) -> None:
        """Each member links a wallet with /link and accepts the offered self-delegation."""
        for person in self.people:
            for _attempt in range(4):
                if await self._link(person):
                    break
            else:
                raise RuntimeError(f"{person.name} could not link a wallet")

    async def _link(self, person: Person) -> bool:
        try:
            reply = await (await person.discord.slash("link")).response(timeout=20)
            linked = await sign_on_page(self.world.base_url, _link(reply.content), person.key)
            if linked["status"] != 200:
                return False
            if linked.get("next_url"):
                delegated = await sign_on_page(self.world.base_url, linked["next_url"], person.key)
                return bool(delegated["status"] == 200)
            return True
        except (TimeoutError, AssertionError, OSError, aiohttp.ClientError):
            return False

    # --- one epoch ----------------------------------------------------------------------------------

    async def epoch_activity(self, proposal_chance: float) -> None:
        if self.rng.random() < proposal_chance:
            await self.proposal_round()
        actions = (
            [self.transfer] * self.rng.randint(0, 3)
            + [self.delegate] * self.rng.randint(0, 2)
            + [self.transfer_shares] * (self.rng.random() < 0.3)
        )
        self.rng.shuffle(actions)
        for action in actions:
            await action()
        for _ in range(self.rng.randint(1, 3)):
            await self.pay_revenue()

    async def _send(self, kind: str, fn: Any, sender: str) -> None:
        def send() -> None:
            w3 = self.world.w3
            receipt = w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender}))
            if receipt["status"] != 1:
                raise RuntimeError(f"{kind} reverted")

        await asyncio.to_thread(send)
        self.tally.add(f"tx:{kind}")

    async def listed(self) -> list[int]:
        def read() -> list[int]:
            registry = self.world.c.registry.functions
            count = int(registry.classifierCount().call())
            return [i for i in range(1, count + 1) if registry.isListed(i).call()]

        return await asyncio.to_thread(read)

    async def pay_revenue(self) -> None:
        listed = await self.listed()
        if not listed:
            return
        amount = self.rng.randint(1, 2_000) * USD + self.rng.randint(0, USD - 1)
        fn = self.world.c.treasury.functions.payRevenue(self.rng.choice(listed), amount)
        await self._send("revenue", fn, self.world.suite.payer)

    async def transfer(self) -> None:
        sender, receiver = self.rng.sample(self.people, 2)
        balance = await asyncio.to_thread(self.world.c.token.functions.balanceOf(sender.address).call)
        amount = int(balance) * self.rng.randint(1, 20) // 100
        if amount:
            fn = self.world.c.token.functions.transfer(receiver.address, amount)
            await self._send("transfer", fn, sender.address)

    async def delegate(self) -> None:
        member = self.rng.choice(self.people)
        to = member if self.rng.random() < 0.4 else self.rng.choice(self.people)
        await self._send("delegate", self.world.c.token.functions.delegate(to.address), member.address)

    async def transfer_shares(self) -> None:
        registry = self.world.c.registry.functions
        holder, receiver = self.rng.sample(self.people, 2)
        for cid in await self.listed():
            balance = int(await asyncio.to_thread(registry.balanceOf(holder.address, cid).call))
            if balance:
                amount = max(1, balance * self.rng.randint(1, 30) // 100)
                fn = registry.safeTransferFrom(holder.address, receiver.address, cid, amount, b"")
                await self._send("shares", fn, holder.address)
                return

    # --- proposals ----------------------------------------------------------------------------------

    async def proposal_round(self) -> None:
        """An admin proposes from Discord; voting opens; members vote; voting closes."""
        pid = await self._propose()
        if pid is None:
            return
        await asyncio.to_thread(self.world.node.mine, 2)
        voters = self.people[:]
        self.rng.shuffle(voters)
        for person in voters:
            path = self.rng.choices(("discord", "direct", "none"), weights=(6, 3, 1))[0]
            choice = self.rng.choices(list(CHOICES), weights=(3, 6, 1))[0]
            if path == "discord":
                await self.vote_in_discord(person, pid, choice)
            elif path == "direct":
                await self.vote_directly(person, pid, choice)
        await asyncio.to_thread(self.world.node.mine, VOTING_BLOCKS + 1)

    async def _propose(self) -> int | None:
        listed = await self.listed()
        pending = {cid for kind, cid in self._open_proposals() if kind == "delist"}
        candidates = [cid for cid in listed if cid not in pending]
        carol = self.world.people["carol"].discord
        before = await asyncio.to_thread(lambda: self.world.w3.eth.block_number)
        if len(candidates) >= 3 or (len(candidates) >= 2 and self.rng.random() < 0.4):
            cid = self.rng.choice(candidates)
            kind, command = "delist", ("classifier delist", {"classifier_id": cid, "reason": "Soak: labels drift"})
        else:
            self._listed_names += 1
            owner = self.rng.choice(self.people).address
            options = {"name": f"soak-{self._listed_names}", "owner": owner, "model_hash": "0x" + "cd" * 32,
                       "shares": 1_000}
            kind, cid, command = "list", 0, ("classifier list", options)
        try:
            reply = await (await carol.slash(command[0], command[1])).response(timeout=40)
            text = reply.content
        except TimeoutError:
            text = ""
        pid = await self._proposal_id(text, before)
        if pid is None:
            self.tally.add("proposal refused")
            return None
        self.proposals[pid] = (kind, cid)
        self.tally.add(f"proposal:{kind}")
        return pid

    async def _proposal_id(self, text: str, before: int) -> int | None:
        match = PROPOSAL_ID.search(text)
        if match:
            return int(match.group(1))

        def created() -> list[int]:  # the reply was lost; the proposal may exist all the same
            if self.world.w3.eth.block_number <= before:
                return []
            logs = self.world.c.governor.events.ProposalCreated().get_logs(from_block=before + 1)
            return [int(e["args"]["proposalId"]) for e in logs]

        found = [p for p in await asyncio.to_thread(created) if p not in self.proposals]
        return found[-1] if found else None

    def _open_proposals(self) -> list[tuple[str, int]]:
        return list(self.proposals.values())

    async def _has_voted(self, pid: int, person: Person) -> bool:
        call = self.world.c.governor.functions.hasVoted(pid, person.address).call
        return bool(await asyncio.to_thread(call))

    async def vote_in_discord(self, person: Person, pid: int, choice: str) -> None:
        """/vote, then the signing page; a failure (a fault, a restart) is retried like a member would."""
        for _attempt in range(3):
            status = await self._vote_once(person, pid, choice)
            if status == 200 or await self._has_voted(pid, person):
                self.tally.add("vote:discord")
                return
            self.tally.add("vote retried")
        self.tally.add("vote given up")

    async def _vote_once(self, person: Person, pid: int, choice: str) -> int:
        try:
            result = await person.discord.slash("vote", proposal=str(pid), choice=choice)
            match = LINK.search((await result.response(timeout=20)).content)
            if match is None:
                return 0
            done = await sign_on_page(self.world.base_url, match.group(1), person.key)
            return int(done.get("status", 0))
        except (TimeoutError, OSError, aiohttp.ClientError):
            return 0

    async def vote_directly(self, person: Person, pid: int, choice: str) -> None:
        state = await asyncio.to_thread(self.world.c.governor.functions.state(pid).call)
        if int(state) != ACTIVE or await self._has_voted(pid, person):
            return
        fn = self.world.c.governor.functions.castVoteWithReason(pid, CHOICES[choice], "voted elsewhere")
        await self._send("vote", fn, person.address)
        self.tally.add("vote:direct")


def _link(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1)
